package io.mlco2.tracker.carbon;

import io.mlco2.tracker.base.Log;
import io.mlco2.tracker.config.Config;
import io.mlco2.tracker.energy.Component;
import io.mlco2.tracker.format.Csv;
import io.mlco2.tracker.report.RunSummary;
import io.mlco2.tracker.report.SummaryJson;
import io.mlco2.tracker.runtime.FakePower.ConstantPower;
import io.mlco2.tracker.runtime.FakePower.GrowingPower;
import io.mlco2.tracker.runtime.Tracker;
import io.mlco2.tracker.runtime.Trackers;
import io.mlco2.tracker.timeseries.SamplesCsv;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Emissions integrated over a changing intensity ({@code source=file}), through a whole run on a virtual clock:
 * the summary's emissions against the integral computed here from the file's steps and the source's power, the
 * share of energy per source, the sample file's column; and a constant source gives exactly today's figures.
 */
class IntensityOverTimeTest {

    static final long S = 1_000_000_000L;
    /** Trackers.of's grid: France at 100 g/kWh. */
    static final double YEARLY = 100;

    final AtomicLong clock = new AtomicLong(0);
    final ByteArrayOutputStream err = new ByteArrayOutputStream();
    final Log log = new Log(new PrintStream(err, true, StandardCharsets.UTF_8), Log.Level.INFO);

    private Config config(Path out, String more) {
        return Config.load("output.dir=" + out + ";run-id=r;report.html=false;pue=1.3" + more, Map.of(), Map.of(), log);
    }

    private static void awaitLoaded(Tracker t) throws InterruptedException {
        long until = System.nanoTime() + 10 * S;
        while (!t.carbon().provider().knownUntil().equals(Instant.MAX) && System.nanoTime() < until) {
            Thread.sleep(5);
        }
        assertEquals(Instant.MAX, t.carbon().provider().knownUntil(), "file read");
    }

    /** Samples every {@code stepNanos} until {@code endNanos} (the last one at the end), then stops. */
    private RunSummary run(Tracker t, long stepNanos, long endNanos) {
        while (clock.get() < endNanos) {
            t.sample();
            clock.set(Math.min(endNanos, clock.get() + stepNanos));
        }
        t.sample();
        return t.stop();
    }

    private static double relative(double expected, double actual) {
        return Math.abs(actual - expected) / Math.abs(expected);
    }

