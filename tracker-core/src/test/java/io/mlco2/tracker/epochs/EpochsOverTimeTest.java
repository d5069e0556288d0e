package io.mlco2.tracker.epochs;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.mlco2.tracker.base.Log;
import io.mlco2.tracker.config.Config;
import io.mlco2.tracker.energy.Component;
import io.mlco2.tracker.energy.EnergySource;
import io.mlco2.tracker.format.Csv;
import io.mlco2.tracker.metrics.TrackerMetrics;
import io.mlco2.tracker.report.RunSummary;
import io.mlco2.tracker.runtime.FakePower.ConstantPower;
import io.mlco2.tracker.runtime.FakePower.GrowingPower;
import io.mlco2.tracker.runtime.Tracker;
import io.mlco2.tracker.runtime.Trackers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The figures of the run as it goes (epoch rows, the forecast and its budget warning, the progress line, the
 * Micrometer emissions) over a changing intensity ({@code source=file}), on a virtual clock: each against the
 * integral of power x the file's step function computed here, and the epochs plus the energy outside them against
 * the run's emissions. The yearly average keeps the figures of one constant intensity.
 */
class EpochsOverTimeTest {

    static final long S = 1_000_000_000L;
    /** Trackers.of's grid: France at 100 g/kWh, used before the file's first value. */
    static final double YEARLY = 100;
    static final double PUE = 1.3;
    static final double CPU_WATTS = 4200;
    static final double GPU_WATTS = 15000;
    static final double WATTS = CPU_WATTS + GPU_WATTS;

    /** The file's step function (and the yearly average before its first row): {from s, to s, g/kWh}. */
    static final double[][] STEPS = {{0, 3, YEARLY}, {3, 12.25, 200}, {12.25, 20, 40}, {20, 30, 350}, {30, 33, 80},
            {33, 1e9, 500}};
    static final String FILE = "1970-01-01T00:00:30Z,80\n1970-01-01T00:00:03Z,200\n1970-01-01T00:00:12.25Z,40\n"
            + "1970-01-01T00:00:20Z,350\n1970-01-01T00:00:33Z,500\n";

    /**
     * Epoch boundaries (s): between samples (every 0.5 s), never in a sample interval where the intensity steps,
     * so that the integral of a constant power is exact.
     */
    static final double[] BOUNDARIES = {2.2, 10.1, 18.7, 27.3, 36.6};

    final AtomicLong clock = new AtomicLong(0);
    final ByteArrayOutputStream err = new ByteArrayOutputStream();
    final Log log = new Log(new PrintStream(err, true, StandardCharsets.UTF_8), Log.Level.INFO);

    /** The integral of the step function over {@code [from, to]} s, in seconds x g/kWh. */
    static double gramSeconds(double from, double to) {
        double sum = 0;
        for (double[] st : STEPS) {
            sum += Math.max(0, Math.min(to, st[1]) - Math.max(from, st[0])) * st[2];
        }
        return sum;
    }

    /** kgCO2eq of {@code watts} constantly over {@code [from, to]} s: power x the intensity's integral x PUE. */
    static double kg(double watts, double from, double to) {
        return watts * gramSeconds(from, to) / 3.6e6 * PUE / 1000;
    }

    static double relative(double expected, double actual) {
        return Math.abs(actual - expected) / Math.abs(expected);
    }

    private Tracker tracker(Path out, String more, List<EnergySource> sources) throws Exception {
        Config c = Config.load("output.dir=" + out + ";run-id=r;report.html=false;pue=" + PUE + ";epochs=4" + more,
                Map.of(), Map.of(), log);
        Tracker t = Trackers.of(c, log, sources, clock::get);
        if (t.carbon().overTime()) {
            t.carbon().start();
            long until = System.nanoTime() + 10 * S;
            while (!t.carbon().provider().knownUntil().equals(Instant.MAX) && System.nanoTime() < until) {
                Thread.sleep(5);
            }
            assertEquals(Instant.MAX, t.carbon().provider().knownUntil(), "file read");
        }
        return t;
    }

    private EpochTracker epochs(Tracker t) {
        EpochTracker e = new EpochTracker(EpochTracker.Settings.of(t), log, clock::get,
                () -> EpochTracker.joulesTotal(t.accumulators()));
        t.addListener(e);
        t.addSection("epochs", e::epochsSection);
        t.addSection("forecast", e::forecastSection);
        return e;
    }

