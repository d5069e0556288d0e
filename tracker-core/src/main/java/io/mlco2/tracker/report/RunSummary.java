package io.mlco2.tracker.report;

import io.mlco2.tracker.base.NodeIdentity;
import io.mlco2.tracker.energy.Energy;
import io.mlco2.tracker.carbon.GridIntensity;
import io.mlco2.tracker.carbon.Mitigation;
import io.mlco2.tracker.energy.Component;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Everything the reports say about one finished (or still running) run. Energies are IT energy without PUE;
 * emissions apply PUE: {@code emissionsKg = totalKwh x pue x gramsPerKwh / 1000}.
 *
 * @param extra    sections added by other parts of the agent (epochs, forecast), written into the JSON summary
 *                 under their keys
 * @param node     the JVM that measured it
 * @param complete true at the run's normal end; false in the summary written at its start (a JVM killed before
 *                 its exit hook leaves that one)
 */
public record RunSummary(
        String runId,
        String projectName,
        String experimentId,
        Instant start,
        Instant end,
        double durationSeconds,
        Map<Component, ComponentEnergy> components,
        GridIntensity intensity,
        double pue,
        double emissionsKg,
        TdpEstimate tdpEstimate,
        Mitigation mitigation,
        String cpuModel,
        int cpuCount,
        int gpuCount,
        String gpuModel,
        boolean gpuShared,
        double ramTotalGb,
        double ramUsedGb,
        String os,
        String hostname,
        String trackingMode,
        String agentVersion,
        Map<String, String> configuration,
        List<String> notes,
        Map<String, Object> extra,
        NodeIdentity node,
        boolean complete) {

    /** A complete run measured by this JVM on {@code hostname}. */
    public RunSummary(String runId, String projectName, String experimentId, Instant start, Instant end,
                      double durationSeconds, Map<Component, ComponentEnergy> components, GridIntensity intensity,
                      double pue, double emissionsKg, TdpEstimate tdpEstimate, Mitigation mitigation, String cpuModel,
                      int cpuCount, int gpuCount, String gpuModel, boolean gpuShared, double ramTotalGb,
                      double ramUsedGb, String os, String hostname, String trackingMode, String agentVersion,
                      Map<String, String> configuration, List<String> notes, Map<String, Object> extra) {
        this(runId, projectName, experimentId, start, end, durationSeconds, components, intensity, pue, emissionsKg,
                tdpEstimate, mitigation, cpuModel, cpuCount, gpuCount, gpuModel, gpuShared, ramTotalGb, ramUsedGb, os,
                hostname, trackingMode, agentVersion, configuration, notes, extra, NodeIdentity.current(hostname), true);
    }

    public double totalEnergyJoules() {
        double sum = 0;
        for (ComponentEnergy c : components.values()) {
            sum += c.energyJoules();
        }
        return sum;
    }

    public double totalEnergyKwh() {
        return totalEnergyJoules() / Energy.JOULES_PER_KWH;
    }

    public ComponentEnergy component(Component c) {
        return components.get(c);
    }

    /**
     * Measured CPU + GPU kWh over the TDP estimate's kWh (the estimate counts only processors, so memory is left
     * out of both sides); {@code NaN} when the estimate is zero.
     */
    public double measuredOverEstimate() {
        double measuredJoules = 0;
        for (Component c : new Component[] {Component.CPU, Component.GPU}) {
            ComponentEnergy e = components.get(c);
            measuredJoules += e == null ? 0 : e.energyJoules();
        }
        return tdpEstimate.energyKwh() > 0 ? measuredJoules / Energy.JOULES_PER_KWH / tdpEstimate.energyKwh() : Double.NaN;
    }
}
