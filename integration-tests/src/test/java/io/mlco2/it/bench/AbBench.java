package io.mlco2.it.bench;

import io.mlco2.it.support.ChildJvm;
import org.junit.jupiter.api.Tag;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Benchmarks 2 and 3 of docs/PERFORMANCE.md: a job in child JVMs without (A) and with (B) {@code -javaagent},
 * interleaved (A B, B A, A B, ...: the order alternates), reported as medians with their spread. Run through {@code scripts/bench-startup} and
 * {@code scripts/bench-training}; {@code BenchSmokeTest} runs each for one pair.
 *
 * <pre>
 *   startup  [pairs=20]                                       trivial main: median added milliseconds
 *   training [pairs=10] [interval=1s] [epochs=5] [samples=16384] DJL job: wall-time and throughput ratios
 *   pool FILE...                                              the pairs of saved training outputs, pooled
 * </pre>
 */
@Tag("benchmark")
public final class AbBench {

    private static final Pattern TRAINING = Pattern.compile("TRAINING DONE epochs=(\\d+) wall_ms=(\\d+)");

    /** Per-pair measurements of one A/B run. */
    public record Pairs(List<Double> a, List<Double> b) {
        public List<Double> differences() {
            List<Double> d = new ArrayList<>();
            for (int i = 0; i < a.size(); i++) {
                d.add(b.get(i) - a.get(i));
            }
            return d;
        }

        public List<Double> ratios() {
            List<Double> r = new ArrayList<>();
            for (int i = 0; i < a.size(); i++) {
                r.add(b.get(i) / a.get(i));
            }
            return r;
        }
    }

    private AbBench() {
    }

    public static void main(String[] args) throws Exception {
        try {
            run(args);
        } catch (IllegalArgumentException e) {
            // bad input to a command-line tool: its reason, not a stack trace
            System.err.println("AbBench: " + e.getMessage());
            System.exit(2);
        }
    }

    private static void run(String[] args) throws Exception {
        String what = args.length > 0 ? args[0] : "startup";
        switch (what) {
            case "startup" -> {
                int pairs = args.length > 1 ? Integer.parseInt(args[1]) : 20;
                Pairs[] r = startup(pairs);
                Pairs p = r[0];
                System.out.println(describe("start-up wall ms (trivial main)", p, "ms"));
                System.out.println(describe("floor: an empty -javaagent", r[1], "ms"));
                System.out.printf(Locale.ROOT, "RESULT startup: median added %.0f ms (95%% CI %s, IQR %s) over %d pairs;"
                                + " an empty agent adds %.0f ms (IQR %s)%n", median(p.differences()),
                        medianCi(p.differences()), iqr(p.differences()), pairs, median(r[1].differences()),
                        iqr(r[1].differences()));
            }
            case "training" -> {
                int pairs = args.length > 1 ? Integer.parseInt(args[1]) : 10;
                String interval = args.length > 2 ? args[2] : "1s";
                int epochs = args.length > 3 ? Integer.parseInt(args[3]) : 5;
                int samples = args.length > 4 ? Integer.parseInt(args[4]) : 16384;
                Pairs[] r = training(pairs, interval, epochs, samples);
                for (int i = 0; i < TRAINING_LINES.length; i++) {
                    System.out.println(describe(TRAINING_LINES[i], r[i], TRAINING_UNITS[i]));
                }
                System.out.println(trainingResult("training interval=" + interval, r));
            }
            case "pool" -> {
                List<Path> files = new ArrayList<>();
                for (String f : Arrays.asList(args).subList(1, args.length)) {
                    files.add(Path.of(f));
                }
                Pairs[] r = pool(files);
                System.out.println(trainingResult("pool of " + files.size() + " runs", r));
            }
            case "jars" -> {
                int rounds = Integer.parseInt(args[1]);
                List<String> jars = Arrays.asList(args).subList(2, args.length);
                String[] job = System.getProperty("mlco2.it.job", "io.mlco2.it.jobs.TrivialMain").trim().split("\\s+");
                List<List<Double>> walls = jars(rounds, jars, System.getProperty("mlco2.it.agentArgs", ""), job);
                for (int j = 0; j < jars.size(); j++) {
                    List<Double> w = walls.get(j);
                    System.out.printf(Locale.ROOT, "%-40s median %8.1f ms (min %.1f, max %.1f)%n", jars.get(j),
                            median(w), min(w), max(w));
                }
                for (int j = 1; j < jars.size(); j++) {
                    List<Double> d = new Pairs(walls.get(0), walls.get(j)).differences();
                    System.out.printf(Locale.ROOT, "RESULT jars: %s - %s per round: median %+.1f ms (95%% CI %s) over %d"
                            + " rounds%n", jars.get(j), jars.get(0), median(d), medianCi(d), rounds);
                }
            }
            default -> throw new IllegalArgumentException("startup, training, jars or pool, not " + what);
        }
    }

