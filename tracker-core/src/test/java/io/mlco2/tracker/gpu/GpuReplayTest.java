package io.mlco2.tracker.gpu;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mlco2.tracker.cli.Cli;
import io.mlco2.tracker.base.Log;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Replays the H200 trace recorded on real hardware through the live accounting. */
class GpuReplayTest {

    private final Log log = new Log(System.err, Log.Level.WARN);

    @Test
    void withTheCounterTheWholeTraceIsWithinATenthOfAPercent() throws Exception {
        GpuReplay.Result r = GpuReplay.run(GpuSupportTest.h200Trace(), Duration.ofSeconds(1), Duration.ofSeconds(1), log);
        assertEquals("nvml-energy-counter", r.total().method());
        assertTrue(Math.abs(r.total().errorPct()) < 0.1, "error " + r.total().errorPct());
        // README: the counter over the recorded window is ~16.3 kJ (38.6 s of phases) plus setup
        assertTrue(r.total().counterJoules() > 16_000 && r.total().counterJoules() < 17_500);
        assertEquals(5, r.phases().size());
        for (GpuReplay.Window w : r.phases()) {
            assertTrue(Math.abs(w.errorPct()) < 0.1, w.toString());
        }
    }

    @Test
    void bothPowerOnlyChoicesAreReportedPerPhase() throws Exception {
        GpuReplay.Result r = GpuReplay.run(GpuSupportTest.h200Trace(), Duration.ofSeconds(1), Duration.ofSeconds(1), log);
        Map<String, GpuReplay.Window> p = r.phases().stream()
                .collect(Collectors.toMap(GpuReplay.Window::name, w -> w));
        for (GpuReplay.Window w : r.phases()) {
            assertFalse(Double.isNaN(w.powerErrorPct()), w.name());
            assertFalse(Double.isNaN(w.instantErrorPct()), w.name());
            assertEquals("nvml-power-average (nvml-field-185-power-average)", w.powerMethod());
            assertEquals("nvml-power (nvml-field-186-power-instant)", w.instantMethod());
        }
        // README: readings refresh every ~100 ms; after the load ends (idle2) a reading taken once a second
        // overshoots, while the 1 s average counted over its own second does not move the load's energy into idle2
        assertTrue(p.get("idle2").instantErrorPct() > 10, p.get("idle2").toString());
        assertTrue(Math.abs(p.get("idle2").powerErrorPct()) < 5, p.get("idle2").toString());
        // ~1 s samples (plus one at each phase boundary), 1 s window: a step is placed within a quarter of a sample
        // interval plus the 0.1 s refresh
        double u = r.powerBoundaryUncertaintySeconds();
        assertTrue(u > 0.3 && u <= 0.35, "boundary uncertainty " + u);
    }

    @Test
    void replayCommandPrintsJsonPerPhase() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int rc = Cli.run(new String[] {"replay", GpuSupportTest.h200Trace().toString(), "--interval", "500ms"},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(0, rc, err.toString(StandardCharsets.UTF_8));
        JsonNode j = new ObjectMapper().readTree(out.toString(StandardCharsets.UTF_8));
        assertEquals(0.5, j.get("interval_s").asDouble());
        for (String phase : new String[] {"setup", "idle1", "heavy", "half", "idle2"}) {
            JsonNode n = j.get("phases").get(phase);
            for (String f : new String[] {"counter_j", "measured_j", "error_pct", "method", "power_integrated_j",
                    "power_error_pct", "power_method", "instant_integrated_j", "instant_error_pct", "instant_method"}) {
                assertTrue(n.has(f), phase + " lacks " + f);
            }
        }
        assertTrue(Math.abs(j.get("total").get("error_pct").asDouble()) < 0.1);
        assertEquals("nvml-power-average (nvml-field-185-power-average)", j.get("total").get("power_method").asText());
        assertTrue(j.get("power_boundary_uncertainty_s").asDouble() > 0);
    }

