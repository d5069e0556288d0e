package io.mlco2.tracker.cpu;

import io.mlco2.tracker.base.Log;
import io.mlco2.tracker.energy.Component;
import io.mlco2.tracker.energy.EnergySource;
import io.mlco2.tracker.energy.ProcessFraction;
import io.mlco2.tracker.energy.SourceGroup;

import java.util.ArrayList;
import java.util.List;

/**
 * The CPU's and the memory's sources: RAPL's zones where they can be read, else the models (CPU: the
 * {@link CpuPowerModel}'s curve over the load of this JVM's share of the hardware; memory: watts per GB of the
 * machine's, VM's or container's memory). Under {@code tracking-mode=process} the load and the memory are this
 * process's. A modelled component adds a section to the summary naming its data, share and band.
 * A machine-level source (RAPL's zones, the machine's load, the machine's memory) has a {@link ProcessFraction}
 * for the intervals in which another JVM of the run counts this host's machine: this process's CPU time over the
 * machine's ({@link ProcessCpuShare}), its resident set over the memory ({@link ProcessMemoryShare}).
 */
public final class CpuSources {

    private CpuSources() {
    }

    /** The summary section of the modelled CPU. */
    public static final String CPU_SECTION = "cpu_power_model";
    /** The summary section of the modelled memory. */
    public static final String RAM_SECTION = "ram_power_model";

    /**
     * CPU: one RAPL source per package zone ({@code tdpWatts} per package), else the load model {@code model} for
     * the {@code share} of the hardware (in a container with a CPU limit the machine's load is the host's, so the
     * load is this JVM's CPU time over its vCPUs); why RAPL was not used goes to {@code notes}. {@code model} may
     * be {@code null} only where RAPL is usable (it is resolved only where it is needed).
     */
    public static SourceGroup cpu(Rapl rapl, boolean process, HostInfo host, double tdpWatts, String tdpSource,
                                  CpuPowerModel model, HardwareShare share, long startNanos, Log log, List<String> notes) {
        List<EnergySource> sources = new ArrayList<>();
        if (rapl.usable()) {
            for (RaplZone z : rapl.packages()) {
                sources.add(new RaplSource(z, Component.CPU, host.cpuModel(), tdpWatts, tdpSource));
            }
            log.debug("CPU energy from RAPL: " + rapl.packages().size() + " package zone(s)");
            if (process) {
                notes.add("tracking-mode=process: CPU energy is RAPL's package energy x this JVM's share of the"
                        + " machine's CPU time");
            }
        } else {
            log.info("CPU: load model, " + model.describe() + " (" + rapl.problem() + ")");
            notes.add("CPU: " + rapl.problem());
            CpuLoadModelSource source = new CpuLoadModelSource(load(process, host, share, startNanos), host.cpuModel(), model);
            // The machine's load is machine-level; this process's own load (process tracking, a container's limit,
            // no OSHI) is not: no share to take.
            boolean own = process || host.processor() == null || share.cpuLimited(host.logicalProcessors());
            return new ModelGroup(source, CPU_SECTION, model.describe(), model.data(), model.share(),
                    new ModelBand(model.lowFactor(), model.highFactor(), model.band()),
                    share.describe(host.logicalProcessors()), own ? null : new MachineLevel(List.of(source), -1));
        }
        return new MachineLevel(sources, -1);
    }

    /**
     * The load model's load: under a container's CPU limit, this JVM's CPU time over its vCPUs; else the machine's
     * (this JVM's under process tracking, or where OSHI failed).
     */
    static CpuLoad load(boolean process, HostInfo host, HardwareShare share, long startNanos) {
        int logical = host.logicalProcessors();
        if (share.cpuLimited(logical)) {
            return new ShareLoad(CpuLoads.process(logical, startNanos), logical / share.vcpus(logical));
        }
        return process || host.processor() == null
                ? CpuLoads.process(logical, startNanos)
                : CpuLoads.machine(host.processor(), logical, startNanos);
    }

    /**
     * Memory: RAPL's DRAM zones (the machine's, so not under process tracking), else the RAM model of the
     * machine's (a VM's) memory or the container's limit where lower, with its uncertainty {@code band}.
     */
    public static SourceGroup ram(Rapl rapl, boolean process, HostInfo host, HardwareShare share, ModelBand band) {
        List<EnergySource> sources = new ArrayList<>();
        if (rapl.usable() && !rapl.dram().isEmpty() && !process) {
            for (RaplZone z : rapl.dram()) {
                sources.add(new RaplSource(z, Component.RAM, "DRAM", Double.NaN, ""));
            }
        } else {
            long total = share.memoryBytes(host.totalMemoryBytes());
            RamModelSource source = process
                    ? new RamModelSource(ProcessMemory::residentBytes, ProcessMemory::residentBytes, total, "process")
                    : new RamModelSource(new MachineMemoryBytes(true, total), new MachineMemoryBytes(false, total), total, "machine");
            String gb = io.mlco2.tracker.format.Fmt.fixed(total / 1e9, 1) + " GB";
            String of = process ? "this JVM's resident set of " + gb
                    : share.memoryLimited(host.totalMemoryBytes()) ? gb + " (container limit)"
                    : gb + (share.virtualMachine() ? " (the VM's)" : " (installed)");
            return new ModelGroup(source, RAM_SECTION, "green-algorithms:" + RamModelSource.WATTS_PER_GB + " W/GB, " + of,
                    "green-algorithms:" + RamModelSource.WATTS_PER_GB + " W/GB", of, band,
                    share.describe(host.logicalProcessors()), process ? null : new MachineLevel(List.of(source), total));
        }
        return new MachineLevel(sources, host.totalMemoryBytes());
    }

