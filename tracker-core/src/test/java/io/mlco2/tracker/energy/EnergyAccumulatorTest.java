package io.mlco2.tracker.energy;

import org.junit.jupiter.api.Test;

import java.util.ArrayDeque;
import java.util.Deque;

import static org.junit.jupiter.api.Assertions.assertEquals;

class EnergyAccumulatorTest {

    /** A source that answers from a queue of readings. */
    static final class Scripted implements EnergySource {
        final Deque<Reading> readings = new ArrayDeque<>();

        @Override
        public Component component() {
            return Component.CPU;
        }

        @Override
        public String deviceId() {
            return "test";
        }

        @Override
        public Method method() {
            return Method.RAPL;
        }

        @Override
        public String hardwareName() {
            return "";
        }

        @Override
        public double tdpWatts() {
            return Double.NaN;
        }

        @Override
        public String tdpSource() {
            return "";
        }

        @Override
        public Reading read(long monotonicNanos) {
            Reading r = readings.poll();
            if (r == null) {
                throw new IllegalStateException("device gone");
            }
            return r;
        }
    }

    static final long S = 1_000_000_000L;

    @Test
    void integratesPowerWithTheTrapezoidRule() {
        Scripted s = new Scripted();
        s.readings.add(Reading.power(100, 0.5));
        s.readings.add(Reading.power(200, 0.5));
        s.readings.add(Reading.power(200, 1.0));
        EnergyAccumulator a = new EnergyAccumulator(s);
        a.sample(0);
        a.sample(2 * S);
        a.sample(3 * S);
        assertEquals(150 * 2 + 200 * 1, a.energyJoules(), 1e-9);
        assertEquals(200, a.powerWatts());
        assertEquals((0.5 + 0.5 + 1.0) / 3, a.meanUtilization(), 1e-12);
    }

    @Test
    void prefersCounterDeltasAndDerivesPowerFromThem() {
        Scripted s = new Scripted();
        s.readings.add(Reading.counter(1000, Double.POSITIVE_INFINITY, Double.NaN, Double.NaN));
        s.readings.add(Reading.counter(1100, Double.POSITIVE_INFINITY, 9999, Double.NaN));
        s.readings.add(Reading.counter(1150, Double.POSITIVE_INFINITY, Double.NaN, Double.NaN));
        EnergyAccumulator a = new EnergyAccumulator(s);
        a.sample(0);
        a.sample(S);
        assertEquals(100, a.energyJoules(), 1e-9, "counter wins over the power reading");
        a.sample(3 * S);
        assertEquals(150, a.energyJoules(), 1e-9);
        assertEquals(25, a.powerWatts(), 1e-9, "50 J over 2 s");
    }

    @Test
    void aCounterWrapIsExact() {
        Scripted s = new Scripted();
        double range = 262143.328850; // RAPL max_energy_range_uj / 1e6 on a common Xeon
        s.readings.add(Reading.counter(range - 10, range, Double.NaN, Double.NaN));
        s.readings.add(Reading.counter(5, range, Double.NaN, Double.NaN));
        EnergyAccumulator a = new EnergyAccumulator(s);
        a.sample(0);
        a.sample(S);
        assertEquals(15, a.energyJoules(), 1e-6);
    }

    @Test
    void failedReadsKeepTheEnergySoFar() {
        Scripted s = new Scripted();
        s.readings.add(Reading.power(10, Double.NaN));
        s.readings.add(Reading.power(10, Double.NaN));
        s.readings.add(Reading.FAILED);
        EnergyAccumulator a = new EnergyAccumulator(s);
        a.sample(0);
        a.sample(S);
        a.sample(2 * S);
        a.sample(3 * S); // the source now throws
        assertEquals(10, a.energyJoules(), 1e-9);
        assertEquals(2, a.failedReads());
        assertEquals(4, a.samples());
    }
}