    @Test
    void badArgumentsExitTwoWithAMessage() {
        for (String[] args : new String[][] {{"replay"}, {"replay", "/nonexistent.csv"},
                {"replay", "x.csv", "--interval"}, {"replay", "x.csv", "--interval", "soon"},
                {"replay", "a.csv", "b.csv"}, {"replay", "--bogus"}}) {
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int rc = Cli.run(args, new PrintStream(new ByteArrayOutputStream()),
                    new PrintStream(err, true, StandardCharsets.UTF_8));
            assertEquals(2, rc, String.join(" ", args));
            assertFalse(err.toString(StandardCharsets.UTF_8).isBlank());
        }
    }

    @Test
    void aFileThatIsNotATraceExitsTwo() throws Exception {
        Path bad = java.nio.file.Files.createTempFile("not-a-trace", ".csv");
        java.nio.file.Files.writeString(bad, "hello,world\n1,2\n");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int rc = Cli.run(new String[] {"replay", bad.toString()}, new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(2, rc);
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("t_ns"));
        java.nio.file.Files.delete(bad);
    }

    @Test
    void thePhasesSpanTheTraceAndAddUpToTheTotal() throws Exception {
        GpuReplay.Result r = GpuReplay.run(GpuSupportTest.h200Trace(), Duration.ofSeconds(1), Duration.ofSeconds(1), log);
        io.mlco2.nvml.TraceNvml t = io.mlco2.nvml.TraceNvml.read(GpuSupportTest.h200Trace(), () -> 0L,
                io.mlco2.nvml.TraceNvml.Options.defaults());
        List<io.mlco2.nvml.TraceNvml.Phase> phases = t.phases();
        double span = 0;
        double counter = 0;
        double measured = 0;
        double power = 0;
        double instant = 0;
        for (int i = 0; i < phases.size(); i++) {
            GpuReplay.Window w = r.phases().get(i);
            long end = i + 1 < phases.size() ? phases.get(i + 1).startNanos() : t.endNanos();
            assertEquals(phases.get(i).name(), w.name());
            assertEquals((end - phases.get(i).startNanos()) / 1e9, w.spanSeconds(), 1e-9, w.name());
            assertEquals((t.counterMillijoulesAt(end) - t.counterMillijoulesAt(phases.get(i).startNanos())) / 1000.0,
                    w.counterJoules(), 1e-9, w.name());
            assertEquals((w.measuredJoules() - w.counterJoules()) / w.counterJoules() * 100, w.errorPct(), 1e-9);
            assertEquals((w.powerIntegratedJoules() - w.counterJoules()) / w.counterJoules() * 100, w.powerErrorPct(), 1e-9);
            span += w.spanSeconds();
            counter += w.counterJoules();
            measured += w.measuredJoules();
            power += w.powerIntegratedJoules();
            instant += w.instantIntegratedJoules();
        }
        assertEquals(span, r.total().spanSeconds(), 1e-9);
        assertEquals(counter, r.total().counterJoules(), 1e-6);
        assertEquals(measured, r.total().measuredJoules(), 1e-6);
        assertEquals(power, r.total().powerIntegratedJoules(), 1e-6);
        assertEquals(instant, r.total().instantIntegratedJoules(), 1e-6);
    }

    /** One sample per interval from the trace's start, plus one at each phase boundary not on that grid. */
    @Test
    void samplesEveryIntervalAndAtEachPhaseBoundary() throws Exception {
        Duration interval = Duration.ofMillis(700);
        GpuReplay.Result r = GpuReplay.run(GpuSupportTest.h200Trace(), interval, Duration.ofSeconds(1), log);
        io.mlco2.nvml.TraceNvml t = io.mlco2.nvml.TraceNvml.read(GpuSupportTest.h200Trace(), () -> 0L,
                io.mlco2.nvml.TraceNvml.Options.defaults());
        java.util.TreeSet<Long> instants = new java.util.TreeSet<>();
        long start = t.phases().get(0).startNanos();
        for (long at = start; at < t.endNanos(); at += interval.toNanos()) {
            instants.add(at);
        }
        for (io.mlco2.nvml.TraceNvml.Phase p : t.phases()) {
            instants.add(p.startNanos());
        }
        instants.add(t.endNanos());
        assertEquals(instants.size(), r.samples());
    }

