package io.mlco2.tracker.cli;

import io.mlco2.tracker.html.RunReportPageTest;
import io.mlco2.tracker.report.EmissionsCsv;
import io.mlco2.tracker.report.RunSummary;
import io.mlco2.tracker.report.SummaryJson;
import io.mlco2.tracker.base.Log;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReportCommandTest {

    @TempDir
    Path tmp;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return Cli.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private static void write(RunSummary s, Path dir) throws Exception {
        Files.createDirectories(dir);
        SummaryJson.write(s, dir);
        EmissionsCsv.append(s, dir, new Log(new PrintStream(OutputStream.nullOutputStream()), Log.Level.ERROR));
    }

    @Test
    void badArgumentsExitTwo() throws Exception {
        assertEquals(2, run("report"));
        assertTrue(err.toString().contains("missing DIR"), err.toString());
        assertEquals(2, run("report", tmp.resolve("missing").toString()));
        assertTrue(err.toString().contains("not a directory"));
        Path file = Files.writeString(tmp.resolve("f.txt"), "x");
        assertEquals(2, run("report", file.toString()));
        assertEquals(2, run("report", "--html"));
        assertEquals(2, run("report", "--bogus", tmp.toString()));
    }

    @Test
    void mergesNodesByRunIdAndSkipsMalformedFiles() throws Exception {
        RunSummary a = RunReportPageTest.summary("proj-a", Map.of());
        write(a, tmp.resolve("node-1"));
        write(a, tmp.resolve("node-2"));
        RunSummary b = RunReportPageTest.summary("proj-b", Map.of());
        write(b, tmp.resolve("node-3"));
        // A truncated summary, a JSON that is not ours, and a torn emissions.csv row.
        Files.writeString(tmp.resolve("node-3/broken.json"), "{\"run_id\": \"x\", \"energy_kwh\": {\"cpu\": 0.1");
        Files.writeString(tmp.resolve("node-3/other.json"), "{\"hello\": 1}");
        Path csv4 = tmp.resolve("node-4/emissions.csv");
        Files.createDirectories(csv4.getParent());
        Files.writeString(csv4, EmissionsCsv.HEADER_LINE + "\n" + EmissionsCsv.row(b).replace(b.runId(), "csv-only")
                + "\n" + "2026-01-01T00:00:00,proj,torn,", StandardOpenOption.CREATE);
        Path html = tmp.resolve("out/merged.html");

        int code = run("report", "--html", html.toString(), tmp.resolve("node-1").toString(),
                tmp.resolve("node-2").toString(), tmp.resolve("node-3").toString(), tmp.resolve("node-4").toString());

        String o = out.toString();
        String e = err.toString();
        assertEquals(0, code, o + e);
        assertTrue(o.startsWith("3 run(s), 4 node report(s)"), o);
        assertTrue(o.contains("; 3 skipped"), o);
        assertTrue(e.contains("broken.json: not valid JSON"), e);
        assertTrue(e.contains("other.json: not an mlco2 run summary"), e);
        assertTrue(e.contains("node-4/emissions.csv:3: 4 fields instead of 39"), e);
        double kwhA = a.totalEnergyKwh();
        String runA = o.lines().filter(l -> l.trim().startsWith(a.runId())).findFirst().orElseThrow();
        assertTrue(runA.matches("\\s*" + a.runId() + "\\s+proj-a\\s+2\\s+.*"), runA);
        assertTrue(runA.contains(String.format(java.util.Locale.ROOT, "%.6f", 2 * kwhA)), runA);
        assertTrue(o.contains("csv-only"), o);
        assertTrue(o.contains("?/node-4"), o);
        assertTrue(Files.isRegularFile(html));
        String page = Files.readString(html);
        assertTrue(page.contains("proj-a") && page.contains("Skipped (3)"));
        assertFalse(page.contains("<script>alert"));
    }

    @Test
    void nothingFoundExitsOne() {
        assertEquals(1, run("report", "--no-html", tmp.toString()));
        assertTrue(err.toString().contains("no run found"));
    }
}
