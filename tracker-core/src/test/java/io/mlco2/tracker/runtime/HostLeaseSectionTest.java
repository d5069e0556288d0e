package io.mlco2.tracker.runtime;

import io.mlco2.tracker.base.Log;
import io.mlco2.tracker.energy.Component;
import io.mlco2.tracker.energy.EnergyAccumulator;
import io.mlco2.tracker.energy.HostLeaseState;
import io.mlco2.tracker.energy.Method;
import io.mlco2.tracker.energy.ProcessFraction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The host lease in one JVM: its states (two leases of one run id in one JVM exclude each other like two JVMs),
 * the {@code host_share} numbers of each state from known energies, the seconds held across a takeover and a
 * rejoin, and the lease dir.
 */
class HostLeaseSectionTest {

    static final long S = 1_000_000_000L;
    static final double MACHINE_WATTS = 100;
    static final double OWN_WATTS = 10;
    static final double FRACTION = 0.25;

    final ByteArrayOutputStream err = new ByteArrayOutputStream();
    final Log log = new Log(new PrintStream(err, true, StandardCharsets.UTF_8), Log.Level.DEBUG);
    final List<HostLease> opened = new ArrayList<>();

    @AfterEach
    void closeAll() {
        for (HostLease l : opened) {
            l.close();
        }
    }

    private HostLease open(Path dir, String runId) {
        HostLease l = new HostLease(dir == null ? null : dir.toString(), false, log);
        l.open(runId, false, new ArrayList<>());
        opened.add(l);
        return l;
    }

    /** Whole or not, as the test sets it. */
    static final class Switch implements HostLeaseState {
        boolean whole = true;

        @Override
        public boolean wholeMachineSince(long fromNanos) {
            return whole;
        }
    }

    static final class Fraction implements ProcessFraction {
        @Override
        public void begin(long monotonicNanos) {
        }

        @Override
        public double sinceLastCall(long monotonicNanos) {
            return FRACTION;
        }
    }

    /**
     * A machine-level 100 W source: (0, 2 s] whole, (2 s, 4 s] a 0.25 share; and a 10 W source of this process's
     * own over (0, 4 s], always whole.
     */
    private static List<EnergyAccumulator> accumulators() {
        AtomicLong clock = new AtomicLong();
        Switch lease = new Switch();
        EnergyAccumulator machine = new EnergyAccumulator(
                new TrackerTest.Fake(Component.CPU, "cpu", Method.CPU_LOAD_MODEL, MACHINE_WATTS, 100, clock, null),
                new Fraction(), lease);
        EnergyAccumulator own = new EnergyAccumulator(
                new TrackerTest.Fake(Component.RAM, "ram", Method.RAM_MODEL, OWN_WATTS, 10, clock, null));
        machine.prime(0);
        own.prime(0);
        machine.sample(2 * S);
        lease.whole = false;
        machine.sample(4 * S);
        own.sample(4 * S);
        return List.of(machine, own);
    }

    static final double MACHINE_WHOLE = MACHINE_WATTS * 2;
    static final double MACHINE_SHARE = MACHINE_WATTS * 2 * FRACTION;
    static final double OWN_WHOLE = OWN_WATTS * 4;

    private static double num(Map<String, Object> m, String key) {
        return ((Number) m.get(key)).doubleValue();
    }

    @Test
    void theAccumulatorsOfTheseTestsHoldTheEnergiesTheyAreBuiltFrom() {
        List<EnergyAccumulator> a = accumulators();
        assertEquals(MACHINE_WHOLE, a.get(0).wholeEnergyJoules(), 1e-9);
        assertEquals(MACHINE_SHARE, a.get(0).shareEnergyJoules(), 1e-9);
        assertTrue(a.get(0).machineLevel());
        assertEquals(OWN_WHOLE, a.get(1).wholeEnergyJoules(), 1e-9);
        assertFalse(a.get(1).machineLevel());
    }

    @Test
    void heldCountsEveryWholeIntervalAsTheMachinesAndTheSecondsSinceTheStart(@TempDir Path dir) {
        HostLease l = open(dir, "run-s");
        assertEquals(HostLease.State.HELD, l.state());
        Map<String, Object> m = l.section(accumulators(), 3 * S, 10 * S);
        assertEquals("held", m.get("lease"));
        assertEquals(MACHINE_WHOLE + OWN_WHOLE, num(m, "machine_energy_joules_with_lease"), 1e-9);
        assertEquals(MACHINE_SHARE, num(m, "share_energy_joules_without_lease"), 1e-9);
        assertEquals(0, num(m, "machine_energy_joules_without_lease"));
        assertEquals(10 - 3, num(m, "lease_seconds"), 1e-9);
        assertEquals(dir.toString(), m.get("lease_dir"));
        assertTrue(Files.exists(dir.resolve("run-s.lock")));
    }

