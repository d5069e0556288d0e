package io.mlco2.tracker.epochs;

import io.mlco2.tracker.energy.Energy;
import io.mlco2.tracker.energy.Component;
import io.mlco2.tracker.report.ComponentEnergy;

import java.time.Instant;

/**
 * A finished phase, or one cut short by the run's end: one row of {@code <run_id>.epochs.csv}.
 *
 * @param phase           the phase name ({@code epoch} for epochs)
 * @param number          1-based count of that name in the run
 * @param epoch           the epoch: {@code number} for an epoch, else the epoch in progress when it began (0: none)
 * @param joulesByComponent energy per {@link Component}, in {@code Component.values()} order
 * @param emissionsKg     {@code kWh x PUE x intensity}
 * @param complete        {@code false} for a phase still running when the run ended (SIGTERM, {@code System.exit}):
 *                        its row holds what it used up to the last sample
 */
public record PhaseRow(String phase, int number, int epoch, Instant start, double durationSeconds,
                       double[] joulesByComponent, double emissionsKg, boolean complete) {

    public double energyJoules() {
        double sum = 0;
        for (double j : joulesByComponent) {
            sum += j;
        }
        return sum;
    }

    public double energyKwh() {
        return energyJoules() / Energy.JOULES_PER_KWH;
    }

    public double energyKwh(Component c) {
        return joulesByComponent[c.ordinal()] / Energy.JOULES_PER_KWH;
    }
}
