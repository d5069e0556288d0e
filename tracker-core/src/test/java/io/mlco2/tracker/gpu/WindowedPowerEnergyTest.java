package io.mlco2.tracker.gpu;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The oracle in each test is a load whose 1 s averages are worked out by hand: the energy between two instants is
 * the load's own integral, whatever the readings' lag.
 */
class WindowedPowerEnergyTest {

    private static final long S = 1_000_000_000L;
    private static final long MS = 1_000_000L;

    /** Mean over (t - 1 s, t] of a load at 100 W before 10 s and 500 W from 10 s on. */
    private static double stepAverage(long t) {
        double from = (t - S) / 1e9;
        double to = t / 1e9;
        double high = Math.max(0, to - Math.max(from, 10));
        return (100 * (1 - high) + 500 * high);
    }

    @Test
    void aSteadyLoadIsPowerTimesTime() {
        WindowedPowerEnergy e = new WindowedPowerEnergy(S);
        for (long t = 0; t <= 10 * S; t += 250 * MS) {
            e.add(t, 300);
        }
        assertEquals(3000, e.joules(), 1e-9);
    }

    @Test
    void aStepIsCountedWhereItHappensNotHalfAWindowLater() {
        for (long interval : new long[] {S, 500 * MS, 250 * MS, 100 * MS}) {
            WindowedPowerEnergy e = new WindowedPowerEnergy(S);
            double atStep = Double.NaN;
            for (long t = 5 * S; t <= 15 * S; t += interval) {
                double j = e.add(t, stepAverage(t));
                if (t == 10 * S) {
                    atStep = j;
                }
            }
            // truth: 5 s at 100 W before the step, then 5 s at 500 W
            assertEquals(500, atStep, 1e-6, "interval " + interval);
            assertEquals(500 + 2500, e.joules(), 1e-6, "interval " + interval);
        }
    }

    @Test
    void theTrapezoidOfTheSameReadingsLagsByHalfAWindow() {
        // what the window avoids: up to the step the trapezoid is right (500 J), one second later it is 0.5 s x 400 W short
        double trapezoid = 0;
        for (long t = 5 * S + S; t <= 10 * S; t += S) {
            trapezoid += (stepAverage(t - S) + stepAverage(t)) / 2;
        }
        assertEquals(500, trapezoid, 1e-6);
        trapezoid += (stepAverage(10 * S) + stepAverage(11 * S)) / 2;
        assertEquals(500 + 500 - 0.5 * 400, trapezoid, 1e-6); // truth after 11 s: 500 + 500 J
    }

    @Test
    void aReadingAfterAGapLongerThanTheWindowStandsForTheWholeGap() {
        WindowedPowerEnergy e = new WindowedPowerEnergy(S);
        e.add(0, 200);
        e.add(3 * S, 400);
        assertEquals(1200, e.joules(), 1e-9);
    }

    @Test
    void beforeTheFirstReadingThePowerIsTakenAsItsOwn() {
        WindowedPowerEnergy e = new WindowedPowerEnergy(S);
        e.add(0, 100);
        // (0.5 s, 0.5 s]: 0.5 s before the start at 100 W are not this run's: 1 s x 300 W - 0.5 s x 100 W
        assertEquals(250, e.add(500 * MS, 300), 1e-9);
    }

    @Test
    void badReadingsAndTimeThatDoesNotAdvanceChangeNothing() {
        WindowedPowerEnergy e = new WindowedPowerEnergy(S);
        e.add(0, 100);
        e.add(S, 100);
        assertEquals(100, e.add(S, 900), 1e-9);
        assertEquals(100, e.add(S / 2, 900), 1e-9);
        assertEquals(100, e.add(2 * S, Double.NaN), 1e-9);
        assertEquals(100, e.add(2 * S, -5), 1e-9);
        assertEquals(100, e.add(2 * S, Double.POSITIVE_INFINITY), 1e-9);
        assertEquals(200, e.add(2 * S, 100), 1e-9);
    }

    @Test
    void theTotalNeverDecreases() {
        WindowedPowerEnergy e = new WindowedPowerEnergy(S);
        e.add(0, 100);
        e.add(900 * MS, 1000); // counts 1 s at 1000 W, of which 0.1 s is before the start: 990 J
        assertEquals(990, e.joules(), 1e-9);
        // (0.1 s, 1.1 s] at 0 W: the estimate at 1.1 s is below the total so far, which stays
        assertEquals(990, e.add(1100 * MS, 0), 1e-9);
    }

    @Test
    void readingsCloserThanTheHistoryCanHoldFallBackToTheInterval() {
        WindowedPowerEnergy e = new WindowedPowerEnergy(S);
        long step = S / (2L * WindowedPowerEnergy.HISTORY); // the history spans half a window
        for (long t = 0; t <= 3 * S; t += step) {
            e.add(t, 300);
        }
        assertEquals(900, e.joules(), 1e-6);
    }

    /**
     * Readings 1 ms apart (the history spans 0.256 s of the 1 s window): a load at 100 W before the first reading and
     * 500 W from it on reads 100 + 400 t W over the first second. Every window that starts before the first reading
     * is still counted exactly, the history full or not: 500 J after 1 s, 1000 J after 2 s.
     */
    @Test
    void windowsThatStartBeforeTheFirstReadingAreExactOnceTheHistoryIsFull() {
        WindowedPowerEnergy e = new WindowedPowerEnergy(S);
        double atOneSecond = Double.NaN;
        for (long t = 0; t <= 2 * S; t += MS) {
            double watts = t < S ? 100 + 400 * (t / 1e9) : 500;
            double j = e.add(t, watts);
            if (t == S) {
                atOneSecond = j;
            }
        }
        assertEquals(500, atOneSecond, 1e-6);
        assertEquals(1000, e.joules(), 1e-6);
    }

    @Test
    void theWindowMustBePositive() {
        assertThrows(IllegalArgumentException.class, () -> new WindowedPowerEnergy(0));
    }
}
