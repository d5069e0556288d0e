package io.mlco2.tracker.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.mlco2.tracker.energy.EnergyAccumulator;
import io.mlco2.tracker.report.ComponentEnergy;

import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * The tracker's meters, per component and device:
 * <ul>
 *   <li>{@code mlco2.energy} (function counter, joules): energy since the start, without PUE;</li>
 *   <li>{@code mlco2.power} (gauge, watts): last known power;</li>
 *   <li>{@code mlco2.utilization} (gauge, ratio 0-1): the load the reading is based on;</li>
 *   <li>{@code mlco2.emissions} (function counter, grams CO2eq): energy x PUE x grid intensity;</li>
 * </ul>
 * tagged {@code component} ({@code cpu}, {@code gpu}, {@code ram}), {@code device} and {@code method}; and per run
 * {@code mlco2.carbon.intensity} (gauge, gCO2eq/kWh, tagged {@code region}) and {@code mlco2.pue} (gauge). Every
 * meter also carries {@code host}, {@code run_id} and {@code project}.
 *
 * <p>A meter reads the accumulators' published values; a read that fails returns {@code NaN}, never throws.
 * The {@code method} tag is the device's method when bound (a source that falls back from a counter to power
 * keeps its first tag; the reports name the final method).
 */
public final class TrackerMetrics implements MeterBinder {

    private final List<EnergyAccumulator> accumulators;
    private final double intensityGramsPerKwh;
    private final String region;
    private final double pue;
    private final Tags common;

    /**
     * @param common tags on every meter: {@code host}, {@code run_id}, {@code project}
     */
    public TrackerMetrics(List<EnergyAccumulator> accumulators, double intensityGramsPerKwh, String region,
                          double pue, Tags common) {
        this.accumulators = List.copyOf(accumulators);
        this.intensityGramsPerKwh = intensityGramsPerKwh;
        this.region = region;
        this.pue = pue;
        this.common = common;
    }

    public static Tags commonTags(String host, String runId, String project) {
        return Tags.of("host", nonNull(host), "run_id", nonNull(runId), "project", nonNull(project));
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        for (EnergyAccumulator a : accumulators) {
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
            FunctionCounter.builder("mlco2.emissions", a, safe(acc -> gramsCo2(acc.energyJoules())))
                    .description("CO2-equivalent emissions of this device's energy since the start (PUE and grid "
                            + "carbon intensity applied)")
                    .baseUnit("grams").tags(tags).register(registry);
        }
        Gauge.builder("mlco2.carbon.intensity", this, m -> m.intensityGramsPerKwh)
                .description("Carbon intensity of the grid the run draws from, in grams CO2eq per kWh")
                .baseUnit("grams.per.kwh").tags(common.and("region", nonNull(region))).strongReference(true)
                .register(registry);
        Gauge.builder("mlco2.pue", this, m -> m.pue)
                .description("Power usage effectiveness multiplied into the emissions")
                .tags(common).strongReference(true).register(registry);
    }

    double gramsCo2(double energyJoules) {
        return energyJoules / ComponentEnergy.JOULES_PER_KWH * pue * intensityGramsPerKwh;
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
