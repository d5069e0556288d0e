package io.mlco2.tracker.cpu;

import io.mlco2.tracker.energy.Component;
import io.mlco2.tracker.energy.EnergyAccumulator;
import io.mlco2.tracker.energy.Method;
import io.mlco2.tracker.energy.Reading;
import org.junit.jupiter.api.Test;

import java.util.function.LongSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The memory model: 0.3725 W per GB (10^9 bytes) of the powered memory, integrated over time. */
class RamModelSourceTest {

    static final long S = 1_000_000_000L;
    /** Green Algorithms' memoryPower (Lannelongue et al. 2021), W/GB: the oracle, written here independently. */
    static final double W_PER_GB = 0.3725;
    static final long GB = 1_000_000_000L;

    static LongSupplier constant(long v) {
        return () -> v;
    }

    @Test
    void machineModeChargesTheInstalledMemory() {
        long installed = 64 * GB;
        long used = 16 * GB;
        RamModelSource s = new RamModelSource(constant(installed), constant(used), installed, "machine");
        Reading r = s.read(0);
        assertEquals(64 * W_PER_GB, r.powerWatts(), 1e-9);
        assertEquals(16.0 / 64.0, r.utilization(), 1e-12);
        assertEquals(W_PER_GB, RamModelSource.WATTS_PER_GB, 0.0);
    }

    @Test
    void processModeChargesTheResidentSetAsItChanges() {
        long installed = 32 * GB;
        long[] rss = {2 * GB, 6 * GB, 6 * GB};
        long[] at = {0, 4 * S, 5 * S};
        int[] i = {0};
        RamModelSource s = new RamModelSource(() -> rss[i[0]], constant(8 * GB), installed, "process");
        EnergyAccumulator a = new EnergyAccumulator(s);
        double expected = 0;
        for (; i[0] < at.length; i[0]++) {
            a.sample(at[i[0]]);
            int k = i[0];
            if (k > 0) {
                double before = rss[k - 1] / 1e9 * W_PER_GB;
                double after = rss[k] / 1e9 * W_PER_GB;
                expected += (before + after) / 2 * ((at[k] - at[k - 1]) / 1e9);
            }
        }
        // 2 GB -> 6 GB over 4 s (mean 4 GB), then 6 GB for 1 s: 22 GB.s
        assertEquals(22 * W_PER_GB, expected, 1e-9);
        assertEquals(expected, a.energyJoules(), 1e-9);
        assertEquals(6 * W_PER_GB, a.powerWatts(), 1e-9);
        assertEquals(0.25, a.meanUtilization(), 1e-12);
    }

    @Test
    void utilisationIsCappedAtOneAndUnknownWithoutATotalOrAUsage() {
        assertEquals(1.0, new RamModelSource(constant(GB), constant(5 * GB), 4 * GB, "m").read(0).utilization(), 0.0);
        assertEquals(0.0, new RamModelSource(constant(GB), constant(0), 4 * GB, "m").read(0).utilization(), 0.0);
        assertTrue(Double.isNaN(new RamModelSource(constant(GB), constant(-1), 4 * GB, "m").read(0).utilization()));
        assertTrue(Double.isNaN(new RamModelSource(constant(GB), constant(GB), 0, "m").read(0).utilization()));
        // the power does not depend on the utilisation
        assertEquals(W_PER_GB, new RamModelSource(constant(GB), constant(-1), 0, "m").read(0).powerWatts(), 1e-12);
    }

    @Test
    void noPoweredMemoryIsZeroWattsButAnUnknownOneIsAFailedRead() {
        Reading zero = new RamModelSource(constant(0), constant(0), 4 * GB, "m").read(0);
        assertEquals(0.0, zero.powerWatts(), 0.0);
        assertSame(Reading.FAILED, new RamModelSource(constant(-1), constant(0), 4 * GB, "m").read(0));
        LongSupplier throwing = () -> {
            throw new IllegalStateException("no /proc/self/statm");
        };
        assertSame(Reading.FAILED, new RamModelSource(throwing, constant(0), 4 * GB, "m").read(0));
        assertSame(Reading.FAILED, new RamModelSource(constant(GB), throwing, 4 * GB, "m").read(0));
    }

    @Test
    void describesItself() {
        RamModelSource s = new RamModelSource(constant(GB), constant(GB), 17_179_869_184L, "machine");
        assertSame(Component.RAM, s.component());
        assertEquals("machine", s.deviceId());
        assertSame(Method.RAM_MODEL, s.method());
        assertEquals("17.2 GB RAM", s.hardwareName(), "16 GiB is 17.18e9 bytes");
        assertTrue(Double.isNaN(s.tdpWatts()), "memory has no TDP in the calculator's estimate");
        assertEquals("", s.tdpSource());
    }
}
