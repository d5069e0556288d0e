package io.mlco2.tracker.report;

import io.mlco2.tracker.energy.Energy;

/**
 * One component's share of a run.
 *
 * @param energyJoules     measured (or modelled) energy, without PUE
 * @param meanPowerWatts   energy over the run's duration
 * @param method           how it was obtained ({@code rapl}, {@code cpu-load-model}, ..., {@code none}); several
 *                         devices with different methods are joined with {@code +}
 * @param meanUtilization  mean utilisation in [0, 1], {@code NaN} when unknown
 * @param devices          number of devices of this component tracked
 */
public record ComponentEnergy(double energyJoules, double meanPowerWatts, String method, double meanUtilization,
                              int devices) {

    public double energyKwh() {
        return Energy.kwh(energyJoules);
    }
}
