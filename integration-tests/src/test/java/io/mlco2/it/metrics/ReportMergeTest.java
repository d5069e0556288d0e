package io.mlco2.it.metrics;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Three runs written by three JVMs with the agent (two nodes of one distributed run, one other run), merged. */
class ReportMergeTest {

    @TempDir
    Path dir;

    /**
     * The machine energy a JVM counted, kWh: with the host lease, or without one to be had (docs/DISTRIBUTED.md);
     * the two JVMs of one run on this host count the machine once between them.
     */
    private static double machineKwh(Path json) throws Exception {
        com.fasterxml.jackson.databind.JsonNode h = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(json.toFile()).get("host_share");
        assertTrue(h != null && h.get("lease").isTextual(), json + ": no host_share section");
        return (h.get("machine_energy_joules_with_lease").asDouble()
                + h.get("machine_energy_joules_without_lease").asDouble()) / 3.6e6;
    }

    @Test
    void reportMergesThreeJvmsRunsPerRunProjectAndHost() throws Exception {
        // b holds the run's host lease from before a starts until after a ends (it rests until released), so a
        // counts its process share all along, whatever the machine's load does to their timing.
        Path release = dir.resolve("release-b");
        AgentJvm b = AgentJvm.start(dir.resolve("node-b"), "mlco2.run-id=dist-1;mlco2.project-name=bert;mlco2.region=FR",
                "io.mlco2.it.metrics.CpuWorkJob", "500", release.toString());
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(120);
        Path bReports = dir.resolve("node-b/mlco2-reports");
        while (!(b.stdout().contains("WORK DONE") && startSummaryWritten(bReports)) && b.process.isAlive()
                && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertTrue(b.stdout().contains("WORK DONE") && startSummaryWritten(bReports), b.stderr());
        AgentJvm a = AgentJvm.start(dir.resolve("node-a"), "mlco2.run-id=dist-1;mlco2.project-name=bert;mlco2.region=FR",
                "io.mlco2.it.jobs.DjlTrainingJob", "1", "1024", "0");
        AgentJvm c = AgentJvm.start(dir.resolve("node-c"), "mlco2.run-id=solo-2;mlco2.project-name=resnet;mlco2.region=SE",
                "io.mlco2.it.metrics.IdleJob", "1000");
        assertEquals(0, a.await(600), a.stderr());
        Files.createFile(release);
        assertEquals(0, b.await(600), b.stderr());
        assertEquals(0, c.await(600), c.stderr());
        // A node killed while writing: a truncated summary.
        Files.writeString(dir.resolve("node-c/mlco2-reports/killed.json"), "{\"run_id\":\"dist-1\",\"energy_kwh\":{");

        Path out = dir.resolve("report.out");
        Path err = dir.resolve("report.err");
        int code = AgentJvm.cli(dir, out, err, "report", "--html", "merged/mlco2-report.html", "node-a", "node-b", "node-c");
        String o = Files.readString(out);
        String e = Files.readString(err);
        assertEquals(0, code, o + e);
        assertTrue(o.startsWith("2 run(s), 3 node report(s)"), o);
        assertTrue(o.contains("; 1 skipped"), o);
        assertTrue(e.contains("killed.json: not valid JSON"), e);
        double dist = machineKwh(io.mlco2.it.support.Reports.file(dir.resolve("node-a/mlco2-reports"), "dist-1", ".json"))
                + machineKwh(io.mlco2.it.support.Reports.file(dir.resolve("node-b/mlco2-reports"), "dist-1", ".json"));
        String distLine = o.lines().filter(l -> l.trim().startsWith("dist-1 ")).findFirst().orElseThrow();
        assertTrue(distLine.matches("\\s*dist-1\\s+bert\\s+2\\s+.*"), distLine);
        assertTrue(distLine.contains(String.format(Locale.ROOT, "%.6f", dist)), distLine + " vs " + dist);
        assertTrue(o.contains("Per project:") && o.contains("resnet") && o.contains("Per host, then each node"), o);
        assertTrue(o.contains("run dist-1 on host ") && o.contains(": machine energy counted once, "), o);
        assertTrue(o.contains("share included in the host's machine energy"), o);
        Path html = dir.resolve("merged/mlco2-report.html");
        assertTrue(Files.isRegularFile(html));

        assertEquals(2, AgentJvm.cli(dir, out, err, "report", dir.resolve("nope").toString()));
        assertTrue(Files.readString(err).contains("not a directory"));
        assertEquals(2, AgentJvm.cli(dir, out, err, "report"));

        Assumptions.assumeTrue(HtmlReportChromiumTest.chromium() != null,
                "Chromium not installed (apt-get install -y chromium): merged HTML rendering not checked");
        HtmlReportChromiumTest.assertRenders(html, dir, "merged-report.png");
        HtmlReportChromiumTest.assertFitsTheViewport(html, dir);
    }

    /** The agent has started its run (and taken or tried its host lease): its summary at start is in {@code reports}. */
    private static boolean startSummaryWritten(Path reports) throws java.io.IOException {
        if (!Files.isDirectory(reports)) {
            return false;
        }
        try (java.util.stream.Stream<Path> files = Files.list(reports)) {
            return files.anyMatch(f -> f.getFileName().toString().endsWith(".json"));
        }
    }
}
