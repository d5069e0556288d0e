package io.mlco2.it.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** A short JVM pushes its final values at exit to a real Pushgateway (Debian's {@code prometheus-pushgateway}). */
class PushgatewayExitIT {

    @TempDir
    Path dir;

    /** The value of {@code metric} whose labels include every one of {@code labels} ({@code name="value"}). */
    static double value(String exposition, String metric, String... labels) {
        Matcher m = Pattern.compile("(?m)^" + metric + "\\{([^}]*)} (\\S+)$").matcher(exposition);
        while (m.find()) {
            String found = "," + m.group(1) + ",";
            boolean all = true;
            for (String l : labels) {
                all &= found.contains("," + l + ",");
            }
            if (all) {
                return Double.parseDouble(m.group(2));
            }
        }
        throw new AssertionError(metric + " with " + List.of(labels) + " not in:\n" + exposition);
    }

    @Test
    void aShortJobPushesItsFinalValuesAtExitGroupedByJobRunAndNode() throws Exception {
        Path binary = LocalServer.binary("prometheus-pushgateway");
        assumeTrue(binary != null, "no prometheus-pushgateway binary on the PATH (Debian package "
                + "prometheus-pushgateway; .ci/run installs it)");
        // Debian's default keeps every group in /var/lib/prometheus: this gateway keeps its own, in the test's folder.
        try (LocalServer gateway = LocalServer.start(binary, dir,
                List.of("--persistence.file=" + dir.resolve("pushgateway.data")))) {
            Path reports = dir.resolve("job").resolve("reports");
            AgentJvm jvm = AgentJvm.start(dir.resolve("job"), "mlco2.run-id=push-exit;mlco2.output.dir=" + reports
                    + ";mlco2.metrics.pushgateway.url=" + gateway.base, "io.mlco2.it.metrics.IdleJob", "800");
            assertEquals(0, jvm.await(120), jvm.stderr());
            assertTrue(jvm.stdout().contains("IDLE DONE"));
            assertTrue(!jvm.stderr().contains("Pushgateway"), "no failure line:\n" + jvm.stderr());
            // The group, as the gateway lists it.
            JsonNode groups = new ObjectMapper().readTree(gateway.get("/api/v1/metrics").body()).get("data");
            assertEquals(1, groups.size(), groups.toString());
            JsonNode labels = groups.get(0).get("labels");
            assertEquals("mlco2", labels.get("job").asText());
            assertEquals("push-exit", labels.get("run_id").asText());
            String node = labels.get("node").asText();
            assertTrue(node.endsWith("-" + jvm.process.pid()), node);
            // The values: the final ones, the same as the report's (the push follows the last sample).
            String metrics = gateway.get("/metrics").body();
            double cpu = value(metrics, "mlco2_energy_joules_total", "component=\"cpu\"", "job=\"mlco2\"",
                    "run_id=\"push-exit\"", "node=\"" + node + "\"");
            double reportCpu = PrometheusFileSdIT.cpuJoules(reports);
            assertTrue(reportCpu > 0, "the report measured CPU energy");
            assertEquals(reportCpu, cpu, reportCpu * 1e-9, "pushed CPU energy vs the JSON report (J)");
        }
    }

    @Test
    void aGatewayThatIsNotThereIsOneLineAndTheJobEndsNormally() throws Exception {
        int closed = LocalServer.freePort();
        AgentJvm jvm = AgentJvm.start(dir, "mlco2.run-id=push-none;mlco2.metrics.pushgateway.url=http://127.0.0.1:"
                + closed, "io.mlco2.it.metrics.IdleJob", "300");
        assertEquals(0, jvm.await(60), jvm.stderr());
        assertTrue(jvm.stdout().contains("IDLE DONE"));
        String err = jvm.stderr();
        assertEquals(1, err.lines().filter(l -> l.contains("Pushgateway")).count(), err);
        assertTrue(java.nio.file.Files.isDirectory(dir.resolve("mlco2-reports")), "reports written");
    }
}