    /** The per-pair lines {@code training} prints, in the order of its {@link Pairs}, and their units. */
    static final String[] TRAINING_LINES = {"process wall ms", "training throughput samples/s",
            "ms outside the job's main (JVM start and exit)"};
    private static final String[] TRAINING_UNITS = {"ms", "/s", "ms"};

    static String trainingResult(String label, Pairs[] r) {
        return String.format(Locale.ROOT, "RESULT %s: median wall ratio %.4f (95%% CI %s, IQR %s, min %.4f, max %.4f);"
                        + " median throughput ratio %.4f (IQR %s) over %d pairs; outside the job's main +%.0f ms (95%% CI %s)",
                label, median(r[0].ratios()), medianCi(r[0].ratios()), iqr(r[0].ratios()), min(r[0].ratios()),
                max(r[0].ratios()), median(r[1].ratios()), iqr(r[1].ratios()), r[0].a().size(),
                median(r[2].differences()), medianCi(r[2].differences()));
    }

    /**
     * The pairs of several saved {@code training} outputs ({@code scripts/bench-training ... > FILE}) in one list each,
     * for a median whose confidence interval one run of this noisy job cannot narrow enough ({@code scripts/ab-pool}).
     * Each pair was interleaved within its own run, so pooling runs of different hours keeps every ratio a same-hour
     * comparison. A file without the three per-pair lines is an error naming the file.
     */
    static Pairs[] pool(List<Path> files) throws java.io.IOException {
        if (files.isEmpty()) {
            throw new IllegalArgumentException("pool needs one or more saved outputs of 'training', none given");
        }
        List<List<Double>> a = new ArrayList<>();
        List<List<Double>> b = new ArrayList<>();
        for (int i = 0; i < TRAINING_LINES.length; i++) {
            a.add(new ArrayList<>());
            b.add(new ArrayList<>());
        }
        for (Path f : files) {
            List<String> lines = Files.readAllLines(f);
            for (int i = 0; i < TRAINING_LINES.length; i++) {
                String line = null;
                for (String l : lines) {
                    if (l.startsWith(TRAINING_LINES[i] + ": ")) {
                        line = l;
                    }
                }
                Matcher m = line == null ? null : PAIR_LISTS.matcher(line);
                if (m == null || !m.find()) {
                    throw new IllegalArgumentException(f + " has no '" + TRAINING_LINES[i] + ": ... A=[...] B=[...]' line:"
                            + " pool takes what scripts/bench-training printed");
                }
                List<Double> fa = numbers(m.group(1));
                List<Double> fb = numbers(m.group(2));
                if (fa.size() != fb.size() || fa.isEmpty()) {
                    throw new IllegalArgumentException(f + ": '" + TRAINING_LINES[i] + "' has " + fa.size() + " A and "
                            + fb.size() + " B values; pool takes pairs");
                }
                a.get(i).addAll(fa);
                b.get(i).addAll(fb);
            }
        }
        Pairs[] r = new Pairs[TRAINING_LINES.length];
        for (int i = 0; i < r.length; i++) {
            r[i] = new Pairs(a.get(i), b.get(i));
        }
        return r;
    }

    private static final Pattern PAIR_LISTS = Pattern.compile("A=\\[([^\\]]*)\\] B=\\[([^\\]]*)\\]");

    private static List<Double> numbers(String csv) {
        List<Double> v = new ArrayList<>();
        for (String x : csv.split(",")) {
            if (!x.isBlank()) {
                v.add(Double.parseDouble(x.trim()));
            }
        }
        return v;
    }

