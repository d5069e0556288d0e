package io.mlco2.tracker.epochs;

import io.mlco2.tracker.base.Log;
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

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EpochTrackerTest {

    private static final long S = 1_000_000_000L;

    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final Log log = new Log(new PrintStream(err, true, StandardCharsets.UTF_8), Log.Level.INFO);
    private long now;
    private double runJoules;

    private EpochTracker tracker(Path dir, Integer configuredEpochs, Double budgetKg) {
        EpochTracker.Settings s = new EpochTracker.Settings("run1", dir, configuredEpochs, 1, budgetKg, 1.5, 400,
                0, Instant.parse("2026-01-01T00:00:00Z"));
        return new EpochTracker(s, log, () -> now, () -> runJoules);
    }

    /** CPU draws 100 W and RAM 10 W from t=0: cumulative joules at {@code t} seconds. */
    private static double[] at(double seconds) {
        return new double[] {100 * seconds, 0, 10 * seconds};
    }

    private void sample(EpochTracker t, double seconds) {
        now = (long) (seconds * S);
        runJoules = 110 * seconds;
        t.process(now, at(seconds));
    }

    @Test
    void boundariesBetweenSamplesAreInterpolatedAndAddUpToTheRun(@TempDir Path dir) throws Exception {
        EpochTracker t = tracker(dir, null, null);
        sample(t, 0);
        sample(t, 1);
        Span e1 = t.begin("epoch", (long) (1.5 * S));
        assertEquals(1, EpochTrackerTest.current(t));
        t.end(e1, (long) (3.25 * S));
        Span e2 = t.begin("epoch", (long) (3.25 * S));
        sample(t, 2);
        sample(t, 4);
        t.end(e2, (long) (4.5 * S));
        sample(t, 5);

        List<PhaseRow> rows = t.rows();
        assertEquals(2, rows.size());
        assertEquals(1.75, rows.get(0).durationSeconds(), 1e-9);
        assertEquals(175, rows.get(0).joulesByComponent()[0], 1e-9, "CPU joules between 1.5 s and 3.25 s");
        assertEquals(17.5, rows.get(0).joulesByComponent()[2], 1e-9);
        assertEquals(192.5 / 3.6e6 * 1.5 * 400 / 1000, rows.get(0).emissionsKg(), 1e-15);
        assertEquals(Instant.parse("2026-01-01T00:00:01.500Z"), rows.get(0).start());
        assertEquals(2, rows.get(1).number());
        assertEquals(110 * 1.25, rows.get(1).energyJoules(), 1e-9);
        double epochs = rows.get(0).energyJoules() + rows.get(1).energyJoules();
        assertEquals(110 * 5, epochs + t.outsideEpochsJoules(), 1e-9, "epochs + outside = the run");
        assertEquals(110 * 2, t.outsideEpochsJoules(), 1e-9, "0-1.5 s and 4.5-5 s");

        List<String> csv = Files.readAllLines(EpochsCsv.file(dir, "run1", "node"));
        assertEquals(EpochsCsv.HEADER, csv.get(0));
        assertEquals(3, csv.size());
        assertTrue(csv.get(1).startsWith("run1,epoch,1,1,2026-01-01T00:00:01.500Z,1.75,"), csv.get(1));
    }

    /**
     * The listener is attached after the run's first samples (hardware discovery, extensions) and an epoch began and
     * ended before its first call: the energy the accumulators already hold since the run's start is shared out, so
     * the epoch has energy and the epochs and the energy outside them still make the run.
     */
    @Test
    void aListenerAttachedLateStillAccountsForTheEnergySinceTheRunStarted(@TempDir Path dir) {
        EpochTracker t = tracker(dir, null, null);
        Span e1 = t.begin("epoch", 1 * S);
        t.end(e1, 2 * S);
        Span e2 = t.begin("epoch", 2 * S);
        sample(t, 3);
        t.end(e2, 5 * S);
        sample(t, 6);

        List<PhaseRow> rows = t.rows();
        assertEquals(2, rows.size());
        assertEquals(110, rows.get(0).energyJoules(), 1e-9, "1 s to 2 s, before the first call, on the line from 0");
        assertEquals(330, rows.get(1).energyJoules(), 1e-9);
        assertEquals(110 * 6, rows.get(0).energyJoules() + rows.get(1).energyJoules() + t.outsideEpochsJoules(), 1e-9,
                "epochs + outside = the run, including what came before the listener's first call");
    }

    private static int current(EpochTracker t) {
        EpochTracker.activate(t);
        try {
            return EpochTracker.currentEpoch();
        } finally {
            EpochTracker.activate(null);
        }
    }

    @Test
    void aCancelledEpochIsNoRowItsNumberIsReusedAndItsEnergyIsOutside(@TempDir Path dir) {
        EpochTracker t = tracker(dir, null, null);
        sample(t, 0);
        Span dropped = t.begin("epoch", S);
        t.cancel(dropped, 2 * S);
        t.end(dropped, 3 * S);
        Span e1 = t.begin("epoch", 2 * S);
        t.end(e1, 3 * S);
        sample(t, 4);
        assertEquals(1, t.rows().size());
        assertEquals(1, t.rows().get(0).number());
        assertEquals(110 * 3, t.outsideEpochsJoules(), 1e-9);
    }

    @Test
    void phasesCarryTheEpochTheyRanIn(@TempDir Path dir) {
        EpochTracker t = tracker(dir, null, null);
        sample(t, 0);
        Span e = t.begin("epoch", S);
        Span v = t.begin("validation", 2 * S);
        t.end(v, 3 * S);
        t.end(e, 4 * S);
        t.span("validation", 5 * S, 6 * S);
        sample(t, 7);
        List<PhaseRow> rows = t.rows();
        assertEquals("validation", rows.get(0).phase());
        assertEquals(1, rows.get(0).epoch());
        assertEquals(2, rows.get(2).number());
        assertEquals(0, rows.get(2).epoch(), "outside epochs");
    }

    @Test
    void aForecastAfterEachEpochPrintedWhenItMovesWithTheBudgetWarningOnce(@TempDir Path dir) {
        EpochTracker t = tracker(dir, null, 1e-6);
        sample(t, 0);
        t.plan(4, "DJL EasyTrain.fit");
        Span e1 = t.begin("epoch", 0);
        t.end(e1, 2 * S);
        sample(t, 3);
        Forecast f = t.forecast();
        assertEquals(4, f.plannedEpochs());
        // 220 J used when epoch 1 ended, then 3 more epochs like it
        assertEquals(220 + 3 * 220, f.energyJoules(), 1e-9);
        assertEquals(880 / 3.6e6 * 1.5 * 400 / 1000, f.emissionsKg(), 1e-15);
        String out = err.toString(StandardCharsets.UTF_8);
        assertEquals(1, out.split("forecast after 1 of 4 epochs", -1).length - 1, out);
        assertTrue(out.contains("WARN: BUDGET: the forecast"), out);
        assertTrue(out.contains("the job is not stopped"), out);

        Span e2 = t.begin("epoch", 3 * S);
        t.end(e2, 4 * S);
        sample(t, 5);
        // 440 J used when epoch 2 ended (4 s at 110 W), epoch 2 (110 J) is the typical one now: 440 + 2 x 110
        assertEquals(660, t.forecast().energyJoules(), 1e-9);
        out = err.toString(StandardCharsets.UTF_8);
        assertEquals(1, out.split("forecast after 2 of 4 epochs", -1).length - 1, "moved by 25 %: printed\n" + out);
        assertEquals(1, out.split("BUDGET", -1).length - 1, "the budget warning once\n" + out);
        Map<String, Object> section = t.forecastSection();
        assertEquals(2, section.get("after_epochs"));
        assertEquals(550 / 3.6e6, (Double) section.get("actual_energy_kwh"), 1e-15);
        assertEquals(100.0 * (660 - 550) / 550, (Double) section.get("forecast_error_pct"), 1e-9);
        assertEquals(2, section.get("actual_epochs"));
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> all = (List<Map<String, Object>>) section.get("forecasts");
        assertEquals(2, all.size(), "every forecast is kept");
        assertEquals(1, all.get(0).get("after_epochs"));
        assertEquals(100.0 * (880 - 550) / 550, (Double) all.get(0).get("forecast_error_pct"), 1e-9);
        assertEquals(2, all.get(1).get("after_epochs"));
    }

    /**
     * A warm-up that lasts: epoch k takes 6/k s at 110 W (660/k J), 12 planned, after 1 s of start-up. After epoch 6
     * the epochs to come are forecast on the curve a + b/k fitted to epochs 1-6 (EpochCostTest.fit, the fit's a = 0
     * raised to 0.75 x the cheapest epoch), energy and time alike, not at the median of epochs 2-6 (110 x 2 s).
     */
    @Test
    void aWarmUpThatLastsIsForecastOnItsCurve(@TempDir Path dir) {
        EpochTracker t = tracker(dir, 12, null);
        sample(t, 0);
        double clock = 1;
        sample(t, clock);
        double[] seconds = new double[6];
        for (int k = 1; k <= 6; k++) {
            seconds[k - 1] = 6.0 / k;
            Span e = t.begin("epoch", Math.round(clock * S));
            clock += seconds[k - 1];
            t.end(e, Math.round(clock * S));
            sample(t, clock);
        }
        double[] ab = EpochCostTest.fit(seconds);
        assertEquals(0, ab[0], 1e-6);
        double perEpochSeconds = EpochCostTest.curveMean(0.75 * 1.0, ab[1], 6, 6);
        Forecast f = t.forecast();
        assertEquals(6, f.afterEpochs());
        assertEquals(perEpochSeconds, f.epochSeconds(), 1e-6);
        assertEquals(110 * perEpochSeconds, f.epochJoules(), 1e-4);
        assertEquals(110 * clock + 6 * 110 * perEpochSeconds, f.energyJoules(), 1e-3);
        assertEquals(clock - 1 + 6 * perEpochSeconds, f.durationSeconds(), 1e-6);
        assertEquals("warm-up curve a + b/k fitted to epochs 1-6, a raised to 0.75 x the cheapest epoch", f.basis());
        assertTrue(f.epochSeconds() < 2, "below the median of epochs 2-6");
    }

    /**
     * A recorded shape: a slow first epoch (5 s, warm-up) and then epochs near 1 s, at 110 W, after 1 s of start-up,
     * 6 planned, 0.5 s after the last epoch. Each forecast is worked out here from the series; from epoch 3 on the
     * forecast is within 20 % of the run's actual energy, where a mean of the epochs so far was 161 % over after epoch 1
     * and 25 % over after 3.
     */
    @Test
    void aSlowFirstEpochNoLongerWeighsOnceLaterEpochsAreMeasured(@TempDir Path dir) {
        double[] d = {5, 1, 1.2, 0.8, 1, 1};
        EpochTracker t = tracker(dir, 6, null);
        sample(t, 0);
        double clock = 1;
        sample(t, clock);
        for (double seconds : d) {
            Span e = t.begin("epoch", (long) (clock * S));
            clock += seconds;
            t.end(e, (long) (clock * S));
            sample(t, clock);
        }
        sample(t, clock + 0.5);
        double actual = 110 * (1 + 5 + 1 + 1.2 + 0.8 + 1 + 1 + 0.5); // 1265 J
        assertEquals(actual, runJoules, 1e-9);

        List<Forecast> all = t.forecasts();
        assertEquals(6, all.size());
        // after 1: 110 x (1 + 5) so far + 5 epochs x 550 J
        assertEquals(660 + 5 * 550, all.get(0).energyJoules(), 1e-9);
        // after 2: 110 x 7 so far + 4 x epoch 2 (110 J)
        assertEquals(770 + 4 * 110, all.get(1).energyJoules(), 1e-9);
        // after 3: 110 x 8.2 so far + 3 x the median of epochs 2-3 (1 s, 1.2 s: 1.1 s, 121 J)
        assertEquals(902 + 3 * 121, all.get(2).energyJoules(), 1e-9);
        assertEquals("median of epochs 2-3", all.get(2).basis());
        // after 4: 110 x 9 so far + 2 x the median of 1, 1.2, 0.8 s (110 J)
        assertEquals(990 + 2 * 110, all.get(3).energyJoules(), 1e-9);
        for (Forecast f : all.subList(2, 6)) {
            double errorPct = 100 * (f.energyJoules() - actual) / actual;
            assertTrue(Math.abs(errorPct) <= 20, "after " + f.afterEpochs() + ": " + errorPct + " %");
        }
        double meanAfter3 = 110 * (5 + 1 + 1.2) / 3 * 6;
        assertEquals(25.2, 100 * (meanAfter3 - actual) / actual, 0.1, "the old forecast, for the record");
        assertEquals(161, 100 * (110 * 5 * 6 - actual) / actual, 1, "the old forecast after epoch 1");
        String out = err.toString(StandardCharsets.UTF_8);
        assertTrue(out.contains("forecast after 1 of 6 epochs"), out);
        assertTrue(out.contains("forecast after 2 of 6 epochs"), "3410 J to 1210 J: printed\n" + out);
        assertFalse(out.contains("forecast after 3 of 6 epochs"), "1265 J, 4.5 % from 1210 J: not printed\n" + out);
    }

    /**
     * The run ends (SIGTERM, System.exit) in epoch 2: epoch 2 is a row marked incomplete up to the last sample, in
     * the CSV and the summary, and the epochs and the energy outside them still make the run's total.
     */
    @Test
    void anEpochCutShortByTheRunsEndIsAnIncompleteRow(@TempDir Path dir) throws Exception {
        EpochTracker t = tracker(dir, 3, null);
        sample(t, 0);
        Span e1 = t.begin("epoch", S);
        t.end(e1, 3 * S);
        Span e2 = t.begin("epoch", (long) (3.5 * S));
        Span v = t.begin("validation", 4 * S);
        sample(t, 4);
        sample(t, 6); // the last sample, taken by the exit hook
        t.end(v, (long) (6.5 * S)); // ended on the job's thread after the last sample, before the summary

        List<PhaseRow> heard = new java.util.ArrayList<>();
        t.addRowListener(heard::add);
        // The forecast section first (the summary may ask for it before the epochs): the partial epoch is counted.
        Map<String, Object> forecast = t.forecastSection();
        assertEquals(2 + 2.5, (double) forecast.get("actual_epochs_duration_s"), 1e-9, "epoch 1 and the partial 2");
        assertEquals(1, forecast.get("actual_epochs"), "completed epochs");

        Map<String, Object> section = t.epochsSection();
        assertEquals(1, section.get("completed_epochs"));
        assertEquals(1, section.get("partial_epochs"));
        assertEquals(2 + 2.5, (double) section.get("epochs_duration_s"), 1e-9);
        assertEquals(110 * 4.5 / 3.6e6 * 1.5 * 400 / 1000, (double) section.get("epochs_emissions_kg"), 1e-15);
        assertEquals(List.of(), heard, "the listeners (metrics) take finished rows only, not those cut short");
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> rows = (List<Map<String, Object>>) section.get("rows");
        assertEquals(3, rows.size());
        assertEquals(true, rows.get(0).get("complete"));
        assertEquals(2, rows.get(1).get("number"));
        assertEquals(false, rows.get(1).get("complete"));
        assertEquals(2.5, (double) rows.get(1).get("duration_s"), 1e-9, "3.5 s to the last sample at 6 s");
        Map<?, ?> energy = (Map<?, ?>) rows.get(1).get("energy_kwh");
        assertEquals(110 * 2.5 / 3.6e6, (double) energy.get("total"), 1e-15);
        assertEquals(100 * 2.5 / 3.6e6, (double) energy.get("cpu"), 1e-15);
        assertEquals(0, (double) energy.get("gpu"), 1e-15);
        assertEquals(10 * 2.5 / 3.6e6, (double) energy.get("ram"), 1e-15);
        assertEquals("validation", rows.get(2).get("phase"));
        assertEquals(false, rows.get(2).get("complete"));
        double epochsKwh = (double) section.get("epochs_energy_kwh");
        double outsideKwh = (double) section.get("outside_epochs_energy_kwh");
        assertEquals(110 * (2 + 2.5) / 3.6e6, epochsKwh, 1e-15);
        assertEquals(110 * 6 / 3.6e6, epochsKwh + outsideKwh, 1e-15, "epochs + outside = the run");

        List<String> csv = Files.readAllLines(EpochsCsv.file(dir, "run1", "node"));
        assertTrue(EpochsCsv.HEADER.endsWith(",complete"), EpochsCsv.HEADER);
        assertEquals(4, csv.size(), String.join("\n", csv));
        assertTrue(csv.get(1).endsWith(",true"), csv.get(1));
        assertTrue(csv.get(2).startsWith("run1,epoch,2,2,") && csv.get(2).endsWith(",false"), csv.get(2));
        assertTrue(csv.get(3).startsWith("run1,validation,1,2,") && csv.get(3).endsWith(",false"), csv.get(3));

        t.end(e2, 7 * S); // the job's thread ends it after the summary: nothing more
        sample(t, 8);
        Map<String, Object> again = t.epochsSection();
        assertEquals(4, Files.readAllLines(EpochsCsv.file(dir, "run1", "node")).size(), "closed once");
        assertEquals(epochsKwh, (double) again.get("epochs_energy_kwh"), 1e-15);
        assertEquals(110 * 8 / 3.6e6, (double) again.get("epochs_energy_kwh")
                + (double) again.get("outside_epochs_energy_kwh"), 1e-15, "a sample after the end is outside epochs");
    }

    @Test
    void configuredEpochsWinAndUnknownPlanMeansNoForecast(@TempDir Path dir) {
        EpochTracker unknown = tracker(dir, null, null);
        sample(unknown, 0);
        unknown.end(unknown.begin("epoch", 0), S);
        sample(unknown, 2);
        assertNull(unknown.forecast());
        assertNull(unknown.forecastSection());
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("set mlco2.epochs=N"));
        Map<String, Object> unplanned = unknown.epochsSection();
        assertTrue(unplanned.containsKey("planned_epochs"));
        assertNull(unplanned.get("planned_epochs"), "unknown, not 0");
        assertNull(unplanned.get("planned_epochs_source"));

        EpochTracker configured = tracker(dir, 10, null);
        configured.plan(3, "DL4J fit(iterator, 3)");
        assertEquals(10, configured.plannedEpochs());
        assertEquals("mlco2.epochs", configured.plannedEpochsSource());
        configured.span("load", 0, S);
        Map<String, Object> planned = configured.epochsSection();
        assertEquals(10, planned.get("planned_epochs"));
        assertEquals("mlco2.epochs", planned.get("planned_epochs_source"));
    }

    @Test
    void noPhaseNoSection(@TempDir Path dir) {
        EpochTracker t = tracker(dir, null, null);
        sample(t, 0);
        sample(t, 1);
        assertNull(t.epochsSection());
        assertTrue(Files.notExists(EpochsCsv.file(dir, "run1", "node")));
    }
    /** A finished epoch reaches the row listeners (the metrics), once, with its energy. */
    @Test
    void rowListenersHearEachFinishedRowOnce(@TempDir Path dir) {
        EpochTracker t = tracker(dir, null, null);
        List<PhaseRow> heard = new java.util.ArrayList<>();
        t.addRowListener(heard::add);
        t.addRowListener(row -> {
            throw new IllegalStateException("a listener that fails");
        });
        sample(t, 0);
        t.end(t.begin("epoch", S), 3 * S);
        sample(t, 4);
        assertEquals(1, heard.size());
        assertEquals(110 * 2, heard.get(0).energyJoules(), 1e-9);
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("an epoch row listener failed"));
    }

    /** The row's start is the run's wall start plus the time since the run's monotonic start (not since 0). */
    @Test
    void aRowStartsAtTheRunsWallStartPlusTheTimeSinceTheRunStarted(@TempDir Path dir) {
        long runStart = 7 * S;
        EpochTracker t = new EpochTracker(new EpochTracker.Settings("run1", dir, null, 1, null, 1.5, 400, runStart,
                Instant.parse("2026-01-01T00:00:00Z")), log, () -> now, () -> runJoules);
        t.process(runStart, at(0));
        t.end(t.begin("epoch", runStart + (long) (1.5 * S)), runStart + 3 * S);
        t.process(runStart + 4 * S, at(4));
        assertEquals(Instant.parse("2026-01-01T00:00:01.500Z"), t.rows().get(0).start());
        assertEquals(1.5, t.rows().get(0).durationSeconds(), 1e-9);
    }

    /** The epoch in progress is its number while it runs, 0 once it is cancelled or ended. */
    @Test
    void theEpochInProgressIsItsNumberUntilItEndsOrIsCancelled(@TempDir Path dir) {
        EpochTracker t = tracker(dir, null, null);
        assertEquals(0, t.epochInProgress());
        Span e1 = t.begin("epoch", S);
        assertEquals(1, t.epochInProgress());
        t.end(e1, 2 * S);
        assertEquals(0, t.epochInProgress());
        Span e2 = t.begin("epoch", 2 * S);
        assertEquals(2, t.epochInProgress());
        t.cancel(e2, 3 * S);
        assertEquals(0, t.epochInProgress(), "cancelled");
        assertEquals(2, t.begin("epoch", 3 * S).number(), "its number is given to the next");
    }

    /** A framework's plan of 0 (or fewer) more epochs leaves the plan as it was. */
    @Test
    void aPlanOfNoMoreEpochsChangesNothing(@TempDir Path dir) {
        EpochTracker t = tracker(dir, null, null);
        t.plan(5, "DL4J fit(iterator, 5)");
        t.end(t.begin("epoch", S), 2 * S);
        t.end(t.begin("epoch", 2 * S), 3 * S);
        t.plan(0, "DL4J fit(iterator, 0)");
        t.plan(-1, "DL4J fit(iterator, -1)");
        assertEquals(5, t.plannedEpochs());
        assertEquals("DL4J fit(iterator, 5)", t.plannedEpochsSource());
        t.plan(1, "DJL EasyTrain.fit");
        assertEquals(3, t.plannedEpochs(), "the 2 begun and 1 more");
    }

    /** Phase names beyond the bound count as 'other': the first MAX_PHASE_NAMES names keep theirs. */
    @Test
    void phaseNamesBeyondTheBoundAreCountedAsOther(@TempDir Path dir) {
        EpochTracker t = tracker(dir, null, null);
        sample(t, 0);
        int n = EpochTracker.MAX_PHASE_NAMES;
        for (int i = 1; i <= n + 1; i++) {
            t.span("p" + i, i * S / 1000, (i + 1) * S / 1000);
        }
        sample(t, 1);
        List<PhaseRow> rows = t.rows();
        assertEquals(n + 1, rows.size());
        assertEquals("p" + n, rows.get(n - 1).phase(), "the last name within the bound");
        assertEquals("other", rows.get(n).phase());
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("more than " + n + " phase names"));
    }

    /**
     * Phases left open (an unclosed {@code Mlco2.phase} in a loop) are followed up to the bound, the open epoch
     * counted: at the run's end each of those becomes an incomplete row, those beyond it none.
     */
    @Test
    void phasesLeftOpenAreFollowedUpToTheBound(@TempDir Path dir) {
        EpochTracker t = tracker(dir, null, null);
        sample(t, 0);
        t.begin("epoch", S / 2);
        int n = EpochTracker.MAX_OPEN_PHASES;
        for (int i = 0; i <= n; i++) {
            t.begin("step", S + i);
        }
        sample(t, 2);
        Map<String, Object> section = t.epochsSection();
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> rows = (List<Map<String, Object>>) section.get("rows");
        assertEquals(1, rows.stream().filter(r -> "epoch".equals(r.get("phase"))).count(), "the epoch, cut short");
        assertEquals(n - 1, rows.stream().filter(r -> "step".equals(r.get("phase"))).count(), "the bound less the epoch");
        assertEquals(1, section.get("partial_epochs"));
    }

    /**
     * The summary keeps the first MAX_ROWS_IN_SUMMARY rows and forecasts and counts the rest; the epochs file has
     * every row. At exactly the bound nothing is omitted.
     */
    @Test
    void theSummaryKeepsTheFirstRowsAndForecastsAndCountsTheRest(@TempDir Path dir) throws Exception {
        int max = EpochTracker.MAX_ROWS_IN_SUMMARY;
        for (int extra : new int[] {0, 1}) {
            Path d = dir.resolve("extra" + extra);
            EpochTracker t = tracker(d, max + extra, null);
            sample(t, 0);
            for (int k = 0; k < max + extra; k++) {
                t.end(t.begin("epoch", k * S / 100), (k + 1) * S / 100);
            }
            sample(t, 11);
            Map<String, Object> epochs = t.epochsSection();
            assertEquals(max, ((List<?>) epochs.get("rows")).size());
            assertEquals(extra == 0 ? null : 1L, epochs.get("rows_omitted"));
            Map<String, Object> forecast = t.forecastSection();
            assertEquals(max, ((List<?>) forecast.get("forecasts")).size());
            assertEquals(extra == 0 ? null : 1L, forecast.get("forecasts_omitted"));
            assertEquals(max + extra, forecast.get("after_epochs"), "the latest forecast, kept or not");
            assertEquals(1 + max + extra, Files.readAllLines(EpochsCsv.file(d, "run1", "node")).size());
        }
    }
}
