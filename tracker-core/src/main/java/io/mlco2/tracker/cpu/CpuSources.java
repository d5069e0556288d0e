package io.mlco2.tracker.cpu;

import io.mlco2.tracker.base.Log;
import io.mlco2.tracker.energy.Component;
import io.mlco2.tracker.energy.EnergySource;
import io.mlco2.tracker.energy.SourceGroup;

import java.util.ArrayList;
import java.util.List;

/**
 * The CPU's and the memory's sources: RAPL's zones where they can be read, else the models (CPU: TDP x load;
 * memory: watts per GB in use). Under {@code tracking-mode=process} the load and the memory are this process's.
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
                notes.add("tracking-mode=process: RAPL measures whole CPU packages, so CPU energy is the machine's");
            }
        } else {
            log.info("CPU: load model, TDP x utilisation (" + rapl.problem() + ")");
            notes.add("CPU: " + rapl.problem());
            CpuLoad load = process || host.processor() == null
                    ? CpuLoads.process(host.logicalProcessors(), startNanos)
                    : CpuLoads.machine(host.processor(), host.logicalProcessors(), startNanos);
            sources.add(new CpuLoadModelSource(load, host.cpuModel(), tdpWatts, host.cpuPackages(), tdpSource));
        }
        return SourceGroup.of(sources);
    }

    /** Memory: RAPL's DRAM zones (the machine's, so not under process tracking), else the RAM model. */
    public static SourceGroup ram(Rapl rapl, boolean process, HostInfo host) {
        List<EnergySource> sources = new ArrayList<>();
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
        return SourceGroup.of(sources);
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
