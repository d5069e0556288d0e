package io.mlco2.nvml;

/**
 * NVIDIA's management library, without JNA types. Obtain one with {@link #load()} (the real library) or
 * {@link #unavailable(String)}; tests and the replay use {@link TraceNvml}.
 *
 * <p>{@link #load()} never throws: when the library is absent or {@code nvmlInit_v2} fails it returns an
 * unavailable NVML whose {@link #unavailableReason()} says why, and whose queries fail with
 * {@link NvmlReturn#UNINITIALIZED}. A loaded NVML is initialised once; {@link #close()} shuts it down once
 * (further calls are harmless). Queries may be called from any thread (NVML itself is thread safe).
 */
public interface Nvml extends AutoCloseable {

    /** {@code NVML_FI_DEV_POWER_AVERAGE}: the 1 s average power, mW (equals power usage on the H200). */
    int FI_POWER_AVERAGE = 185;
    /** {@code NVML_FI_DEV_POWER_INSTANT}: instantaneous power, mW. */
    int FI_POWER_INSTANT = 186;

    /** True once {@code nvmlInit_v2} succeeded and until {@link #close()}. */
    boolean available();

    /** Why this NVML cannot be used, or {@code null} when {@link #available()}. */
    String unavailableReason();

    String driverVersion() throws NvmlException;

    String nvmlVersion() throws NvmlException;

    int deviceCount() throws NvmlException;

    /** The device at NVML index {@code index} (NVML's order, which is PCI bus order). */
    NvmlDevice device(int index) throws NvmlException;

    /** Balanced {@code nvmlShutdown}; idempotent; never throws. */
    @Override
    void close();

    /** Loads {@code libnvidia-ml} through JNA and initialises it; never throws. */
    static Nvml load() {
        return load(null);
    }

    /**
     * As {@link #load()}, trying first the comma-separated library paths in {@code extraLibraries} (may be
     * {@code null}), then the {@code mlco2.nvml.library} system property, then the usual names and places.
     */
    static Nvml load(String extraLibraries) {
        try {
            String absent = DriverPresence.absentReason(extraLibraries);
            if (absent != null) {
                return unavailable(absent);
            }
            return JnaNvml.load(extraLibraries);
        } catch (Throwable t) { // JNA itself missing or its natives unloadable
            return unavailable("NVML cannot be loaded: " + t.getClass().getSimpleName()
                    + (t.getMessage() == null ? "" : ": " + t.getMessage()));
        }
    }

    /** An NVML that has nothing: every query fails with {@link NvmlReturn#UNINITIALIZED} and {@code reason}. */
    static Nvml unavailable(String reason) {
        return new UnavailableNvml(reason);
    }
}
