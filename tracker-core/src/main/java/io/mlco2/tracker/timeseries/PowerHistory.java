package io.mlco2.tracker.timeseries;

import io.mlco2.tracker.energy.Component;
import io.mlco2.tracker.runtime.SampleListener;
import io.mlco2.tracker.runtime.RunContext;

import java.util.EnumMap;
import java.util.Map;

/**
 * Power per component over the run, decimated into a {@link MinMaxSeries} each, and the grid's intensity when it
 * comes from a source over time: what the HTML report's charts draw. Constant memory whatever the run's length.
 */
public final class PowerHistory implements SampleListener {

    private final Map<Component, MinMaxSeries> series = new EnumMap<>(Component.class);
    private final MinMaxSeries intensity;

    public PowerHistory() {
        this(MinMaxSeries.DEFAULT_BUCKETS);
    }

    public PowerHistory(int buckets) {
        for (Component c : Component.values()) {
            series.put(c, new MinMaxSeries(buckets));
        }
        intensity = new MinMaxSeries(buckets);
    }

    @Override
    public void onSample(RunContext run, long monotonicNanos) {
        double seconds = (monotonicNanos - run.startNanos()) / 1e9;
        for (Map.Entry<Component, ComponentPower> e : ComponentPower.of(run.accumulators()).entrySet()) {
            series.get(e.getKey()).add(seconds, e.getValue().powerWatts());
        }
        if (run.carbon().overTime()) {
            intensity.add(seconds, run.carbon().lastGramsPerKwh());
        }
    }

    /** The grid's intensity (gCO2eq/kWh) of each sample; empty unless it comes from a source over time. */
    public MinMaxSeries intensity() {
        return intensity;
    }

    /** Adds one power reading; for reading a samples file back. */
    public void add(Component c, double seconds, double powerWatts) {
        series.get(c).add(seconds, powerWatts);
    }

    /** The series of every component (empty for a component never measured). */
    public Map<Component, MinMaxSeries> series() {
        return series;
    }

    public boolean isEmpty() {
        for (MinMaxSeries s : series.values()) {
            if (s.size() != 0) {
                return false;
            }
        }
        return true;
    }
}