    /** Samples every 0.5 s to 40 s, with epochs between {@code boundaries} (each ends where the next begins). */
    private RunSummary run(Tracker t, EpochTracker e, double[] boundaries, long stepNanos) {
        int next = 0;
        Span open = null;
        while (true) {
            long now = clock.get();
            while (next < boundaries.length && boundaries[next] * S <= now) {
                long at = (long) (boundaries[next] * S);
                if (open != null) {
                    e.end(open, at);
                }
                open = next < boundaries.length - 1 ? e.begin(EpochTracker.EPOCH, at) : null;
                next++;
            }
            t.sample();
            if (now >= 40 * S) {
                return t.stop();
            }
            clock.set(Math.min(40 * S, now + stepNanos));
        }
    }

    @SuppressWarnings("unchecked")
    @Test
    void epochsForecastProgressAndMetricsFollowTheIntensityOverTime(@TempDir Path out) throws Exception {
        Path file = out.resolve("grid.csv");
        Files.writeString(file, FILE);
        // The first forecast (after epoch 1, at 10.1 s) at the mean so far; over budget only over time, not at the
        // yearly figure.
        double atMeanSoFar = WATTS * (10.1 + 3 * 7.9) * gramSeconds(0, 10.1) / 10.1 / 3.6e6 * PUE / 1000;
        double atYearly = WATTS * (10.1 + 3 * 7.9) * YEARLY / 3.6e6 * PUE / 1000;
        assertTrue(atYearly < atMeanSoFar);
        double budget = (atYearly + atMeanSoFar) / 2;
        Tracker t = tracker(out, ";carbon-intensity.source=file;carbon-intensity.file=" + file + ";budget.kg=" + budget,
                List.of(new ConstantPower(Component.CPU, CPU_WATTS), new ConstantPower(Component.GPU, GPU_WATTS)));
        EpochTracker e = epochs(t);
        t.addListener(new Progress(e, log, 10 * S, t.startNanos(), t.intensity().gramsPerKwh(), PUE));
        TrackerMetrics metrics = new TrackerMetrics(t.accumulators(), t.intensity().gramsPerKwh(), "FR", PUE,
                TrackerMetrics.commonTags("h", "r", "p", "n"), null, t.carbon());
        t.addListener(metrics);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        metrics.bindTo(registry);

        RunSummary s = run(t, e, BOUNDARIES, S / 2);

        // The run's emissions: the integral over [0, 40] s.
        assertTrue(relative(kg(WATTS, 0, 40), s.emissionsKg()) < 1e-9, kg(WATTS, 0, 40) + " vs " + s.emissionsKg());

        // Each epoch: power x the intensity's integral over its window, in the rows, the file and the summary.
        List<PhaseRow> rows = e.rows();
        assertEquals(4, rows.size());
        List<String> csv = Files.readAllLines(EpochsCsv.file(out, "r", t.node().nodeId()));
        int col = List.of(EpochsCsv.HEADER.split(",")).indexOf("emissions_kg");
        double epochsKg = 0;
        for (int k = 0; k < 4; k++) {
            double expected = kg(WATTS, BOUNDARIES[k], BOUNDARIES[k + 1]);
            assertTrue(relative(expected, rows.get(k).emissionsKg()) < 1e-9, "epoch " + (k + 1) + ": " + expected
                    + " vs " + rows.get(k).emissionsKg());
            assertEquals(expected, Double.parseDouble(Csv.parseLine(csv.get(k + 1)).get(col)), expected * 1e-9);
            epochsKg += expected;
        }
        Map<String, Object> section = (Map<String, Object>) s.extra().get("epochs");
        double summaryEpochsKg = (Double) section.get("epochs_emissions_kg");
        double outsideKg = (Double) section.get("outside_epochs_emissions_kg");
        assertTrue(relative(epochsKg, summaryEpochsKg) < 1e-9);
        double expectedOutside = kg(WATTS, 0, BOUNDARIES[0]) + kg(WATTS, BOUNDARIES[4], 40);
        assertTrue(relative(expectedOutside, outsideKg) < 1e-9, expectedOutside + " vs " + outsideKg);
        assertTrue(relative(s.emissionsKg(), summaryEpochsKg + outsideKg) < 1e-9, "epochs + outside = the run");
        List<Map<String, Object>> summaryRows = (List<Map<String, Object>>) section.get("rows");
        assertEquals(rows.get(2).emissionsKg(), (Double) summaryRows.get(2).get("emissions_kg"));

        // The forecasts: the emissions so far as integrated, the epochs to come at the mean so far.
        List<Forecast> forecasts = e.forecasts();
        assertEquals(4, forecasts.size());
        for (Forecast f : forecasts) {
            double end = BOUNDARIES[f.afterEpochs()];
            double meanSoFar = gramSeconds(0, end) / end;
            double expected = (WATTS * end + f.remainingEpochs() * f.epochJoules()) * meanSoFar / 3.6e6 * PUE / 1000;
            assertTrue(relative(expected, f.emissionsKg()) < 1e-9, "after " + f.afterEpochs() + ": " + expected
                    + " vs " + f.emissionsKg());
        }
        assertEquals(WATTS * 7.9, forecasts.get(0).epochJoules(), 1e-6, "epoch 1's energy");
        Map<String, Object> forecast = (Map<String, Object>) s.extra().get("forecast");
        assertTrue(relative(s.emissionsKg(), (Double) forecast.get("actual_emissions_kg")) < 1e-12);

        String lines = err.toString(StandardCharsets.UTF_8);
        assertTrue(lines.contains("BUDGET: the forecast " + io.mlco2.tracker.format.Fmt.fixed(
                forecasts.get(0).emissionsKg(), 6) + " kgCO2eq for 4 epochs (after 1, from epoch 1, warm-up included: often high)"), lines);

        // The progress line every 10 s: the energy so far x the intensity's integral so far.
        Matcher m = Pattern.compile("\\[mlco2] (\\d+)s: [0-9.]+ kWh, \\d+ W now, ([0-9.]+) kgCO2eq").matcher(lines);
        List<Double> progress = new ArrayList<>();
        while (m.find()) {
            double at = Double.parseDouble(m.group(1));
            assertEquals(kg(WATTS, 0, at), Double.parseDouble(m.group(2)), 0.6e-6, m.group());
            progress.add(at);
        }
        assertEquals(List.of(10.0, 20.0, 30.0, 40.0), progress, lines);

        // Micrometer: each device's counter is its power x the integral; the intensity gauge is the latest value.
        double cpuGrams = registry.get("mlco2.emissions").tag("component", "cpu").functionCounter().count();
        double gpuGrams = registry.get("mlco2.emissions").tag("component", "gpu").functionCounter().count();
        assertTrue(relative(kg(CPU_WATTS, 0, 40) * 1000, cpuGrams) < 1e-9, cpuGrams + "");
        assertTrue(relative(kg(GPU_WATTS, 0, 40) * 1000, gpuGrams) < 1e-9, gpuGrams + "");
        assertEquals(500.0, registry.get("mlco2.carbon.intensity").gauge().value());
    }

