package io.mlco2.tracker.report.merge;

import io.mlco2.tracker.energy.Energy;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The nodes of one run on one host, counted as docs/DISTRIBUTED.md ("One host, several JVMs") says: where a node of
 * the group counted the machine's energy with the host lease, the process shares the nodes counted without it are
 * inside that energy, so each node counts its energy less its share (its emissions and components scaled alike);
 * where no such node was read (the holder's report is missing), the shares are all there is and count. Nodes that
 * counted the whole machine without a lease, beside each other or beside a holder, overlap: a warning.
 *
 * <p>An {@code emissions.csv} row names no host nor lease: it is a group of its own, counted as measured.
 */
public final class HostRuns {

    /**
     * One run on one host.
     *
     * @param nodes its nodes, in the order read
     * @param sum   what their {@code host_share} sections add up to
     */
    public record HostRun(String runId, String host, List<NodeRun> nodes, HostShare.OnHost sum) {

        /** The lines to show under the host, each one line: the machine energy counted once or not known; overlaps. */
        public List<String> notes() {
            List<String> out = new ArrayList<>();
            String where = "run " + runId + " on host " + host;
            if (sum.overlapping()) {
                List<String> holders = new ArrayList<>();
                List<String> without = new ArrayList<>();
                for (NodeRun r : nodes) {
                    if (r.hostShare().machineJoulesWithLease() > 0) {
                        holders.add(r.nodeName());
                    }
                    if (r.hostShare().machineJoulesWithoutLease() > 0) {
                        without.add(r.nodeName());
                    }
                }
                out.add("WARN " + where + ": machine energy counted " + sum.wholeMachineCounts() + " times ("
                        + (holders.isEmpty() ? "" : String.join(", ", holders) + " held the host lease; ")
                        + String.join(", ", without) + " counted the whole machine without one: none could be had, or"
                        + " an agent from before the lease)");
            }
            if (sum.leaseHolderReported() && nodes.size() > 1 && !sum.overlapping()) {
                List<String> holders = new ArrayList<>();
                for (NodeRun r : nodes) {
                    if (r.hostShare().machineJoulesWithLease() > 0) {
                        holders.add(r.nodeName());
                    }
                }
                out.add(where + ": machine energy counted once, " + kwh(sum.machineJoulesCountedOnce())
                        + " (host lease held by " + String.join(", ", holders) + "); the shares of the JVMs without"
                        + " the lease, " + kwh(sum.doubleCountedJoules()) + ", are included in it");
            } else if (!sum.leaseHolderReported() && shared()) {
                out.add(where + ": machine energy not known (no report of the JVM that held the host lease); the"
                        + " JVMs' process shares, " + kwh(shares()) + ", are counted");
            }
            return out;
        }

        private boolean shared() {
            for (NodeRun r : nodes) {
                if (r.hostShare() != null && r.hostShare().lease().equals("shared")) {
                    return true;
                }
            }
            return false;
        }

        private double shares() {
            double j = 0;
            for (NodeRun r : nodes) {
                j += r.hostShare() == null ? 0 : r.hostShare().shareJoulesWithoutLease();
            }
            return j;
        }

        private static String kwh(double joules) {
            return String.format(Locale.ROOT, "%.6f kWh", Energy.kwh(joules));
        }
    }

    private HostRuns() {
    }

    /** The groups of {@code runs}, in first-seen order; an {@code emissions.csv} row is a group of its own. */
    public static List<HostRun> of(List<NodeRun> runs) {
        Map<String, List<NodeRun>> groups = new LinkedHashMap<>();
        for (int i = 0; i < runs.size(); i++) {
            NodeRun r = runs.get(i);
            String key = r.hostShare() == null ? "\0" + i : r.runId() + '\n' + r.host();
            groups.computeIfAbsent(key, k -> new ArrayList<>()).add(r);
        }
        List<HostRun> out = new ArrayList<>();
        for (List<NodeRun> g : groups.values()) {
            List<HostShare> shares = new ArrayList<>();
            for (NodeRun r : g) {
                if (r.hostShare() != null) {
                    shares.add(r.hostShare());
                }
            }
            out.add(new HostRun(g.get(0).runId(), g.get(0).host(), List.copyOf(g), HostShare.onHost(shares)));
        }
        return out;
    }

    /**
     * {@code runs} with each node's counted fraction set: its energy less its process share where a node of its
     * group counted the machine with the lease, else all of it. Same order.
     */
    static List<NodeRun> count(List<NodeRun> runs) {
        Map<NodeRun, NodeRun> counted = new IdentityHashMap<>();
        for (HostRun g : of(runs)) {
            for (NodeRun r : g.nodes()) {
                double fraction = 1;
                double totalJoules = r.totalKwh() * Energy.JOULES_PER_KWH;
                if (g.sum().leaseHolderReported() && totalJoules > 0) {
                    fraction = Math.min(1, Math.max(0, 1 - r.hostShare().shareJoulesWithoutLease() / totalJoules));
                }
                counted.put(r, r.withCountedFraction(fraction));
            }
        }
        List<NodeRun> out = new ArrayList<>(runs.size());
        for (NodeRun r : runs) {
            out.add(counted.get(r));
        }
        return out;
    }
}
