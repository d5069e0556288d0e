package io.mlco2.tracker.runtime;

import io.mlco2.tracker.base.Log;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mlco2.tracker.carbon.GridIntensity;
import io.mlco2.tracker.config.Config;
import io.mlco2.tracker.cpu.HostInfo;
import io.mlco2.tracker.energy.Component;
import io.mlco2.tracker.energy.EnergySource;
import io.mlco2.tracker.energy.Method;
import io.mlco2.tracker.energy.Reading;
import io.mlco2.tracker.energy.SourceGroup;
import io.mlco2.tracker.report.RunSummary;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The orchestrator with fake sources on a virtual clock. */
class TrackerTest {

    final ByteArrayOutputStream err = new ByteArrayOutputStream();
    final Log log = new Log(new PrintStream(err, true, StandardCharsets.UTF_8), Log.Level.DEBUG);
    final AtomicLong clock = new AtomicLong(1_000_000_000L);
    static final long S = 1_000_000_000L;

    /** Constant power, or a counter that grows by {@code watts} per second of the virtual clock. */
    record Fake(Component component, String deviceId, Method method, double watts, double tdpWatts, AtomicLong clock,
                CountDownLatch hang) implements EnergySource {
        @Override
        public String hardwareName() {
            return "fake " + component.key();
        }

        @Override
        public String tdpSource() {
            return "test";
        }

        @Override
        public Reading read(long monotonicNanos) {
            if (hang != null) {
                try {
                    hang.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return method == Method.NVML_ENERGY_COUNTER
                    ? Reading.counter(watts * monotonicNanos / 1e9, Double.POSITIVE_INFINITY, watts, 0.5)
                    : Reading.power(watts, 0.25);
        }
    }

    Tracker tracker(Path out, List<EnergySource> sources, String extraArgs) {
        Config config = Config.load("output.dir=" + out + ";pue=1.5;project-name=t;run-id=run-1;" + extraArgs,
                Map.of(), Map.of(), log);
        GridIntensity g = new GridIntensity("FR", "France", "France", "FRA", "", "", "", 100, "test", false);
        HostInfo host = new HostInfo("Fake CPU", 1, 4, 16_000_000_000L, "Linux", "h", null);
        return new Tracker(config, log, host, g, List.of(SourceGroup.of(sources)), clock::get, clock.get(), Instant.EPOCH,
                List.of());
    }

    @Test
    void energiesEmissionsAndEstimateFollowTheFormulas(@TempDir Path out) throws Exception {
        Tracker t = tracker(out, List.of(
                new Fake(Component.CPU, "cpu", Method.CPU_LOAD_MODEL, 50, 100, clock, null),
                new Fake(Component.GPU, "0", Method.NVML_ENERGY_COUNTER, 300, 700, clock, null),
                new Fake(Component.RAM, "machine", Method.RAM_MODEL, 6, Double.NaN, clock, null)), "");
        for (int i = 0; i <= 3600; i++) {
            t.sample();
            clock.addAndGet(S);
        }
        clock.addAndGet(-S);
        RunSummary s = t.stop();
        assertEquals(3600, s.durationSeconds(), 1e-9);
        assertEquals(50 * 3600.0, s.component(Component.CPU).energyJoules(), 1e-6);
        assertEquals(300 * 3600.0, s.component(Component.GPU).energyJoules(), 1e-3);
        assertEquals("nvml-energy-counter", s.component(Component.GPU).method());
        double kwh = (50 + 300 + 6) / 1000.0;
        assertEquals(kwh, s.totalEnergyKwh(), 1e-9);
        assertEquals(kwh * 1.5 * 100 / 1000, s.emissionsKg(), 1e-12);
        assertEquals(800, s.tdpEstimate().tdpWatts());
        assertEquals(0.8, s.tdpEstimate().energyKwh(), 1e-12);
        assertEquals(0.8 * 100 / 1000, s.tdpEstimate().emissionsKg(), 1e-12);
        assertEquals(0.35 / 0.8, s.measuredOverEstimate(), 1e-9);

        JsonNode j = new ObjectMapper().readTree(io.mlco2.tracker.report.ReportFiles.file(out, "run-1", io.mlco2.tracker.base.NodeIdentity.current("h").nodeId(), ".json").toFile());
        assertEquals(kwh, j.get("energy_kwh").get("total").asDouble(), 1e-9);
        assertEquals("cpu-load-model", j.get("methods").get("cpu").asText());
        assertTrue(Files.readString(out.resolve("emissions.csv")).contains(",run-1,"));
        assertTrue(err.toString().contains("[mlco2] run run-1 (t): 0.356000 kWh"), err.toString());
    }

    @Test
    void aComponentWithoutSourcesReportsMethodNone(@TempDir Path out) {
        Tracker t = tracker(out, List.of(new Fake(Component.CPU, "cpu", Method.CPU_LOAD_MODEL, 10, 50, clock, null)), "");
        t.sample();
        clock.addAndGet(S);
        RunSummary s = t.stop();
        assertEquals("none", s.component(Component.GPU).method());
        assertEquals(0.0, s.component(Component.GPU).energyJoules());
        assertEquals(0, s.gpuCount());
    }

    @Test
    void anUnwritableOutputFolderIsOneLineAndTheSummaryStillPrints(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("not-a-dir");
        Files.writeString(file, "x");
        Tracker t = tracker(file.resolve("reports"), List.of(new Fake(Component.CPU, "cpu", Method.CPU_LOAD_MODEL, 10, 50, clock, null)), "");
        t.sample();
        t.stop();
        String e = err.toString();
        assertTrue(e.contains("cannot create the output folder"), e);
        assertTrue(e.contains("[mlco2] run run-1"), e);
    }

    /**
     * docs/RELIABILITY.md, hostile conditions: before, a lock another user held on {@code emissions.csv} cost every
     * report and the summary line (the append waited for ever, first of all writers).
     */
    @Test
    void anotherProcesssLockOnEmissionsCsvCostsTheRowOnly(@TempDir Path out) throws Exception {
        Files.writeString(out.resolve("emissions.csv"), io.mlco2.tracker.report.EmissionsCsv.HEADER_LINE + "\n");
        Process holder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), io.mlco2.tracker.report.LockHolder.class.getName(),
                out.resolve("emissions.csv").toString()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try {
            assertEquals("locked", new java.io.BufferedReader(new java.io.InputStreamReader(holder.getInputStream(),
                    StandardCharsets.UTF_8)).readLine());
            Tracker t = tracker(out, List.of(new Fake(Component.CPU, "cpu", Method.CPU_LOAD_MODEL, 10, 50, clock, null)), "");
            t.sample();
            clock.addAndGet(S);
            org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(30), () -> t.stop());
            assertTrue(Files.exists(io.mlco2.tracker.report.ReportFiles.file(out, "run-1", io.mlco2.tracker.base.NodeIdentity.current("h").nodeId(), ".json")), "the JSON summary is written");
            String e = err.toString();
            assertTrue(e.contains("[mlco2] run run-1"), e);
            assertTrue(e.contains("could not write emissions.csv in " + out.toAbsolutePath()) && e.contains("is locked by another process"), e);
            assertEquals(1, Files.readAllLines(out.resolve("emissions.csv")).size(), "no row appended");
        } finally {
            holder.getOutputStream().close();
            holder.waitFor();
        }
    }

