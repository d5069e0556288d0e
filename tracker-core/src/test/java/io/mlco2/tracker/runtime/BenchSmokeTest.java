package io.mlco2.tracker.runtime;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Keeps the tracker-core benchmarks of docs/PERFORMANCE.md from rotting: each runs for a moment. Asserts only that
 * they run and produce numbers, never how fast (a shared CI machine is no place for timed assertions).
 */
class BenchSmokeTest {

    @Test
    void samplerTickBenchmarkRuns() throws Exception {
        Collection<RunResult> results = new Runner(new OptionsBuilder()
                .include(SamplerTickBench.class.getName() + "\\.tick$")
                .forks(0)
                .warmupIterations(0)
                .measurementIterations(1)
                .measurementTime(TimeValue.milliseconds(200))
                .shouldFailOnError(true)
                .build()).run();
        assertEquals(1, results.size());
        double us = results.iterator().next().getPrimaryResult().getScore();
        assertTrue(us > 0 && Double.isFinite(us), "score " + us);
    }

    @Test
    void memoryOverTimeBenchmarkRuns(@TempDir Path out) throws Exception {
        MemoryOverTimeBench.Result r = MemoryOverTimeBench.run(out, 20_000, Duration.ofSeconds(1));
        assertEquals(20_000, r.samples());
        assertTrue(r.retainedLast() > 0 && r.bytesWritten() > 0, r.toString());
    }

    @Test
    void aBenchmarksOutputFolderIsDeletedUnlessAskedToKeepIt(@TempDir Path parent) throws Exception {
        Path out = java.nio.file.Files.createDirectories(parent.resolve("bench/run/nested"));
        java.nio.file.Files.writeString(out.resolve("samples.csv"), "x\n");
        Path top = parent.resolve("bench");
        String before = System.getProperty("mlco2.bench.keep");
        try {
            System.setProperty("mlco2.bench.keep", "true");
            BenchRig.cleanUp(top);
            assertTrue(java.nio.file.Files.exists(out.resolve("samples.csv")), "kept when asked");
            System.clearProperty("mlco2.bench.keep");
            BenchRig.cleanUp(top);
            assertTrue(!java.nio.file.Files.exists(top), "deleted with what it holds");
        } finally {
            if (before != null) {
                System.setProperty("mlco2.bench.keep", before);
            } else {
                System.clearProperty("mlco2.bench.keep");
            }
        }
    }
}
