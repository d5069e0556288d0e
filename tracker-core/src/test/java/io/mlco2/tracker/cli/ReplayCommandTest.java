package io.mlco2.tracker.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code replay} on small traces whose answers follow from their rows alone: a GPU drawing a constant power, its
 * counter the integral of that power, so every window's truth, measured energy and power-only energies are the
 * power times the window's span; the JSON rounds joules and seconds to 3 decimals.
 */
class ReplayCommandTest {

    private static final long T0_NS = 7_000_000_000L;
    /**
     * A row every 0.12346 s: spans and energies have more decimals than the JSON keeps, and 150 W over a row is a
     * whole number of millijoules (18,519 mJ), so the counter is the power's exact integral.
     */
    private static final long ROW_NS = 123_460_000L;
    private static final double WATTS = 150.0;
    private static final long E0_MJ = 5_000_000L;

    @TempDir
    Path tmp;

    private record Phase(String name, int rows) {
    }

    private record Run(int code, String out, String err) {
        JsonNode json() throws Exception {
            return new ObjectMapper().readTree(out);
        }
    }

    private static Run replay(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        String[] all = new String[args.length + 1];
        all[0] = "replay";
        System.arraycopy(args, 0, all, 1, args.length);
        int code = Cli.run(all, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static long tNs(int row) {
        return T0_NS + row * ROW_NS;
    }

    /** The counter (mJ) at a row: the constant power integrated since the first row. */
    private static long counterMj(int row) {
        return E0_MJ + Math.round(WATTS * (tNs(row) - T0_NS) / 1e6);
    }

    private Path trace(List<Phase> phases, boolean counter) throws Exception {
        StringBuilder s = new StringBuilder("t_ns,phase,power_mW" + (counter ? ",energy_mJ" : "") + "\n");
        int row = 0;
        for (Phase p : phases) {
            for (int i = 0; i < p.rows(); i++, row++) {
                s.append(tNs(row)).append(',').append(p.name()).append(',').append(Math.round(WATTS * 1000));
                if (counter) {
                    s.append(',').append(counterMj(row));
                }
                s.append('\n');
            }
        }
        return Files.writeString(tmp.resolve(counter ? "trace.csv" : "no-counter.csv"), s.toString());
    }

    private static double round3(double v) {
        return Math.round(v * 1000) / 1000.0;
    }

    /** The rows at which each phase starts, and the last row (the trace's end). */
    private static List<Integer> boundaryRows(List<Phase> phases) {
        List<Integer> b = new ArrayList<>();
        int row = 0;
        for (Phase p : phases) {
            b.add(row);
            row += p.rows();
        }
        b.add(row - 1);
        return b;
    }

    @Test
    void eachPhaseAndTheTotalFromTheTraceRounded() throws Exception {
        // A name that comes back is numbered: the third "load" phase is load#3.
        List<Phase> phases = List.of(new Phase("idle", 9), new Phase("load", 13), new Phase("idle2", 6),
                new Phase("load", 11), new Phase("idle", 5), new Phase("load", 7));
        Path trace = trace(phases, true);
        Run r = replay(trace.toString(), "--interval", "250ms", "--counter-interval", "500ms");
        assertEquals(0, r.code(), r.err());
        JsonNode j = r.json();
        assertEquals(trace.toString(), j.get("trace").asText());
        assertEquals("NVIDIA H200", j.get("device").asText());
        assertEquals(9 + 13 + 6 + 11 + 5 + 7, j.get("rows").asInt());
        assertEquals(0.25, j.get("interval_s").asDouble(), 0.0);
        assertEquals(0.5, j.get("counter_interval_s").asDouble(), 0.0);

        // One sample every 250 ms from the first row, plus one at each phase boundary and at the end off that grid.
        List<Integer> bounds = boundaryRows(phases);
        TreeSet<Long> instants = new TreeSet<>();
        long end = tNs(bounds.get(bounds.size() - 1));
        for (long at = T0_NS; at < end; at += 250_000_000L) {
            instants.add(at);
        }
        for (int b : bounds) {
            instants.add(tNs(b));
        }
        assertEquals(instants.size(), j.get("samples").asInt());
        assertEquals(round3(uncertaintySeconds(tNs(bounds.get(bounds.size() - 1)) - T0_NS, instants.size())),
                j.get("power_boundary_uncertainty_s").asDouble(), 0.0);

        List<String> keys = new ArrayList<>();
        for (Iterator<String> it = j.get("phases").fieldNames(); it.hasNext(); ) {
            keys.add(it.next());
        }
        assertEquals(List.of("idle", "load", "idle2", "load#2", "idle#2", "load#3"), keys);
        for (int i = 0; i < phases.size(); i++) {
            assertWindow(j.get("phases").get(keys.get(i)), bounds.get(i), bounds.get(i + 1));
        }
        assertWindow(j.get("total"), 0, bounds.get(bounds.size() - 1));
    }

    /**
     * Without the average field the power-only pass integrates the power reading: a step is placed within half the
     * mean interval between its reads (one per sample, first to last) plus NVML's 0.1 s refresh.
     */
    private static double uncertaintySeconds(long spanNs, int samples) {
        return spanNs / 1e9 / (samples - 1) / 2 + 0.1;
    }

    /** Span and every energy are the window's counter delta (constant power), each to 3 decimals; no error. */
    private static void assertWindow(JsonNode w, int fromRow, int toRow) {
        double span = (tNs(toRow) - tNs(fromRow)) / 1e9;
        double counter = (counterMj(toRow) - counterMj(fromRow)) / 1000.0;
        String at = "rows " + fromRow + ".." + toRow + ": " + w;
        assertEquals(round3(span), w.get("span_s").asDouble(), 0.0, at);
        assertEquals(round3(counter), w.get("counter_j").asDouble(), 0.0, at);
        assertEquals(round3(counter), w.get("measured_j").asDouble(), 0.0, at);
        assertEquals("nvml-energy-counter", w.get("method").asText(), at);
        assertEquals(0.0, w.get("error_pct").asDouble(), 0.0, at);
        assertEquals(round3(WATTS * span), round3(counter), 0.0, "the counter is the power's integral");
        assertEquals(round3(WATTS * span), w.get("power_integrated_j").asDouble(), 0.0, at);
        assertEquals(round3(WATTS * span), w.get("instant_integrated_j").asDouble(), 0.0, at);
        assertEquals(0.0, w.get("power_error_pct").asDouble(), 0.0, at);
        assertEquals(0.0, w.get("instant_error_pct").asDouble(), 0.0, at);
    }

    /**
     * Without a counter there is no truth: {@code counter_j} and every {@code *error_pct} are null (not 0, not NaN),
     * and the energies are still the power times the span.
     */
    @Test
    void withoutACounterTheTruthAndErrorsAreNull() throws Exception {
        List<Phase> phases = List.of(new Phase("warmup", 8), new Phase("train", 17));
        Run r = replay(trace(phases, false).toString());
        assertEquals(0, r.code(), r.err());
        JsonNode j = r.json();
        assertEquals(1.0, j.get("interval_s").asDouble(), 0.0, "default 1s");
        assertEquals(1.0, j.get("counter_interval_s").asDouble(), 0.0, "default 1s");
        List<Integer> bounds = boundaryRows(phases);
        // Samples at 0, 1 and 2 s, at the second phase's start (0.98768 s) and at the end (2.96304 s).
        assertEquals(5, j.get("samples").asInt());
        assertEquals(round3(uncertaintySeconds(tNs(bounds.get(2)) - T0_NS, 5)),
                j.get("power_boundary_uncertainty_s").asDouble(), 0.0);
        List<JsonNode> windows = List.of(j.get("phases").get("warmup"), j.get("phases").get("train"), j.get("total"));
        int[][] rows = {{bounds.get(0), bounds.get(1)}, {bounds.get(1), bounds.get(2)}, {bounds.get(0), bounds.get(2)}};
        for (int i = 0; i < windows.size(); i++) {
            JsonNode w = windows.get(i);
            double span = (tNs(rows[i][1]) - tNs(rows[i][0])) / 1e9;
            assertEquals(round3(span), w.get("span_s").asDouble(), 0.0, w.toString());
            for (String f : List.of("counter_j", "error_pct", "power_error_pct", "instant_error_pct")) {
                assertTrue(w.get(f).isNull(), f + " in " + w);
            }
            assertEquals(round3(WATTS * span), w.get("measured_j").asDouble(), 0.0, w.toString());
            assertEquals(round3(WATTS * span), w.get("power_integrated_j").asDouble(), 0.0, w.toString());
            assertEquals(round3(WATTS * span), w.get("instant_integrated_j").asDouble(), 0.0, w.toString());
        }
    }
}
