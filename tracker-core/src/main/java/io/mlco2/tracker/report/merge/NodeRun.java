package io.mlco2.tracker.report.merge;

import io.mlco2.tracker.energy.Energy;

import java.nio.file.Path;

/**
 * One run as one node (one JVM on one host) reported it: read from a {@code <run_id>.json} summary, or from an
 * {@code emissions.csv} row when the folder holds no summary for that run. Energies in kWh without PUE,
 * emissions in kg CO2eq.
 *
 * @param host        the node's hostname; for a CSV row (which has no host column) {@code ?/<folder name>}
 * @param start       ISO start time, empty when unknown
 * @param methods     the methods per component, e.g. {@code cpu=rapl gpu=none ram=ram-model}; empty when unknown
 * @param source      the file it was read from
 * @param samplesFile the node's {@code <run_id>.<node_id>.samples.csv}, or {@code null} when absent
 * @param nodeId      the JVM's {@code base.NodeIdentity#nodeId()}; empty when the file does not say (older files)
 * @param incomplete  empty for a run that ended normally; else why its figures stop early, e.g. {@code incomplete:
 *                    JVM ended without its exit hook; energy up to its last sample at <time>}
 * @param hostShare   the summary's {@code host_share} section (a summary without one: the whole machine, no lease);
 *                    {@code null} for an {@code emissions.csv} row, which does not say
 * @param countedFraction the part of the node's measured energy counted in the totals: 1, or less where its process
 *                    share is inside the machine energy another JVM of the run counted on its host ({@link HostRuns})
 */
public record NodeRun(String runId, String projectName, String host, String start, double durationSeconds,
                      double cpuKwh, double gpuKwh, double ramKwh, double emissionsKg, String region,
                      double intensityGramsPerKwh, String methods, Path source, Path samplesFile, String nodeId,
                      String incomplete, HostShare hostShare, double countedFraction) {

    public boolean complete() {
        return incomplete.isEmpty();
    }

    /** The node's name in a table: its node id, else its host. */
    public String nodeName() {
        return nodeId.isEmpty() ? host : nodeId;
    }

    /** The energy this node measured, kWh. */
    public double totalKwh() {
        return cpuKwh + gpuKwh + ramKwh;
    }

    /** Its process share counted without the host lease, kWh; 0 where the file does not say. */
    public double shareKwh() {
        return hostShare == null ? 0 : Energy.kwh(hostShare.shareJoulesWithoutLease());
    }

    /** The lease it reported: {@code held}, {@code shared}, {@code none}, {@code process}; {@code -} where unknown. */
    public String lease() {
        return hostShare == null || hostShare.lease().isEmpty() ? "-" : hostShare.lease();
    }

    /** True when part of its energy is left out of the totals, inside its host's machine energy. */
    public boolean shareIncluded() {
        return countedFraction < 1;
    }

    public double countedCpuKwh() {
        return cpuKwh * countedFraction;
    }

    public double countedGpuKwh() {
        return gpuKwh * countedFraction;
    }

    public double countedRamKwh() {
        return ramKwh * countedFraction;
    }

    /** The energy counted in the totals, kWh. */
    public double countedKwh() {
        return totalKwh() * countedFraction;
    }

    /** The emissions counted in the totals: its emissions scaled as its energy is. */
    public double countedEmissionsKg() {
        return emissionsKg * countedFraction;
    }

    NodeRun withCountedFraction(double fraction) {
        return new NodeRun(runId, projectName, host, start, durationSeconds, cpuKwh, gpuKwh, ramKwh, emissionsKg,
                region, intensityGramsPerKwh, methods, source, samplesFile, nodeId, incomplete, hostShare, fraction);
    }
}
