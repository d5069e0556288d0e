package io.mlco2.it.bench;

import io.mlco2.it.support.ChildJvm;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Keeps the A/B benchmarks of docs/PERFORMANCE.md from rotting: one pair each, the smallest training job. Asserts
 * only that they run and measure, never how fast.
 */
class BenchSmokeTest {

    @Test
    void startupBenchmarkRunsOnePair() throws Exception {
        AbBench.Pairs[] r = AbBench.startup(1);
        AbBench.Pairs p = r[0];
        assertEquals(1, p.a().size());
        assertTrue(p.a().get(0) > 0 && p.b().get(0) > 0, p.toString());
        assertTrue(r[1].b().get(0) > 0, "the empty agent's run: " + r[1]);
    }

    @Test
    void trainingBenchmarkRunsOnePair() throws Exception {
        AbBench.Pairs[] r = AbBench.training(1, "100ms", 1, 256);
        assertTrue(r[0].ratios().get(0) > 0 && r[1].ratios().get(0) > 0, r[0] + " " + r[1]);
        assertTrue(r[2].a().get(0) > 0 && r[2].b().get(0) > 0, "the JVM's start and exit take time: " + r[2]);
    }

    @Test
    void jarComparisonRunsOneRoundOfEach() throws Exception {
        List<List<Double>> w = AbBench.jars(1, List.of("none", ChildJvm.agentJar().toString()), "",
                "io.mlco2.it.jobs.TrivialMain");
        assertTrue(w.size() == 2 && w.get(0).get(0) > 0 && w.get(1).get(0) > 0, w.toString());
    }

    @Test
    void aJarEntryCarriesItsOwnAgentArguments(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        // JAR=ARGS: the entry's own arguments come after the benchmark's, so its output folder wins
        AbBench.jars(1, List.of("none", ChildJvm.agentJar() + "=mlco2.output.dir=" + dir), "",
                "io.mlco2.it.jobs.TrivialMain");
        assertTrue(Files.exists(dir.resolve("emissions.csv")), "the entry's own output folder was used: " + dir);
    }

    @Test
    void savedTrainingOutputsPoolIntoOneListOfPairs(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        java.nio.file.Path one = dir.resolve("one.txt");
        java.nio.file.Path two = dir.resolve("two.txt");
        Files.writeString(one, output(List.of(100.0, 200.0), List.of(110.0, 190.0)));
        Files.writeString(two, "building...\n" + output(List.of(300.0), List.of(330.0)) + "RESULT ...\n");
        AbBench.Pairs[] r = AbBench.pool(List.of(one, two));
        assertEquals(List.of(100.0, 200.0, 300.0), r[0].a());
        assertEquals(List.of(110.0, 190.0, 330.0), r[0].b());
        assertEquals(1.1, AbBench.median(r[0].ratios()), 1e-9);
        assertEquals(List.of(13.0, 21.0, 35.0), r[2].b(), "the third line pooled too");
        assertTrue(AbBench.trainingResult("pool", r).contains("median wall ratio 1.1000")
                && AbBench.trainingResult("pool", r).contains("over 3 pairs"), AbBench.trainingResult("pool", r));

        java.nio.file.Path bad = dir.resolve("bad.txt");
        Files.writeString(bad, "BUILD FAILURE\n");
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> AbBench.pool(List.of(one, bad)));
        assertTrue(e.getMessage().contains(bad.toString()) && e.getMessage().contains("process wall ms"), e.getMessage());
    }

    /** What {@code AbBench training} prints for these wall times (throughput and outside-main derived from them). */
    private static String output(List<Double> a, List<Double> b) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < AbBench.TRAINING_LINES.length; i++) {
            double add = i;
            List<Double> pa = a.stream().map(x -> x / 10 + add).toList();
            List<Double> pb = b.stream().map(x -> x / 10 + add).toList();
            s.append(AbBench.describe(AbBench.TRAINING_LINES[i], new AbBench.Pairs(i == 0 ? a : pa, i == 0 ? b : pb), "ms"))
                    .append('\n');
        }
        return s.toString();
    }

    @Test
    void theJarBenchmarkHasAJarToMeasure() throws Exception {
        assertTrue(Files.size(ChildJvm.agentJar()) > 1_000_000);
    }

    @Test
    void theMediansConfidenceIntervalHoldsTheMedianAndNarrowsWithMoreData() {
        List<Double> few = new java.util.ArrayList<>();
        List<Double> many = new java.util.ArrayList<>();
        java.util.SplittableRandom r = new java.util.SplittableRandom(1);
        for (int i = 0; i < 400; i++) {
            double x = 1.0 + r.nextGaussian() * 0.1;
            many.add(x);
            if (i < 20) {
                few.add(x);
            }
        }
        double[] a = AbBench.medianCi(few, 2000, 7);
        double[] b = AbBench.medianCi(many, 2000, 7);
        assertTrue(a[0] <= AbBench.median(few) && AbBench.median(few) <= a[1], java.util.Arrays.toString(a));
        assertTrue(b[0] <= AbBench.median(many) && AbBench.median(many) <= b[1], java.util.Arrays.toString(b));
        assertTrue(b[1] - b[0] < (a[1] - a[0]) / 2, "20x the data, a narrower interval");
        assertTrue(b[0] < 1.0 + 0.03 && b[1] > 1.0 - 0.03, "it holds the true median 1.0: " + java.util.Arrays.toString(b));
        assertEquals(java.util.Arrays.toString(a), java.util.Arrays.toString(AbBench.medianCi(few, 2000, 7)),
                "deterministic for a given seed");
    }
}
