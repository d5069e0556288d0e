package io.mlco2.tracker.epochs;

import io.mlco2.tracker.base.Log;
import io.mlco2.tracker.carbon.Emissions;
import io.mlco2.tracker.carbon.IntensityLedger;
import io.mlco2.tracker.energy.EnergyAccumulator;
import io.mlco2.tracker.energy.Energy;
import io.mlco2.tracker.format.Fmt;
import io.mlco2.tracker.runtime.RunContext;
import io.mlco2.tracker.runtime.SampleListener;

/**
 * {@code mlco2.progress}: a one-line status every period while the job runs, on the sampler thread: the time since
 * the start, the energy so far, the power now, the emissions so far, and the epoch and latest forecast when there
 * is one. Each line starts at column 0 on a terminal ({@link Log#ownLine}). With a source over time the emissions so
 * far are the energy at the run's energy-weighted mean intensity as known at each sample
 * ({@link io.mlco2.tracker.carbon.IntensityLedger#knownMeanGramsPerKwh}), else at the one yearly figure.
 */
final class Progress implements SampleListener {

    private final EpochTracker epochs;
    private final Log log;
    private final long periodNanos;
    private final long startNanos;
    private final double gramsPerKwh;
    private final double pue;
    private long next;

    Progress(EpochTracker epochs, Log log, long periodNanos, long startNanos, double gramsPerKwh, double pue) {
        this.epochs = epochs;
        this.log = log;
        this.periodNanos = periodNanos;
        this.startNanos = startNanos;
        this.gramsPerKwh = gramsPerKwh;
        this.pue = pue;
        this.next = startNanos + periodNanos;
    }

    @Override
    public void onSample(RunContext run, long monotonicNanos) {
        if (monotonicNanos < next) {
            return;
        }
        next = monotonicNanos + periodNanos;
        double joules = 0;
        double watts = 0;
        for (EnergyAccumulator a : run.accumulators()) {
            joules += a.energyJoules();
            watts += a.powerWatts();
        }
        IntensityLedger carbon = run.carbon();
        double g = carbon != null && carbon.overTime() ? carbon.knownMeanGramsPerKwh() : gramsPerKwh;
        log.ownLine(line((monotonicNanos - startNanos) / 1e9, joules, watts, g, epochs.epochInProgress(),
                epochs.plannedEpochs(), epochs.forecast()));
    }

    /**
     * {@code 5m 00s: 0.012000 kWh, 142 W now, 0.005700 kgCO2eq; epoch 3 of 10, forecast 0.040000 kWh, ...}, the
     * emissions so far at {@code meanGramsPerKwh}.
     */
    String line(double seconds, double joules, double watts, double meanGramsPerKwh, int epoch, int planned,
                Forecast forecast) {
        long s = Math.round(seconds);
        StringBuilder b = new StringBuilder()
                .append(s >= 3600 ? s / 3600 + "h " + String.format(java.util.Locale.ROOT, "%02dm ", s / 60 % 60)
                        : s >= 60 ? s / 60 + "m " : "")
                .append(s >= 60 ? String.format(java.util.Locale.ROOT, "%02ds", s % 60) : s + "s")
                .append(": ").append(Fmt.fixed(joules / Energy.JOULES_PER_KWH, 6)).append(" kWh, ")
                .append(Fmt.fixed(watts, 0)).append(" W now, ")
                .append(Fmt.fixed(Emissions.kgOfJoules(joules, pue, meanGramsPerKwh), 6)).append(" kgCO2eq");
        if (epoch > 0) {
            b.append("; epoch ").append(epoch).append(planned > 0 ? " of " + planned : "");
        }
        if (forecast != null) {
            b.append(epoch > 0 ? ", " : "; ").append("forecast ").append(Fmt.fixed(forecast.energyKwh(), 6))
                    .append(" kWh, ").append(Fmt.fixed(forecast.emissionsKg(), 6)).append(" kgCO2eq");
        }
        return b.toString();
    }
}
