package io.mlco2.tracker.runtime;

import io.mlco2.tracker.base.Log;
import io.mlco2.tracker.base.Version;
import io.mlco2.tracker.carbon.CarbonIntensities;
import io.mlco2.tracker.carbon.Emissions;
import io.mlco2.tracker.carbon.GridIntensity;
import io.mlco2.tracker.carbon.Mitigation;
import io.mlco2.tracker.config.Config;
import io.mlco2.tracker.cpu.HostInfo;
import io.mlco2.tracker.cpu.MachineMemory;
import io.mlco2.tracker.cpu.ProcessMemory;
import io.mlco2.tracker.energy.Component;
import io.mlco2.tracker.energy.EnergyAccumulator;
import io.mlco2.tracker.energy.Method;
import io.mlco2.tracker.energy.SourceGroup;
import io.mlco2.tracker.format.Fmt;
import io.mlco2.tracker.report.ComponentEnergy;
import io.mlco2.tracker.report.RunSummary;
import io.mlco2.tracker.report.TdpEstimate;

import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * A run's {@link RunSummary} as of its last sample: energy per component, emissions, the TDP estimate, the
 * mitigation, the machine, the notes and the sections (the source groups' own first, then the extensions'); and
 * the one summary line printed at exit.
 */
final class RunSummaryBuilder {

    private final RunContext run;
    private final List<SourceGroup> groups;
    private final LongSupplier nanoClock;

    RunSummaryBuilder(RunContext run, List<SourceGroup> groups, LongSupplier nanoClock) {
        this.run = run;
        this.groups = groups;
        this.nanoClock = nanoClock;
    }

    /** @param complete true for the summary at the run's end, false for the one written at its start */
    RunSummary build(List<String> notes, Map<String, Supplier<Object>> sections, boolean complete) {
        Config config = run.config();
        Log log = run.log();
        GridIntensity intensity = run.carbon().effective();
        HostInfo host = run.host();
        List<EnergyAccumulator> accumulators = run.accumulators();
        long nowNanos = nanoClock.getAsLong();
        Instant end = run.startWall().plusNanos(nowNanos - run.startNanos());
        double seconds = Math.max(0, (nowNanos - run.startNanos()) / 1e9);
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
        double ramUsedGb = process ? ProcessMemory.residentBytes() / 1e9 : MachineMemory.inUseGb();
        Map<String, Object> extra = new LinkedHashMap<>();
        try {
            Map<String, Object> overTime = run.carbon().section(totalKwh, pue, emissionsKg);
            if (overTime != null) {
                extra.put("carbon_intensity_over_time", overTime);
            }
        } catch (Throwable t) {
            internalError(log, t);
        }
        boolean shared = false;
        for (SourceGroup g : groups) {
            try {
                shared |= g.sharedWithOtherProcesses();
            } catch (Throwable t) {
                internalError(log, t);
            }
            try {
                String key = g.sectionKey();
                Object o = key == null ? null : g.section(accumulators);
                if (o != null) {
                    extra.put(key, o);
                }
            } catch (Throwable t) {
                internalError(log, t);
            }
        }
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
        return new RunSummary(run.runId(), config.get(Config.PROJECT_NAME),
                config.get(Config.EXPERIMENT_ID) == null ? "" : config.get(Config.EXPERIMENT_ID),
                run.startWall(), end, seconds, components, intensity, pue, emissionsKg, estimate, mitigation,
                host.cpuModel(), host.logicalProcessors(), gpuCount, gpuModel,
                shared, host.totalMemoryGb(), ramUsedGb,
                host.os(), host.hostname(), config.get(Config.TRACKING_MODE), Version.get(), config.effective(),
                List.copyOf(notes), extra, run.node(), complete);
    }

    /** The one line printed on stderr at exit. */
    static String line(RunSummary s) {
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
                .append(s.intensity().fallback() ? ", world average" : "")
                .append(s.extra().containsKey("carbon_intensity_over_time") ? ", mean over time" : "").append(") = ")
                .append(Fmt.fixed(s.emissionsKg(), 6)).append(" kgCO2eq");
        b.append("; TDP estimate ").append(Fmt.fixed(s.tdpEstimate().energyKwh(), 6)).append(" kWh, ")
                .append(Fmt.fixed(s.tdpEstimate().emissionsKg(), 6)).append(" kgCO2eq (measured/estimate ")
                .append(Fmt.fixed(s.measuredOverEstimate(), 2)).append(')');
        if (!s.mitigation().text().isEmpty()) {
            b.append("; ").append(s.mitigation().text());
        }
        return b.toString();
    }

    static void internalError(Log log, Throwable t) {
        log.warn("internal error (" + Log.describe(t) + "); going on without it");
    }
}
