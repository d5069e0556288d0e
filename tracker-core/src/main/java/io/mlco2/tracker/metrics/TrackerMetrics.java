package io.mlco2.tracker.metrics;

import io.mlco2.tracker.carbon.Emissions;
import io.mlco2.tracker.carbon.IntensityLedger;

import io.mlco2.tracker.energy.Energy;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.mlco2.tracker.energy.EnergyAccumulator;
import io.mlco2.tracker.report.ComponentEnergy;
import io.mlco2.tracker.runtime.RunContext;
import io.mlco2.tracker.runtime.SampleListener;

import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * The tracker's meters, per component and device:
 * <ul>
 *   <li>{@code mlco2.energy} (function counter, joules): energy since the start, without PUE;</li>
 *   <li>{@code mlco2.power} (gauge, watts): last known power;</li>
 *   <li>{@code mlco2.utilization} (gauge, ratio 0-1): the load the reading is based on;</li>
 *   <li>{@code mlco2.emissions} (function counter, grams CO2eq): energy x PUE x grid intensity; with a source of
 *   intensity over time, each sample's energy of the device x PUE x the intensity of its interval as known at the
 *   sample, summed (a listener of the samples: {@link #onSample});</li>
 * </ul>
 * tagged {@code component} ({@code cpu}, {@code gpu}, {@code ram}), {@code device} and {@code method}; and per run
 * {@code mlco2.carbon.intensity} (gauge, gCO2eq/kWh, tagged {@code region}: the yearly figure, or with a source over
 * time the last sample's interval's), {@code mlco2.pue} (gauge) and
 * {@code mlco2.epoch} (gauge: the epoch in progress, 0 outside epochs); per completed epoch (the last
 * {@value #EPOCHS_KEPT}) {@code mlco2.epoch.energy} (joules, per component), {@code mlco2.epoch.emissions} (grams)
 * and {@code mlco2.epoch.duration} (seconds), tagged {@code epoch}. Every meter also carries {@code host},
 * {@code run_id}, {@code project} and {@code node} (this JVM, {@code NodeIdentity.nodeId()}: the JVMs of one run,
 * several on a host, are distinct series).
 *
 * <p>A meter reads the accumulators' published values; a read that fails returns {@code NaN}, never throws.
 * The {@code method} tag is the device's method when bound (a source that falls back from a counter to power
 * keeps its first tag; the reports name the final method).
 */
public final class TrackerMetrics implements MeterBinder, SampleListener {

    private final List<EnergyAccumulator> accumulators;
    private final double intensityGramsPerKwh;
    private final String region;
    private final double pue;
    private final Tags common;
    private final java.util.function.IntSupplier epochInProgress;
    private final List<MeterRegistry> bound = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final java.util.ArrayDeque<List<Meter>> epochMeters = new java.util.ArrayDeque<>();
    /** The run's intensity over time; {@code null}: the constant {@link #intensityGramsPerKwh}. */
    private final IntensityLedger carbon;
    /** Per accumulator, with a source over time: the energy at the last sample and the emissions up to it. */
    private final double[] sampledJoules;
    private final double[] sampledGrams;

    /** Completed epochs that keep their {@code epoch}-tagged meters; older ones are removed (bounded series). */
    public static final int EPOCHS_KEPT = 20;

    /** Without epoch tracking: {@code mlco2.epoch} reads 0. */
    public TrackerMetrics(List<EnergyAccumulator> accumulators, double intensityGramsPerKwh, String region,
                          double pue, Tags common) {
        this(accumulators, intensityGramsPerKwh, region, pue, common, null);
    }

    /**
     * @param common          tags on every meter: {@code host}, {@code run_id}, {@code project}, {@code node}
     * @param epochInProgress the epoch in progress for {@code mlco2.epoch} (0 outside epochs); {@code null}: always 0
     */
    public TrackerMetrics(List<EnergyAccumulator> accumulators, double intensityGramsPerKwh, String region,
                          double pue, Tags common, java.util.function.IntSupplier epochInProgress) {
        this(accumulators, intensityGramsPerKwh, region, pue, common, epochInProgress, null);
    }

    /**
     * @param carbon the run's intensity over time: with a source over time ({@link IntensityLedger#overTime}) the
     *               emissions follow it, fed by {@link #onSample} (add this binder as a sample listener); otherwise
     *               or {@code null}, {@code intensityGramsPerKwh} throughout
     */
    public TrackerMetrics(List<EnergyAccumulator> accumulators, double intensityGramsPerKwh, String region,
                          double pue, Tags common, java.util.function.IntSupplier epochInProgress,
                          IntensityLedger carbon) {
        this.epochInProgress = epochInProgress;
        this.carbon = carbon != null && carbon.overTime() ? carbon : null;
        this.sampledJoules = new double[accumulators.size()];
        this.sampledGrams = new double[accumulators.size()];
        this.accumulators = List.copyOf(accumulators);
        this.intensityGramsPerKwh = intensityGramsPerKwh;
        this.region = region;
        this.pue = pue;
        this.common = common;
    }

    public static Tags commonTags(String host, String runId, String project, String node) {
        return Tags.of("host", nonNull(host), "run_id", nonNull(runId), "project", nonNull(project), "node",
                nonNull(node));
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        bound.add(registry);
        for (int i = 0; i < accumulators.size(); i++) {
            EnergyAccumulator a = accumulators.get(i);
            int index = i;
            Tags tags = common.and("component", a.source().component().key(), "device", nonNull(a.source().deviceId()),
                    "method", a.method().key());
            FunctionCounter.builder("mlco2.energy", a, safe(EnergyAccumulator::energyJoules))
                    .description("Energy used by this device since the start of the run, without PUE")
                    .baseUnit("joules").tags(tags).register(registry);
            Gauge.builder("mlco2.power", a, safe(EnergyAccumulator::powerWatts))
                    .description("Power drawn by this device at the last sample")
                    .baseUnit("watts").tags(tags).strongReference(true).register(registry);
            Gauge.builder("mlco2.utilization", a, safe(EnergyAccumulator::utilization))
                    .description("Load of this device at the last sample, 0 to 1, where the source reports one")
                    .baseUnit("ratio").tags(tags).strongReference(true).register(registry);
            FunctionCounter.builder("mlco2.emissions", a, safe(acc -> carbon == null ? gramsCo2(acc.energyJoules())
                            : sampledGrams(index)))
                    .description("CO2-equivalent emissions of this device's energy since the start (PUE and grid "
                            + "carbon intensity applied)")
                    .baseUnit("grams").tags(tags).register(registry);
        }
        Gauge.builder("mlco2.carbon.intensity", this, m -> m.carbon == null ? m.intensityGramsPerKwh
                        : m.carbon.lastGramsPerKwh())
                .description("Carbon intensity of the grid the run draws from, in grams CO2eq per kWh")
                .baseUnit("grams.per.kwh").tags(common.and("region", nonNull(region))).strongReference(true)
                .register(registry);
        // The epoch is a gauge, not a tag on every meter: a tag that changes each epoch would start new series and
        // break the counters' monotonicity; dashboards join on time instead.
        Gauge.builder("mlco2.epoch", this, m -> m.epochInProgress == null ? 0 : m.epochInProgress.getAsInt())
                .description("Training epoch in progress (1-based; 0 outside epochs), from DJL, DL4J or Mlco2.phase")
                .tags(common).strongReference(true)
                .register(registry);
        Gauge.builder("mlco2.pue", this, m -> m.pue)
                .description("Power usage effectiveness multiplied into the emissions")
                .tags(common).strongReference(true).register(registry);
    }

    /**
     * An epoch ended: its energy per component ({@code mlco2.epoch.energy}, joules, tagged {@code epoch} and
     * {@code component}), its emissions ({@code mlco2.epoch.emissions}, grams) and duration
     * ({@code mlco2.epoch.duration}, seconds) become meters tagged {@code epoch} in every bound registry. The
     * meters of the last {@value #EPOCHS_KEPT} epochs are kept, older ones removed, so that a run of any length
     * has a bounded number of series. (Tagging the run's counters with the epoch would restart them every epoch.)
     *
     * @param joulesByComponent in {@code Component.values()} order
     */
    public synchronized void epochEnded(int epoch, double durationSeconds, double[] joulesByComponent,
                                        double emissionsGrams) {
        List<Meter> meters = new java.util.ArrayList<>();
        Tags tags = common.and("epoch", Integer.toString(epoch));
        io.mlco2.tracker.energy.Component[] cs = io.mlco2.tracker.energy.Component.values();
        for (MeterRegistry r : bound) {
            for (int i = 0; i < cs.length && i < joulesByComponent.length; i++) {
                double j = joulesByComponent[i];
                meters.add(Gauge.builder("mlco2.epoch.energy", () -> j)
                        .description("Energy of a completed training epoch for this component, without PUE")
                        .baseUnit("joules").tags(tags.and("component", cs[i].key())).register(r));
            }
            meters.add(Gauge.builder("mlco2.epoch.emissions", () -> emissionsGrams)
                    .description("CO2-equivalent emissions of a completed training epoch (PUE and grid intensity applied)")
                    .baseUnit("grams").tags(tags).register(r));
            meters.add(Gauge.builder("mlco2.epoch.duration", () -> durationSeconds)
                    .description("Duration of a completed training epoch")
                    .baseUnit("seconds").tags(tags).register(r));
        }
        epochMeters.addLast(meters);
        while (epochMeters.size() > EPOCHS_KEPT) {
            for (Meter m : epochMeters.removeFirst()) {
                for (MeterRegistry r : bound) {
                    r.remove(m);
                }
            }
        }
    }

    /**
     * With a source over time: adds each device's energy since the previous sample at the intensity of the interval
     * as known now ({@link IntensityLedger#lastGramsPerKwh}), so that the counters only grow and add up to the run's
     * emissions as known at each sample. Called on the sampler thread, after the ledger.
     */
    @Override
    public synchronized void onSample(RunContext run, long monotonicNanos) {
        if (carbon == null) {
            return;
        }
        double g = carbon.lastGramsPerKwh();
        for (int i = 0; i < sampledJoules.length; i++) {
            double j = accumulators.get(i).energyJoules();
            sampledGrams[i] += Emissions.gramsOfJoules(Math.max(0, j - sampledJoules[i]), pue, g);
            sampledJoules[i] = j;
        }
    }

    synchronized double sampledGrams(int index) {
        return sampledGrams[index];
    }

    double gramsCo2(double energyJoules) {
        return Emissions.gramsOfJoules(energyJoules, pue, intensityGramsPerKwh);
    }

    /** Returns {@code NaN} instead of throwing from a failed read. */
    static <T> ToDoubleFunction<T> safe(ToDoubleFunction<T> f) {
        return t -> {
            try {
                return f.applyAsDouble(t);
            } catch (Throwable e) {
                return Double.NaN;
            }
        };
    }

    private static String nonNull(String s) {
        return s == null || s.isEmpty() ? "unknown" : s;
    }
}
