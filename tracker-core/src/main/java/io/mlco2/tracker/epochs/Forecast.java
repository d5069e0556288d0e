package io.mlco2.tracker.epochs;

import io.mlco2.tracker.carbon.Emissions;

import io.mlco2.tracker.energy.Energy;
import io.mlco2.tracker.report.ComponentEnergy;
import io.mlco2.tracker.format.Csv;
import io.mlco2.tracker.format.Fmt;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The run's energy and emissions forecast from its first epochs: the mean of the measured epochs times the planned
 * epochs, at the run's carbon intensity and PUE.
 *
 * @param afterEpochs       epochs measured when it was made
 * @param plannedEpochs     planned epochs of the run
 * @param plannedSource     where the planned count came from ({@code mlco2.epochs}, {@code DJL EasyTrain.fit}, ...)
 * @param meanEpochJoules   mean energy of the measured epochs
 * @param meanEpochSeconds  mean duration of the measured epochs
 */
public record Forecast(int afterEpochs, int plannedEpochs, String plannedSource, double meanEpochJoules,
                       double meanEpochSeconds, double gramsPerKwh, double pue) {

    public double energyJoules() {
        return meanEpochJoules * plannedEpochs;
    }

    public double energyKwh() {
        return energyJoules() / Energy.JOULES_PER_KWH;
    }

    public double emissionsKg() {
        return emissionsKg(energyJoules());
    }

    public double durationSeconds() {
        return meanEpochSeconds * plannedEpochs;
    }

    double emissionsKg(double joules) {
        return Emissions.kgOfJoules(joules, pue, gramsPerKwh);
    }

    /** The line printed once on stderr. */
    public String message() {
        return "forecast after " + afterEpochs + " of " + plannedEpochs + " epochs: " + Fmt.fixed(energyKwh(), 6)
                + " kWh, " + Fmt.fixed(emissionsKg(), 6) + " kgCO2eq, " + Fmt.fixed(durationSeconds(), 0)
                + " s of training (mean " + Fmt.fixed(meanEpochJoules / Energy.JOULES_PER_KWH, 6) + " kWh and "
                + Fmt.fixed(meanEpochSeconds, 1) + " s per epoch x " + plannedEpochs + " epochs from " + plannedSource
                + ", " + Fmt.fixed(gramsPerKwh, 1) + " gCO2eq/kWh, PUE " + Fmt.fixed(pue, 2) + ")";
    }

    /** The warning when the forecast is over {@code mlco2.budget.kg}, or {@code null} when it is not. */
    public String budgetWarning(Double budgetKg) {
        if (budgetKg == null || emissionsKg() <= budgetKg) {
            return null;
        }
        return "BUDGET: the forecast " + Fmt.fixed(emissionsKg(), 6) + " kgCO2eq for " + plannedEpochs
                + " epochs exceeds mlco2.budget.kg=" + Csv.num(budgetKg) + " ("
                + Fmt.fixed(budgetKg > 0 ? 100.0 * emissionsKg() / budgetKg : Double.POSITIVE_INFINITY, 0)
                + "% of it); the job is not stopped";
    }

    /**
     * The {@code forecast} section of the JSON summary: the forecast beside the actual totals.
     *
     * @param actualRunJoules    the run's total energy so far (at exit: the actual total)
     * @param actualEpochsJoules the energy of the epochs measured so far
     * @param epochsDone         how many epochs were measured
     */
    public Map<String, Object> toSection(double actualRunJoules, double actualEpochsJoules, int epochsDone) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("after_epochs", afterEpochs);
        m.put("planned_epochs", plannedEpochs);
        m.put("planned_epochs_source", plannedSource);
        m.put("mean_epoch_energy_kwh", meanEpochJoules / Energy.JOULES_PER_KWH);
        m.put("mean_epoch_duration_s", meanEpochSeconds);
        m.put("forecast_energy_kwh", energyKwh());
        m.put("forecast_emissions_kg", emissionsKg());
        m.put("forecast_duration_s", durationSeconds());
        m.put("actual_energy_kwh", actualRunJoules / Energy.JOULES_PER_KWH);
        m.put("actual_emissions_kg", emissionsKg(actualRunJoules));
        m.put("error_percent", percentError(energyJoules(), actualRunJoules));
        m.put("actual_epochs", epochsDone);
        m.put("actual_epochs_energy_kwh", actualEpochsJoules / Energy.JOULES_PER_KWH);
        m.put("epochs_error_percent", percentError(energyJoules(), actualEpochsJoules));
        return m;
    }

    /** {@code (forecast - actual) / actual} in percent; {@code null} (JSON null) when the actual is zero. */
    static Double percentError(double forecast, double actual) {
        return actual > 0 ? 100.0 * (forecast - actual) / actual : null;
    }
}
