package io.mlco2.it.epochs;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

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
}
