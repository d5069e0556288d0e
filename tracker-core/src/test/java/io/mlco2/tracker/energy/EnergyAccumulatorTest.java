package io.mlco2.tracker.energy;

import org.junit.jupiter.api.Test;

import java.util.ArrayDeque;
import java.util.Deque;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EnergyAccumulatorTest {

    /** A source that answers from a queue of readings. */
    static class Scripted implements EnergySource {
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

    @Test
    void anUnchangedCounterAddsNothing() {
        Scripted s = new Scripted();
        double range = 262143.328850;
        s.readings.add(Reading.counter(1000, range, Double.NaN, Double.NaN));
        s.readings.add(Reading.counter(1000, range, Double.NaN, Double.NaN));
        s.readings.add(Reading.counter(1000, range, Double.NaN, Double.NaN));
        EnergyAccumulator a = new EnergyAccumulator(s);
        a.sample(0);
        a.sample(S);
        a.sample(2 * S);
        assertEquals(0.0, a.energyJoules(), 0.0, "an idle zone is not a wrap");
        assertEquals(0.0, a.powerWatts(), 0.0);
    }

    @Test
    void aCounterThatGoesBackWithoutARangeWasResetAndAddsNothing() {
        Scripted s = new Scripted();
        s.readings.add(Reading.counter(500, Double.POSITIVE_INFINITY, Double.NaN, Double.NaN));
        s.readings.add(Reading.counter(20, Double.POSITIVE_INFINITY, Double.NaN, Double.NaN));
        s.readings.add(Reading.counter(50, Double.POSITIVE_INFINITY, Double.NaN, Double.NaN));
        EnergyAccumulator a = new EnergyAccumulator(s);
        a.sample(0);
        a.sample(S);
        assertEquals(0.0, a.energyJoules(), 0.0);
        a.sample(2 * S);
        assertEquals(30.0, a.energyJoules(), 1e-9, "counting resumes from the reset value");
    }

    @Test
    void twoCounterReadingsAtTheSameInstantLeaveThePowerAsItWas() {
        Scripted s = new Scripted();
        s.readings.add(Reading.counter(0, Double.POSITIVE_INFINITY, Double.NaN, Double.NaN));
        s.readings.add(Reading.counter(40, Double.POSITIVE_INFINITY, Double.NaN, Double.NaN));
        s.readings.add(Reading.counter(45, Double.POSITIVE_INFINITY, Double.NaN, Double.NaN));
        EnergyAccumulator a = new EnergyAccumulator(s);
        a.sample(0);
        a.sample(2 * S);
        a.sample(2 * S);
        assertEquals(45.0, a.energyJoules(), 1e-9);
        assertEquals(20.0, a.powerWatts(), 1e-9, "40 J over 2 s; no division by a zero interval");
    }

    @Test
    void primingStartsThePowerIntegralAtTheRunsStart() {
        Scripted s = new Scripted();
        s.readings.add(Reading.power(100, Double.NaN));
        s.readings.add(Reading.power(50, Double.NaN));
        EnergyAccumulator a = new EnergyAccumulator(s);
        a.prime(0);
        a.prime(S); // only the first prime counts
        a.sample(2 * S);
        assertEquals(100.0 * 2, a.energyJoules(), 1e-9, "the first reading's power over the 2 s since the start");
        a.sample(3 * S);
        assertEquals(100.0 * 2 + (100 + 50) / 2.0 * 1, a.energyJoules(), 1e-9);
    }

    @Test
    void withoutPrimingTheFirstReadingOnlySetsTheBaseline() {
        Scripted s = new Scripted();
        s.readings.add(Reading.power(100, Double.NaN));
        EnergyAccumulator a = new EnergyAccumulator(s);
        a.sample(5 * S);
        assertEquals(0.0, a.energyJoules(), 0.0);
        assertEquals(100.0, a.powerWatts(), 0.0);
    }

    @Test
    void aFailedReadInTheMiddleIsBridgedByTheNextReading() {
        Scripted s = new Scripted();
        s.readings.add(Reading.power(10, Double.NaN));
        s.readings.add(Reading.FAILED);
        s.readings.add(Reading.power(30, Double.NaN));
        EnergyAccumulator a = new EnergyAccumulator(s);
        a.sample(0);
        a.sample(S);
        a.sample(2 * S);
        assertEquals((10 + 30) / 2.0 * 2, a.energyJoules(), 1e-9);
        assertEquals(1, a.failedReads());
        assertEquals(30.0, a.powerWatts(), 0.0);
    }

    @Test
    void utilisationIsTheLastReadingsAndTheMeanSkipsUnknownOnes() {
        Scripted s = new Scripted();
        EnergyAccumulator a = new EnergyAccumulator(s);
        assertTrue(Double.isNaN(a.meanUtilization()));
        assertTrue(Double.isNaN(a.utilization()));
        assertTrue(Double.isNaN(a.powerWatts()));
        s.readings.add(Reading.power(10, 0.2));
        s.readings.add(Reading.power(10, Double.NaN));
        s.readings.add(Reading.power(10, 0.6));
        a.sample(0);
        a.sample(S);
        assertTrue(Double.isNaN(a.utilization()));
        assertEquals(0.2, a.meanUtilization(), 1e-12);
        a.sample(2 * S);
        assertEquals(0.6, a.utilization(), 0.0);
        assertEquals((0.2 + 0.6) / 2, a.meanUtilization(), 1e-12);
        assertSame(s, a.source());
    }

    @Test
    void theMethodFollowsTheSourceAfterEachSample() {
        Method[] method = {Method.NVML_ENERGY_COUNTER};
        Scripted s = new Scripted() {
            @Override
            public Method method() {
                return method[0];
            }
        };
        EnergyAccumulator a = new EnergyAccumulator(s);
        assertSame(Method.NVML_ENERGY_COUNTER, a.method());
        s.readings.add(Reading.power(10, Double.NaN));
        method[0] = Method.NVML_POWER;
        a.sample(0);
        assertSame(Method.NVML_POWER, a.method());
    }
}
