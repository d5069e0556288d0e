package io.mlco2.tracker.cpu;

import io.mlco2.tracker.energy.Component;
import io.mlco2.tracker.energy.EnergySource;
import io.mlco2.tracker.energy.Method;
import io.mlco2.tracker.energy.Reading;

/**
 * CPU power modelled from the load where no hardware counter is available: the {@link CpuPowerModel}'s curve
 * (idle floor to full load) for this JVM's share of the hardware. The report names the method
 * {@code cpu-load-model}, and the model's data row, share and band.
 */
public final class CpuLoadModelSource implements EnergySource {

    private final CpuLoad load;
    private final String hardwareName;
    private final CpuPowerModel model;

    /** @param load the load of the model's share (its vCPUs), 0 to 1 */
    public CpuLoadModelSource(CpuLoad load, String hardwareName, CpuPowerModel model) {
        this.load = load;
        this.hardwareName = hardwareName;
        this.model = model;
    }

    public CpuPowerModel model() {
        return model;
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
        return model.tdpWatts();
    }

    @Override
    public String tdpSource() {
        return model.tdpSource();
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
        return Reading.power(model.watts(utilization), utilization);
    }
}
