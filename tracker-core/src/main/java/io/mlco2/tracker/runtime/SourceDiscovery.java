package io.mlco2.tracker.runtime;

import io.mlco2.tracker.base.Log;
import io.mlco2.tracker.base.NanoClock;
import io.mlco2.tracker.carbon.GridIntensity;
import io.mlco2.tracker.carbon.IntensityResolver;
import io.mlco2.tracker.config.Config;
import io.mlco2.tracker.cpu.CpuSources;
import io.mlco2.tracker.cpu.HostInfo;
import io.mlco2.tracker.cpu.Rapl;
import io.mlco2.tracker.energy.SourceGroup;
import io.mlco2.tracker.gpu.GpuDiscovery;
import io.mlco2.tracker.hardware.CpuTdp;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Makes a run's {@link Tracker} from the configuration: the machine, the grid intensity, and one source group per
 * kind of device from its own factory (CPU and memory: {@link CpuSources}; GPUs: {@link GpuDiscovery}), and the
 * run's {@link HostLease} (opened by the tracker once the run id is known). Why a component is modelled or missing
 * goes to the run's notes.
 */
public final class SourceDiscovery {

    private SourceDiscovery() {
    }

    /** Discovers the machine's sources and the grid intensity from {@code config}. Never throws. */
    public static Tracker create(Config config, Log log, long startNanos, Instant startWall) {
        return create(config, log, startNanos, startWall, new CompletableFuture<>());
    }

    /**
     * As {@link #create(Config, Log, long, Instant)}; the GPUs open on their own daemon thread while the rest is
     * discovered, and a hung driver call costs GPU tracking only: the wait for it ends after
     * {@link GpuDiscovery#OPEN_WAIT} or as soon as {@code exiting} completes (the JVM is shutting down and wants
     * its reports).
     */
    public static Tracker create(Config config, Log log, long startNanos, Instant startWall, CompletableFuture<?> exiting) {
        GpuDiscovery gpus = GpuDiscovery.start(config, log);
        List<String> notes = new ArrayList<>();
        HostInfo host = HostInfo.detect(log);
        GridIntensity intensity = IntensityResolver.resolve(config.get(Config.REGION), config.get(Config.CARBON_INTENSITY),
                log, notes);
        boolean process = "process".equals(config.get(Config.TRACKING_MODE));
        CpuTdp tdp = CpuTdp.resolve(config.get(Config.CPU_TDP_WATTS), host.cpuModel(), log, notes);
        Rapl rapl = Rapl.discover(Path.of(config.get(Config.RAPL_ROOT)));
        List<SourceGroup> groups = new ArrayList<>();
        groups.add(CpuSources.cpu(rapl, process, host, tdp.tdpWatts(), tdp.source(), startNanos, log, notes));
        groups.add(CpuSources.ram(rapl, process, host));
        SourceGroup gpu = gpus.await(exiting, log, notes);
        if (gpu != null) {
            groups.add(gpu);
        }
        HostLease lease = new HostLease(config.get(Config.HOST_LEASE_DIR), process, log);
        return new Tracker(config, log, host, intensity, groups, NanoClock.INSTANCE, startNanos, startWall, notes,
                io.mlco2.tracker.base.NodeIdentity.current(host.hostname()), lease);
    }
}
