package io.mlco2.tracker.gpu;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A bursty GPU load whose energy is known exactly, from one line of {@code traces/synthetic-bursty.txt}, and the
 * NVML trace a device would have recorded under it (the format {@code TraceNvml} reads).
 *
 * <p>The load is piecewise constant at 1 ms: {@link #exactJoules} is its integral, computed from those steps alone.
 * The trace models what the recorded H200 showed ({@code ../shared/traces/h200/README.md}): NVML refreshes its
 * readings every 100 ms (at a phase drawn from the seed); then the counter holds the energy so far, field 185 and
 * power usage the mean power of the last second, field 186 the mean of the last 20 ms; a row every 20 ms gives the
 * latest refresh. Before the trace's first row the load idles for 2 s, so the first readings are defined.
 */
final class SyntheticTrace {

    static final int ROW_MS = 20;
    static final int REFRESH_MS = 100;
    static final int AVERAGE_MS = 1000;
    static final int INSTANT_MS = 20;
    private static final int PRE_ROLL_MS = 2000;
    private static final long ORIGIN_NS = 5_000_000_000L; // t_ns of the first row

    record Phase(String name, String pattern, int millis) {
    }

    final String name;
    final long seed;
    final List<Phase> phases;
    final double idleWatts;
    final double fullWatts;
    private final int refreshPhaseMs;
    /** Watts in each millisecond, from PRE_ROLL_MS before the first row to the last row. */
    private final double[] watts;

    private SyntheticTrace(String name, long seed, List<Phase> phases) {
        this.name = name;
        this.seed = seed;
        this.phases = List.copyOf(phases);
        SplittableRandom rnd = new SplittableRandom(seed);
        this.idleWatts = 60 + rnd.nextInt(91);
        this.fullWatts = 250 + rnd.nextInt(451);
        this.refreshPhaseMs = rnd.nextInt(REFRESH_MS);
        int total = 0;
        for (Phase p : phases) {
            total += p.millis();
        }
        watts = new double[PRE_ROLL_MS + total];
        int at = 0;
        for (int i = 0; i < PRE_ROLL_MS; i++) {
            watts[at++] = idleWatts;
        }
        for (Phase p : phases) {
            fill(p, at, rnd);
            at += p.millis();
        }
    }

    private void fill(Phase p, int from, SplittableRandom rnd) {
        String[] f = p.pattern().split(":");
        int end = from + p.millis();
        switch (f[0]) {
            case "idle" -> java.util.Arrays.fill(watts, from, end, idleWatts);
            case "full" -> java.util.Arrays.fill(watts, from, end, fullWatts);
            case "duty" -> {
                int on = Integer.parseInt(f[1]);
                int period = on + Integer.parseInt(f[2]);
                for (int i = from; i < end; i++) {
                    watts[i] = (i - from) % period < on ? fullWatts : idleWatts;
                }
            }
            case "random" -> {
                int min = Integer.parseInt(f[1]);
                int max = Integer.parseInt(f[2]);
                boolean on = rnd.nextBoolean();
                for (int i = from; i < end; on = !on) {
                    int run = min + rnd.nextInt(max - min + 1);
                    java.util.Arrays.fill(watts, i, Math.min(end, i + run), on ? fullWatts : idleWatts);
                    i += run;
                }
            }
            default -> throw new IllegalArgumentException("unknown pattern '" + p.pattern() + "' in " + name);
        }
    }

    /** Every trace of the spec file, in file order. */
    static List<SyntheticTrace> load(Path spec) throws IOException {
        List<SyntheticTrace> out = new ArrayList<>();
        for (String line : Files.readAllLines(spec, StandardCharsets.UTF_8)) {
            String l = line.strip();
            if (l.isEmpty() || l.startsWith("#")) {
                continue;
            }
            String[] f = l.split("\\s+");
            List<Phase> phases = new ArrayList<>();
            for (int i = 2; i < f.length; i++) {
                String[] kv = f[i].split("=", 2);
                String[] ps = kv[1].split("@", 2);
                int ms = (int) Math.round(Double.parseDouble(ps[1]) * 1000);
                if (ms % ROW_MS != 0) {
                    throw new IllegalArgumentException(f[0] + ": phase " + kv[0] + " is not a multiple of " + ROW_MS + " ms");
                }
                phases.add(new Phase(kv[0], ps[0], ms));
            }
            out.add(new SyntheticTrace(f[0], Long.parseLong(f[1]), phases));
        }
        return out;
    }

    /** Seconds from the first row to the start of phase {@code i} ({@code phases.size()}: the end). */
    double boundarySeconds(int i) {
        int ms = 0;
        for (int k = 0; k < i; k++) {
            ms += phases.get(k).millis();
        }
        return ms / 1000.0;
    }

    /** The load's energy from {@code fromS} to {@code toS} seconds after the first row: the sum of its 1 ms steps. */
    double exactJoules(double fromS, double toS) {
        double j = 0;
        int a = (int) Math.round(fromS * 1000) + PRE_ROLL_MS;
        int b = (int) Math.round(toS * 1000) + PRE_ROLL_MS;
        for (int i = a; i < b; i++) {
            j += watts[i] / 1000.0;
        }
        return j;
    }

    /** Writes the trace as NVML would have recorded it to {@code dir/NAME.csv}. */
    Path write(Path dir) throws IOException {
        double[] cum = new double[watts.length + 1]; // joules before each millisecond
        for (int i = 0; i < watts.length; i++) {
            cum[i + 1] = cum[i] + watts[i] / 1000.0;
        }
        Path out = dir.resolve(name + ".csv");
        int endMs = watts.length - PRE_ROLL_MS;
        try (Writer w = Files.newBufferedWriter(out, StandardCharsets.UTF_8)) {
            w.write("t_ns,phase,power_mW,energy_mJ,fi_instant_mW,fi_avg_mW,gpu_util,mem_util\n");
            int phase = 0;
            int phaseEnd = phases.get(0).millis();
            for (int row = 0; row <= endMs; row += ROW_MS) {
                while (row >= phaseEnd && phase + 1 < phases.size()) {
                    phase++;
                    phaseEnd += phases.get(phase).millis();
                }
                // the latest refresh at or before this row, as an index into cum
                int refresh = Math.floorDiv(row - refreshPhaseMs, REFRESH_MS) * REFRESH_MS + refreshPhaseMs + PRE_ROLL_MS;
                long avgMw = Math.round((cum[refresh] - cum[refresh - AVERAGE_MS]) / (AVERAGE_MS / 1000.0) * 1000);
                long instMw = Math.round((cum[refresh] - cum[refresh - INSTANT_MS]) / (INSTANT_MS / 1000.0) * 1000);
                long counterMj = Math.round(cum[refresh] * 1000);
                boolean busy = watts[Math.max(0, row + PRE_ROLL_MS - 1)] > idleWatts;
                w.write((ORIGIN_NS + row * 1_000_000L) + "," + phases.get(phase).name() + "," + avgMw + "," + counterMj
                        + "," + instMw + "," + avgMw + "," + (busy ? 100 : 0) + ",0\n");
            }
        }
        return out;
    }
}