    /** Issue 19: the summary line spelled the unit two ways (gCO2eq/kWh, and gCO2e/kWh in the region's ranking). */
    @Test
    void theSummaryLineSpellsTheIntensityUnitOneWay(@TempDir Path out) {
        Tracker t = tracker(out, List.of(new Fake(Component.CPU, "cpu", Method.CPU_LOAD_MODEL, 10, 50, clock, null)), "");
        t.sample();
        clock.addAndGet(S);
        t.stop();
        String line = err.toString().lines().filter(l -> l.startsWith("[mlco2] run run-1")).findFirst().orElseThrow();
        assertTrue(line.contains("ranks"), "the region's ranking is in the line: " + line);
        assertEquals(2, line.split("gCO2eq/kWh", -1).length - 1, line);
        assertFalse(line.contains("gCO2e/"), line);
    }

    @Test
    void timesComeFromTheMonotonicClockSoAWallClockJumpChangesNothing(@TempDir Path out) {
        // The tracker reads the wall clock once, at start; everything after is monotonic. A wall clock set back
        // an hour mid-run (NTP, a VM resumed) therefore changes neither energy nor duration nor the end time.
        Tracker t = tracker(out, List.of(new Fake(Component.CPU, "cpu", Method.CPU_LOAD_MODEL, 10, 50, clock, null)), "");
        for (int i = 0; i < 10; i++) {
            t.sample();
            clock.addAndGet(S);
        }
        RunSummary s = t.stop();
        assertEquals(10.0, s.durationSeconds(), 1e-9);
        assertEquals(Instant.EPOCH.plusSeconds(10), s.end());
        assertEquals(100.0, s.component(Component.CPU).energyJoules(), 1e-9);
    }

