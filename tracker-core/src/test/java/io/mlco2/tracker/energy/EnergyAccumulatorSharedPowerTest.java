package io.mlco2.tracker.energy;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The power reported for a shared counter source without a power reading: this process's share of it. */
class EnergyAccumulatorSharedPowerTest {

    static final long S = 1_000_000_000L;

    @Test
    void aSharedCounterIntervalReportsItsShareOfTheCountersPower() {
        EnergyAccumulatorTest.Scripted s = new EnergyAccumulatorTest.Scripted();
        s.readings.add(Reading.counter(500, Double.POSITIVE_INFINITY, Double.NaN, Double.NaN));
        s.readings.add(Reading.counter(540, Double.POSITIVE_INFINITY, Double.NaN, Double.NaN));
        EnergyAccumulatorShareTest.Fractions f = new EnergyAccumulatorShareTest.Fractions();
        f.next.add(0.25);
        f.next.add(0.25);
        EnergyAccumulator a = new EnergyAccumulator(s, f, new EnergyAccumulatorShareTest.LeaseFrom(Long.MAX_VALUE));
        a.prime(0);
        a.sample(0);
        a.sample(2 * S);
        double shareJoules = (540 - 500) * 0.25;
        assertEquals(shareJoules, a.shareEnergyJoules(), 1e-12);
        assertEquals(shareJoules / 2, a.powerWatts(), 1e-12);
    }
}
