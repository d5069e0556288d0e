package io.mlco2.it.epochs;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * DL4J 1.0.0-M2.1 epochs from an unchanged training job, in a child JVM on DL4J's own class path: also the agent's
 * real-world isolation test, since DL4J brings OSHI 3.4.2 and JNA 4.3.0 that the job uses beside the agent's.
 */
class Dl4jEpochsIT {

    /**
     * The job may reach {@code fit} before the agent has woven its hooks (the first epoch is then recovered and the
     * planned count of the running call is unknown), so {@code mlco2.epochs} gives the planned count.
     */
    @Test
    void threeEpochsGiveThreeRowsAForecastAndTheAppsOshiStillWorks(@TempDir Path dir) throws Exception {
        EpochRun r = EpochRun.run(dir, "dl4j-epochs", "mlco2.epochs=3", EpochRun.dl4jClassPath(),
                "io.mlco2.it.jobs.Dl4jTrainingJob", "3", "2048");
        r.assertEpochRows(3);
        r.assertForecast(1, 3, "mlco2.epochs", 3);
        assertTrue(r.stdout.matches("(?s).*OSHI 3\\.4\\.2 processor: \\S.*"), "the app's own OSHI 3.4.2 works\n" + r.describe());
        assertTrue(r.stdout.contains("TRAINING DONE epochs=3"), r.describe());
        assertEquals("DL4J 1.0.0-M2.1", r.summary().get("epochs").get("frameworks").get(0).asText(), r.describe());
        r.assertQuietStderr();
        assertFalse(r.stderr.contains("NoSuchMethodError") || r.stderr.contains("LinkageError"), r.describe());
    }

    /** Started once the agent is ready, DL4J's own {@code fit(iterator, 3)} gives the planned count. */
    @Test
    void plannedEpochsComeFromFit(@TempDir Path dir) throws Exception {
        EpochRun r = EpochRun.run(dir, "dl4j-planned", "", EpochRun.dl4jClassPath(),
                "io.mlco2.it.jobs.Dl4jAfterAgentJob", "3", "1024");
        r.assertEpochRows(3);
        r.assertForecast(1, 3, "DL4J fit(iterator, 3)", 3);
    }

    /**
     * SIGTERM in epoch 2 (0.6 s into it; an epoch of this size takes 2 s or more here): epoch 1 is a complete row,
     * epoch 2 a row marked incomplete up to the last sample, in the CSV and the summary; the epoch rows and the energy
     * outside epochs add up to the run's total, summed here from the files.
     */
    @Test
    void sigtermInAnEpochLeavesAPartialRowAndEveryJouleAttributed(@TempDir Path dir) throws Exception {
        EpochRun r = EpochRun.runAndTerminate(dir, "dl4j-sigterm", "mlco2.epochs=5", EpochRun.dl4jClassPath(),
                "io.mlco2.it.jobs.Dl4jTrainingJob", "epoch 1 done", 600, "5", "32768");
        assertEquals(143, r.exitCode, "the job ended by SIGTERM (128 + 15), the agent kept its exit code\n" + r.describe());
        List<String[]> csv = r.epochsCsv();
        List<String> header = List.of(csv.get(0));
        int phase = header.indexOf("phase");
        int complete = header.indexOf("complete");
        int energy = header.indexOf("energy_kwh");
        List<String> completeColumn = new ArrayList<>();
        double epochsKwh = 0;
        for (String[] row : csv.subList(1, csv.size())) {
            if (row[phase].equals("epoch")) {
                completeColumn.add(row[complete]);
                epochsKwh += Double.parseDouble(row[energy]);
            }
        }
        assertEquals(List.of("true", "false"), completeColumn, "epoch 1 ran to its end, epoch 2 did not\n" + r.describe());
        JsonNode s = r.summary();
        JsonNode e = s.get("epochs");
        assertEquals(1, e.get("completed_epochs").asInt());
        assertEquals(1, e.get("partial_epochs").asInt());
        assertFalse(e.get("rows").get(1).get("complete").asBoolean());
        assertTrue(e.get("rows").get(1).get("energy_kwh").get("total").asDouble() > 0, "the partial epoch has energy");
        double total = s.get("energy_kwh").get("total").asDouble();
        double outside = e.get("outside_epochs_energy_kwh").asDouble();
        assertEquals(total, epochsKwh + outside, total * 1e-6, "epoch rows + outside = the run's total\n" + r.describe());
    }
}
