package io.mlco2.tracker.energy;

/**
 * How an energy figure was obtained. Measured methods come first; every report names the method of each figure.
 */
public enum Method {
    /** Difference of NVML's cumulative energy counter (Volta and newer). */
    NVML_ENERGY_COUNTER("nvml-energy-counter"),
    /** Trapezoid integration of NVML power readings. */
    NVML_POWER("nvml-power"),
    /** NVML's 1 s average power (field 185), each reading counted over the second it averages. */
    NVML_POWER_AVERAGE("nvml-power-average"),
    /** Difference of Linux RAPL counters ({@code /sys/class/powercap}). */
    RAPL("rapl"),
    /** CPU utilisation times the CPU's TDP. */
    CPU_LOAD_MODEL("cpu-load-model"),
    /** Memory size times a per-GB power figure. */
    RAM_MODEL("ram-model"),
    /** TDP times time (the ML Emissions Calculator's estimate). */
    TDP_ESTIMATE("tdp-estimate"),
    /** Nothing measured: the component is absent or unreadable. */
    NONE("none");

    private final String key;

    Method(String key) {
        this.key = key;
    }

    public String key() {
        return key;
    }
}
