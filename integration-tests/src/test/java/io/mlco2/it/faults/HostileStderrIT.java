package io.mlco2.it.faults;

import com.fasterxml.jackson.databind.JsonNode;
import io.mlco2.it.jobs.HostileStderrJob;
import io.mlco2.it.support.ChildJvm;
import io.mlco2.it.support.Reports;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * docs/RELIABILITY.md, "the application's stderr": a job that replaces {@code System.err} with a stream that
 * blocks for good, with {@code null}, or with one that throws, still exits on its own, and the agent still writes
 * every report and its summary line (on the JVM's own stderr, which the agent writes instead of
 * {@code System.err}).
 */
class HostileStderrIT {

    @ParameterizedTest
    @ValueSource(strings = {"blocking", "null", "throwing"})
    void theJobExitsAndEveryReportIsWritten(String mode, @TempDir Path work) throws Exception {
        Path out = work.resolve("r");
        // Before the agent wrote fd 2 itself, "blocking" never exited (the child was killed at this timeout) and
        // "null"/"throwing" lost every report: the agent's threads died of the stream's exceptions.
        ChildJvm.Result r = new ChildJvm().workDir(work).timeoutSeconds(60)
                .withAgent("interval=100ms;output.dir=" + out)
                .run(HostileStderrJob.class.getName(), mode, "1500");
        assertEquals(0, r.exitCode(), r.all());
        assertEquals("HOSTILE JOB DONE true\n", r.stdout());
        String err = r.stderr();
        assertFalse(err.contains("UncaughtExceptionHandler"), err);
        assertFalse(err.contains("Exception in thread \"mlco2"), err);
        assertTrue(err.lines().anyMatch(l -> l.startsWith("[mlco2] run ")), "summary line on the JVM's stderr: " + err);
        List<Map<String, String>> rows = Reports.rows(out.resolve("emissions.csv"));
        assertEquals(1, rows.size(), err);
        assertTrue(Double.parseDouble(rows.get(0).get("cpu_energy")) > 0, rows.toString());
        try (var s = Files.list(out)) {
            List<Path> json = s.filter(p -> p.toString().endsWith(".json")).toList();
            assertEquals(1, json.size(), json.toString());
            JsonNode j = Reports.json(json.get(0));
            assertTrue(j.get("energy_kwh").get("total").asDouble() > 0, j.toString());
        }
    }
}
