package io.mlco2.tracker.cli;

import io.mlco2.tracker.html.MergedReportPage;
import io.mlco2.tracker.html.RunReportPageTest;
import io.mlco2.tracker.report.EmissionsCsv;
import io.mlco2.tracker.report.RunSummary;
import io.mlco2.tracker.report.SummaryJson;
import io.mlco2.tracker.report.merge.EpochEnergyTest;
import io.mlco2.tracker.timeseries.SamplesCsv;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
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

    private static int count(String text, String part) {
        int n = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
            n++;
        }
        return n;
    }

    /** A samples file of {@code rows} rows at a constant CPU power, and {@code torn} extra lines cut short. */
    private static String samples(int rows, int torn) {
        StringBuilder s = new StringBuilder(String.join(",", SamplesCsv.HEADER)).append('\n');
        for (int i = 1; i <= rows; i++) {
            List<String> row = new ArrayList<>();
            for (String c : SamplesCsv.HEADER) {
                row.add(switch (c) {
                    case "time" -> "2026-01-01T00:00:" + (10 + i) + "Z";
                    case "elapsed_s" -> String.valueOf(i);
                    case "cpu_power_w" -> "100";
                    case "cpu_energy_j" -> String.valueOf(100 * i);
                    default -> "";
                });
            }
            s.append(String.join(",", row)).append('\n');
        }
        return s.append("2026-01-01T00:01:00Z,60,0,4000,9\n".repeat(torn)).toString();
    }

    /**
     * The HTML report has one power chart per node with a samples file, titled with its run and node; a torn line in
     * one is a note on stderr, a file that is not a samples file is a note and no chart; stdout ends with the page's
     * absolute path.
     */
    @Test
    void eachNodeWithSamplesHasAChartAndUnreadableSamplesAreANote() throws Exception {
        Path dir = tmp.resolve("reports");
        EpochEnergyTest.writeRun(dir); // nodes h1-1, h1-2, h2-3 of run "job"; h2-3's samples end in a torn line
        Files.writeString(dir.resolve("job2.h3-9.json"), ReportPerHostTest.summary("job2", "h3", 9, 0.5, 0.02));
        Files.writeString(dir.resolve("job2.h3-9" + SamplesCsv.SUFFIX), "x,y\n1,2\n");
        Files.writeString(dir.resolve("job3.h4-5.json"), ReportPerHostTest.summary("job3", "h4", 5, 0.5, 0.02));
        Path html = tmp.resolve("merged.html");

        int code = run("report", "--html", html.toString(), dir.toString());

        assertEquals(0, code, out + "" + err);
        List<String> o = out.toString(StandardCharsets.UTF_8).lines().toList();
        assertEquals("HTML report: " + html.toAbsolutePath(), o.get(o.size() - 1));
        Path real = dir.toRealPath();
        assertEquals(List.of("note: " + real.resolve("job.h2-3.samples.csv") + ": 1 malformed line(s) left out of the chart",
                        "note: " + real.resolve("job2.h3-9.samples.csv") + ": no chart (not a samples file (unexpected header))"),
                err.toString(StandardCharsets.UTF_8).lines().toList());
        String page = Files.readString(html);
        assertEquals(3, count(page, "<figure class=\"chart\">"), page);
        for (String node : List.of("h1-1", "h1-2", "h2-3")) {
            assertTrue(page.contains("<figcaption>job on " + node + " (W)</figcaption>"), node);
        }
        assertFalse(page.contains("more node chart(s) left out"), page);
    }

    /**
     * Past {@link MergedReportPage#MAX_CHARTS} nodes with samples, the page draws that many charts and says how many
     * it left out; the files of those left out are not read (a torn line in one is no note).
     */
    @Test
    void chartsPastTheLimitAreCountedNotRead() throws Exception {
        int nodes = MergedReportPage.MAX_CHARTS + 3;
        Path dir = tmp.resolve("reports");
        Files.createDirectories(dir);
        for (int i = 1; i <= nodes; i++) {
            String stem = String.format(Locale.ROOT, "job.h-%03d", i);
            Files.writeString(dir.resolve(stem + ".json"), ReportPerHostTest.summary("job", "h", i, 0.001, 0.0001));
            Files.writeString(dir.resolve(stem + SamplesCsv.SUFFIX), samples(3, i == MergedReportPage.MAX_CHARTS + 1 ? 1 : 0));
        }
        Path html = tmp.resolve("merged.html");

        assertEquals(0, run("report", "--html", html.toString(), dir.toString()), out + "" + err);

        assertEquals("", err.toString(StandardCharsets.UTF_8));
        String page = Files.readString(html);
        assertEquals(MergedReportPage.MAX_CHARTS, count(page, "<figure class=\"chart\">"));
        assertTrue(page.contains("<figcaption>job on h-" + MergedReportPage.MAX_CHARTS + " (W)</figcaption>"));
        assertFalse(page.contains("<figcaption>job on h-" + (MergedReportPage.MAX_CHARTS + 1) + " (W)</figcaption>"));
        assertTrue(page.contains((nodes - MergedReportPage.MAX_CHARTS) + " more node chart(s) left out."), page);
    }

    /** The HTML report cannot be written (its folder is a file): exit 1, one line naming it; the tables are printed. */
    @Test
    void anHtmlReportThatCannotBeWrittenExitsOne() throws Exception {
        Path dir = tmp.resolve("reports");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("job.h-1.json"), ReportPerHostTest.summary("job", "h", 1, 0.5, 0.02));
        Path html = Files.writeString(tmp.resolve("a-file"), "x").resolve("merged.html");

        assertEquals(1, run("report", "--html", html.toString(), dir.toString()));

        List<String> e = err.toString(StandardCharsets.UTF_8).lines().toList();
        assertEquals(1, e.size(), e.toString());
        assertTrue(e.get(0).startsWith("could not write " + html + ": "), e.get(0));
        String o = out.toString(StandardCharsets.UTF_8);
        assertTrue(o.startsWith("1 run(s), 1 node report(s)") && o.contains("Total: 0.500000 kWh"), o);
        assertFalse(o.contains("HTML report:"), o);
    }
}
