package io.mlco2.tracker.report.merge;

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
 */
public record NodeRun(String runId, String projectName, String host, String start, double durationSeconds,
                      double cpuKwh, double gpuKwh, double ramKwh, double emissionsKg, String region,
                      double intensityGramsPerKwh, String methods, Path source, Path samplesFile, String nodeId,
                      String incomplete) {

    public boolean complete() {
        return incomplete.isEmpty();
    }

    /** The node's name in a table: its node id, else its host. */
    public String nodeName() {
        return nodeId.isEmpty() ? host : nodeId;
    }

    public double totalKwh() {
        return cpuKwh + gpuKwh + ramKwh;
    }
}