    @SuppressWarnings("unchecked")
    @Test
    void epochsAndTheEnergyOutsideAddUpToTheRunWhereverTheBoundariesAndSteps(@TempDir Path out) throws Exception {
        Path file = out.resolve("grid.csv");
        Files.writeString(file, FILE);
        Tracker t = tracker(out, ";carbon-intensity.source=file;carbon-intensity.file=" + file,
                List.of(new ConstantPower(Component.CPU, CPU_WATTS), new GrowingPower(900, 37)));
        EpochTracker e = epochs(t);
        // Boundaries in the sample intervals where the intensity steps, samples every 0.7 s.
        RunSummary s = run(t, e, new double[] {3.1, 12.3, 20.2, 29.9, 33.4}, 700_000_000L);
        Map<String, Object> section = (Map<String, Object>) s.extra().get("epochs");
        double sum = (Double) section.get("epochs_emissions_kg") + (Double) section.get("outside_epochs_emissions_kg");
        assertTrue(relative(s.emissionsKg(), sum) < 1e-9, s.emissionsKg() + " vs " + sum);
        double rows = 0;
        for (PhaseRow r : e.rows()) {
            rows += r.emissionsKg();
        }
        assertTrue(relative(rows, (Double) section.get("epochs_emissions_kg")) < 1e-12);
        // Not the yearly figure: the intensity over time changed the epochs' emissions.
        double yearly = (Double) section.get("epochs_energy_kwh") * PUE * YEARLY / 1000;
        assertTrue(relative(yearly, rows) > 0.1, yearly + " vs " + rows);
    }

