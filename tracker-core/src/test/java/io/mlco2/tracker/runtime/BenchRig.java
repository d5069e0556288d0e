package io.mlco2.tracker.runtime;

import io.mlco2.tracker.base.Log;

import io.mlco2.nvml.TraceNvml;
import io.mlco2.tracker.carbon.GridIntensity;
import io.mlco2.tracker.config.Config;
import io.mlco2.tracker.cpu.CpuLoadModelSource;
import io.mlco2.tracker.cpu.CpuLoads;
import io.mlco2.tracker.cpu.HostInfo;
import io.mlco2.tracker.cpu.MachineMemory;
import io.mlco2.tracker.cpu.RamModelSource;
import io.mlco2.tracker.energy.EnergySource;
import io.mlco2.tracker.energy.SourceGroup;
import io.mlco2.tracker.launch.Extensions;
import io.mlco2.tracker.gpu.NvmlGpuSource;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A tracker with the real sampler path over fake hardware, on a virtual clock, for the benchmarks
 * (docs/PERFORMANCE.md): CPU by the load model over the machine's real /proc/stat (OSHI for the processor), RAM by
 * the memory model (real reads), one GPU through {@link NvmlGpuSource} over {@link TraceNvml} replaying the
 * recorded H200 trace in a loop.
 */
public final class BenchRig {

    public static final long MS = 1_000_000L;

    public final Tracker tracker;
    public final NvmlGpuSource gpu;
    private final TraceNvml nvml;
    private final long span;
    private long virtualNanos;
    private final long stepNanos;

    /**
     * @param out              report folder
     * @param step             virtual time between samples (the sampling interval)
     * @param counterInterval  how often the GPU source reads the energy counter
     * @param extensions       whether to install the optional parts (time series, HTML, metrics) as the agent does
     */
    public BenchRig(Path out, Duration step, Duration counterInterval, boolean extensions) throws Exception {
        Log log = new Log(new PrintStream(OutputStream.nullOutputStream()), Log.Level.ERROR);
        long[] nvmlClock = {0};
        nvml = TraceNvml.read(trace(), () -> nvmlClock[0], TraceNvml.Options.defaults());
        this.nvmlClock = nvmlClock;
        span = nvml.endNanos() - nvml.startNanos();
        nvmlClock[0] = nvml.startNanos();
        stepNanos = step.toNanos();
        virtualNanos = 1_000 * MS;
        gpu = NvmlGpuSource.open(nvml.device(0), counterInterval, -1, log);
        HostInfo host = HostInfo.detect(log);
        long total = host.totalMemoryBytes();
        List<EnergySource> sources = List.of(
                new CpuLoadModelSource(CpuLoads.machine(host.processor(), host.logicalProcessors(), virtualNanos),
                        host.cpuModel(), io.mlco2.tracker.cpu.CpuPowerModel.perVcpu(host.logicalProcessors(), 0,
                        85.0 * host.cpuPackages() / host.logicalProcessors(), "bench", "bench", 1, 1, "bench",
                        85.0 * host.cpuPackages(), "bench")),
                new RamModelSource(() -> total, MachineMemory::inUseBytes, total, "machine"),
                gpu);
        Config config = Config.load("output.dir=" + out + ";run-id=bench;interval=" + step.toMillis() + "ms;"
                + "gpu.counter-interval=" + Math.max(100, counterInterval.toMillis()) + "ms", Map.of(), Map.of(), log);
        GridIntensity g = new GridIntensity("FR", "France", "France", "FRA", "", "", "", 56, "bench", false);
        tracker = new Tracker(config, log, host, g, List.of(SourceGroup.of(sources)), () -> virtualNanos, virtualNanos,
                Instant.parse("2026-01-01T00:00:00Z"), List.of());
        if (extensions) {
            Extensions.install(tracker, null);
        }
    }

    private final long[] nvmlClock;

    /**
     * Deletes a benchmark's output folder (the memory benchmark writes ~180 MB), unless
     * {@code -Dmlco2.bench.keep=true}; says where the files are or went.
     */
    public static void cleanUp(Path dir) {
        if (Boolean.getBoolean("mlco2.bench.keep")) {
            System.out.println("kept: " + dir);
            return;
        }
        try (java.util.stream.Stream<Path> s = java.nio.file.Files.walk(dir)) {
            for (Path p : (Iterable<Path>) s.sorted(java.util.Comparator.reverseOrder())::iterator) {
                java.nio.file.Files.deleteIfExists(p);
            }
        } catch (java.io.IOException | java.io.UncheckedIOException e) {
            System.out.println("could not delete " + dir + ": " + e);
        }
    }

    /** The recorded H200 trace (a test resource). */
    public static Path trace() throws Exception {
        return Path.of(BenchRig.class.getResource("/traces/h200_trace.csv").toURI());
    }

    /** Advances the virtual clock by one interval and takes one sample through the tracker. */
    public void tick() {
        virtualNanos += stepNanos;
        nvmlClock[0] = nvml.startNanos() + Math.floorMod(virtualNanos, span);
        tracker.sample();
    }

    public long virtualNanos() {
        return virtualNanos;
    }
}
