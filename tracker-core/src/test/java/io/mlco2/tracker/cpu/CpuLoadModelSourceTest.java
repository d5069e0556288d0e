package io.mlco2.tracker.cpu;

import io.mlco2.tracker.energy.Component;
import io.mlco2.tracker.energy.EnergyAccumulator;
import io.mlco2.tracker.energy.Method;
import io.mlco2.tracker.energy.Reading;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

/** The CPU load model: power = the model's curve at the load (idle floor to full), integrated by the accumulator. */
class CpuLoadModelSourceTest {

    static final long S = 1_000_000_000L;

    /** A load probe that answers from a list, one value per call, and records the instants it was asked at. */
    static final class Loads implements CpuLoad {
        final double[] values;
        final long[] askedAt;
        int calls;

        Loads(double... values) {
            this.values = values;
            this.askedAt = new long[values.length];
        }

        @Override
        public double sinceLastCall(long monotonicNanos) {
            askedAt[calls] = monotonicNanos;
            return values[calls++];
        }
    }

    /** 4 vCPUs of 0.5 W idle and 3 W at full load each; its share's TDP 40 W. */
    static CpuPowerModel model() {
        return CpuPowerModel.perVcpu(4, 0.5, 3, "test-row", "4 vCPUs", 0.8, 1.3, "test band", 40, "test tdp");
    }

    @Test
    void powerIsTheCurveFromTheIdleFloorAtTheLoad() {
        Loads load = new Loads(0.25, 1.0, 0.0);
        CpuLoadModelSource s = new CpuLoadModelSource(load, "Xeon", model());
        for (int i = 0; i < load.values.length; i++) {
            Reading r = s.read(i * S);
            assertEquals(4 * (0.5 + load.values[i] * (3 - 0.5)), r.powerWatts(), 1e-12);
            assertEquals(load.values[i], r.utilization(), 0.0);
            assertEquals(i * S, load.askedAt[i], "the load is asked for the reading's instant");
        }
    }

    @Test
    void describesItself() {
        CpuLoadModelSource s = new CpuLoadModelSource(new Loads(), "AMD EPYC 7763", model());
        assertSame(Component.CPU, s.component());
        assertEquals("cpu", s.deviceId());
        assertSame(Method.CPU_LOAD_MODEL, s.method());
        assertEquals("AMD EPYC 7763", s.hardwareName());
        assertEquals(40.0, s.tdpWatts(), 0.0);
        assertEquals("test tdp", s.tdpSource());
        assertSame(s.model(), s.model());
        assertEquals("test-row", s.model().data());
    }

    @Test
    void anUnknownOrFailingLoadCountsAsIdleNotAsAGap() {
        CpuLoad failing = t -> {
            throw new IllegalStateException("no /proc");
        };
        Reading r = new CpuLoadModelSource(failing, "", model()).read(0);
        assertEquals(4 * 0.5, r.powerWatts(), 0.0, "idle: the floor");
        assertEquals(0.0, r.utilization(), 0.0);
        Reading n = new CpuLoadModelSource(new Loads(Double.NaN), "", model()).read(0);
        assertEquals(4 * 0.5, n.powerWatts(), 0.0);
        assertEquals(0.0, n.utilization(), 0.0);
    }

    @Test
    void energyIsThePowerIntegratedOverTime() {
        double[] loads = {0.5, 0.25, 1.0, 1.0};
        long[] at = {0, 2 * S, 3 * S, 7 * S};
        EnergyAccumulator a = new EnergyAccumulator(new CpuLoadModelSource(new Loads(loads), "", model()));
        double expected = 0;
        for (int i = 0; i < at.length; i++) {
            a.sample(at[i]);
            if (i > 0) { // trapezoid of the two readings around each interval
                expected += (watts(loads[i - 1]) + watts(loads[i])) / 2 * ((at[i] - at[i - 1]) / 1e9);
            }
        }
        assertEquals(expected, a.energyJoules(), 1e-9);
        assertEquals(watts(loads[loads.length - 1]), a.powerWatts(), 1e-12);
        assertEquals((0.5 + 0.25 + 1.0 + 1.0) / 4, a.meanUtilization(), 1e-12);
    }

    private static double watts(double load) {
        return 4 * 0.5 + load * 4 * (3 - 0.5);
    }
}
