package io.mlco2.tracker.report;

import io.mlco2.tracker.format.Json;

import io.mlco2.tracker.energy.Component;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code <run_id>.<node_id>.json}: the run summary (energies in kWh, emissions in kg, intensity in g/kWh), written
 * at the start with {@code "complete": false} and replaced at the end with {@code "complete": true}.
 */
public final class SummaryJson {

    private SummaryJson() {
    }

    public static Path write(RunSummary s, Path dir) throws IOException {
        Path file = fileFor(dir, s);
        ReportFiles.writeAtomically(file, toJson(s) + "\n");
        return file;
    }

    /**
     * The summary as Jackson's indented output; written by {@link Json} (Jackson costs ~50 ms of class loading at
     * exit), by Jackson itself when an extension's section holds a type {@link Json} leaves to it.
     */
    public static String toJson(RunSummary s) throws IOException {
        return Json.prettyOrJackson(toMap(s));
    }

    public static Path fileFor(Path dir, RunSummary s) {
        return ReportFiles.file(dir, s.runId(), s.node().nodeId(), ReportFiles.JSON);
    }

    public static Map<String, Object> toMap(RunSummary s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("run_id", s.runId());
        m.put("project_name", s.projectName());
        m.put("experiment_id", s.experimentId());
        m.put("agent_version", s.agentVersion());
        m.put("hostname", s.hostname());
        Map<String, Object> node = new LinkedHashMap<>();
        node.put("id", s.node().nodeId());
        node.put("host", s.node().host());
        node.put("pid", s.node().pid());
        node.put("spark_app_id", s.node().sparkAppId());
        node.put("spark_executor_id", s.node().sparkExecutorId());
        m.put("node", node);
        m.put("complete", s.complete());
        m.put("start", s.start().toString());
        m.put("end", s.end().toString());
        m.put("duration_s", s.durationSeconds());
        Map<String, Object> energy = new LinkedHashMap<>();
        Map<String, Object> methods = new LinkedHashMap<>();
        Map<String, Object> power = new LinkedHashMap<>();
        for (Component c : Component.values()) {
            ComponentEnergy e = s.component(c);
            energy.put(c.key(), e.energyKwh());
            methods.put(c.key(), e.method());
            power.put(c.key(), finite(e.meanPowerWatts()));
        }
        energy.put("total", s.totalEnergyKwh());
        m.put("energy_kwh", energy);
        m.put("methods", methods);
        m.put("mean_power_w", power);
        m.put("region", s.intensity().region());
        m.put("region_name", s.intensity().displayName());
        m.put("region_fallback", s.intensity().fallback());
        m.put("carbon_intensity_g_per_kwh", s.intensity().gramsPerKwh());
        m.put("carbon_intensity_source", s.intensity().source());
        m.put("pue", s.pue());
        m.put("emissions_kg", s.emissionsKg());
        Map<String, Object> est = new LinkedHashMap<>();
        est.put("method", "tdp-estimate");
        est.put("tdp_w", s.tdpEstimate().tdpWatts());
        est.put("energy_kwh", s.tdpEstimate().energyKwh());
        est.put("emissions_kg", s.tdpEstimate().emissionsKg());
        est.put("hardware", s.tdpEstimate().hardware());
        m.put("tdp_estimate", est);
        m.put("measured_over_estimate", finite(s.measuredOverEstimate()));
        Map<String, Object> mit = new LinkedHashMap<>();
        mit.put("text", s.mitigation().text());
        mit.put("alternative_region", s.mitigation().alternativeRegion());
        mit.put("alternative_carbon_intensity_g_per_kwh", finite(s.mitigation().alternativeGramsPerKwh()));
        mit.put("alternative_emissions_kg", finite(s.mitigation().alternativeEmissionsKg()));
        mit.put("rank", s.mitigation().rank());
        mit.put("rank_out_of", s.mitigation().rankOutOf());
        m.put("mitigation", mit);
        Map<String, Object> hw = new LinkedHashMap<>();
        hw.put("cpu_model", s.cpuModel());
        hw.put("cpu_count", s.cpuCount());
        hw.put("gpu_count", s.gpuCount());
        hw.put("gpu_model", s.gpuModel());
        hw.put("gpu_shared_with_other_processes", s.gpuShared());
        hw.put("ram_total_gb", s.ramTotalGb());
        hw.put("os", s.os());
        m.put("hardware", hw);
        m.put("tracking_mode", s.trackingMode());
        m.put("configuration", s.configuration());
        m.put("notes", s.notes());
        m.putAll(s.extra());
        return m;
    }

    private static Double finite(double v) {
        return Double.isNaN(v) || Double.isInfinite(v) ? null : v;
    }
}
