package io.mlco2.tracker.runtime;

import io.mlco2.tracker.carbon.Emissions;

import io.mlco2.tracker.energy.Energy;
import io.mlco2.tracker.base.Log;
import io.mlco2.tracker.base.NanoClock;
import io.mlco2.tracker.base.Pid;
import io.mlco2.tracker.base.Version;

import io.mlco2.tracker.carbon.CarbonIntensities;
import io.mlco2.tracker.carbon.GridIntensity;
import io.mlco2.tracker.carbon.Mitigation;
import io.mlco2.tracker.carbon.UnknownRegionException;
import io.mlco2.tracker.config.Config;
import io.mlco2.tracker.cpu.CpuLoad;
import io.mlco2.tracker.cpu.CpuLoadModelSource;
import io.mlco2.tracker.cpu.CpuLoads;
import io.mlco2.tracker.cpu.ProcessMemory;
import io.mlco2.tracker.cpu.Rapl;
import io.mlco2.tracker.cpu.RaplSource;
import io.mlco2.tracker.cpu.RaplZone;
import io.mlco2.tracker.cpu.RamModelSource;
import io.mlco2.tracker.energy.Component;
import io.mlco2.tracker.energy.EnergyAccumulator;
import io.mlco2.tracker.energy.EnergySource;
import io.mlco2.tracker.energy.Method;
import io.mlco2.tracker.gpu.GpuSupport;
import io.mlco2.tracker.hardware.TdpMatch;
import io.mlco2.tracker.hardware.TdpTables;
import io.mlco2.tracker.report.ComponentEnergy;
import io.mlco2.tracker.report.EmissionsCsv;
import io.mlco2.tracker.report.ReportFiles;
import io.mlco2.tracker.report.RunSummary;
import io.mlco2.tracker.report.SummaryJson;
import io.mlco2.tracker.report.TdpEstimate;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import io.mlco2.tracker.format.Fmt;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * One tracked run: its energy sources and accumulators, the sampler thread, and the reports at the end.
 *
 * <p>Thread model: {@link #sample} runs on the single daemon thread {@code mlco2-sampler} (or the caller in
 * tests); {@link #stop} may run on a shutdown hook and takes the last sample itself after the sampler has
 * stopped. Nothing here throws to the caller.
 */
public final class Tracker {

    private final Config config;
    private final Log log;
    private final HostInfo host;
    private final GridIntensity intensity;
    private final GpuSupport gpu;
    private final List<EnergyAccumulator> accumulators;
    private final LongSupplier nanoClock;
    private final long startNanos;
    private final Instant startWall;
    private final String runId;
    private final List<String> notes = new CopyOnWriteArrayList<>();
    private final List<SampleListener> listeners = new CopyOnWriteArrayList<>();
    private final List<ReportWriter> writers = new CopyOnWriteArrayList<>();
    private final Map<String, Supplier<Object>> sections = new LinkedHashMap<>();
    private final List<AutoCloseable> closeables = new CopyOnWriteArrayList<>();
    private final Object sampleLock = new Object();
    private ScheduledExecutorService scheduler;
    private volatile RunSummary finalSummary;

    Tracker(Config config, Log log, HostInfo host, GridIntensity intensity, List<EnergySource> sources,
            GpuSupport gpu, LongSupplier nanoClock, long startNanos, Instant startWall, List<String> notes) {
        this.config = config;
        this.log = log;
        this.host = host;
        this.intensity = intensity;
        this.gpu = gpu;
        this.nanoClock = nanoClock;
        this.startNanos = startNanos;
        this.startWall = startWall;
        this.runId = config.get(Config.RUN_ID) != null ? config.get(Config.RUN_ID) : newRunId();
        this.notes.addAll(notes);
        List<EnergyAccumulator> acc = new ArrayList<>();
        for (EnergySource s : sources) {
            EnergyAccumulator a = new EnergyAccumulator(s);
            a.prime(startNanos);
            acc.add(a);
        }
        this.accumulators = List.copyOf(acc);
        writers.add(new CoreWriter("emissions.csv", log));
        writers.add(new CoreWriter("summary json", log));
    }

    /** Longest the agent waits for NVML to open its GPUs before tracking without them. */
    static final Duration GPU_OPEN_WAIT = Duration.ofSeconds(15);

    /** How much longer NVML may take to open once the JVM is exiting. */
    static final Duration GPU_OPEN_GRACE_AT_EXIT = Duration.ofSeconds(1);

    /** Discovers the machine's sources and the grid intensity from {@code config}. Never throws. */
    public static Tracker create(Config config, Log log, long startNanos, Instant startWall) {
        return create(config, log, startNanos, startWall, new CompletableFuture<>());
    }

    /**
     * As {@link #create(Config, Log, long, Instant)}; NVML opens on its own daemon thread while the rest is
     * discovered, and a hung NVML call costs GPU tracking only: the wait for it ends after {@link #GPU_OPEN_WAIT}
     * or as soon as {@code exiting} completes (the JVM is shutting down and wants its reports).
     */
    public static Tracker create(Config config, Log log, long startNanos, Instant startWall, CompletableFuture<?> exiting) {
        CompletableFuture<GpuSupport> gpuOpen = new CompletableFuture<>();
        Thread opener = new Thread(new Runnable() { // classes, not lambdas, on the start-up path (docs/PERFORMANCE.md)
            @Override
            public void run() {
                GpuSupport g = null;
                try {
                    g = GpuSupport.open(config, log);
                } catch (Throwable t) {
                    internalError(log, t);
                }
                gpuOpen.complete(g);
            }
        }, "mlco2-gpu-open");
        opener.setDaemon(true);
        opener.setContextClassLoader(Tracker.class.getClassLoader());
        opener.start();
        List<String> notes = new ArrayList<>();
        HostInfo host = HostInfo.detect(log);
        GridIntensity intensity = resolveIntensity(config, log, notes);
        List<EnergySource> sources = new ArrayList<>();
        boolean process = "process".equals(config.get(Config.TRACKING_MODE));

        double cpuTdp;
        String cpuTdpSource;
        if (config.get(Config.CPU_TDP_WATTS) != null) {
            cpuTdp = config.get(Config.CPU_TDP_WATTS);
            cpuTdpSource = "mlco2.cpu.tdp-watts";
        } else {
            Optional<TdpMatch> m;
            try {
                m = TdpTables.bundled().cpu(host.cpuModel());
            } catch (Throwable t) {
                internalError(log, t);
                m = Optional.empty();
            }
            if (m.isPresent()) {
                cpuTdp = m.get().tdpWatts();
                cpuTdpSource = m.get().table() + ": " + m.get().matchedName();
            } else {
                cpuTdp = TdpTables.DEFAULT_CPU_TDP_WATTS;
                cpuTdpSource = "default (CPU model not in the table)";
                log.warn("CPU '" + host.cpuModel() + "' is not in the bundled TDP table: using the default "
                        + cpuTdp + " W per package (set mlco2.cpu.tdp-watts to correct it)");
                notes.add("CPU TDP unknown for '" + host.cpuModel() + "': default " + cpuTdp + " W used");
            }
        }

        Rapl rapl = Rapl.discover(Path.of(config.get(Config.RAPL_ROOT)));
        if (rapl.usable()) {
            for (RaplZone z : rapl.packages()) {
                sources.add(new RaplSource(z, Component.CPU, host.cpuModel(), cpuTdp, cpuTdpSource));
            }
            log.debug("CPU energy from RAPL: " + rapl.packages().size() + " package zone(s)");
            if (process) {
                notes.add("tracking-mode=process: RAPL measures whole CPU packages, so CPU energy is the machine's");
            }
        } else {
            log.info("CPU energy from the load model (TDP x utilisation): " + rapl.problem());
            notes.add("CPU: " + rapl.problem());
            CpuLoad load = process || host.processor() == null
                    ? CpuLoads.process(host.logicalProcessors(), startNanos)
                    : CpuLoads.machine(host.processor(), host.logicalProcessors(), startNanos);
            sources.add(new CpuLoadModelSource(load, host.cpuModel(), cpuTdp, host.cpuPackages(), cpuTdpSource));
        }
        if (rapl.usable() && !rapl.dram().isEmpty() && !process) {
            for (RaplZone z : rapl.dram()) {
                sources.add(new RaplSource(z, Component.RAM, "DRAM", Double.NaN, ""));
            }
        } else {
            long total = host.totalMemoryBytes();
            sources.add(process
                    ? new RamModelSource(ProcessMemory::residentBytes, ProcessMemory::residentBytes, total, "process")
                    : new RamModelSource(new MachineMemoryBytes(true, total), new MachineMemoryBytes(false, total), total, "machine"));
        }

        GpuSupport gpu = awaitGpu(gpuOpen, exiting, log, notes);
        if (gpu != null && !gpu.sources().isEmpty()) {
            sources.addAll(gpu.sources());
            if (gpu.sharedWithOtherProcesses()) {
                notes.add("GPU shared with other processes: see gpu_devices.this_process_energy_kwh");
            }
        } else {
            boolean noted = false;
            for (String n : notes) {
                noted |= n.startsWith("GPU:");
            }
            if (gpu != null || !noted) {
                String why = gpu == null ? "GPU support failed to start" : gpu.unavailableReason();
                log.info("no GPU energy: " + why + " (GPU energy 0, method none)");
                notes.add("GPU: " + why);
            }
        }
        Tracker tracker = new Tracker(config, log, host, intensity, sources, gpu, NanoClock.INSTANCE, startNanos, startWall, notes);
        if (gpu != null && !gpu.gpus().isEmpty()) {
            tracker.addSection("gpu_devices", tracker::gpuDevices);
        }
        return tracker;
    }

    private static GpuSupport awaitGpu(CompletableFuture<GpuSupport> gpuOpen, CompletableFuture<?> exiting, Log log,
                                       List<String> notes) {
        try {
            CompletableFuture.anyOf(gpuOpen, exiting).get(GPU_OPEN_WAIT.toMillis(), TimeUnit.MILLISECONDS);
            if (!gpuOpen.isDone()) {
                // Exiting: a healthy NVML opens in milliseconds once the rest of the start-up is done.
                gpuOpen.get(GPU_OPEN_GRACE_AT_EXIT.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            // Timed out: handled below.
        }
        if (gpuOpen.isDone()) {
            return gpuOpen.getNow(null);
        }
        String why = "NVML did not finish opening the GPUs " + (exiting.isDone() ? "before the JVM exited"
                : "within " + GPU_OPEN_WAIT.toSeconds() + " s") + " (a hung driver call?); GPUs not tracked";
        log.warn(why);
        notes.add("GPU: " + why);
        // If it ever finishes, release NVML: nothing will read it.
        gpuOpen.thenAccept(g -> {
            if (g != null) {
                g.close();
            }
        });
        return null;
    }

    /**
     * Per GPU: whole-device energy, and this JVM's share of it when other processes use the device (from NVML's
     * per-process utilisation, method {@code nvml-process-utilization}).
     */
    private Object gpuDevices() {
        List<Map<String, Object>> out = new ArrayList<>();
        for (EnergyAccumulator a : accumulators) {
            if (!(a.source() instanceof io.mlco2.tracker.gpu.NvmlGpuSource g)) {
                continue;
            }
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("device", g.deviceId());
            d.put("uuid", g.uuid());
            d.put("name", g.hardwareName());
            d.put("method", a.method().key());
            d.put("energy_kwh", a.energyJoules() / Energy.JOULES_PER_KWH);
            d.put("tdp_w", Double.isNaN(g.tdpWatts()) ? null : g.tdpWatts());
            d.put("tdp_source", g.tdpSource());
            d.put("lost", g.lost());
            boolean shared = g.sharedWithOtherProcesses();
            d.put("shared_with_other_processes", shared);
            double share = shared ? g.thisProcessShare() : 1.0;
            d.put("this_process_share", Double.isNaN(share) ? null : share);
            d.put("this_process_energy_kwh", Double.isNaN(share) ? null : share * a.energyJoules() / Energy.JOULES_PER_KWH);
            d.put("share_method", shared ? io.mlco2.tracker.gpu.NvmlGpuSource.SHARE_METHOD : "whole-device");
            out.add(d);
        }
        return out;
    }

    static GridIntensity resolveIntensity(Config config, Log log, List<String> notes) {
        CarbonIntensities table = CarbonIntensities.bundled();
        GridIntensity g;
        String region = config.get(Config.REGION);
        if (region == null) {
            g = table.world();
            if (config.get(Config.CARBON_INTENSITY) == null) {
                String msg = "no region configured (mlco2.region): using the world average "
                        + g.gramsPerKwh() + " gCO2eq/kWh";
                log.info(msg);
                notes.add(msg);
            }
        } else {
            try {
                g = table.resolve(region);
            } catch (UnknownRegionException e) {
                g = table.world();
                String msg = "mlco2.region: " + e.getMessage() + "; using the world average " + g.gramsPerKwh() + " gCO2eq/kWh";
                log.warn(msg);
                notes.add(msg);
            } catch (RuntimeException e) {
                g = table.world();
                log.warn("region tables failed (" + Log.describe(e) + "); using the world average");
            }
        }
        Double override = config.get(Config.CARBON_INTENSITY);
        return override == null ? g : g.withOverride(override);
    }

    private static void internalError(Log log, Throwable t) {
        log.warn("internal error (" + Log.describe(t) + "); going on without it");
    }

    /*
     * The classes below stand for what were lambdas and method references: on the agent's start-up and exit paths
     * each of those is a class the JDK spins at its first use, with its method handles, ~0.2 ms apiece on a cold JVM
     * plus the compilations they trigger (docs/PERFORMANCE.md, start-up).
     */

    /** The two reports every run writes: {@code emissions.csv} and the JSON summary. */
    private static final class CoreWriter implements ReportWriter {
        private final String name;
        private final Log log;

        CoreWriter(String name, Log log) {
            this.name = name;
            this.log = log;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public Path write(RunSummary s, Path dir) throws Exception {
            return name.equals("emissions.csv") ? EmissionsCsv.append(s, dir, log) : SummaryJson.write(s, dir);
        }
    }

    /** The machine's memory: installed ({@code total}, as detected, even unknown), or in use now. */
    private static final class MachineMemoryBytes implements java.util.function.LongSupplier {
        private final boolean installed;
        private final long total;

        MachineMemoryBytes(boolean installed, long total) {
            this.installed = installed;
            this.total = total;
        }

        @Override
        public long getAsLong() {
            return installed ? total : usedMachineMemoryBytes();
        }
    }

    /** The sampler thread's factory, its uncaught-exception handler, and the sample it runs. */
    private static final class SamplerThreads implements java.util.concurrent.ThreadFactory, Thread.UncaughtExceptionHandler, Runnable {
        private final Tracker tracker;

        SamplerThreads(Tracker tracker) {
            this.tracker = tracker;
        }

        @Override
        public Thread newThread(Runnable r) {
            Thread t = new Thread(r, "mlco2-sampler");
            t.setDaemon(true);
            t.setContextClassLoader(Tracker.class.getClassLoader());
            t.setUncaughtExceptionHandler(this);
            return t;
        }

        @Override
        public void uncaughtException(Thread t, Throwable e) {
            tracker.log.warn("sampler: " + Log.describe(e));
        }

        @Override
        public void run() {
            tracker.sample();
        }
    }

    /** Starts sampling every {@code mlco2.interval} on a daemon thread. */
    public synchronized void start() {
        if (scheduler != null) {
            return;
        }
        Duration interval = config.get(Config.INTERVAL);
        SamplerThreads threads = new SamplerThreads(this);
        ScheduledThreadPoolExecutor ex = new ScheduledThreadPoolExecutor(1, threads);
        ex.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        ex.setContinueExistingPeriodicTasksAfterShutdownPolicy(false);
        // The first sample too runs on the sampler thread: a device read that hangs must not hold the agent's start.
        ex.scheduleAtFixedRate(threads, 0, interval.toNanos(), TimeUnit.NANOSECONDS);
        scheduler = ex;
    }

    /** Takes one sample of every source and notifies the listeners. Never throws. */
    public void sample() {
        try {
            synchronized (sampleLock) {
                long now = nanoClock.getAsLong();
                for (EnergyAccumulator a : accumulators) {
                    a.sample(now);
                }
                for (SampleListener l : listeners) {
                    try {
                        l.onSample(this, now);
                    } catch (Throwable t) {
                        log.once("listener:" + l.getClass().getName(), Log.Level.WARN,
                                "sample listener " + l.getClass().getSimpleName() + " failed: " + Log.describe(t));
                    }
                }
            }
        } catch (Throwable t) {
            log.once("sample", Log.Level.WARN, "sampling failed: " + Log.describe(t));
        }
    }

    /**
     * Stops sampling, takes a last sample, writes the reports and prints the summary line. Idempotent: a second
     * call returns the first summary.
     */
    public synchronized RunSummary stop() {
        if (finalSummary != null) {
            return finalSummary;
        }
        if (scheduler != null) {
            // shutdown, not shutdownNow: interrupting a sample in progress would close the file channels it writes
            // (the time series) for good; the periodic task is cancelled and a running sample ends on its own.
            scheduler.shutdown();
        }
        finalSample(config.get(Config.SHUTDOWN_TIMEOUT).dividedBy(2));
        RunSummary s = summary();
        finalSummary = s;
        writeReports(s);
        log.always(summaryLine(s));
        if (gpu != null) {
            try {
                gpu.close();
            } catch (Throwable t) {
                log.debug("GPU close: " + Log.describe(t));
            }
        }
        for (AutoCloseable c : closeables) {
            try {
                c.close();
            } catch (Throwable t) {
                log.warn("closing " + c.getClass().getSimpleName() + ": " + Log.describe(t));
            }
        }
        return s;
    }

    /**
     * The last sample, on its own daemon thread, waited for at most {@code limit}: a device read that hangs (or a
     * sampler stuck in one) costs the last interval's energy, never the reports.
     */
    private void finalSample(Duration limit) {
        if (gpu != null) {
            try {
                gpu.requestCounterReads();
            } catch (Throwable t) {
                log.debug("GPU counter request: " + Log.describe(t));
            }
        }
        Thread t = new Thread(new SamplerThreads(this), "mlco2-final-sample");
        t.setDaemon(true);
        t.setContextClassLoader(Tracker.class.getClassLoader());
        t.start();
        try {
            t.join(Math.max(1, limit.toMillis()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (t.isAlive()) {
            log.warn("the last sample did not finish within " + limit.toMillis() + " ms (a hung device read?); "
                    + "reports use the energy measured up to the previous sample");
            notes.add("last sample skipped: a device read hung");
        }
    }

    /** Writes every report; a failing writer is one line and the others still run. */
    void writeReports(RunSummary s) {
        Path dir = Path.of(config.get(Config.OUTPUT_DIR));
        try {
            ReportFiles.ensureDir(dir);
        } catch (Exception e) {
            log.error("cannot create the output folder " + dir.toAbsolutePath() + " (" + Log.describe(e)
                    + "); no report files written, the summary follows on stderr");
            return;
        }
        for (ReportWriter w : writers) {
            try {
                w.write(s, dir);
            } catch (Throwable t) {
                log.error("could not write " + w.name() + " in " + dir.toAbsolutePath() + ": " + Log.describe(t));
            }
        }
    }

    /** The summary of the run so far (energies as of the last sample). */
    public RunSummary summary() {
        long nowNanos = nanoClock.getAsLong();
        Instant end = startWall.plusNanos(nowNanos - startNanos);
        double seconds = Math.max(0, (nowNanos - startNanos) / 1e9);
        Map<Component, ComponentEnergy> components = new EnumMap<>(Component.class);
        double tdpWatts = 0;
        List<String> hardware = new ArrayList<>();
        for (Component c : Component.values()) {
            double joules = 0;
            double utilSum = 0;
            int utilN = 0;
            int devices = 0;
            Set<String> methods = new LinkedHashSet<>();
            for (EnergyAccumulator a : accumulators) {
                if (a.source().component() != c) {
                    continue;
                }
                devices++;
                joules += a.energyJoules();
                methods.add(a.method().key());
                if (!Double.isNaN(a.meanUtilization())) {
                    utilSum += a.meanUtilization();
                    utilN++;
                }
                double tdp = a.source().tdpWatts();
                if (!Double.isNaN(tdp) && c != Component.RAM) {
                    tdpWatts += tdp;
                    hardware.add(c.key() + " " + a.source().hardwareName() + " (" + Fmt.fixed(tdp, 0) + " W, "
                            + a.source().tdpSource() + ")");
                }
            }
            String method = methods.isEmpty() ? Method.NONE.key() : String.join("+", methods);
            components.put(c, new ComponentEnergy(joules, seconds > 0 ? joules / seconds : Double.NaN, method,
                    utilN == 0 ? Double.NaN : utilSum / utilN, devices));
        }
        double pue = config.get(Config.PUE);
        double sumKwh = 0;
        for (ComponentEnergy e : components.values()) {
            sumKwh += e.energyKwh();
        }
        double totalKwh = sumKwh;
        double emissionsKg = Emissions.kg(totalKwh, pue, intensity.gramsPerKwh());
        double estimateKwh = tdpWatts * seconds / 3600.0 / 1000.0;
        TdpEstimate estimate = new TdpEstimate(tdpWatts, estimateKwh, Emissions.kg(estimateKwh, 1.0, intensity.gramsPerKwh()),
                String.join("; ", hardware));
        Mitigation mitigation;
        try {
            mitigation = CarbonIntensities.bundled().mitigation(intensity, totalKwh * pue);
        } catch (Throwable t) {
            internalError(log, t);
            mitigation = new Mitigation("", "", Double.NaN, Double.NaN, 0, 0);
        }
        int gpuCount = 0;
        Set<String> gpuModels = new LinkedHashSet<>();
        for (EnergyAccumulator a : accumulators) {
            if (a.source().component() == Component.GPU) {
                gpuCount++;
                gpuModels.add(a.source().hardwareName());
            }
        }
        String gpuModel = String.join(", ", gpuModels);
        boolean process = "process".equals(config.get(Config.TRACKING_MODE));
        double ramUsedGb = process ? ProcessMemory.residentBytes() / 1e9 : usedMachineMemoryGb();
        Map<String, Object> extra = new LinkedHashMap<>();
        synchronized (sections) {
            for (Map.Entry<String, Supplier<Object>> e : sections.entrySet()) {
                Object o = null;
                try {
                    o = e.getValue().get();
                } catch (Throwable t) {
                    internalError(log, t);
                }
                if (o != null) {
                    extra.put(e.getKey(), o);
                }
            }
        }
        boolean gpuShared = false;
        if (gpu != null) {
            try {
                gpuShared = gpu.sharedWithOtherProcesses();
            } catch (Throwable t) {
                internalError(log, t);
            }
        }
        return new RunSummary(runId, config.get(Config.PROJECT_NAME),
                config.get(Config.EXPERIMENT_ID) == null ? "" : config.get(Config.EXPERIMENT_ID),
                startWall, end, seconds, components, intensity, pue, emissionsKg, estimate, mitigation,
                host.cpuModel(), host.logicalProcessors(), gpuCount, gpuModel,
                gpuShared, host.totalMemoryGb(), ramUsedGb,
                host.os(), host.hostname(), config.get(Config.TRACKING_MODE), Version.get(), config.effective(),
                List.copyOf(notes), extra);
    }

    private static double usedMachineMemoryGb() {
        long b = usedMachineMemoryBytes();
        return b < 0 ? Double.NaN : b / 1e9;
    }

    /** Memory in use on the machine (total minus free), -1 when unknown. */
    static long usedMachineMemoryBytes() {
        long used = io.mlco2.tracker.cpu.MachineMemory.usedBytes(); // no garbage per sample (docs/PERFORMANCE.md)
        if (used >= 0) {
            return used;
        }
        try {
            java.lang.management.OperatingSystemMXBean os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
            if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
                return sun.getTotalMemorySize() - sun.getFreeMemorySize();
            }
        } catch (Throwable ignored) {
            // Fall through.
        }
        return -1;
    }

    /** The one line printed on stderr at exit. */
    public static String summaryLine(RunSummary s) {
        StringBuilder b = new StringBuilder();
        b.append("run ").append(s.runId()).append(" (").append(s.projectName()).append("): ")
                .append(Fmt.fixed(s.totalEnergyKwh(), 6)).append(" kWh in ").append(Fmt.fixed(s.durationSeconds(), 1))
                .append(" s [");
        String sep = "";
        for (Component c : Component.values()) {
            ComponentEnergy e = s.component(c);
            b.append(sep).append(c.key()).append(' ').append(Fmt.fixed(e.energyKwh(), 6)).append(" kWh ")
                    .append(e.method());
            sep = ", ";
        }
        b.append("] x PUE ").append(Fmt.fixed(s.pue(), 2)).append(" x ")
                .append(Fmt.fixed(s.intensity().gramsPerKwh(), 1)).append(" gCO2eq/kWh (").append(s.intensity().region())
                .append(s.intensity().fallback() ? ", world average" : "").append(") = ")
                .append(Fmt.fixed(s.emissionsKg(), 6)).append(" kgCO2eq");
        b.append("; TDP estimate ").append(Fmt.fixed(s.tdpEstimate().energyKwh(), 6)).append(" kWh, ")
                .append(Fmt.fixed(s.tdpEstimate().emissionsKg(), 6)).append(" kg (measured/estimate ")
                .append(Fmt.fixed(s.measuredOverEstimate(), 2)).append(')');
        if (!s.mitigation().text().isEmpty()) {
            b.append("; ").append(s.mitigation().text());
        }
        return b.toString();
    }

    public void addListener(SampleListener l) {
        listeners.add(l);
    }

    public void addWriter(ReportWriter w) {
        writers.add(w);
    }

    /** Adds a section to the JSON summary, computed when the summary is made. */
    public void addSection(String key, Supplier<Object> section) {
        synchronized (sections) {
            sections.put(key, section);
        }
    }

    /** Closed at the end of {@link #stop}, after the reports: metrics endpoints, the OTLP registry's last push. */
    public void addCloseable(AutoCloseable c) {
        closeables.add(c);
    }

    public void note(String note) {
        notes.add(note);
    }

    public List<EnergyAccumulator> accumulators() {
        return accumulators;
    }

    public Config config() {
        return config;
    }

    public GridIntensity intensity() {
        return intensity;
    }

    public HostInfo host() {
        return host;
    }

    public String runId() {
        return runId;
    }

    /**
     * A random version-4 UUID. Not {@link UUID#randomUUID()}: a run id is a name, not a secret, and that method's
     * {@code SecureRandom} costs ~20 ms of start-up at its first use. {@code ThreadLocalRandom}'s seed mixes the
     * clock with a per-JVM seed; the pid and the wall time are mixed in too, so that two JVMs started together on
     * one host or on many hosts get different ids.
     */
    static String newRunId() {
        java.util.concurrent.ThreadLocalRandom r = java.util.concurrent.ThreadLocalRandom.current();
        long msb = r.nextLong() ^ (Pid.current() << 32) ^ System.currentTimeMillis();
        long lsb = r.nextLong() ^ System.nanoTime();
        msb = (msb & ~0xF000L) | 0x4000L;                                   // version 4
        lsb = (lsb & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;           // IETF variant
        return new UUID(msb, lsb).toString();
    }

    public long startNanos() {
        return startNanos;
    }

    public Instant startWall() {
        return startWall;
    }

    public Log log() {
        return log;
    }
}