    @Test
    void sharedKeepsTheMachineLevelWholeEnergyAsTheMachinesAndCountsTheRestAsTheShare(@TempDir Path dir) {
        open(dir, "run-s");
        HostLease l = open(dir, "run-s");
        assertEquals(HostLease.State.SHARED, l.state());
        Map<String, Object> m = l.section(accumulators(), 3 * S, 10 * S);
        assertEquals("shared", m.get("lease"));
        assertEquals(MACHINE_WHOLE, num(m, "machine_energy_joules_with_lease"), 1e-9);
        assertEquals(OWN_WHOLE + MACHINE_SHARE, num(m, "share_energy_joules_without_lease"), 1e-9);
        assertEquals(0, num(m, "machine_energy_joules_without_lease"));
        assertEquals(0, num(m, "lease_seconds"));
        assertEquals(dir.toString(), m.get("lease_dir"));
    }

    @Test
    void noneCountsTheWholeEnergyWithoutTheLeaseAndNamesNoDir(@TempDir Path tmp) throws Exception {
        Path file = tmp.resolve("file");
        Files.writeString(file, "x");
        HostLease l = open(file, "run-s");
        assertEquals(HostLease.State.NONE, l.state());
        Map<String, Object> m = l.section(accumulators(), 3 * S, 10 * S);
        assertEquals("none", m.get("lease"));
        assertEquals(0, num(m, "machine_energy_joules_with_lease"));
        assertEquals(MACHINE_SHARE, num(m, "share_energy_joules_without_lease"), 1e-9);
        assertEquals(MACHINE_WHOLE + OWN_WHOLE, num(m, "machine_energy_joules_without_lease"), 1e-9);
        assertEquals(0, num(m, "lease_seconds"));
        assertNull(m.get("lease_dir"));
    }

    @Test
    void processModeCountsAllItsEnergyAsTheShare(@TempDir Path dir) {
        HostLease l = new HostLease(dir.toString(), true, log);
        l.open("run-s", false, new ArrayList<>());
        assertEquals(HostLease.State.PROCESS, l.state());
        assertFalse(l.wholeMachineSince(Long.MAX_VALUE - 1));
        Map<String, Object> m = l.section(accumulators(), 3 * S, 10 * S);
        assertEquals("process", m.get("lease"));
        assertEquals(0, num(m, "machine_energy_joules_with_lease"));
        assertEquals(MACHINE_WHOLE + OWN_WHOLE + MACHINE_SHARE, num(m, "share_energy_joules_without_lease"), 1e-9);
        assertEquals(0, num(m, "machine_energy_joules_without_lease"));
        assertEquals(0, num(m, "lease_seconds"));
        assertNull(m.get("lease_dir"));
        assertFalse(Files.exists(dir.resolve("run-s.lock")));
    }

    @Test
    void aTakeoverCountsTheMachineFromItsSampleOn(@TempDir Path dir) {
        HostLease first = open(dir, "run-t");
        HostLease second = open(dir, "run-t");
        second.retry(5 * S);
        assertEquals(HostLease.State.SHARED, second.state(), "the first holds it");
        first.close();
        second.retry(7 * S);
        assertEquals(HostLease.State.HELD, second.state());
        assertFalse(second.wholeMachineSince(7 * S - 1));
        assertTrue(second.wholeMachineSince(7 * S));
        Map<String, Object> m = second.section(List.of(), 1 * S, 10 * S);
        assertEquals(10 - 7, num(m, "lease_seconds"), 1e-9);
        assertEquals(0, num(second.section(List.of(), 1 * S, 7 * S), "lease_seconds"),
                "at the takeover itself: no second held yet");
    }

    @Test
    void aRejoinToARunWhoseLeaseIsFreeHoldsItAndReleasesTheOldOne(@TempDir Path dir) {
        HostLease other = open(dir, "run-a");
        HostLease l = open(dir, "run-a");
        assertEquals(HostLease.State.SHARED, l.state());
        l.rejoinLater("run-b");
        assertEquals(HostLease.State.SHARED, l.state(), "tried at the next sample, not on the caller's thread");
        l.retry(4 * S);
        assertEquals(HostLease.State.HELD, l.state());
        assertFalse(l.wholeMachineSince(4 * S - 1), "held from the rejoin's sample on");
        assertTrue(l.wholeMachineSince(4 * S));
        assertEquals(10 - 4, num(l.section(List.of(), 1 * S, 10 * S), "lease_seconds"), 1e-9);

        assertTrue(other.wholeMachineSince(0));
        HostLease b = open(dir, "run-b");
        assertEquals(HostLease.State.SHARED, b.state(), "the rejoining JVM holds the new id's lease");
    }

