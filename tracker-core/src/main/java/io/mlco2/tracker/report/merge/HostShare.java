package io.mlco2.tracker.report.merge;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;

/**
 * A node's {@code host_share} section (docs/DISTRIBUTED.md, "One host, several JVMs"), and what the nodes of one run
 * on one host add up to: the machine's energy counted once (the sum of their {@code machine_energy_joules_with_lease};
 * their holding windows are disjoint), and what the naive sum of their totals counts twice.
 *
 * @param lease                     {@code held}, {@code shared}, {@code none}, {@code process}; empty for a summary
 *                                  without the section (an agent from before the lease: the whole machine, no lease)
 * @param machineJoulesWithLease    machine-level energy counted while holding the lease
 * @param shareJoulesWithoutLease   this process's share, counted without the lease
 * @param machineJoulesWithoutLease machine-level energy counted with no lease to be had ({@code none})
 */
public record HostShare(String lease, double machineJoulesWithLease, double shareJoulesWithoutLease,
                        double machineJoulesWithoutLease, double leaseSeconds) {

    /**
     * The section of a summary; a summary without it (or with one not of this shape) is a whole-machine measurement
     * without a lease: {@code totalJoules} counted as {@code machineJoulesWithoutLease}.
     */
    public static HostShare read(JsonNode summary, double totalJoules) {
        JsonNode h = summary == null ? null : summary.get("host_share");
        if (h == null || !h.isObject() || !h.path("lease").isTextual()) {
            return new HostShare("", 0, 0, totalJoules, 0);
        }
        return new HostShare(h.get("lease").asText(), h.path("machine_energy_joules_with_lease").asDouble(0),
                h.path("share_energy_joules_without_lease").asDouble(0),
                h.path("machine_energy_joules_without_lease").asDouble(0), h.path("lease_seconds").asDouble(0));
    }

    /**
     * One run's energy on one host.
     *
     * @param machineJoulesCountedOnce the machine's energy: every node's machine energy with the lease, plus that of
     *                                 nodes that had no lease
     * @param naiveSumJoules           the sum of the nodes' totals
     * @param doubleCountedJoules      what the naive sum counts beyond the machine's energy: the shares of the nodes
     *                                 without the lease, already inside the holder's machine energy
     * @param overlapping              true when two or more nodes counted the whole machine without a lease: their
     *                                 machine energy overlaps and is counted more than once (warn)
     */
    public record OnHost(double machineJoulesCountedOnce, double naiveSumJoules, double doubleCountedJoules,
                         boolean overlapping) {
    }

    /** What the nodes of one run on one host add up to. */
    public static OnHost onHost(List<HostShare> nodes) {
        double machine = 0;
        double shares = 0;
        double naive = 0;
        int withoutLease = 0;
        for (HostShare n : nodes) {
            machine += n.machineJoulesWithLease() + n.machineJoulesWithoutLease();
            shares += n.shareJoulesWithoutLease();
            naive += n.machineJoulesWithLease() + n.machineJoulesWithoutLease() + n.shareJoulesWithoutLease();
            if (n.machineJoulesWithoutLease() > 0) {
                withoutLease++;
            }
        }
        return new OnHost(machine, naive, machine > 0 ? shares : 0, withoutLease >= 2);
    }
}
