package io.mlco2.tracker.epochs;

import io.mlco2.tracker.carbon.Emissions;

import io.mlco2.tracker.energy.Energy;
import io.mlco2.tracker.format.Csv;
import io.mlco2.tracker.format.Fmt;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The run's energy, emissions and training time, forecast after an epoch: what the run has used so far plus the
 * epochs still to run at what each is expected to cost ({@link EpochCost}), at {@code gramsPerKwh} and PUE. With a source of
 * intensity over time, {@code gramsPerKwh} is the run's energy-weighted mean so far: the emissions so far are the
 * integral, and the epochs to come are counted at that mean (not the value of the last hour).
 *
 * @param afterEpochs        epochs finished when it was made
 * @param plannedEpochs      planned epochs of the run
 * @param plannedSource      where the planned count came from ({@code mlco2.epochs}, {@code DJL EasyTrain.fit}, ...)
 * @param epochJoules        the mean energy of an epoch still to run
 * @param epochSeconds       the mean duration of an epoch still to run
 * @param basis              which epochs and model those come from ({@code epoch 1}, {@code median of epochs 2-4},
 *                           {@code warm-up curve a + b/k fitted to epochs 1-5})
 * @param runJoulesSoFar     the run's energy when the last finished epoch ended (start-up and epochs included)
 * @param epochsSecondsSoFar the finished epochs' duration
 */
public record Forecast(int afterEpochs, int plannedEpochs, String plannedSource, double epochJoules,
                       double epochSeconds, String basis, double runJoulesSoFar, double epochsSecondsSoFar,
                       double gramsPerKwh, double pue) {

    /** A new forecast is printed when it moves by more than this share of the last one printed. */
    static final double REPRINT_SHARE = 0.10;

    public int remainingEpochs() {
        return Math.max(0, plannedEpochs - afterEpochs);
    }

    public double energyJoules() {
        return runJoulesSoFar + remainingEpochs() * epochJoules;
    }

    public double energyKwh() {
        return energyJoules() / Energy.JOULES_PER_KWH;
    }

    public double emissionsKg() {
        return emissionsKg(energyJoules());
    }

    public double durationSeconds() {
        return epochsSecondsSoFar + remainingEpochs() * epochSeconds;
    }

    double emissionsKg(double joules) {
        return Emissions.kgOfJoules(joules, pue, gramsPerKwh);
    }

    /** Whether this forecast differs from {@code printed} enough to be printed again. */
    boolean movedFrom(Forecast printed) {
        return printed == null || Math.abs(energyJoules() - printed.energyJoules())
                > REPRINT_SHARE * printed.energyJoules();
    }

    /** The line printed on stderr: the figures first, then what they rest on. */
    public String message() {
        return "forecast after " + afterEpochs + " of " + plannedEpochs + " epochs: " + Fmt.fixed(energyKwh(), 6)
                + " kWh, " + Fmt.fixed(emissionsKg(), 6) + " kgCO2eq, " + Fmt.fixed(durationSeconds(), 0)
                + " s of training (" + Fmt.fixed(epochSeconds, 1) + " s and " + Fmt.fixed(epochJoules, 0)
                + " J per epoch from " + basis + "; " + plannedEpochs + " epochs from " + plannedSource + ")";
    }

    /** The warning when the forecast is over {@code mlco2.budget.kg}, or {@code null} when it is not. */
    public String budgetWarning(Double budgetKg) {
        if (budgetKg == null || emissionsKg() <= budgetKg) {
            return null;
        }
        return "BUDGET: the forecast " + Fmt.fixed(emissionsKg(), 6) + " kgCO2eq for " + plannedEpochs
                + " epochs (after " + afterEpochs + (EpochCost.FIRST_EPOCH_BASIS.equals(basis)
                        ? ", from epoch 1, warm-up included: often high" : "")
                + ") exceeds mlco2.budget.kg=" + Csv.num(budgetKg) + " ("
                + Fmt.fixed(budgetKg > 0 ? 100.0 * emissionsKg() / budgetKg : Double.POSITIVE_INFINITY, 0)
                + "% of it); the job is not stopped";
    }

    /**
     * This forecast's entry in the summary, against the run's actual energy.
     *
     * @param actualRunJoules the run's total energy (at exit: the actual total)
     */
    public Map<String, Object> toEntry(double actualRunJoules) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("after_epochs", afterEpochs);
        m.put("planned_epochs", plannedEpochs);
        m.put("planned_epochs_source", plannedSource);
        m.put("basis", basis);
        m.put("epoch_energy_kwh", epochJoules / Energy.JOULES_PER_KWH);
        m.put("epoch_duration_s", epochSeconds);
        m.put("forecast_energy_kwh", energyKwh());
        m.put("forecast_emissions_kg", emissionsKg());
        m.put("forecast_duration_s", durationSeconds());
        m.put("forecast_error_pct", percentError(energyJoules(), actualRunJoules));
        return m;
    }

    /** {@code (forecast - actual) / actual} in percent; {@code null} (JSON null) when the actual is zero. */
    static Double percentError(double forecast, double actual) {
        return actual > 0 ? 100.0 * (forecast - actual) / actual : null;
    }
}