    @Test
    void aHeldLeaseRejoiningAFreeRunStaysWholeFromItsStart(@TempDir Path dir) {
        HostLease l = open(dir, "run-a");
        l.rejoinLater("run-b");
        l.retry(4 * S);
        assertEquals(HostLease.State.HELD, l.state());
        assertTrue(l.wholeMachineSince(0));
        assertEquals(10 - 1, num(l.section(List.of(), 1 * S, 10 * S), "lease_seconds"), 1e-9);
        assertEquals(HostLease.State.HELD, open(dir, "run-a").state(), "the old id's lease is free");
    }

    @Test
    void aHeldLeaseRejoiningATakenRunKeepsTheSecondsHeldUpToItsPreviousSampleAndAddsThoseOfATakeover(
            @TempDir Path dir) {
        HostLease l = open(dir, "run-a");
        HostLease holder = open(dir, "run-b");
        l.retry(3 * S);
        l.rejoinLater("run-b");
        l.retry(5 * S);
        assertEquals(HostLease.State.SHARED, l.state());
        assertFalse(l.wholeMachineSince(5 * S));
        // Held (2 s, 3 s] of a run started at 2 s: the interval (3 s, 5 s] ending at the rejoin is a share.
        Map<String, Object> m = l.section(List.of(), 2 * S, 9 * S);
        assertEquals(3 - 2, num(m, "lease_seconds"), 1e-9);
        assertEquals("shared", m.get("lease"));

        holder.close();
        l.retry(6 * S);
        assertEquals(HostLease.State.HELD, l.state());
        assertEquals((3 - 2) + (9 - 6), num(l.section(List.of(), 2 * S, 9 * S), "lease_seconds"), 1e-9);
    }

    @Test
    void secondsHeldBeforeARejoinCountFromTheStartWhateverTheSignOfTheMonotonicClock(@TempDir Path dir) {
        long start = -8 * S; // System.nanoTime has an arbitrary origin
        HostLease l = open(dir, "run-a");
        HostLease holder = open(dir, "run-b");
        l.retry(-5 * S);
        l.rejoinLater("run-b");
        l.retry(-4 * S);
        assertEquals(-5 - -8, num(l.section(List.of(), start, -1 * S), "lease_seconds"), 1e-9);
        holder.close();

        HostLease never = open(dir, "run-c");
        assertEquals(-1 - -8, num(never.section(List.of(), start, -1 * S), "lease_seconds"), 1e-9);
        HostLease shared = open(dir, "run-c");
        assertEquals(0, num(shared.section(List.of(), start, -1 * S), "lease_seconds"),
                "never held: no seconds, whatever the clock's origin");
    }

    @Test
    void aLeaseWithoutAFileOrInProcessModeOrWithoutALeaseNeverRejoinsNorRetries(@TempDir Path tmp) throws Exception {
        HostLease alone = HostLease.alone(log);
        opened.add(alone);
        alone.open("run-a", false, new ArrayList<>());
        alone.rejoinLater("run-b");
        alone.retry(S);
        alone.retry(2 * S);
        assertEquals(HostLease.State.HELD, alone.state());
        assertNull(alone.section(List.of(), 0, 2 * S).get("lease_dir"), "alone: no file, before or after the rejoin");

        HostLease process = new HostLease(tmp.toString(), true, log);
        opened.add(process);
        process.open("run-a", false, new ArrayList<>());
        process.rejoinLater("run-b");
        process.retry(S);
        process.retry(2 * S);
        assertEquals(HostLease.State.PROCESS, process.state());
        assertFalse(process.wholeMachineSince(2 * S));

        Path file = tmp.resolve("file");
        Files.writeString(file, "x");
        HostLease none = open(file, "run-a");
        none.rejoinLater("run-b");
        none.retry(S);
        none.retry(2 * S);
        assertEquals(HostLease.State.NONE, none.state());
        String lines = err.toString();
        assertEquals(1, lines.split("no host lease", -1).length - 1, "the open's line only, no new attempt: " + lines);
        assertFalse(lines.contains("retry failed"), "no lock tried without a lease file: " + lines);

        try (java.util.stream.Stream<Path> files = Files.list(tmp)) {
            assertEquals(List.of(file), files.toList(), "no lease file made by any of them");
        }
    }

