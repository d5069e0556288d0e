package io.mlco2.it.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A real Prometheus (Debian's {@code prometheus}) on 127.0.0.1 finds two agent JVMs of one run through
 * {@code file_sd}, each on a free port, and {@code sum by (run_id)} of their energy equals the sum of their JSON
 * reports. The JVMs run in {@code process} mode and rest after their work until each has been scraped: their CPU
 * energy then stays flat, so the last scrape before exit holds the final value (in machine mode the other processes
 * of the host keep it growing until the exit, after the last scrape).
 */
class PrometheusFileSdIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void twoJvmsOnFreePortsAreScrapedThroughFileSdAndTheirSumIsTheReports() throws Exception {
        Path prometheus = LocalServer.binary("prometheus");
        assumeTrue(prometheus != null, "no prometheus binary on the PATH (Debian package prometheus; .ci/run installs it)");
        Path sd = Files.createDirectories(dir.resolve("sd"));
        Path config = dir.resolve("prometheus.yml");
        // The README's scrape config, with 1 s intervals for a short test.
        Files.writeString(config, String.join("\n",
                "scrape_configs:",
                "  - job_name: mlco2",
                "    scrape_interval: 1s",
                "    honor_labels: true",
                "    file_sd_configs:",
                "      - files: ['" + sd + "/*.json']",
                "        refresh_interval: 1s",
                ""));
        try (LocalServer server = LocalServer.start(prometheus, dir, List.of("--config.file=" + config,
                "--storage.tsdb.path=" + dir.resolve("data"), "--log.level=warn"))) {
            Path release = dir.resolve("release");
            List<AgentJvm> jvms = new ArrayList<>();
            for (String name : List.of("a", "b")) {
                // 6 s of CPU each: the JVM's exit itself (some 1 J) and its rest between the last scrape and the
                // exit (some 0.4 W) stay under 1 % of it, however busy the machine.
                jvms.add(AgentJvm.start(dir.resolve(name), "mlco2.run-id=fleet;mlco2.tracking-mode=process;"
                        + "mlco2.output.dir=" + dir.resolve(name).resolve("reports") + ";"
                        + "mlco2.metrics.prometheus.file-sd-dir=" + sd, "io.mlco2.it.metrics.CpuWorkJob", "6000",
                        release.toString()));
            }
            // The work is done in both; then a scrape of each after that (Prometheus applies file_sd changes
            // within some 5-10 s), and the JVMs may exit.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            for (AgentJvm jvm : jvms) {
                while (!jvm.stdout().contains("WORK DONE") && jvm.process.isAlive() && System.nanoTime() < deadline) {
                    Thread.sleep(100);
                }
                assertTrue(jvm.stdout().contains("WORK DONE"), jvm.stderr());
            }
            double rested = System.currentTimeMillis() / 1000.0 + 1.5; // a sample (every 1 s) after the work
            String scrapedSince = "count(timestamp(mlco2_energy_joules_total{run_id=\"fleet\",component=\"cpu\"}) > "
                    + rested + ")";
            JsonNode scraped = query(server, scrapedSince);
            while ((scraped.size() == 0 || scraped.get(0).get("value").get(1).asInt() < 2) && System.nanoTime() < deadline) {
                Thread.sleep(250);
                scraped = query(server, scrapedSince);
            }
            assertEquals("2", scraped.size() == 0 ? "0" : scraped.get(0).get("value").get(1).asText(),
                    "both JVMs scraped after their work; Prometheus' log:\n" + server.log());
            Files.createFile(release);
            Set<String> expectedNodeSuffixes = new TreeSet<>();
            double reportsJoules = 0;
            for (AgentJvm jvm : jvms) {
                assertEquals(0, jvm.await(180), jvm.stderr());
                assertTrue(jvm.stderr().contains("Prometheus file_sd target " + sd), jvm.stderr());
                expectedNodeSuffixes.add("-" + jvm.process.pid());
                reportsJoules += cpuJoules(jvm.stdout.getParent().resolve("reports"));
            }
            try (Stream<Path> left = Files.list(sd)) {
                assertEquals(List.of(), left.toList(), "each JVM deletes its target file at exit");
            }
            // Both targets' series are stale once their files are gone: last_over_time reads their last scrape.
            String selector = "last_over_time(mlco2_energy_joules_total{run_id=\"fleet\",component=\"cpu\"}[10m])";
            JsonNode perNode = query(server, selector);
            Set<String> nodeSuffixes = new TreeSet<>();
            for (JsonNode series : perNode) {
                String node = series.get("metric").get("node").asText();
                nodeSuffixes.add(node.substring(node.lastIndexOf('-')));
            }
            assertEquals(expectedNodeSuffixes, nodeSuffixes, "one series per JVM, tagged node=<host>-<pid>: " + perNode);
            JsonNode sum = query(server, "sum by (run_id) (" + selector + ")");
            assertEquals(1, sum.size(), sum.toString());
            assertEquals("fleet", sum.get(0).get("metric").get("run_id").asText());
            double promJoules = Double.parseDouble(sum.get(0).get("value").get(1).asText());
            assertTrue(reportsJoules > 0, "the reports measured CPU energy");
            // The reports as of each JVM's last scrape: a counter read at a scrape holds the energy of the JVM's
            // latest sample, a row of its samples file; what the JVM used between its last scrape and its exit (the
            // idle floor of the CPU model while it waits) is in its JSON total only.
            double atLastScrapeJoules = 0;
            for (JsonNode series : query(server, "mlco2_energy_joules_total{run_id=\"fleet\",component=\"cpu\"}[10m]")) {
                String node = series.get("metric").get("node").asText();
                JsonNode values = series.get("values");
                double scrapedAt = values.get(values.size() - 1).get(0).asDouble();
                AgentJvm jvm = jvms.stream().filter(j -> node.endsWith("-" + j.process.pid())).findFirst().orElseThrow();
                atLastScrapeJoules += cpuJoulesAt(jvm.stdout.getParent().resolve("reports"), scrapedAt);
            }
            System.out.printf("file_sd fleet: Prometheus sum by (run_id) %.3f J, the two reports' samples at the last"
                            + " scrape %.3f J (%+.2f %%), their JSON totals at exit %.3f J%n", promJoules,
                    atLastScrapeJoules, (promJoules - atLastScrapeJoules) / atLastScrapeJoules * 100, reportsJoules);
            assertEquals(atLastScrapeJoules, promJoules, atLastScrapeJoules * 0.01,
                    "Prometheus' sum by run_id vs the sum of the two reports as of the last scrape (J)");
            assertTrue(reportsJoules >= promJoules - atLastScrapeJoules * 0.01, "the totals at exit hold at least as much");
        }
    }

    /**
     * The cumulative CPU energy (J) of the last row of the samples file in {@code reports} taken at or before
     * {@code epochSeconds}.
     */
    static double cpuJoulesAt(Path reports, double epochSeconds) throws Exception {
        Path samples;
        try (Stream<Path> files = Files.list(reports)) {
            samples = files.filter(f -> f.getFileName().toString().endsWith(".samples.csv")).findFirst().orElseThrow();
        }
        double joules = 0;
        for (java.util.Map<String, String> row : io.mlco2.it.support.Reports.rows(samples)) {
            java.time.Instant t = java.time.Instant.parse(row.get("time"));
            if (t.getEpochSecond() + t.getNano() / 1e9 <= epochSeconds + 0.01 && !row.get("cpu_energy_j").isEmpty()) {
                joules = Double.parseDouble(row.get("cpu_energy_j"));
            }
        }
        return joules;
    }

    /** The result vector of an instant query through Prometheus' HTTP API. */
    static JsonNode query(LocalServer server, String promql) throws Exception {
        String body = server.get("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8)).body();
        JsonNode r = JSON.readTree(body);
        assertEquals("success", r.get("status").asText(), body);
        return r.get("data").get("result");
    }

    /** The CPU energy of the JSON summary in {@code reports}, in joules. */
    static double cpuJoules(Path reports) throws Exception {
        List<Path> summaries;
        try (Stream<Path> files = Files.list(reports)) {
            summaries = files.filter(f -> f.getFileName().toString().endsWith(".json")).toList();
        }
        double joules = 0;
        int found = 0;
        for (Path f : summaries) {
            JsonNode s = JSON.readTree(f.toFile());
            if (s.has("energy_kwh")) {
                joules += s.get("energy_kwh").get("cpu").asDouble() * 3.6e6;
                found++;
            }
        }
        assertEquals(1, found, "one JSON summary in " + reports + ": " + summaries);
        return joules;
    }
}