    @Test
    void aFileSystemThatThrowsCostsThatReportOnlyAndTheRestIsDelivered(@TempDir Path out) throws Exception {
        Tracker t = tracker(out, List.of(new Fake(Component.CPU, "cpu", Method.CPU_LOAD_MODEL, 10, 50, clock, null)), "");
        t.addWriter(new ReportWriter() {
            @Override
            public String name() {
                return "disk-full report";
            }

            @Override
            public Path write(RunSummary summary, Path dir) throws Exception {
                throw new java.io.IOException("No space left on device");
            }
        });
        t.sample();
        clock.addAndGet(S);
        t.stop();
        String e = err.toString();
        assertTrue(e.contains("could not write disk-full report") && e.contains("No space left on device"), e);
        assertTrue(Files.exists(out.resolve("emissions.csv")));
        assertTrue(Files.exists(io.mlco2.tracker.report.ReportFiles.file(out, "run-1", io.mlco2.tracker.base.NodeIdentity.current("h").nodeId(), ".json")));
        assertTrue(e.contains("[mlco2] run run-1"), e);
    }

    @Test
    void stopIsIdempotent(@TempDir Path out) throws Exception {
        Tracker t = tracker(out, List.of(new Fake(Component.CPU, "cpu", Method.CPU_LOAD_MODEL, 10, 50, clock, null)), "");
        t.sample();
        RunSummary a = t.stop();
        RunSummary b = t.stop();
        assertTrue(a == b);
        assertEquals(2, Files.readAllLines(out.resolve("emissions.csv")).size());
        assertFalse(err.toString().contains("ERROR"), err.toString());
    }

    /** A group that records the calls the tracker makes to it, in order. */
    static final class RecordingGroup implements SourceGroup {
        final List<String> calls = new java.util.concurrent.CopyOnWriteArrayList<>();
        final List<EnergySource> sources;

        RecordingGroup(List<EnergySource> sources) {
            this.sources = sources;
        }

        @Override
        public List<EnergySource> sources() {
            return sources;
        }

        @Override
        public void beforeFinalSample() {
            calls.add("before final sample");
        }

        @Override
        public boolean sharedWithOtherProcesses() {
            return true;
        }

        @Override
        public String sectionKey() {
            return "devices";
        }

        @Override
        public Object section(List<io.mlco2.tracker.energy.EnergyAccumulator> accumulators) {
            calls.add("section");
            return Map.of("count", accumulators.size());
        }

        @Override
        public void close() {
            calls.add("close");
        }
    }

    @Test
    void theTrackerDrivesASourceGroupThroughItsHooks(@TempDir Path out) throws Exception {
        RecordingGroup group = new RecordingGroup(List.of(new Fake(Component.GPU, "0", Method.NVML_POWER, 100, 300, clock, null)));
        Config config = Config.load("output.dir=" + out + ";run-id=run-1", Map.of(), Map.of(), log);
        GridIntensity g = new GridIntensity("FR", "France", "France", "FRA", "", "", "", 100, "test", false);
        HostInfo host = new HostInfo("Fake CPU", 1, 4, 16_000_000_000L, "Linux", "h", null);
        Tracker t = new Tracker(config, log, host, g, List.of(group), clock::get, clock.get(), Instant.EPOCH, List.of());
        t.sample();
        clock.addAndGet(S);
        RunSummary s = t.stop();
        assertEquals(List.of("before final sample", "section", "close"), group.calls);
        assertTrue(s.gpuShared());
        assertEquals(100.0, s.component(Component.GPU).energyJoules(), 1e-9);
        JsonNode j = new ObjectMapper().readTree(io.mlco2.tracker.report.ReportFiles.file(out, "run-1", io.mlco2.tracker.base.NodeIdentity.current("h").nodeId(), ".json").toFile());
        assertEquals(1, j.findValue("devices").get("count").asInt(), j.toString());
    }

    @Test
    void defaultRunIdsAreDistinctVersion4Uuids() {
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            String id = Tracker.newRunId();
            java.util.UUID u = java.util.UUID.fromString(id);
            assertEquals(4, u.version(), id);
            assertEquals(2, u.variant(), id);
            assertTrue(seen.add(id), "repeated " + id);
        }
    }
}