    /**
     * A load over {@code scale} times fewer CPUs than the one it wraps (clamped to 1): this JVM's CPU time over
     * all the machine's CPUs, made its load of the container's vCPUs. A class, not a lambda (start-up path).
     */
    static final class ShareLoad implements CpuLoad {
        private final CpuLoad load;
        private final double scale;

        ShareLoad(CpuLoad load, double scale) {
            this.load = load;
            this.scale = scale;
        }

        double scale() {
            return scale;
        }

        @Override
        public double sinceLastCall(long monotonicNanos) {
            double u = load.sinceLastCall(monotonicNanos);
            return Double.isNaN(u) ? u : Math.min(1.0, u * scale);
        }
    }

    /**
     * A modelled component's one source and its summary section: the model, its data row and share, the energy
     * and its band. A class, not a lambda (built on the start-up path).
     */
    static final class ModelGroup implements SourceGroup {
        private final EnergySource source;
        private final String key;
        private final String model;
        private final String data;
        private final String share;
        private final ModelBand band;
        private final String hardware;
        /** The machine-level shares of {@code source}, {@code null} when it is this process's own. */
        private final SourceGroup machineLevel;

        ModelGroup(EnergySource source, String key, String model, String data, String share, ModelBand band,
                   String hardware, SourceGroup machineLevel) {
            this.source = source;
            this.key = key;
            this.model = model;
            this.data = data;
            this.share = share;
            this.band = band;
            this.hardware = hardware;
            this.machineLevel = machineLevel;
        }

        @Override
        public ProcessFraction processFraction(EnergySource s) {
            return machineLevel == null ? null : machineLevel.processFraction(s);
        }

        @Override
        public List<EnergySource> sources() {
            return List.of(source);
        }

        @Override
        public String sectionKey() {
            return key;
        }

        @Override
        public Object section(List<io.mlco2.tracker.energy.EnergyAccumulator> accumulators) {
            double joules = 0;
            for (io.mlco2.tracker.energy.EnergyAccumulator a : accumulators) {
                if (a.source() == source) {
                    joules += a.energyJoules();
                }
            }
            double kwh = io.mlco2.tracker.energy.Energy.kwh(joules);
            java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
            m.put("method", source.method().key());
            m.put("model", model);
            m.put("data", data);
            m.put("share", share);
            m.put("hardware", hardware);
            m.put("energy_kwh", kwh);
            m.put("energy_kwh_low", kwh * band.lowFactor());
            m.put("energy_kwh_high", kwh * band.highFactor());
            m.put("band", band.source());
            return m;
        }
    }

    /**
     * A group of machine-level sources: the CPU's ({@code installedBytes < 0}: shared by CPU time) or the memory's
     * (shared by resident bytes over {@code installedBytes}).
     */
    private static final class MachineLevel implements SourceGroup {
        private final List<EnergySource> sources;
        private final long installedBytes;

        MachineLevel(List<EnergySource> sources, long installedBytes) {
            this.sources = List.copyOf(sources);
            this.installedBytes = installedBytes;
        }

        @Override
        public List<EnergySource> sources() {
            return sources;
        }

        @Override
        public ProcessFraction processFraction(EnergySource s) {
            return installedBytes < 0 ? new ProcessCpuShare() : new ProcessMemoryShare(new Resident(), installedBytes);
        }
    }

    /** This process's resident bytes (a class, not a method reference: see {@link MachineMemoryBytes}). */
    private static final class Resident implements java.util.function.LongSupplier {
        @Override
        public long getAsLong() {
            return ProcessMemory.residentBytes();
        }
    }

    /**
     * The machine's memory: installed ({@code total}, as detected, even unknown), or in use now. A class, not a
     * lambda: built on the agent's start-up path (docs/PERFORMANCE.md).
     */
    private static final class MachineMemoryBytes implements java.util.function.LongSupplier {
        private final boolean installed;
        private final long total;

        MachineMemoryBytes(boolean installed, long total) {
            this.installed = installed;
            this.total = total;
        }

        @Override
        public long getAsLong() {
            return installed ? total : MachineMemory.inUseBytes();
        }
    }
}
