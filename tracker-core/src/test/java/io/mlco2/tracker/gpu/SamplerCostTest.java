package io.mlco2.tracker.gpu;

import io.mlco2.nvml.NvmlDevice;
import io.mlco2.nvml.TraceNvml;
import io.mlco2.tracker.energy.EnergyAccumulator;
import io.mlco2.tracker.base.Log;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The GPU part of a sampler tick (fake NVML replaying the H200 trace + source + accumulator). In the default suite:
 * that the energy counter, whose read waits ~2.9 ms in the H200's driver, is read once per
 * {@code mlco2.gpu.counter-interval} and not at every tick. Tagged {@code benchmark} (docs/PERFORMANCE.md, method):
 * the cost per tick with and without the counter read, and the wall cost when the fake counter waits like the H200's.
 */
class SamplerCostTest {

    private static final long MS = 1_000_000L;
    private final Log log = new Log(System.err, Log.Level.WARN);

    @Test
    void theCounterIsReadOncePerCounterIntervalNotAtEveryTick() throws Exception {
        long[] clock = {0};
        TraceNvml nvml = TraceNvml.read(GpuSupportTest.h200Trace(), () -> clock[0], TraceNvml.Options.defaults());
        clock[0] = nvml.startNanos();
        AtomicInteger counterReads = new AtomicInteger();
        NvmlDevice device = countingCounterReads(nvml.device(0), counterReads);
        NvmlGpuSource s = NvmlGpuSource.open(device, Duration.ofSeconds(1), -1, log);
        EnergyAccumulator acc = new EnergyAccumulator(s);
        long span = nvml.endNanos() - nvml.startNanos();
        counterReads.set(0); // what opening the source probed is not the sampler's
        for (long tick = 0; tick < 600; tick++) { // 60 s at a 100 ms cadence
            clock[0] = nvml.startNanos() + (tick * 100 * MS) % span;
            acc.sample(tick * 100 * MS);
        }
        // ticks 0, 10, 20, ..., 590: the ticks at which a whole second has passed since the last read
        assertEquals(60, counterReads.get());
    }

    /** The device, counting its energy-counter reads. */
    private static NvmlDevice countingCounterReads(NvmlDevice device, AtomicInteger reads) {
        return (NvmlDevice) Proxy.newProxyInstance(NvmlDevice.class.getClassLoader(), new Class<?>[] {NvmlDevice.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("totalEnergyMillijoules")) {
                        reads.incrementAndGet();
                    }
                    try {
                        return method.invoke(device, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    private double[] perTick(TraceNvml.Options options, Duration counterInterval, int ticks) throws Exception {
        long[] clock = {0};
        TraceNvml nvml = TraceNvml.read(GpuSupportTest.h200Trace(), () -> clock[0], options);
        clock[0] = nvml.startNanos();
        NvmlGpuSource s = NvmlGpuSource.open(nvml.device(0), counterInterval, -1, log);
        EnergyAccumulator acc = new EnergyAccumulator(s);
        long span = nvml.endNanos() - nvml.startNanos();
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long tick = 0; // the sampler's clock runs on; the trace is replayed in a loop under it
        for (int i = 0; i < ticks / 4; i++, tick++) { // warm-up
            clock[0] = nvml.startNanos() + (tick * 100 * MS) % span;
            acc.sample(tick * 100 * MS);
        }
        long cpu0 = mx.getCurrentThreadCpuTime();
        long wall0 = System.nanoTime();
        for (int i = 0; i < ticks; i++, tick++) {
            clock[0] = nvml.startNanos() + (tick * 100 * MS) % span; // 100 ms virtual cadence
            if (options.counterLatencyNanos() == 0 || counterInterval.isZero()) {
                s.requestCounterRead();
            }
            acc.sample(tick * 100 * MS);
        }
        double wallUs = (System.nanoTime() - wall0) / 1e3 / ticks;
        double cpuUs = (mx.getCurrentThreadCpuTime() - cpu0) / 1e3 / ticks;
        return new double[] {cpuUs, wallUs};
    }

    /** Prints the figures; its bounds are loose, and it runs only when asked for (-Dgroups=benchmark). */
    @Test
    @Tag("benchmark")
    void measuresPerTickCost() throws Exception {
        TraceNvml.Options none = TraceNvml.Options.defaults().withoutCounter();
        double[] power = perTick(none, Duration.ofSeconds(1), 200_000);
        double[] counter = perTick(TraceNvml.Options.defaults(), Duration.ZERO, 200_000);
        // counter every 1 s at a 100 ms gauge cadence, the counter call parking 2.9 ms like the H200's
        TraceNvml.Options h200 = TraceNvml.Options.defaults().withCounterLatencyNanos(2_900_000);
        double[] cadence = perTick(h200, Duration.ofSeconds(1), 2_000);
        System.out.printf(Locale.ROOT, "[sampler cost] power-only tick: cpu %.2f us, wall %.2f us%n", power[0], power[1]);
        System.out.printf(Locale.ROOT, "[sampler cost] tick with counter read (fake, no sleep): cpu %.2f us, wall %.2f us%n",
                counter[0], counter[1]);
        System.out.printf(Locale.ROOT, "[sampler cost] 100 ms ticks, counter every 1 s sleeping 2.9 ms: cpu %.2f us, "
                + "wall %.2f us per tick (= %.3f %% of the 100 ms period)%n", cadence[0], cadence[1], cadence[1] / 1e3);
        assertTrue(power[1] < 1_000, "power tick took " + power[1] + " us");
        assertTrue(cadence[1] > 100 && cadence[1] < 2_000, "counter cadence failed: " + cadence[1] + " us per tick");
    }
}