    /** A counter that reads 0 mJ (just after the driver loaded) is a reading: only a missing value has no truth. */
    @Test
    void aCounterAtZeroIsAReadingAndAMissingOneHasNoTruth() throws Exception {
        Path trace = java.nio.file.Files.createTempFile("zero-counter", ".csv");
        long[] counterMj = {0, 0, 0, 100_000, 200_000};
        try {
            java.nio.file.Files.writeString(trace, offThenOn(counterMj, -1));
            GpuReplay.Result r = GpuReplay.run(trace, Duration.ofSeconds(1), Duration.ofSeconds(1), log);
            // "off" runs from the first row to the first "on" row (index 2), "on" from there to the last row
            assertEquals((counterMj[2] - counterMj[0]) / 1000.0, r.phases().get(0).counterJoules(), 0.0);
            assertEquals((counterMj[4] - counterMj[2]) / 1000.0, r.phases().get(1).counterJoules(), 1e-9);
            assertEquals((counterMj[4] - counterMj[0]) / 1000.0, r.total().counterJoules(), 1e-9);

            java.nio.file.Files.writeString(trace, offThenOn(counterMj, 2));
            GpuReplay.Result missing = GpuReplay.run(trace, Duration.ofSeconds(1), Duration.ofSeconds(1), log);
            assertTrue(Double.isNaN(missing.phases().get(0).counterJoules()), "no counter at the end of 'off'");
            assertTrue(Double.isNaN(missing.phases().get(1).counterJoules()), "no counter at the start of 'on'");
            assertEquals((counterMj[4] - counterMj[0]) / 1000.0, missing.total().counterJoules(), 1e-9);
        } finally {
            java.nio.file.Files.delete(trace);
        }
    }

    /** A trace a second per row: 0 W in phase "off" (two rows), 100 W in "on"; row {@code blank} has no counter. */
    private static String offThenOn(long[] counterMj, int blank) {
        StringBuilder csv = new StringBuilder("t_ns,phase,power_mW,energy_mJ\n");
        for (int i = 0; i < counterMj.length; i++) {
            csv.append((i + 1) * 1_000_000_000L).append(',').append(i < 2 ? "off" : "on").append(',')
                    .append(i < 2 ? 0 : 100_000).append(',').append(i == blank ? "" : Long.toString(counterMj[i]))
                    .append('\n');
        }
        return csv.toString();
    }

    @Test
    void eachErrorIsThePercentageOffTheCounterAndNoneWithoutATruth() {
        double truthJ = 800;
        double measuredJ = 820;
        double powerJ = 780;
        double instantJ = 1000;
        GpuReplay.Window w = new GpuReplay.Window("heavy", 10, truthJ, measuredJ, "m", powerJ, "p", instantJ, "i");
        assertEquals((measuredJ - truthJ) / truthJ * 100, w.errorPct(), 1e-12);
        assertEquals((powerJ - truthJ) / truthJ * 100, w.powerErrorPct(), 1e-12);
        assertEquals((instantJ - truthJ) / truthJ * 100, w.instantErrorPct(), 1e-12);
        for (double noTruth : new double[] {0, Double.NaN}) {
            GpuReplay.Window n = new GpuReplay.Window("idle", 10, noTruth, measuredJ, "m", powerJ, "p", instantJ, "i");
            assertTrue(Double.isNaN(n.errorPct()) && Double.isNaN(n.powerErrorPct()) && Double.isNaN(n.instantErrorPct()));
        }
    }
}
