package io.mlco2.tracker.cpu;

import io.mlco2.tracker.energy.Component;
import io.mlco2.tracker.energy.EnergySource;
import io.mlco2.tracker.energy.Method;
import io.mlco2.tracker.energy.Reading;

/**
 * CPU power modelled as {@code TDP x packages x load}, the model CodeCarbon uses when RAPL is unreadable. Used
 * only where no hardware counter is available; the report names the method {@code cpu-load-model}.
 */
public final class CpuLoadModelSource implements EnergySource {

    private final CpuLoad load;
    private final String hardwareName;
    private final double tdpWattsPerPackage;
    private final int packages;
    private final String tdpSource;

    public CpuLoadModelSource(CpuLoad load, String hardwareName, double tdpWattsPerPackage, int packages, String tdpSource) {
        this.load = load;
        this.hardwareName = hardwareName;
        this.tdpWattsPerPackage = tdpWattsPerPackage;
        this.packages = Math.max(1, packages);
        this.tdpSource = tdpSource;
    }

    @Override
    public Component component() {
        return Component.CPU;
    }

    @Override
    public String deviceId() {
        return "cpu";
    }

    @Override
    public Method method() {
        return Method.CPU_LOAD_MODEL;
    }

    @Override
    public String hardwareName() {
        return hardwareName;
    }

    @Override
    public double tdpWatts() {
        return tdpWattsPerPackage * packages;
    }

    @Override
    public String tdpSource() {
        return tdpSource;
    }

    @Override
    public Reading read(long monotonicNanos) {
        double u;
        try {
            u = load.sinceLastCall(monotonicNanos);
        } catch (RuntimeException e) {
            u = Double.NaN;
        }
        // Unknown load (the JVM cannot tell) counts as idle rather than as a gap.
        double utilization = Double.isNaN(u) ? 0.0 : u;
        return Reading.power(tdpWatts() * utilization, utilization);
    }
}
