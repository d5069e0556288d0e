package io.mlco2.tracker.energy;

/**
 * How an energy figure was obtained. Measured methods come first; every report names the method of each figure.
 */
public enum Method {
    /** Difference of NVML's cumulative energy counter (Volta and newer). */
    NVML_ENERGY_COUNTER("nvml-energy-counter", true),
    /** Trapezoid integration of NVML power readings. */
    NVML_POWER("nvml-power", true),
    /** NVML's 1 s average power (field 185), each reading counted over the second it averages. */
    NVML_POWER_AVERAGE("nvml-power-average", true),
    /** Difference of Linux RAPL counters ({@code /sys/class/powercap}). */
    RAPL("rapl", true),
    /** CPU utilisation times the CPU's TDP. */
    CPU_LOAD_MODEL("cpu-load-model", false),
    /** Memory size times a per-GB power figure. */
    RAM_MODEL("ram-model", false),
    /** TDP times time (the ML Emissions Calculator's estimate). */
    TDP_ESTIMATE("tdp-estimate", false),
    /** Nothing measured: the component is absent or unreadable. */
    NONE("none", false);

    private final String key;
    private final boolean measured;

    Method(String key, boolean measured) {
        this.key = key;
        this.measured = measured;
    }

    public String key() {
        return key;
    }

    /** True where the figure comes from a hardware reading rather than a model. */
    public boolean measured() {
        return measured;
    }
}
