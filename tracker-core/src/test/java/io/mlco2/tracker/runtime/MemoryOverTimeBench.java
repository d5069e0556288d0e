package io.mlco2.tracker.runtime;

import org.junit.jupiter.api.Tag;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Benchmark 4 of docs/PERFORMANCE.md: a simulated run of {@code samples} samples on a virtual clock through the
 * real sampler ({@link Tracker#sample}), accumulators, the extensions the agent installs (time series, HTML
 * history, metrics) and the writers, with the fake GPU of {@link BenchRig}. Prints the retained heap (after a full
 * GC) at 11 points, its least-squares slope per million samples, the sampler's CPU time per sample, and the bytes
 * the run wrote. Run: {@code scripts/bench-memory [samples] [interval_ms]}.
 */
@Tag("benchmark")
public final class MemoryOverTimeBench {

    /** What one run measured. */
    public record Result(long samples, long[] at, long[] retainedBytes, double slopeBytesPerMillion,
                         double cpuMicrosPerSample, long bytesWritten, long filesWritten) {
        public long retainedFirst() {
            return retainedBytes[1];
        }

        public long retainedLast() {
            return retainedBytes[retainedBytes.length - 1];
        }
    }

    private MemoryOverTimeBench() {
    }

    public static void main(String[] args) throws Exception {
        long samples = args.length > 0 ? Long.parseLong(args[0].replace("_", "")) : 1_000_000L;
        long intervalMs = args.length > 1 ? Long.parseLong(args[1]) : 1000;
        Path out = Files.createTempDirectory("mlco2-bench-memory");
        Result r = run(out, samples, Duration.ofMillis(intervalMs));
        System.out.printf(Locale.ROOT, "samples=%d interval=%dms%n", r.samples(), intervalMs);
        for (int i = 0; i < r.at().length; i++) {
            System.out.printf(Locale.ROOT, "  after %,9d samples: retained heap %,d bytes%n", r.at()[i], r.retainedBytes()[i]);
        }
        System.out.printf(Locale.ROOT, "retained heap: baseline (before the first sample) %,d B; after the first 10%% %,d B;"
                        + " at the end %,d B; slope %+,.0f B per million samples%n",
                r.retainedBytes()[0], r.retainedFirst(), r.retainedLast(), r.slopeBytesPerMillion());
        System.out.printf(Locale.ROOT, "sampler CPU per sample (with extensions): %.2f us%n", r.cpuMicrosPerSample());
        System.out.printf(Locale.ROOT, "written: %,d bytes in %d files under %s%n", r.bytesWritten(), r.filesWritten(), out);
        BenchRig.cleanUp(out); // -Dmlco2.bench.keep=true keeps them
    }

    /** Runs the simulation; {@code samples} ticks of {@code interval} virtual time. */
    public static Result run(Path out, long samples, Duration interval) throws Exception {
        MemoryMXBean mem = ManagementFactory.getMemoryMXBean();
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        int points = 11;
        long[] at = new long[points];
        long[] retained = new long[points];
        at[0] = 0;
        retained[0] = retainedHeap(mem);
        BenchRig rig = new BenchRig(out, interval, Duration.ofSeconds(1), true);
        long done = 0;
        long cpu = 0;
        for (int p = 1; p < points; p++) {
            long until = samples * p / (points - 1);
            long c0 = threads.getCurrentThreadCpuTime();
            while (done < until) {
                rig.tick();
                done++;
            }
            cpu += threads.getCurrentThreadCpuTime() - c0;
            at[p] = done;
            retained[p] = retainedHeap(mem);
        }
        rig.tracker.stop();
        // The slope over the points after the first tenth (which includes warm-up: class loading, JIT, buffers).
        double slope = slope(at, retained, 1) * 1_000_000;
        long bytes = 0;
        long files = 0;
        try (Stream<Path> s = Files.walk(out)) {
            for (Path f : (Iterable<Path>) s.filter(Files::isRegularFile)::iterator) {
                bytes += Files.size(f);
                files++;
            }
        }
        return new Result(samples, at, retained, slope, done == 0 ? Double.NaN : cpu / 1e3 / done, bytes, files);
    }

    static long retainedHeap(MemoryMXBean mem) throws InterruptedException {
        long best = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) { // a few full collections; the smallest reading is the retained set
            System.gc();
            Thread.sleep(20);
            best = Math.min(best, mem.getHeapMemoryUsage().getUsed());
        }
        return best;
    }

    static double slope(long[] x, long[] y, int from) {
        List<double[]> pts = new ArrayList<>();
        for (int i = from; i < x.length; i++) {
            pts.add(new double[] {x[i], y[i]});
        }
        double mx = pts.stream().mapToDouble(p -> p[0]).average().orElse(0);
        double my = pts.stream().mapToDouble(p -> p[1]).average().orElse(0);
        double num = 0;
        double den = 0;
        for (double[] p : pts) {
            num += (p[0] - mx) * (p[1] - my);
            den += (p[0] - mx) * (p[0] - mx);
        }
        return den == 0 ? 0 : num / den;
    }
}