    @Test
    void aRejoinWhoseLeaseDirIsGoneIsOneLineAndTheWholeMachineWithoutTheLease(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("lease");
        HostLease l = open(dir, "run-a");
        assertEquals(HostLease.State.HELD, l.state());
        l.close();
        Files.delete(dir.resolve("run-a.lock"));
        Files.delete(dir);
        Files.writeString(dir, "x"); // the dir is a file now
        l.rejoinLater("run-b");
        err.reset();
        l.retry(S);
        assertEquals(HostLease.State.NONE, l.state());
        assertTrue(l.wholeMachineSince(S), "no lease: the whole machine, as without one");
        String lines = err.toString();
        assertEquals(1, lines.split("\n").length, lines);
        assertTrue(lines.contains("no host lease for run run-b (" + dir), lines);
        Map<String, Object> m = l.section(accumulators(), 0, 4 * S);
        assertEquals("none", m.get("lease"));
        assertEquals(MACHINE_WHOLE + OWN_WHOLE, num(m, "machine_energy_joules_without_lease"), 1e-9);
    }

    @Test
    void aMissingLeaseDirIsMadeForItsOwnerOnlyAndHoldsTheLeaseFile(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("a").resolve("b");
        HostLease l = open(dir, "run-m");
        assertEquals(HostLease.State.HELD, l.state());
        assertTrue(Files.isRegularFile(dir.resolve("run-m.lock")));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
    }

    @Test
    void aUniqueRunIdWithAConfiguredDirStillTakesTheLeaseFile(@TempDir Path dir) {
        HostLease l = new HostLease(dir.toString(), false, log);
        opened.add(l);
        l.open("run-u", true, new ArrayList<>());
        assertEquals(HostLease.State.HELD, l.state());
        assertTrue(Files.exists(dir.resolve("run-u.lock")));
        assertEquals(HostLease.State.SHARED, open(dir, "run-u").state());
    }

    @Test
    void theDefaultLeaseDirMustBelongToTheUserAConfiguredOneNeedNot(@TempDir Path tmp) throws Exception {
        String user = System.getProperty("user.name");
        String stranger = "mlco2-test-stranger-" + ProcessHandle.current().pid();
        Path defaultDir = Path.of("/tmp/mlco2-" + stranger);
        try {
            System.setProperty("user.name", stranger);
            // Made by this process, so owned by the real user, not by the one user.name now names.
            HostLease byDefault = open(null, "run-o");
            assertEquals(HostLease.State.NONE, byDefault.state());
            assertTrue(err.toString().contains("not to " + stranger), err.toString());
            HostLease configured = open(tmp, "run-o");
            assertEquals(HostLease.State.HELD, configured.state());
        } finally {
            System.setProperty("user.name", user);
            Files.deleteIfExists(defaultDir.resolve("run-o.lock"));
            Files.deleteIfExists(defaultDir);
        }
        HostLease own = open(null, "run-own-" + ProcessHandle.current().pid());
        try {
            assertEquals(HostLease.State.HELD, own.state());
            assertEquals("/tmp/mlco2-" + io.mlco2.tracker.report.ReportFiles.safeRunId(user),
                    own.section(List.of(), 0, S).get("lease_dir"));
        } finally {
            own.close();
            Files.deleteIfExists(Path.of("/tmp/mlco2-" + io.mlco2.tracker.report.ReportFiles.safeRunId(user))
                    .resolve("run-own-" + ProcessHandle.current().pid() + ".lock"));
        }
    }

    @Test
    void closingALeaseClosesItsFileWhetherItHeldTheLeaseOrNot(@TempDir Path dir) throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(Path.of("/proc/self/fd")), "Linux only");
        assertEquals(0, io.mlco2.tracker.base.OpenDescriptors.at(dir));
        HostLease held = open(dir, "run-f");
        HostLease shared = open(dir, "run-f");
        assertEquals(HostLease.State.SHARED, shared.state());
        assertEquals(2, io.mlco2.tracker.base.OpenDescriptors.at(dir), "one lease file open per lease");
        shared.close();
        assertEquals(1, io.mlco2.tracker.base.OpenDescriptors.at(dir), "the sharing lease's file closed");
        held.close();
        assertEquals(0, io.mlco2.tracker.base.OpenDescriptors.at(dir), "a JVM that runs many trackers keeps no lease file open");
    }

    @Test
    void aSharingLeaseWhoseRejoinFailsCountsTheWholeMachineFromThatSampleOn(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("lease");
        HostLease holder = open(dir, "run-a");
        HostLease l = open(dir, "run-a");
        assertEquals(HostLease.State.SHARED, l.state());
        holder.close();
        Files.delete(dir.resolve("run-a.lock"));
        Files.delete(dir);
        Files.writeString(dir, "x"); // no lease can be had any more
        l.rejoinLater("run-b");
        l.retry(4 * S);
        assertEquals(HostLease.State.NONE, l.state());
        assertFalse(l.wholeMachineSince(4 * S - 1), "the interval ending at the rejoin was a share");
        assertTrue(l.wholeMachineSince(4 * S), "without a lease, the whole machine, as the section reports it");
    }
}
