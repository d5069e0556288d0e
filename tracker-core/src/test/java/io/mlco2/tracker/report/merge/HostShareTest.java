package io.mlco2.tracker.report.merge;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The host_share sections of one run's nodes on one host, added up by hand. */
class HostShareTest {

    private static HostShare read(String json, double totalJoules) throws Exception {
        return HostShare.read(new ObjectMapper().readTree(json), totalJoules);
    }

    @Test
    void aHolderAndTwoSharersCountTheMachineOnceAndTheirSharesTwiceInTheNaiveSum() throws Exception {
        // Driver held the lease all along: 900 J of machine. Executor 1: 120 J of share, then took over: 300 J of
        // machine. Executor 2: 80 J of share only.
        HostShare driver = read("{\"host_share\":{\"lease\":\"held\",\"machine_energy_joules_with_lease\":900,"
                + "\"share_energy_joules_without_lease\":0,\"machine_energy_joules_without_lease\":0,\"lease_seconds\":9}}", 900);
        HostShare exec1 = read("{\"host_share\":{\"lease\":\"held\",\"machine_energy_joules_with_lease\":300,"
                + "\"share_energy_joules_without_lease\":120,\"machine_energy_joules_without_lease\":0,\"lease_seconds\":3}}", 420);
        HostShare exec2 = read("{\"host_share\":{\"lease\":\"shared\",\"machine_energy_joules_with_lease\":0,"
                + "\"share_energy_joules_without_lease\":80,\"machine_energy_joules_without_lease\":0,\"lease_seconds\":0}}", 80);
        HostShare.OnHost h = HostShare.onHost(List.of(driver, exec1, exec2));
        assertEquals(1200, h.machineJoulesCountedOnce(), 1e-9);
        assertEquals(1400, h.naiveSumJoules(), 1e-9);
        assertEquals(200, h.doubleCountedJoules(), 1e-9);
        assertFalse(h.overlapping());
        assertEquals(3, exec1.leaseSeconds());
    }

    @Test
    void summariesWithoutTheSectionAreWholeMachineMeasurementsThatOverlap() throws Exception {
        HostShare old1 = read("{\"run_id\":\"r\"}", 2840);
        HostShare old2 = read("{\"run_id\":\"r\",\"host_share\":[]}", 2256);
        assertEquals("", old1.lease());
        assertEquals(2840, old1.machineJoulesWithoutLease());
        HostShare.OnHost h = HostShare.onHost(List.of(old1, old2));
        assertTrue(h.overlapping());
        assertEquals(5096, h.naiveSumJoules(), 1e-9);
        assertEquals(2840 + 2256, h.machineJoulesCountedOnce(), 1e-9, "each counted its whole machine");
        assertFalse(HostShare.onHost(List.of(old1)).overlapping(), "one node alone overlaps nothing");
    }

    @Test
    void processModeNodesAloneGiveNoMachineEnergy() throws Exception {
        HostShare p = read("{\"host_share\":{\"lease\":\"process\",\"machine_energy_joules_with_lease\":0,"
                + "\"share_energy_joules_without_lease\":50,\"machine_energy_joules_without_lease\":0}}", 50);
        HostShare.OnHost h = HostShare.onHost(List.of(p, p));
        assertEquals(0, h.machineJoulesCountedOnce());
        assertEquals(100, h.naiveSumJoules(), 1e-9);
        assertEquals(0, h.doubleCountedJoules());
    }

    @Test
    void aJvmThatDiedBeforeItsExitHookCountsItsRecoveredEnergyUnderTheLeaseItHadAtItsStart() throws Exception {
        // The summary written at the start: the lease known, no energy yet.
        String start = "{\"host_share\":{\"lease\":\"%s\",\"machine_energy_joules_with_lease\":0,"
                + "\"share_energy_joules_without_lease\":0,\"machine_energy_joules_without_lease\":0}}";
        assertEquals(new HostShare("held", 700, 0, 0, 0), read(String.format(start, "held"), 0).recovered(700));
        assertEquals(new HostShare("shared", 0, 70, 0, 0), read(String.format(start, "shared"), 0).recovered(70));
        assertEquals(new HostShare("process", 0, 70, 0, 0), read(String.format(start, "process"), 0).recovered(70));
        assertEquals(new HostShare("none", 0, 0, 700, 0), read(String.format(start, "none"), 0).recovered(700));
        assertEquals(new HostShare("", 0, 0, 700, 0), read("{}", 0).recovered(700));
    }
}
