package io.mlco2.tracker.report.merge;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Sums of node runs grouped by a key (a run id, a project, a host): the energy counted (each host's machine energy
 * once, {@link HostRuns}) and the energy the nodes measured.
 */
public final class Totals {

    /** One group's sums: counted, but for {@code measured*}. Energies in kWh without PUE, emissions in kg CO2eq. */
    public static final class Group {
        public final String key;
        public final Set<String> runIds = new LinkedHashSet<>();
        public final Set<String> projects = new LinkedHashSet<>();
        public final Set<String> hosts = new LinkedHashSet<>();
        public int nodes;
        /** Nodes whose JVM ended without its exit hook (recovered from their samples). */
        public int incomplete;
        public double cpuKwh;
        public double gpuKwh;
        public double ramKwh;
        public double emissionsKg;
        /** The sum of what the nodes measured: more than the counted energy where shares are double counted. */
        public double measuredKwh;
        public double measuredEmissionsKg;
        public double longestSeconds;

        Group(String key) {
            this.key = key;
        }

        void add(NodeRun r) {
            nodes++;
            incomplete += r.complete() ? 0 : 1;
            runIds.add(r.runId());
            projects.add(r.projectName());
            hosts.add(r.host());
            cpuKwh += r.countedCpuKwh();
            gpuKwh += r.countedGpuKwh();
            ramKwh += r.countedRamKwh();
            emissionsKg += r.countedEmissionsKg();
            measuredKwh += r.totalKwh();
            measuredEmissionsKg += r.emissionsKg();
            if (!Double.isNaN(r.durationSeconds())) {
                longestSeconds = Math.max(longestSeconds, r.durationSeconds());
            }
        }

        public double totalKwh() {
            return cpuKwh + gpuKwh + ramKwh;
        }

        /**
         * What the nodes measured beyond the counted energy: process shares inside their host's machine energy,
         * counted once. 0 up to half a millionth of a kWh (the reports print six decimals), so rounding of the
         * sums is never shown as a share.
         */
        public double sharesInsideMachineKwh() {
            double d = measuredKwh - totalKwh();
            return d > SHOWN_KWH ? d : 0;
        }
    }

    /** The least energy difference the reports show: half their last decimal (1e-6 kWh). */
    static final double SHOWN_KWH = 5e-7;

    private Totals() {
    }

    /** Groups in first-seen order. */
    public static Map<String, Group> by(Collection<NodeRun> runs, Function<NodeRun, String> key) {
        Map<String, Group> out = new LinkedHashMap<>();
        for (NodeRun r : runs) {
            out.computeIfAbsent(key.apply(r), Group::new).add(r);
        }
        return out;
    }

    public static Group all(Collection<NodeRun> runs) {
        Group g = new Group("total");
        runs.forEach(g::add);
        return g;
    }
}
