package io.mlco2.tracker.cpu;

import io.mlco2.tracker.energy.Component;
import io.mlco2.tracker.energy.EnergyAccumulator;
import io.mlco2.tracker.energy.Method;
import io.mlco2.tracker.energy.Reading;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

/** The CPU load model: power = TDP per package x packages x load, integrated over time by the accumulator. */
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

    @Test
    void powerIsTdpTimesPackagesTimesLoad() {
        double tdp = 95;
        int packages = 2;
        Loads load = new Loads(0.25, 1.0, 0.0);
        CpuLoadModelSource s = new CpuLoadModelSource(load, "Xeon", tdp, packages, "cpu table");
        for (int i = 0; i < load.values.length; i++) {
            Reading r = s.read(i * S);
            assertEquals(tdp * packages * load.values[i], r.powerWatts(), 1e-12);
            assertEquals(load.values[i], r.utilization(), 0.0);
            assertEquals(i * S, load.askedAt[i], "the load is asked for the reading's instant");
        }
        assertEquals(190.0, s.tdpWatts(), 1e-12, "2 packages of 95 W");
    }

    @Test
    void describesItself() {
        CpuLoadModelSource s = new CpuLoadModelSource(new Loads(), "AMD EPYC 7763", 280, 1, "cpu table");
        assertSame(Component.CPU, s.component());
        assertEquals("cpu", s.deviceId());
        assertSame(Method.CPU_LOAD_MODEL, s.method());
        assertEquals("AMD EPYC 7763", s.hardwareName());
        assertEquals(280.0, s.tdpWatts(), 0.0);
        assertEquals("cpu table", s.tdpSource());
    }

    @Test
    void fewerThanOnePackageCountsAsOne() {
        assertEquals(65.0, new CpuLoadModelSource(new Loads(), "", 65, 0, "").tdpWatts(), 0.0);
        assertEquals(65.0, new CpuLoadModelSource(new Loads(), "", 65, -3, "").tdpWatts(), 0.0);
        CpuLoadModelSource s = new CpuLoadModelSource(new Loads(0.5), "", 65, 0, "");
        assertEquals(65 * 0.5, s.read(0).powerWatts(), 1e-12);
    }

    @Test
    void anUnknownOrFailingLoadCountsAsIdleNotAsAGap() {
        CpuLoad failing = t -> {
            throw new IllegalStateException("no /proc");
        };
        Reading r = new CpuLoadModelSource(failing, "", 100, 1, "").read(0);
        assertEquals(0.0, r.powerWatts(), 0.0);
        assertEquals(0.0, r.utilization(), 0.0);
        Reading n = new CpuLoadModelSource(new Loads(Double.NaN), "", 100, 1, "").read(0);
        assertEquals(0.0, n.powerWatts(), 0.0);
        assertEquals(0.0, n.utilization(), 0.0);
    }

    @Test
    void energyIsThePowerIntegratedOverTime() {
        double tdp = 120;
        double[] loads = {0.5, 0.25, 1.0, 1.0};
        long[] at = {0, 2 * S, 3 * S, 7 * S};
        EnergyAccumulator a = new EnergyAccumulator(new CpuLoadModelSource(new Loads(loads), "", tdp, 1, ""));
        double expected = 0;
        for (int i = 0; i < at.length; i++) {
            a.sample(at[i]);
            if (i > 0) { // trapezoid of the two readings around each interval
                expected += (tdp * loads[i - 1] + tdp * loads[i]) / 2 * ((at[i] - at[i - 1]) / 1e9);
            }
        }
        assertEquals(expected, a.energyJoules(), 1e-9);
        assertEquals(tdp * loads[loads.length - 1], a.powerWatts(), 1e-12);
        assertEquals((0.5 + 0.25 + 1.0 + 1.0) / 4, a.meanUtilization(), 1e-12);
    }
}
