package io.mlco2.it.epochs;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code Mlco2.phase} from code that is neither DJL nor DL4J, with and without the agent. */
class PhaseApiIT {

    @Test
    void withTheAgentPhasesBecomeRowsAndEpochsAreNumbered(@TempDir Path dir) throws Exception {
        // Only the test classes: the -javaagent jar itself provides the API class, as it does for a user.
        EpochRun r = EpochRun.run(dir, "phases", "mlco2.epochs=3;mlco2.budget.kg=0", EpochRun.testClasses(),
                "io.mlco2.it.jobs.PhaseJob", "true");
        assertTrue(r.stdout.contains("attached=true"), r.describe());
        for (int i = 1; i <= 3; i++) {
            assertTrue(r.stdout.contains("in epoch " + i), r.describe());
        }
        r.assertEpochRows(3);
        r.assertForecast(1, 3, "mlco2.epochs", 3);
        assertTrue(r.stderr.contains("WARN: BUDGET: the forecast"), "budget warning\n" + r.describe());
        List<String[]> csv = r.epochsCsv();
        long validations = csv.stream().filter(row -> row[1].equals("validation")).count();
        assertEquals(3, validations, r.describe());
        // A validation ends, and so is written, before the epoch it belongs to: it carries that epoch.
        List<Integer> validationEpochs = new java.util.ArrayList<>();
        for (JsonNode row : r.summary().get("epochs").get("rows")) {
            if (row.get("phase").asText().equals("validation")) {
                validationEpochs.add(row.get("epoch").asInt());
            }
        }
        assertEquals(List.of(1, 2, 3), validationEpochs, "each validation is tagged with its epoch");
    }

    @Test
    void withoutTheAgentTheApiDoesNothing(@TempDir Path dir) throws Exception {
        // The API on the class path as a dependency (the agent jar), no -javaagent.
        EpochRun r = EpochRun.run(dir, "none", null, EpochRun.testClasses() + File.pathSeparator + EpochRun.agentJar(),
                "io.mlco2.it.jobs.PhaseJob", "false");
        assertEquals(0, r.exitCode, r.describe());
        assertTrue(r.stdout.contains("attached=false"), r.describe());
        assertTrue(r.stdout.contains("in epoch 0"), r.describe());
        assertTrue(r.stdout.contains("DONE"), r.describe());
        assertFalse(r.stderr.contains("[mlco2]"), r.describe());
        assertFalse(Files.exists(r.reports), "no report without the agent");
    }
}
