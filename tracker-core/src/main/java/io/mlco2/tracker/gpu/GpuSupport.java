package io.mlco2.tracker.gpu;

import io.mlco2.nvml.Nvml;
import io.mlco2.nvml.NvmlDevice;
import io.mlco2.nvml.NvmlException;
import io.mlco2.tracker.config.Config;
import io.mlco2.tracker.energy.Energy;
import io.mlco2.tracker.energy.EnergyAccumulator;
import io.mlco2.tracker.energy.EnergySource;
import io.mlco2.tracker.energy.ProcessFraction;
import io.mlco2.tracker.energy.SourceGroup;
import io.mlco2.tracker.base.Log;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The GPUs this run tracks, through NVML: one {@link NvmlGpuSource} per selected device (see {@link GpuSelection}
 * for {@code mlco2.gpu.ids} and {@code CUDA_VISIBLE_DEVICES}). NVML is initialised once here and shut down once in
 * {@link #close()}. As the run's {@link SourceGroup} it adds the {@code gpu_devices} section of the summary and
 * makes the last sample read the energy counters.
 *
 * <p>Opening never throws: without NVML (no driver, no GPU) or with no device selected there are no sources and
 * {@link #unavailableReason()} says why. Thread safe for the getters; the sources belong to the sampler thread.
 */
public final class GpuSupport implements SourceGroup {

    private final Nvml nvml;
    private final List<NvmlGpuSource> gpus;
    private final String unavailableReason;
    private final String driverVersion;

    private GpuSupport(Nvml nvml, List<NvmlGpuSource> gpus, String unavailableReason, String driverVersion) {
        this.nvml = nvml;
        this.gpus = List.copyOf(gpus);
        this.unavailableReason = unavailableReason;
        this.driverVersion = driverVersion;
    }

    /** Loads NVML and opens the selected GPUs; never throws. */
    public static GpuSupport open(Config config, Log log) {
        Nvml nvml;
        try {
            nvml = Nvml.load(config.get(Config.NVML_LIBRARY));
        } catch (Throwable t) { // Nvml.load() does not throw; a broken class path still must not reach the app
            nvml = Nvml.unavailable("NVML cannot be loaded: " + Log.describe(t));
        }
        return open(config, log, nvml, System.getenv(), io.mlco2.tracker.base.Pid.current());
    }

    /** Opens the selected GPUs of {@code nvml} (tests, replay); takes ownership of it. Never throws. */
    public static GpuSupport open(Config config, Log log, Nvml nvml, Map<String, String> env, long pid) {
        try {
            return openChecked(config, log, nvml, env, pid);
        } catch (RuntimeException | LinkageError e) {
            nvml.close();
            String reason = "GPU setup failed: " + Log.describe(e);
            log.warn(reason);
            return new GpuSupport(nvml, List.of(), reason, null);
        }
    }

    private static GpuSupport openChecked(Config config, Log log, Nvml nvml, Map<String, String> env, long pid) {
        if (!nvml.available()) {
            return new GpuSupport(nvml, List.of(), nvml.unavailableReason(), null);
        }
        String driver = null;
        int count;
        try {
            driver = nvml.driverVersion();
        } catch (NvmlException e) {
            // the version is for the report only
        }
        try {
            count = nvml.deviceCount();
        } catch (NvmlException e) {
            nvml.close();
            return new GpuSupport(nvml, List.of(), "NVML device count failed: " + e.getMessage(), driver);
        }
        if (count == 0) {
            nvml.close();
            return new GpuSupport(nvml, List.of(), "NVML found no GPU", driver);
        }
        List<NvmlDevice> devices = new ArrayList<>();
        List<String> uuids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            NvmlDevice d = null;
            String uuid = "";
            try {
                d = nvml.device(i);
            } catch (NvmlException e) {
                log.warn("GPU " + i + " skipped: " + e.getMessage());
            }
            if (d != null) {
                try {
                    uuid = d.uuid();
                } catch (NvmlException e) {
                    // Its energy is still measurable: tracked, but mlco2.gpu.ids can name it by index only.
                    log.warn("GPU " + i + ": its UUID could not be read (" + e.getMessage() + "); tracked without it,"
                            + " selectable by index only");
                }
            }
            devices.add(d);
            uuids.add(uuid);
        }
        GpuSelection.Result sel = GpuSelection.select(uuids, config.get(Config.GPU_IDS), env.get("CUDA_VISIBLE_DEVICES"));
        sel.notes().forEach(log::warn);
        Duration counterInterval = config.get(Config.GPU_COUNTER_INTERVAL);
        List<NvmlGpuSource> gpus = new ArrayList<>();
        for (int i : sel.indices()) {
            if (devices.get(i) != null) {
                NvmlGpuSource s = NvmlGpuSource.open(devices.get(i), counterInterval, pid, log);
                gpus.add(s);
                log.debug("tracking " + s);
            }
        }
        if (gpus.isEmpty()) {
            nvml.close();
            return new GpuSupport(nvml, List.of(), count + " GPU(s) present but none selected (mlco2.gpu.ids="
                    + config.get(Config.GPU_IDS) + ", CUDA_VISIBLE_DEVICES=" + env.get("CUDA_VISIBLE_DEVICES") + ")",
                    driver);
        }
        return new GpuSupport(nvml, gpus, null, driver);
    }

    /** One source per tracked GPU; empty when NVML is unavailable. */
    @Override
    public List<EnergySource> sources() {
        return List.copyOf(gpus);
    }

    /** The same sources with their GPU details (UUID, architecture, power signal, this JVM's share). */
    public List<NvmlGpuSource> gpus() {
        return gpus;
    }

    /** Why there are no GPU sources, or {@code null} when NVML loaded and GPUs are tracked. */
    public String unavailableReason() {
        return unavailableReason;
    }

    /** NVIDIA driver version, or {@code null} when unknown. */
    public String driverVersion() {
        return driverVersion;
    }

    /** True when any tracked GPU is also used by other processes (flagged in the report). */
    @Override
    public boolean sharedWithOtherProcesses() {
        for (NvmlGpuSource g : gpus) {
            if (g.sharedWithOtherProcesses()) {
                return true;
            }
        }
        return false;
    }

    /** Makes every GPU's next read include its energy counter: called before the final sample of a run. */
    @Override
    public void beforeFinalSample() {
        for (NvmlGpuSource g : gpus) {
            g.requestCounterRead();
        }
    }

    /** This JVM's share of a GPU by its per-process utilisation, for the intervals without the host lease. */
    @Override
    public ProcessFraction processFraction(EnergySource s) {
        return s instanceof NvmlGpuSource g ? new GpuShare(g) : null;
    }

    /**
     * {@link #processFraction}: {@link NvmlGpuSource#ownShareNow()}; where NVML cannot say (no energy counter,
     * per-process queries unsupported), 0 and one line: the GPU's energy is then the lease holder's only.
     */
    private static final class GpuShare implements ProcessFraction {
        private final NvmlGpuSource gpu;

        GpuShare(NvmlGpuSource gpu) {
            this.gpu = gpu;
        }

        @Override
        public void begin(long monotonicNanos) {
        }

        @Override
        public double sinceLastCall(long monotonicNanos) {
            double f = gpu.ownShareNow();
            if (Double.isNaN(f)) {
                Log.get().once("gpu-host-share-" + gpu.deviceId(), Log.Level.INFO, "GPU " + gpu.deviceId()
                        + ": this JVM's share of the device is unknown (NVML gives no per-process data here); while"
                        + " another JVM of the run counts the machine, this JVM counts 0 of it");
            }
            return f;
        }
    }

    /** {@code gpu_devices} when GPUs are tracked. */
    @Override
    public String sectionKey() {
        return gpus.isEmpty() ? null : "gpu_devices";
    }

    /**
     * Per GPU: whole-device energy, how far an epoch boundary can be off where it is power-based
     * ({@code boundary_uncertainty_s}, null with the counter), and this JVM's share of it when other processes use
     * the device (from NVML's per-process utilisation, method {@code nvml-process-utilization}).
     */
    @Override
    public Object section(List<EnergyAccumulator> accumulators) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (EnergyAccumulator a : accumulators) {
            if (!(a.source() instanceof NvmlGpuSource g) || !gpus.contains(g)) {
                continue;
            }
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("device", g.deviceId());
            d.put("uuid", g.uuid());
            d.put("name", g.hardwareName());
            d.put("method", a.method().key());
            double boundary = g.boundaryUncertaintySeconds();
            d.put("boundary_uncertainty_s", Double.isNaN(boundary) ? null : boundary);
            d.put("energy_kwh", a.energyJoules() / Energy.JOULES_PER_KWH);
            d.put("tdp_w", Double.isNaN(g.tdpWatts()) ? null : g.tdpWatts());
            d.put("tdp_source", g.tdpSource());
            d.put("lost", g.lost());
            boolean shared = g.sharedWithOtherProcesses();
            d.put("shared_with_other_processes", shared);
            double share = shared ? g.thisProcessShare() : 1.0;
            d.put("this_process_share", Double.isNaN(share) ? null : share);
            d.put("this_process_energy_kwh", Double.isNaN(share) ? null : share * a.energyJoules() / Energy.JOULES_PER_KWH);
            d.put("share_method", shared ? NvmlGpuSource.SHARE_METHOD : "whole-device");
            out.add(d);
        }
        return out;
    }

    /** Shuts NVML down (once), after the reports. Never throws. */
    @Override
    public void close() {
        try {
            nvml.close();
        } catch (RuntimeException e) {
            // nothing to do at shutdown
        }
    }
}
