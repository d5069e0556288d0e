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
    void forecastAfterTheFirstEpochWithTheFrameworksPlanAndTheBudgetWarning(@TempDir Path dir) {
        EpochTracker t = tracker(dir, null, 1e-6);
        sample(t, 0);
        t.plan(4, "DJL EasyTrain.fit");
        Span e1 = t.begin("epoch", 0);
        t.end(e1, 2 * S);
        sample(t, 3);
        Forecast f = t.forecast();
        assertEquals(4, f.plannedEpochs());
        assertEquals(220 * 4, f.energyJoules(), 1e-9);
        assertEquals(880 / 3.6e6 * 1.5 * 400 / 1000, f.emissionsKg(), 1e-15);
        String out = err.toString(StandardCharsets.UTF_8);
        assertEquals(1, out.split("forecast after 1 of 4 epochs", -1).length - 1, out);
        assertTrue(out.contains("WARN: BUDGET: the forecast"), out);
        assertTrue(out.contains("the job is not stopped"), out);

        Span e2 = t.begin("epoch", 3 * S);
        t.end(e2, 4 * S);
        sample(t, 5);
        assertEquals(1, err.toString(StandardCharsets.UTF_8).split("forecast after", -1).length - 1, "printed once");
        Map<String, Object> section = t.forecastSection();
        assertEquals(1, section.get("after_epochs"));
        assertEquals(550 / 3.6e6, (Double) section.get("actual_energy_kwh"), 1e-15);
        assertEquals(100.0 * (880 - 550) / 550, (Double) section.get("error_percent"), 1e-9);
        assertEquals(2, section.get("actual_epochs"));
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

        EpochTracker configured = tracker(dir, 10, null);
        configured.plan(3, "DL4J fit(iterator, 3)");
        assertEquals(10, configured.plannedEpochs());
        assertEquals("mlco2.epochs", configured.plannedEpochsSource());
    }

    @Test
    void noPhaseNoSection(@TempDir Path dir) {
        EpochTracker t = tracker(dir, null, null);
        sample(t, 0);
        sample(t, 1);
        assertNull(t.epochsSection());
        assertTrue(Files.notExists(EpochsCsv.file(dir, "run1", "node")));
    }
}
