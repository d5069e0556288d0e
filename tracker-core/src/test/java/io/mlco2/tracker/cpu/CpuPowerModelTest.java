package io.mlco2.tracker.cpu;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The curve: piecewise linear through its points, clamped, an unknown load counted as idle. */
class CpuPowerModelTest {

    /** Teads-like points: 10 W idle, 20 W at 10 %, 40 W at 50 %, 60 W at 100 %. */
    static CpuPowerModel points() {
        return new CpuPowerModel(new double[] {0, 0.1, 0.5, 1}, new double[] {10, 20, 40, 60}, 8, "teads:x", "8 of 96 vCPUs",
                "10-60 W", 0.5, 1.5, "band", 100, "tdp");
    }

    @Test
    void betweenTwoPointsTheWattsAreOnTheLineBetweenThem() {
        CpuPowerModel m = points();
        assertEquals(10, m.watts(0), 1e-12);
        assertEquals(15, m.watts(0.05), 1e-12);
        assertEquals(20, m.watts(0.1), 1e-12);
        assertEquals(20 + (0.3 - 0.1) / 0.4 * 20, m.watts(0.3), 1e-12);
        assertEquals(40, m.watts(0.5), 1e-12);
        assertEquals(50, m.watts(0.75), 1e-12);
        assertEquals(60, m.watts(1), 1e-12);
    }

    @Test
    void loadsOutsideZeroToOneAreClampedAndAnUnknownLoadIsIdle() {
        CpuPowerModel m = points();
        assertEquals(10, m.watts(-0.5), 0.0);
        assertEquals(60, m.watts(1.5), 0.0);
        assertEquals(10, m.watts(Double.NaN), 0.0);
    }

    @Test
    void perVcpuIsCcfsFormula() {
        CpuPowerModel m = CpuPowerModel.perVcpu(2, 0.69, 4.06, "ccf:aws:Cascade Lake", "2 of 96 vCPUs", 0.6, 1.2, "b", 20, "t");
        assertEquals(2 * 0.69, m.watts(0), 1e-12);
        assertEquals(2 * (0.69 + 0.5 * (4.06 - 0.69)), m.watts(0.5), 1e-12);
        assertEquals(2 * 4.06, m.watts(1), 1e-12);
        assertEquals("ccf:aws:Cascade Lake, 2 of 96 vCPUs, 0.69-4.06 W/vCPU", m.describe());
        assertEquals(m.describe(), m.toString());
        assertEquals(2.0, m.vcpus(), 0.0);
        assertEquals("0.69-4.06 W/vCPU", m.curve());
        assertEquals(20.0, m.tdpWatts(), 0.0);
        assertEquals("t", m.tdpSource());
        assertEquals("b", m.band());
        assertEquals("2 of 96 vCPUs", m.share());
        assertEquals("ccf:aws:Cascade Lake", m.data());
    }

    @Test
    void theBandAlwaysContainsTheFigure() {
        CpuPowerModel m = CpuPowerModel.perVcpu(1, 1, 2, "d", "s", 1.3, 0.8, "b", 1, "t");
        assertEquals(1.0, m.lowFactor(), 0.0);
        assertEquals(1.0, m.highFactor(), 0.0);
        assertEquals(0.5, points().lowFactor(), 0.0);
        assertEquals(1.5, points().highFactor(), 0.0);
        ModelBand b = new ModelBand(1.2, 0.9, "x");
        assertEquals(1.0, b.lowFactor(), 0.0);
        assertEquals(1.0, b.highFactor(), 0.0);
        assertEquals(new ModelBand(1, 1, "y"), ModelBand.exact("y"));
    }

    @Test
    void aCurveMustRunFromIdleToFullWithOneFigurePerLoad() {
        assertThrows(IllegalArgumentException.class, () -> new CpuPowerModel(new double[] {0}, new double[] {1}, 1, "", "", "", 1, 1, "", 0, ""));
        assertThrows(IllegalArgumentException.class, () -> new CpuPowerModel(new double[] {0, 1}, new double[] {1}, 1, "", "", "", 1, 1, "", 0, ""));
        assertThrows(IllegalArgumentException.class, () -> new CpuPowerModel(new double[] {0.1, 1}, new double[] {1, 2}, 1, "", "", "", 1, 1, "", 0, ""));
        assertThrows(IllegalArgumentException.class, () -> new CpuPowerModel(new double[] {0, 0.9}, new double[] {1, 2}, 1, "", "", "", 1, 1, "", 0, ""));
    }

    @Test
    void countsAreWholeOrTwoDecimals() {
        assertEquals("2", CpuPowerModel.count(2));
        assertEquals("1.50", CpuPowerModel.count(1.5));
    }

    @Test
    void theCurveIsACopyOfTheArraysGiven() {
        double[] w = {1, 2};
        CpuPowerModel m = new CpuPowerModel(new double[] {0, 1}, w, 1, "", "", "", 1, 1, "", 0, "");
        w[1] = 100;
        assertEquals(2, m.watts(1), 0.0);
    }
}