    /**
     * The job {@code job} (main class and arguments) with each agent jar of {@code jars} ({@code none}: without an
     * agent; {@code JAR=ARGS}: that jar with agent arguments of its own, e.g. two intervals of one jar),
     * {@code agentArgs} added to the agent's output folder and log level; interleaved, the order reversed every
     * round. Wall milliseconds per jar, in the order given: for same-hour comparisons of jars
     * ({@code scripts/ab-jars}). The trivial job runs on the test classes alone, as in {@link #startup}.
     */
    public static List<List<Double>> jars(int rounds, List<String> jars, String agentArgs, String... job) throws Exception {
        if (jars.size() < 2) {
            throw new IllegalArgumentException("two jars or more ('none': without an agent), not " + jars);
        }
        Path out = Files.createTempDirectory("mlco2-bench-jars");
        String cp = job[0].equals("io.mlco2.it.jobs.TrivialMain")
                ? System.getProperty("mlco2.it.testClasses", ChildJvm.testClassPath()) : ChildJvm.testClassPath();
        List<List<Double>> walls = new ArrayList<>();
        for (int j = 0; j < jars.size(); j++) {
            walls.add(new ArrayList<>());
        }
        for (int i = 0; i < rounds; i++) {
            for (int k = 0; k < jars.size(); k++) {
                int j = i % 2 == 0 ? k : jars.size() - 1 - k;
                ChildJvm jvm = new ChildJvm().classPath(cp).timeoutSeconds(900);
                if (!jars.get(j).equals("none")) {
                    // JAR or JAR=ARGS, as -javaagent takes it: ARGS for this entry only (one jar, two settings)
                    String spec = jars.get(j);
                    int eq = spec.indexOf(".jar=");
                    String jar = eq < 0 ? spec : spec.substring(0, eq + 4);
                    String own = eq < 0 ? "" : spec.substring(eq + 5);
                    jvm.jvmArg("-javaagent:" + jar + "=mlco2.output.dir=" + out + ";mlco2.log.level=warn"
                            + (agentArgs.isEmpty() ? "" : ";" + agentArgs) + (own.isEmpty() ? "" : ";" + own));
                }
                ChildJvm.Result r = jvm.run(job[0], Arrays.copyOfRange(job, 1, job.length));
                check(r, "");
                walls.get(j).add(r.wallNanos() / 1e6);
            }
        }
        cleanUp(out);
        return walls;
    }

    /**
     * A trivial main, interleaved without the agent, with it, and with an empty agent (the floor any
     * {@code -javaagent} costs); wall milliseconds of each child JVM: [without/with, without/empty].
     */
    public static Pairs[] startup(int pairs) throws Exception {
        Path out = Files.createTempDirectory("mlco2-bench-startup");
        Path empty = EmptyAgent.jar(out);
        String cp = System.getProperty("mlco2.it.testClasses", ChildJvm.testClassPath());
        List<Double> a = new ArrayList<>();
        List<Double> b = new ArrayList<>();
        List<Double> e = new ArrayList<>();
        // one unmeasured round first: page cache, JIT of the parent
        runTrivial(cp, null, null);
        runTrivial(cp, out, null);
        runTrivial(cp, null, empty);
        for (int i = 0; i < pairs; i++) {
            // the three in a rotating order, so that none is always first or last of its round
            for (int k = 0; k < 3; k++) {
                switch ((i + k) % 3) {
                    case 0 -> a.add(runTrivial(cp, null, null));
                    case 1 -> b.add(runTrivial(cp, out, null));
                    default -> e.add(runTrivial(cp, null, empty));
                }
            }
        }
        cleanUp(out);
        return new Pairs[] {new Pairs(a, b), new Pairs(a, e)};
    }

    private static double runTrivial(String cp, Path out, Path emptyAgent) throws Exception {
        ChildJvm jvm = new ChildJvm().classPath(cp).timeoutSeconds(120);
        if (out != null) {
            jvm.withAgent("mlco2.output.dir=" + out + ";mlco2.log.level=warn");
        }
        if (emptyAgent != null) {
            jvm.jvmArg("-javaagent:" + emptyAgent);
        }
        ChildJvm.Result r = jvm.run("io.mlco2.it.jobs.TrivialMain");
        check(r, "hello");
        return r.wallNanos() / 1e6;
    }

    /**
     * The DJL job, interleaved without and with the agent: [process wall ms, training samples per second, ms outside
     * the job's {@code main} (process wall minus the job's own {@code wall_ms}: the JVM's start before {@code main},
     * an agent's loading included, and its exit after training, an agent's reports included)]. The last is the
     * agent's fixed cost without the job's own noise.
     */
    public static Pairs[] training(int pairs, String interval, int epochs, int samples) throws Exception {
        Path out = Files.createTempDirectory("mlco2-bench-training");
        List<Double> wa = new ArrayList<>();
        List<Double> wb = new ArrayList<>();
        List<Double> ta = new ArrayList<>();
        List<Double> tb = new ArrayList<>();
        List<Double> oa = new ArrayList<>();
        List<Double> ob = new ArrayList<>();
        String agent = "mlco2.output.dir=" + out + ";mlco2.interval=" + interval + ";mlco2.log.level=warn";
        // one unmeasured pair first (page cache, DJL's native library), then A B, B A, A B, ...: the second run of a
        // pair tends to differ from the first, and the order must not favour either side
        runTraining(null, epochs, samples);
        runTraining(agent, epochs, samples);
        for (int i = 0; i < pairs; i++) {
            double[] a;
            double[] b;
            if (i % 2 == 0) {
                a = runTraining(null, epochs, samples);
                b = runTraining(agent, epochs, samples);
            } else {
                b = runTraining(agent, epochs, samples);
                a = runTraining(null, epochs, samples);
            }
            wa.add(a[0]);
            wb.add(b[0]);
            ta.add(a[1]);
            tb.add(b[1]);
            oa.add(a[2]);
            ob.add(b[2]);
        }
        cleanUp(out);
        return new Pairs[] {new Pairs(wa, wb), new Pairs(ta, tb), new Pairs(oa, ob)};
    }

