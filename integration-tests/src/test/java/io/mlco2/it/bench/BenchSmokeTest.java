package io.mlco2.it.bench;

import io.mlco2.it.support.ChildJvm;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;

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
    }

    @Test
    void theJarBenchmarkHasAJarToMeasure() throws Exception {
        assertTrue(Files.size(ChildJvm.agentJar()) > 1_000_000);
    }
}