    @SuppressWarnings("unchecked")
    @Test
    void theYearlyAverageGivesTheFiguresOfOneConstantIntensity(@TempDir Path out) throws Exception {
        Tracker t = tracker(out, "", List.of(new ConstantPower(Component.CPU, CPU_WATTS), new GrowingPower(900, 37)));
        EpochTracker e = epochs(t);
        RunSummary s = run(t, e, BOUNDARIES, 700_000_000L);
        assertFalse(t.carbon().overTime());
        for (PhaseRow r : e.rows()) {
            assertEquals(r.energyJoules() / 3.6e6 * PUE * YEARLY / 1000, r.emissionsKg(), 1e-18);
        }
        for (Forecast f : e.forecasts()) {
            assertEquals(YEARLY, f.gramsPerKwh());
            assertEquals(f.energyJoules() / 3.6e6 * PUE * YEARLY / 1000, f.emissionsKg(), 1e-18);
        }
        Map<String, Object> section = (Map<String, Object>) s.extra().get("epochs");
        assertNotNull(section);
        double outsideKwh = (Double) section.get("outside_epochs_energy_kwh");
        assertEquals(outsideKwh * PUE * YEARLY / 1000, (Double) section.get("outside_epochs_emissions_kg"), 1e-18);
        Map<String, Object> forecast = (Map<String, Object>) s.extra().get("forecast");
        assertTrue(relative(s.emissionsKg(), (Double) forecast.get("actual_emissions_kg")) < 1e-12);
    }
    /**
     * An epoch begun and then cancelled (DJL's epoch opened after its last one) is no row: its window's emissions go
     * outside epochs, at the intensity of that window, and the epochs and the outside still make the run.
     */
    @SuppressWarnings("unchecked")
    @Test
    void aCancelledEpochsEmissionsAreOutsideEpochsAtItsWindowsIntensity(@TempDir Path out) throws Exception {
        Path file = out.resolve("grid.csv");
        Files.writeString(file, FILE);
        Tracker t = tracker(out, ";carbon-intensity.source=file;carbon-intensity.file=" + file,
                List.of(new ConstantPower(Component.CPU, CPU_WATTS)));
        EpochTracker e = epochs(t);
        // epoch 1 from 2.2 s to 10.1 s; one begun at 10.1 s and cancelled at 18.7 s; epoch 2 from 18.7 s to 27.3 s,
        // each boundary told before the first sample after it (a later one is placed at the latest sample)
        Span epoch = null;
        Span cancelled = null;
        for (long now = 0; ; now += S / 2) {
            clock.set(now);
            if (epoch == null && now >= 2.2 * S) {
                epoch = e.begin(EpochTracker.EPOCH, (long) (2.2 * S));
            }
            if (cancelled == null && now >= 10.1 * S) {
                e.end(epoch, (long) (10.1 * S));
                cancelled = e.begin(EpochTracker.EPOCH, (long) (10.1 * S));
            }
            if (now == 19 * S) {
                e.cancel(cancelled, (long) (18.7 * S));
                epoch = e.begin(EpochTracker.EPOCH, (long) (18.7 * S));
            }
            if (now == (long) (27.5 * S)) {
                e.end(epoch, (long) (27.3 * S));
            }
            t.sample();
            if (now >= 40 * S) {
                break;
            }
        }
        RunSummary s = t.stop();
        Map<String, Object> section = (Map<String, Object>) s.extra().get("epochs");
        assertEquals(2, section.get("completed_epochs"));
        assertEquals(2, ((List<?>) section.get("rows")).size());
        double outsideKg = (Double) section.get("outside_epochs_emissions_kg");
        double expectedOutside = kg(CPU_WATTS, 0, 2.2) + kg(CPU_WATTS, 10.1, 18.7) + kg(CPU_WATTS, 27.3, 40);
        assertTrue(relative(expectedOutside, outsideKg) < 1e-9, expectedOutside + " vs " + outsideKg);
        double epochsKg = kg(CPU_WATTS, 2.2, 10.1) + kg(CPU_WATTS, 18.7, 27.3);
        assertTrue(relative(epochsKg, (Double) section.get("epochs_emissions_kg")) < 1e-9);
        assertTrue(relative(kg(CPU_WATTS, 0, 40), outsideKg + epochsKg) < 1e-9, "epochs + outside = the run");
        assertEquals(CPU_WATTS * (2.2 + 8.6 + 12.7) / 3.6e6, (Double) section.get("outside_epochs_energy_kwh"), 1e-12);
    }
}