    private static double[] runTraining(String agentArgs, int epochs, int samples) throws Exception {
        ChildJvm jvm = new ChildJvm().timeoutSeconds(900);
        if (agentArgs != null) {
            jvm.withAgent(agentArgs);
        }
        ChildJvm.Result r = jvm.run("io.mlco2.it.jobs.DjlTrainingJob", String.valueOf(epochs), String.valueOf(samples), "0");
        Matcher m = TRAINING.matcher(r.stdout());
        check(r, "TRAINING DONE");
        if (!m.find()) {
            throw new IllegalStateException("no training line in: " + r.stdout());
        }
        double trainingMs = Double.parseDouble(m.group(2));
        double wallMs = r.wallNanos() / 1e6;
        return new double[] {wallMs, (double) epochs * samples / (trainingMs / 1e3), wallMs - trainingMs};
    }

    private static void check(ChildJvm.Result r, String expected) {
        if (r.exitCode() != 0 || !r.stdout().contains(expected)) {
            throw new IllegalStateException("child failed (exit " + r.exitCode() + "): " + r.all());
        }
        if (r.stderr().contains("[mlco2] ERROR")) {
            throw new IllegalStateException("agent error: " + r.stderr());
        }
    }

    static String describe(String what, Pairs p, String unit) {
        return String.format(Locale.ROOT, "%s: A (without) median %.1f%s, B (with) median %.1f%s; per pair B-A median %.1f%s,"
                        + " B/A median %.4f [min %.4f, max %.4f]; A=%s B=%s", what, median(p.a()), unit, median(p.b()), unit,
                median(p.differences()), unit, median(p.ratios()), min(p.ratios()), max(p.ratios()), round(p.a()), round(p.b()));
    }

    private static String round(List<Double> v) {
        return v.stream().map(x -> String.format(Locale.ROOT, "%.0f", x)).toList().toString();
    }

    public static double median(List<Double> v) {
        return quantile(v, 0.5);
    }

    /**
     * Deletes a benchmark's output folder (the reports of every run), unless {@code -Dmlco2.bench.keep=true}, when it
     * says where it is. The twin of tracker-core's {@code BenchRig.cleanUp}: the two test trees share no classes.
     */
    static void cleanUp(Path dir) {
        if (Boolean.getBoolean("mlco2.bench.keep")) {
            System.out.println("kept: " + dir);
            return;
        }
        try (java.util.stream.Stream<Path> s = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) s.sorted(java.util.Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        } catch (java.io.IOException | java.io.UncheckedIOException e) {
            System.out.println("could not delete " + dir + ": " + e);
        }
    }

    /**
     * A 95 % confidence interval of the median by the percentile bootstrap (10,000 resamples, fixed seed, so the
     * same data give the same interval): how far the median of this many noisy pairs can be trusted.
     */
    static String medianCi(List<Double> v) {
        double[] ci = medianCi(v, 10_000, 20261201L);
        return String.format(Locale.ROOT, "%.4g..%.4g", ci[0], ci[1]);
    }

    static double[] medianCi(List<Double> v, int resamples, long seed) {
        if (v.isEmpty()) {
            return new double[] {Double.NaN, Double.NaN};
        }
        java.util.SplittableRandom random = new java.util.SplittableRandom(seed);
        List<Double> medians = new ArrayList<>(resamples);
        List<Double> sample = new ArrayList<>(v.size());
        for (int i = 0; i < resamples; i++) {
            sample.clear();
            for (int j = 0; j < v.size(); j++) {
                sample.add(v.get(random.nextInt(v.size())));
            }
            medians.add(median(sample));
        }
        return new double[] {quantile(medians, 0.025), quantile(medians, 0.975)};
    }

    static String iqr(List<Double> v) {
        return String.format(Locale.ROOT, "%.4g..%.4g", quantile(v, 0.25), quantile(v, 0.75));
    }

    static double quantile(List<Double> v, double q) {
        double[] s = v.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        if (s.length == 0) {
            return Double.NaN;
        }
        double pos = q * (s.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = (int) Math.ceil(pos);
        return s[lo] + (s[hi] - s[lo]) * (pos - lo);
    }

    static double min(List<Double> v) {
        return v.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
    }

    static double max(List<Double> v) {
        return v.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
    }

    static String list(double... v) {
        return Arrays.toString(v);
    }
}