    @Test
    void aChangingIntensityGivesTheIntegralOfPowerTimesIntensity(@TempDir Path out) throws Exception {
        // Unsorted rows, a header, a comment, bad lines, and a gap: no value before 5 s (the yearly average there).
        Path file = out.resolve("grid.csv");
        Files.writeString(file, String.join("\n",
                "timestamp,g_per_kwh",
                "1970-01-01T00:00:20Z,350",
                "# exported by hand",
                "1970-01-01T00:00:05Z,200",
                "1970-01-01T00:00:12.25Z,40",
                "yesterday,300",
                "1970-01-01T00:00:30+00:00,80",
                "1970-01-01T00:00:31Z,-4",
                "1970-01-01 00:00:33Z,500",
                "1970-01-01T00:00:35,90",
                ""));
        double watts = 42;
        Tracker t = Trackers.of(config(out, ";carbon-intensity.source=file;carbon-intensity.file=" + file), log,
                List.of(new ConstantPower(Component.CPU, watts)), clock::get);
        SamplesCsv.install(t);
        t.carbon().start();
        awaitLoaded(t);
        RunSummary s = run(t, 700_000_000L, 40 * S); // samples every 0.7 s: none on a step's boundary

        // The oracle: power x the step function's integral over [0, 40] s, in joules x g/kWh.
        double[][] steps = {{0, 5, YEARLY}, {5, 12.25, 200}, {12.25, 20, 40}, {20, 30, 350}, {30, 33, 80}, {33, 40, 500}};
        double jouleGrams = 0;
        for (double[] st : steps) {
            jouleGrams += watts * (st[1] - st[0]) * st[2];
        }
        double expectedKg = jouleGrams / 3.6e6 * 1.3 / 1000;
        assertTrue(relative(expectedKg, s.emissionsKg()) < 1e-9, expectedKg + " vs " + s.emissionsKg());
        assertEquals(watts * 40, s.totalEnergyJoules(), 1e-6);
        assertTrue(relative(jouleGrams / (watts * 40), s.intensity().gramsPerKwh()) < 1e-9, "energy-weighted mean");

        @SuppressWarnings("unchecked")
        Map<String, Object> section = (Map<String, Object>) s.extra().get("carbon_intensity_over_time");
        assertEquals("file", section.get("source"));
        @SuppressWarnings("unchecked")
        Map<String, Object> share = (Map<String, Object>) section.get("energy_share");
        assertEquals(5.0 / 40, (Double) share.get("yearly-average"), 1e-12);
        assertEquals(35.0 / 40, (Double) share.get("file"), 1e-12);
        assertEquals(35.0 / 40, (Double) section.get("time_coverage"), 1e-12);
        assertEquals(40.0, (Double) section.get("min_g_per_kwh") + 0, 1e-9);
        assertEquals(500.0, (Double) section.get("max_g_per_kwh"), 1e-9);
        @SuppressWarnings("unchecked")
        Map<String, Object> yearly = (Map<String, Object>) section.get("yearly_average");
        assertEquals(watts * 40 / 3.6e6 * 1.3 * YEARLY / 1000, (Double) yearly.get("emissions_kg"), 1e-15);

        // Bad lines: one line each, naming the line; the zone-less timestamp too.
        String lines = err.toString(StandardCharsets.UTF_8);
        assertTrue(lines.contains("line 6: 'yesterday,300'"), lines);
        assertTrue(lines.contains("line 8: '1970-01-01T00:00:31Z,-4'"), lines);
        assertTrue(lines.contains("line 10: '1970-01-01T00:00:35,90'"), lines);
        assertFalse(lines.contains("line 9:"), "a space for the T is accepted: " + lines);
        assertTrue(lines.contains("no value for 5 s of the run's 40 s"), lines);

        // The sample file: each row's intensity is the step function's mean over its interval.
        List<String> rows = Files.readAllLines(SamplesCsv.fileFor(out, "r", t.node().nodeId()));
        int col = SamplesCsv.HEADER.indexOf(SamplesCsv.INTENSITY_COLUMN);
        for (String row : rows.subList(2, rows.size())) {
            List<String> f = Csv.parseLine(row);
            double end = Double.parseDouble(f.get(1));
            double start = Math.max(0, Math.round((end - 0.7) * 1e6) / 1e6);
            if (end == 40 && start < 39.5) {
                start = 39.2;
            }
            double integral = 0;
            for (double[] st : steps) {
                integral += Math.max(0, Math.min(end, st[1]) - Math.max(start, st[0])) * st[2];
            }
            if (end > start) {
                assertEquals(integral / (end - start), Double.parseDouble(f.get(col)), 1e-6, row);
            }
        }
        assertTrue(rows.get(rows.size() - 2).endsWith(",500.0"), rows.get(rows.size() - 2));
    }

    @Test
    void aGrowingPowerOverStepsOnSampleTimesGivesEachStepsEnergyTimesItsIntensity(@TempDir Path out) throws Exception {
        Path file = out.resolve("grid.csv");
        Files.writeString(file, "1969-12-31T23:00:00Z,120\n1970-01-01T00:01:00Z,480\n1970-01-01T00:02:30Z,15\n");
        GrowingPower gpu = new GrowingPower(150, 0.8);
        Tracker t = Trackers.of(config(out, ";carbon-intensity.source=file;carbon-intensity.file=" + file), log,
                List.of(gpu), clock::get);
        t.carbon().start();
        awaitLoaded(t);
        RunSummary s = run(t, 2 * S, 200 * S);
        double jouleGrams = (gpu.joules(60) - gpu.joules(0)) * 120 + (gpu.joules(150) - gpu.joules(60)) * 480
                + (gpu.joules(200) - gpu.joules(150)) * 15;
        double expectedKg = jouleGrams / 3.6e6 * 1.3 / 1000;
        assertTrue(relative(expectedKg, s.emissionsKg()) < 1e-9, expectedKg + " vs " + s.emissionsKg());
        @SuppressWarnings("unchecked")
        Map<String, Object> share = (Map<String, Object>) ((Map<String, Object>) s.extra().get("carbon_intensity_over_time"))
                .get("energy_share");
        assertEquals(Map.of("file", 1.0), share);
    }

