package io.mlco2.tracker.report.merge;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class TotalsTest {

    private static Totals.Group group(double cpuKwh, double gpuKwh, double ramKwh, double measuredKwh) {
        Totals.Group g = new Totals.Group("g");
        g.cpuKwh = cpuKwh;
        g.gpuKwh = gpuKwh;
        g.ramKwh = ramKwh;
        g.measuredKwh = measuredKwh;
        return g;
    }

    /** The reports print kWh with six decimals: a difference of half the last one or less is no share. */
    @Test
    void sharesInsideMachineEnergyAreShownAboveHalfTheLastPrintedDecimal() {
        assertEquals(0.25, group(0.5, 0.2, 0.05, 1.0).sharesInsideMachineKwh(), 1e-15);
        assertEquals(0, group(0.5, 0.2, 0.05, 0.75).sharesInsideMachineKwh(), "measured as counted");
        assertEquals(0, group(0.5, 0.2, 0.05, 0.7).sharesInsideMachineKwh(), "measured below counted: no share");
        assertEquals(0, group(1, 0, 0, 1 + 4.9e-7).sharesInsideMachineKwh(), "prints as 0.000000");
        double half = 5e-7;
        assertEquals(0, group(0, 0, 0, half).sharesInsideMachineKwh(), "the bound itself");
        assertEquals(5.1e-7, group(0, 0, 0, 5.1e-7).sharesInsideMachineKwh(), 1e-20);
        assertEquals(2e-6, group(0, 0, 0, 2e-6).sharesInsideMachineKwh(), 1e-18);
    }
}
