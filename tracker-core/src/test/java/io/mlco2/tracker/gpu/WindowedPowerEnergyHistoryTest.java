package io.mlco2.tracker.gpu;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The window integrator at the edges of its history and with windows other than 1 s. The oracle is the load's own
 * integral: each reading is the load's mean over the window ending at it, worked out here from the load.
 */
class WindowedPowerEnergyHistoryTest {

    private static final long MS = 1_000_000L;
    private static final double LOW_WATTS = 100;
    private static final double HIGH_WATTS = 500;
    private static final double STEP_S = 5;

    /** Energy of the load from 0 to {@code t} seconds: LOW_WATTS before STEP_S, HIGH_WATTS from it on. */
    private static double truth(double t) {
        return LOW_WATTS * Math.min(t, STEP_S) + HIGH_WATTS * Math.max(0, t - STEP_S);
    }

    /** The load's mean over (t - window, t], the load taken as LOW_WATTS before 0 as well. */
    private static double reading(long tNanos, long windowNanos) {
        double to = tNanos / 1e9;
        double from = (tNanos - windowNanos) / 1e9;
        double high = Math.max(0, to - Math.max(from, STEP_S));
        double w = windowNanos / 1e9;
        return (LOW_WATTS * (w - high) + HIGH_WATTS * high) / w;
    }

    @Test
    void aHistoryThatJustSpansTheWindowChainsExactlyFromItsOldestEstimate() {
        long dt = 10 * MS;
        long window = WindowedPowerEnergy.HISTORY * dt; // from t - window is always the oldest estimate kept
        WindowedPowerEnergy e = new WindowedPowerEnergy(window);
        for (long t = 0; t <= 8_000 * MS; t += dt) {
            double j = e.add(t, reading(t, window));
            assertEquals(truth(t / 1e9), j, 1e-6, "at " + t / 1e6 + " ms");
        }
    }

    @Test
    void aWindowOfTwoSecondsCountsTwoSecondsPerReading() {
        long window = 2_000 * MS;
        WindowedPowerEnergy e = new WindowedPowerEnergy(window);
        for (long t = 0; t <= 10_000 * MS; t += 500 * MS) {
            e.add(t, reading(t, window));
        }
        assertEquals(truth(10), e.joules(), 1e-6);
    }

    @Test
    void aReadingOfZeroWattsIsAReadingNotAGap() {
        WindowedPowerEnergy e = new WindowedPowerEnergy(1_000 * MS);
        e.add(0, 100);
        assertEquals(0, e.add(1_000 * MS, 0), 1e-9);
        // (1 s, 2 s] at 100 W; (0 s, 1 s] was idle
        assertEquals(100 * 1.0, e.add(2_000 * MS, 100), 1e-9);
    }

    /**
     * A 10 s window read every 10 ms (the history spans 2.56 s of it) with the step at 5 s, inside the first window:
     * every window that starts before the first reading, or exactly at it with the history long full, is the load's
     * own energy since the first reading.
     */
    @Test
    void theWindowThatStartsExactlyAtTheFirstReadingIsExactWithAFullHistory() {
        long dt = 10 * MS;
        long window = 10_000 * MS;
        assertTrue(window / dt > WindowedPowerEnergy.HISTORY, "the history does not reach back a window");
        WindowedPowerEnergy e = new WindowedPowerEnergy(window);
        for (long t = 0; t <= window; t += dt) {
            double j = e.add(t, reading(t, window));
            assertEquals(truth(t / 1e9), j, 1e-6, "at " + t / 1e6 + " ms");
        }
    }
}