    @Test
    void theHtmlReportDrawsTheIntensityBesideThePowerOnlyWhenItChanges(@TempDir Path out) throws Exception {
        Path file = out.resolve("grid.csv");
        Files.writeString(file, "1970-01-01T00:00:00Z,123\n1970-01-01T00:00:10Z,456\n");
        Tracker t = Trackers.of(Config.load("output.dir=" + out + ";run-id=h;carbon-intensity.source=file;"
                + "carbon-intensity.file=" + file, Map.of(), Map.of(), log), log, List.of(new ConstantPower(Component.CPU, 10)), clock::get);
        io.mlco2.tracker.html.HtmlReportWriter.install(t);
        t.carbon().start();
        awaitLoaded(t);
        run(t, S, 20 * S);
        String html = Files.readString(io.mlco2.tracker.report.ReportFiles.file(out, "h", t.node().nodeId(), ".html"));
        assertTrue(html.contains("Grid carbon intensity (g CO2eq/kWh)"), html);
        assertTrue(html.contains("\"name\":\"intensity\""), html);
        assertTrue(html.contains("\"max\":[123.0") || html.contains("\"min\":[123.0"), html);
        assertTrue(html.contains("456.0"), html);
        assertTrue(html.contains("Energy by source"), html);
        // 10 W for 20 s, 123 g/kWh for the first 10 s and 456 after: the mean the components are counted at
        double mean = (10 * 10 * 123 + 10 * 10 * 456) / (10.0 * 20);
        assertTrue(html.contains("(" + io.mlco2.tracker.html.Html.sig(123) + "-" + io.mlco2.tracker.html.Html.sig(456)
                + " gCO2eq/kWh): the total emissions are integrated over time; those by component apply the"
                + " energy-weighted mean of the run (" + io.mlco2.tracker.html.Html.sig(mean) + " gCO2eq/kWh)"), html);

        clock.set(0);
        Tracker d = Trackers.of(Config.load("output.dir=" + out + ";run-id=d", Map.of(), Map.of(), log), log,
                List.of(new ConstantPower(Component.CPU, 10)), clock::get);
        io.mlco2.tracker.html.HtmlReportWriter.install(d);
        run(d, S, 20 * S);
        String plain = Files.readString(io.mlco2.tracker.report.ReportFiles.file(out, "d", d.node().nodeId(), ".html"));
        assertFalse(plain.contains("Grid carbon intensity"), "the default draws no flat line");
        assertFalse(plain.contains("Energy by source"));
        assertFalse(plain.contains("energy-weighted mean"), "one intensity throughout: the components' emissions are exact");
    }

    @Test
    void aConstantSourceGivesExactlyTheFiguresOfAConstantIntensity(@TempDir Path out) throws Exception {
        Path file = out.resolve("grid.csv");
        Files.writeString(file, "1960-01-01T00:00:00Z," + YEARLY + "\n");
        Tracker constant = Trackers.of(config(out.resolve("a"), ""), log,
                List.of(new ConstantPower(Component.CPU, 37.3), new GrowingPower(90, 0.31)), clock::get);
        RunSummary a = run(constant, 333_333_333L, 77 * S);
        clock.set(0);
        Tracker overTime = Trackers.of(config(out.resolve("b"), ";carbon-intensity.source=file;carbon-intensity.file=" + file),
                log, List.of(new ConstantPower(Component.CPU, 37.3), new GrowingPower(90, 0.31)), clock::get);
        overTime.carbon().start();
        awaitLoaded(overTime);
        RunSummary b = run(overTime, 333_333_333L, 77 * S);

        assertNull(a.extra().get("carbon_intensity_over_time"), "the default adds nothing");
        assertEquals(YEARLY, a.intensity().gramsPerKwh());
        Map<String, Object> ja = SummaryJson.toMap(a);
        Map<String, Object> jb = SummaryJson.toMap(b);
        for (String k : List.of("carbon_intensity_source", "configuration", "carbon_intensity_over_time")) {
            ja.remove(k);
            jb.remove(k);
        }
        assertEquals(ja, jb, "every figure unchanged");
        assertEquals(Double.doubleToLongBits(a.emissionsKg()), Double.doubleToLongBits(b.emissionsKg()));
        // And today's formula, computed here.
        assertEquals(a.totalEnergyJoules() / 3.6e6 * 1.3 * YEARLY / 1000, a.emissionsKg(), 1e-18);
    }
}
