package io.mlco2.tracker.gpu;

import io.mlco2.tracker.config.Config;
import io.mlco2.tracker.energy.EnergySource;
import io.mlco2.tracker.runtime.Log;

import java.util.List;

/**
 * The GPUs this run tracks, through NVML. Opening never throws: without NVML (no driver, no GPU) there are no
 * sources and {@link #unavailableReason()} says why.
 *
 * <p>TEMPORARY stub (issue 3 replaces it with NVML-backed sources).
 */
public final class GpuSupport implements AutoCloseable {

    private final List<EnergySource> sources;
    private final String unavailableReason;

    private GpuSupport(List<EnergySource> sources, String unavailableReason) {
        this.sources = sources;
        this.unavailableReason = unavailableReason;
    }

    public static GpuSupport open(Config config, Log log) {
        return new GpuSupport(List.of(), "NVML not implemented yet");
    }

    /** One source per tracked GPU; empty when NVML is unavailable. */
    public List<EnergySource> sources() {
        return sources;
    }

    /** Why there are no GPU sources, or {@code null} when NVML loaded. */
    public String unavailableReason() {
        return unavailableReason;
    }

    /** True when any tracked GPU is also used by other processes (flagged in the report). */
    public boolean sharedWithOtherProcesses() {
        return false;
    }

    @Override
    public void close() {
    }
}
