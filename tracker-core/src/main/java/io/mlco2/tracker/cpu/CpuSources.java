package io.mlco2.tracker.cpu;

import io.mlco2.tracker.base.Log;
import io.mlco2.tracker.energy.Component;
import io.mlco2.tracker.energy.EnergySource;
import io.mlco2.tracker.energy.ProcessFraction;
import io.mlco2.tracker.energy.SourceGroup;

import java.util.ArrayList;
import java.util.List;

/**
 * The CPU's and the memory's sources: RAPL's zones where they can be read, else the models (CPU: TDP x load;
 * memory: watts per GB in use). Under {@code tracking-mode=process} the load and the memory are this process's.
 * A machine-level source (RAPL's zones, the machine's load, the installed memory) has a {@link ProcessFraction}
 * for the intervals in which another JVM of the run counts this host's machine: this process's CPU time over the
 * machine's ({@link ProcessCpuShare}), its resident set over the installed memory ({@link ProcessMemoryShare}).
 */
public final class CpuSources {

    private CpuSources() {
    }

    /**
     * CPU: one RAPL source per package zone, else the load model with {@code tdpWatts} per package; why RAPL was
     * not used goes to {@code notes}.
     */
    public static SourceGroup cpu(Rapl rapl, boolean process, HostInfo host, double tdpWatts, String tdpSource,
                                  long startNanos, Log log, List<String> notes) {
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
            log.info("CPU energy from the load model (TDP x utilisation): " + rapl.problem());
            notes.add("CPU: " + rapl.problem());
            CpuLoad load = process || host.processor() == null
                    ? CpuLoads.process(host.logicalProcessors(), startNanos)
                    : CpuLoads.machine(host.processor(), host.logicalProcessors(), startNanos);
            sources.add(new CpuLoadModelSource(load, host.cpuModel(), tdpWatts, host.cpuPackages(), tdpSource));
            if (process || host.processor() == null) {
                return SourceGroup.of(sources); // this process's own load: no share to take
            }
        }
        return new MachineLevel(sources, -1);
    }

    /** Memory: RAPL's DRAM zones (the machine's, so not under process tracking), else the RAM model. */
    public static SourceGroup ram(Rapl rapl, boolean process, HostInfo host) {
        List<EnergySource> sources = new ArrayList<>();
        long total = host.totalMemoryBytes();
        if (rapl.usable() && !rapl.dram().isEmpty() && !process) {
            for (RaplZone z : rapl.dram()) {
                sources.add(new RaplSource(z, Component.RAM, "DRAM", Double.NaN, ""));
            }
        } else if (process) {
            sources.add(new RamModelSource(ProcessMemory::residentBytes, ProcessMemory::residentBytes, total, "process"));
            return SourceGroup.of(sources);
        } else {
            sources.add(new RamModelSource(new MachineMemoryBytes(true, total), new MachineMemoryBytes(false, total), total, "machine"));
        }
        return new MachineLevel(sources, total);
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
