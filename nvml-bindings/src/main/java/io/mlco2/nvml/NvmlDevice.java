package io.mlco2.nvml;

import java.util.List;

/**
 * One GPU as NVML sees it. Every query either returns a value or throws {@link NvmlException} with the named
 * return code; nothing else is thrown. Powers are milliwatts and energies millijoules, as NVML gives them.
 *
 * <p>Cost on an H200 through JNA (measured, see the project's trace notes): power usage and field values ~2 us;
 * {@link #totalEnergyMillijoules()} ~2.9 ms median, 16 ms p99 — never call it at power-gauge cadence.
 */
public interface NvmlDevice {

    /** NVML index of this device. */
    int index();

    String name() throws NvmlException;

    /** e.g. {@code GPU-4e1393c6-1494-4446-8964-1bdcd650eaac}. */
    String uuid() throws NvmlException;

    /** e.g. {@code 00000000:19:00.0}. */
    String pciBusId() throws NvmlException;

    GpuArchitecture architecture() throws NvmlException;

    /** {@code nvmlDeviceGetPowerUsage}: on Hopper a 1 s average, on older boards closer to instantaneous. */
    long powerUsageMilliwatts() throws NvmlException;

    /** {@code nvmlDeviceGetTotalEnergyConsumption}: mJ since the driver loaded (Volta and newer). Slow. */
    long totalEnergyMillijoules() throws NvmlException;

    /**
     * {@code nvmlDeviceGetFieldValues} for {@code fieldIds} (scope 0); one entry per id, in order, each with its
     * own result. Throws only when the call as a whole fails.
     */
    List<FieldValue> fieldValues(int... fieldIds) throws NvmlException;

    /** {@code nvmlDeviceGetPowerManagementLimit}. */
    long powerManagementLimitMilliwatts() throws NvmlException;

    /** {@code nvmlDeviceGetEnforcedPowerLimit}. */
    long enforcedPowerLimitMilliwatts() throws NvmlException;

    /** {@code nvmlDeviceGetPowerManagementDefaultLimit}. */
    long defaultPowerLimitMilliwatts() throws NvmlException;

    Utilization utilization() throws NvmlException;

    MemoryInfo memoryInfo() throws NvmlException;

    /** {@code nvmlDeviceGetComputeRunningProcesses_v3}; empty when no compute process runs. */
    List<ProcessInfo> computeRunningProcesses() throws NvmlException;

    /**
     * {@code nvmlDeviceGetProcessUtilization}: per-process samples newer than {@code lastSeenTimestampMicros}
     * (0 for all NVML still holds). Empty when there are none (NVML's {@link NvmlReturn#NOT_FOUND}).
     */
    List<ProcessUtilization> processUtilization(long lastSeenTimestampMicros) throws NvmlException;
}
