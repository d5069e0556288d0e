package io.mlco2.tracker.runtime;

import org.junit.jupiter.api.Tag;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Benchmark 1 of docs/PERFORMANCE.md: one sampler tick (CPU load model + RAM model + one GPU over the fake NVML
 * replaying the H200 trace) through {@link Tracker#sample}, without and with the NVML energy-counter read, and
 * the floor it compares with (one read of /proc/stat). Run: {@code scripts/bench-tick} (adds JMH's gc profiler
 * for the bytes allocated per tick).
 */
@Tag("benchmark")
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class SamplerTickBench {

    private BenchRig rig;
    private FileChannel procStat;
    private final ByteBuffer buffer = ByteBuffer.allocateDirect(4096);

    private Path out;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        out = Files.createTempDirectory("mlco2-bench-tick");
        // 100 ms ticks; the counter at its default 1 s cadence would be read every tenth tick, so "without" uses a
        // cadence no tick reaches and "with" asks for the counter on every tick.
        rig = new BenchRig(out, Duration.ofMillis(100), Duration.ofDays(365), false);
        procStat = FileChannel.open(Path.of("/proc/stat"), StandardOpenOption.READ);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        procStat.close();
        BenchRig.cleanUp(out);
    }

    /** One tick without the NVML energy-counter read (power, utilisation; CPU ticks; RAM). */
    @Benchmark
    public void tick() {
        rig.tick();
    }

    /** One tick with the counter read (and the process list that goes with it); the fake counter returns at once. */
    @Benchmark
    public void tickWithCounterRead() {
        rig.gpu.requestCounterRead();
        rig.tick();
    }

    /** The floor: one read of /proc/stat into a reused buffer. */
    @Benchmark
    public int procStatRead() throws Exception {
        buffer.clear();
        return procStat.read(buffer, 0);
    }
}
