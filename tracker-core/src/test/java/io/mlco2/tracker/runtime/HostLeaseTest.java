package io.mlco2.tracker.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mlco2.tracker.base.Log;
import io.mlco2.tracker.carbon.GridIntensity;
import io.mlco2.tracker.config.Config;
import io.mlco2.tracker.cpu.HostInfo;
import io.mlco2.tracker.energy.Component;
import io.mlco2.tracker.energy.EnergySource;
import io.mlco2.tracker.energy.Method;
import io.mlco2.tracker.energy.ProcessFraction;
import io.mlco2.tracker.energy.SourceGroup;
import io.mlco2.tracker.report.RunSummary;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The host lease: a real second JVM holding the lock, the handover between two trackers, a lone JVM unchanged. */
class HostLeaseTest {

    static final long S = 1_000_000_000L;
    final ByteArrayOutputStream err = new ByteArrayOutputStream();
    final Log log = new Log(new PrintStream(err, true, StandardCharsets.UTF_8), Log.Level.INFO);
    final AtomicLong clock = new AtomicLong(1_000 * S);

    private static Process child(String mode, Path file) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), LockHolderMain.class.getName(),
                mode, file.toString()).redirectErrorStream(true).start();
    }

    private static String firstLine(Process p) throws Exception {
        BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        return r.readLine();
    }

    @Test
    void anotherJvmHoldingTheLeaseMakesThisOneShareUntilItExitsThenItTakesOver(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("run-a.lock");
        Process holder = child("hold", file);
        try {
            assertEquals("locked", firstLine(holder));
            HostLease lease = new HostLease(dir.toString(), false, log);
            List<String> notes = new ArrayList<>();
            lease.open("run-a", false, notes);
            assertEquals(HostLease.State.SHARED, lease.state());
            assertFalse(lease.wholeMachineSince(Long.MAX_VALUE - 1));
            assertTrue(err.toString().contains("another JVM of run run-a on this host holds its lease (" + file + ")"),
                    err.toString());
            assertEquals(1, notes.size());
            lease.retry(5 * S);
            assertEquals(HostLease.State.SHARED, lease.state(), "the holder is alive: no lease");

            holder.getOutputStream().close(); // the holder exits, the kernel releases its lock
            assertTrue(holder.waitFor(30, TimeUnit.SECONDS));
            lease.retry(7 * S);
            assertEquals(HostLease.State.HELD, lease.state());
            assertFalse(lease.wholeMachineSince(6 * S), "the interval that ends at the takeover is still a share");
            assertTrue(lease.wholeMachineSince(7 * S));
            assertTrue(err.toString().contains("took over the host lease of run run-a"), err.toString());

            Process other = child("try", file); // this JVM holds it now: a third JVM cannot have it
            assertEquals("busy", firstLine(other));
            assertTrue(other.waitFor(30, TimeUnit.SECONDS));
            lease.close();
            Process after = child("try", file);
            assertEquals("got", firstLine(after), "closed, the lease is free for the next JVM");
            assertTrue(after.waitFor(30, TimeUnit.SECONDS));
        } finally {
            holder.destroyForcibly();
        }
    }

    /** A constant 100 W machine-level source, and this process's fraction of it: always 0.25. */
    static final class Quarter implements SourceGroup, ProcessFraction {
        final List<EnergySource> sources;

        Quarter(AtomicLong clock) {
            sources = List.of(new TrackerTest.Fake(Component.CPU, "cpu", Method.CPU_LOAD_MODEL, 100, 100, clock, null));
        }

        @Override
        public List<EnergySource> sources() {
            return sources;
        }

        @Override
        public ProcessFraction processFraction(EnergySource s) {
            return this;
        }

        @Override
        public void begin(long monotonicNanos) {
        }

        @Override
        public double sinceLastCall(long monotonicNanos) {
            return 0.25;
        }
    }

    private Tracker tracker(Path out, Path leaseDir, String runId, boolean process, SourceGroup group) {
        Config config = Config.load("output.dir=" + out + ";run-id=" + runId + ";host.lease-dir=" + leaseDir
                        + (process ? ";tracking-mode=process" : ""), Map.of(), Map.of(), log);
        GridIntensity g = new GridIntensity("FR", "France", "France", "FRA", "", "", "", 100, "test", false);
        HostInfo host = new HostInfo("Fake CPU", 1, 4, 16_000_000_000L, "Linux", "h", null);
        return new Tracker(config, log, host, g, List.of(group), clock::get, clock.get(), Instant.EPOCH, List.of(),
                io.mlco2.tracker.base.NodeIdentity.current(host.hostname()), new HostLease(config.get(Config.HOST_LEASE_DIR), process, log));
    }

    private static JsonNode hostShare(Path out, String runId) throws Exception {
        return new ObjectMapper().readTree(summaryFile(out, runId).toFile()).get("host_share");
    }

    @Test
    void aDriverJoiningARunWhoseLeaseIsHeldKeepsTheMachineEnergyItCountedAndSharesFromItsNextSample(@TempDir Path tmp)
            throws Exception {
        Path leaseDir = tmp.resolve("lease");
        Tracker executor = tracker(tmp.resolve("e"), leaseDir, "app-7", false, new Quarter(clock));
        Config config = Config.load("output.dir=" + tmp.resolve("d") + ";host.lease-dir=" + leaseDir, Map.of(),
                Map.of(), log);
        GridIntensity g = new GridIntensity("FR", "France", "France", "FRA", "", "", "", 100, "test", false);
        HostInfo host = new HostInfo("Fake CPU", 1, 4, 16_000_000_000L, "Linux", "h", null);
        Tracker driver = new Tracker(config, log, host, g, List.of(new Quarter(clock)), clock::get, clock.get(),
                Instant.EPOCH, List.of(), io.mlco2.tracker.base.NodeIdentity.current("h"),
                new HostLease(config.get(Config.HOST_LEASE_DIR), false, log));
        for (int i = 0; i < 2; i++) {
            driver.sample();
            clock.addAndGet(S);
        }
        driver.sample();               // (0, 2 s] under its own random id's lease: 2 s x 100 W = 200 J, the machine's
        driver.joinRun("app-7");       // the executor holds app-7's lease
        clock.addAndGet(S);
        driver.sample();               // the lease is tried here: (2 s, 3 s] is a share, 25 J
        clock.addAndGet(S);
        driver.sample();               // 25 J
        RunSummary sd = driver.stop();
        executor.stop();

        assertEquals(250, sd.component(Component.CPU).energyJoules(), 1e-9);
        JsonNode hd = hostShare(tmp.resolve("d"), "app-7");
        assertEquals("shared", hd.get("lease").asText());
        assertEquals(200, hd.get("machine_energy_joules_with_lease").asDouble(), 1e-9);
        assertEquals(50, hd.get("share_energy_joules_without_lease").asDouble(), 1e-9);
        assertEquals(2, hd.get("lease_seconds").asDouble(), 1e-9);
        assertTrue(err.toString().contains("joined run app-7, whose lease on this host another JVM holds"), err.toString());
    }

    @Test
    void theSecondTrackerOfARunCountsItsShareAndTakesTheMachineOverWithinOneSampleOfTheFirstsEnd(@TempDir Path tmp)
            throws Exception {
        Path leaseDir = tmp.resolve("lease");
        Tracker a = tracker(tmp.resolve("a"), leaseDir, "run-h", false, new Quarter(clock));
        Tracker b = tracker(tmp.resolve("b"), leaseDir, "run-h", false, new Quarter(clock));
        for (int i = 0; i < 2; i++) {
            a.sample();
            b.sample();
            clock.addAndGet(S);
        }
        a.sample();
        b.sample();
        RunSummary sa = a.stop();      // 2 s of 100 W, whole: 200 J; the lease is released
        clock.addAndGet(S);
        b.sample();                    // takes the lease over at 3 s; (2 s, 3 s] is still a share
        clock.addAndGet(S);
        b.sample();
        clock.addAndGet(S);
        b.sample();
        RunSummary sb = b.stop();

        assertEquals(200, sa.component(Component.CPU).energyJoules(), 1e-9);
        JsonNode ha = hostShare(tmp.resolve("a"), "run-h");
        assertEquals("held", ha.get("lease").asText());
        assertEquals(200, ha.get("machine_energy_joules_with_lease").asDouble(), 1e-9);
        assertEquals(0, ha.get("share_energy_joules_without_lease").asDouble());
        assertEquals(2, ha.get("lease_seconds").asDouble(), 1e-9);
        assertEquals(leaseDir.toString(), ha.get("lease_dir").asText());

        // B: (0, 3 s] without the lease: 3 s x 100 W x 0.25 = 75 J; (3 s, 5 s] with it: 200 J.
        assertEquals(275, sb.component(Component.CPU).energyJoules(), 1e-9);
        JsonNode hb = hostShare(tmp.resolve("b"), "run-h");
        assertEquals("held", hb.get("lease").asText());
        assertEquals(200, hb.get("machine_energy_joules_with_lease").asDouble(), 1e-9);
        assertEquals(75, hb.get("share_energy_joules_without_lease").asDouble(), 1e-9);
        assertEquals(2, hb.get("lease_seconds").asDouble(), 1e-9);
        assertTrue(sb.notes().toString().contains("host lease held by another JVM"), sb.notes().toString());
        // Machine energy counted once: 400 J of the machine's 500 J over (0, 5 s]; the 100 J of the handover
        // interval (2 s, 3 s] counted as B's share only, while the naive sum double counts B's share (475 J).
        assertEquals(400, ha.get("machine_energy_joules_with_lease").asDouble()
                + hb.get("machine_energy_joules_with_lease").asDouble(), 1e-9);
    }

    @Test
    void aLoneJvmWithALeaseFileReportsTheSameNumbersAndKeysAsOneWithoutBesidesTheSection(@TempDir Path tmp)
            throws Exception {
        Tracker leased = tracker(tmp.resolve("leased"), tmp.resolve("lease"), "run-l", false, new Quarter(clock));
        Config plainConfig = Config.load("output.dir=" + tmp.resolve("plain") + ";run-id=run-l", Map.of(), Map.of(), log);
        Tracker plain = Trackers.of(plainConfig, log, new Quarter(clock).sources, clock::get);
        for (int i = 0; i < 4; i++) {
            leased.sample();
            plain.sample();
            clock.addAndGet(S / 3);
        }
        RunSummary sl = leased.stop();
        RunSummary sp = plain.stop();
        assertTrue(Files.exists(tmp.resolve("lease").resolve("run-l.lock")));
        assertEquals(sp.totalEnergyJoules(), sl.totalEnergyJoules(), 0.0);
        assertEquals(sp.emissionsKg(), sl.emissionsKg(), 0.0);
        ObjectMapper m = new ObjectMapper();
        JsonNode jl = m.readTree(summaryFile(tmp.resolve("leased"), "run-l").toFile());
        JsonNode jp = m.readTree(summaryFile(tmp.resolve("plain"), "run-l").toFile());
        assertEquals(keys(jp), keys(jl));
        assertEquals(jp.get("energy_kwh"), jl.get("energy_kwh"));
        JsonNode h = jl.get("host_share");
        assertEquals("held", h.get("lease").asText());
        assertEquals(sl.totalEnergyJoules(), h.get("machine_energy_joules_with_lease").asDouble(), 1e-9);
        assertEquals(sl.durationSeconds(), h.get("lease_seconds").asDouble(), 1e-9);
        assertNull(jp.get("host_share").get("lease_dir").textValue(), "no lease file for a JVM known to be alone");
    }

    private static Set<String> keys(JsonNode n) {
        Set<String> keys = new TreeSet<>();
        for (Iterator<String> i = n.fieldNames(); i.hasNext(); ) {
            keys.add(i.next());
        }
        return keys;
    }

    @Test
    void aLeaseDirThatCannotBeMadeIsOneLineAndTheWholeMachineCountedWithoutTheLease(@TempDir Path tmp) throws Exception {
        Path notADir = tmp.resolve("file");
        Files.writeString(notADir, "x");
        Tracker t = tracker(tmp.resolve("out"), notADir, "run-n", false, new Quarter(clock));
        t.sample();
        clock.addAndGet(2 * S);
        t.sample();
        RunSummary s = t.stop();
        assertEquals(200, s.totalEnergyJoules(), 1e-9);
        String lines = err.toString();
        assertEquals(1, lines.split("host lease", -1).length - 1, lines);
        assertTrue(lines.contains("no host lease for run run-n (" + notADir), lines);
        assertTrue(lines.contains("mlco2.host.lease-dir accepts a directory path"), lines);
        JsonNode h = hostShare(tmp.resolve("out"), "run-n");
        assertEquals("none", h.get("lease").asText());
        assertEquals(0, h.get("machine_energy_joules_with_lease").asDouble());
        assertEquals(200, h.get("machine_energy_joules_without_lease").asDouble(), 1e-9);
        assertTrue(h.get("lease_dir").isNull());
    }

    @Test
    void processModeAlwaysCountsTheShareAndTakesNoLease(@TempDir Path tmp) throws Exception {
        Tracker t = tracker(tmp.resolve("out"), tmp.resolve("lease"), "run-p", true, new Quarter(clock));
        t.sample();
        clock.addAndGet(4 * S);
        t.sample();
        RunSummary s = t.stop();
        assertEquals(100, s.totalEnergyJoules(), 1e-9); // 4 s x 100 W x 0.25
        JsonNode h = hostShare(tmp.resolve("out"), "run-p");
        assertEquals("process", h.get("lease").asText());
        assertEquals(100, h.get("share_energy_joules_without_lease").asDouble(), 1e-9);
        assertEquals(0, h.get("machine_energy_joules_with_lease").asDouble());
        assertFalse(Files.exists(tmp.resolve("lease")));
    }

    @Test
    void aRandomRunIdIsUniqueAndHeldWithoutAFile() {
        HostLease lease = new HostLease(null, false, log);
        lease.open(Tracker.newRunId(), true, new ArrayList<>());
        assertEquals(HostLease.State.HELD, lease.state());
        assertTrue(lease.wholeMachineSince(Long.MIN_VALUE));
        assertEquals("", err.toString());
        lease.close();
    }

    /** The one summary {@code <run id>.<node id>.json} in {@code dir}. */
    private static Path summaryFile(Path dir, String runId) throws java.io.IOException {
        try (java.util.stream.Stream<Path> files = Files.list(dir)) {
            List<Path> found = files.filter(f -> f.getFileName().toString().startsWith(runId + ".")
                    && f.getFileName().toString().endsWith(".json")).toList();
            assertEquals(1, found.size(), "summaries of " + runId + " in " + dir + ": " + found);
            return found.get(0);
        }
    }
}
