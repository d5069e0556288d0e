package io.mlco2.tracker.gpu;

import io.mlco2.nvml.NvmlException;
import io.mlco2.nvml.TraceNvml;
import io.mlco2.tracker.energy.EnergyAccumulator;
import io.mlco2.tracker.energy.Method;
import io.mlco2.tracker.base.Log;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Feeds a recorded NVML trace through the live GPU accounting ({@link NvmlGpuSource} + {@code EnergyAccumulator})
 * over a {@link TraceNvml} and a virtual clock that ticks every {@code interval}, plus one tick at each phase
 * boundary and at the trace's end, where the counter is read (as the agent does at its final sample).
 *
 * <p>Three passes over the same trace: the device as recorded (counter where the trace has one), the same device
 * without its counter as the agent measures it then (the 1 s average field counted over its window where the trace
 * has it), and without the counter integrating the instant reading (the other choice, a trapezoid). Each phase's
 * ground truth is the trace's own counter delta between the phase's first row and the next phase's.
 */
public final class GpuReplay {

    /** One pass's figures for one window (a phase or the whole trace). */
    public record Window(String name, double spanSeconds, double counterJoules, double measuredJoules,
                         String method, double powerIntegratedJoules, String powerMethod,
                         double instantIntegratedJoules, String instantMethod) {

        public double errorPct() {
            return pct(measuredJoules, counterJoules);
        }

        public double powerErrorPct() {
            return pct(powerIntegratedJoules, counterJoules);
        }

        public double instantErrorPct() {
            return pct(instantIntegratedJoules, counterJoules);
        }

        private static double pct(double measured, double truth) {
            return Double.isNaN(truth) || truth == 0 ? Double.NaN : (measured - truth) / truth * 100.0;
        }
    }

    /**
     * The replay's outcome: per phase (trace order) and the whole trace; {@code powerBoundaryUncertaintySeconds} is
     * what the agent would report for its power-based method ({@link NvmlGpuSource#boundaryUncertaintySeconds()}).
     */
    public record Result(String device, int rows, int samples, Duration interval, Duration counterInterval,
                         List<Window> phases, Window total, double powerBoundaryUncertaintySeconds) {
    }

    private record Pass(double[] energyAtBoundary, String method, int samples, double boundaryUncertaintySeconds) {
    }

    private GpuReplay() {
    }

    /**
     * @throws IOException              when the trace cannot be read
     * @throws IllegalArgumentException when it is not a trace, or an interval is not positive
     */
    public static Result run(Path trace, Duration interval, Duration counterInterval, Log log) throws IOException {
        if (interval.isZero() || interval.isNegative() || counterInterval.isNegative()) {
            throw new IllegalArgumentException("intervals must be positive");
        }
        VirtualClock clock = new VirtualClock();
        TraceNvml recorded = TraceNvml.read(trace, clock, TraceNvml.Options.defaults());
        List<TraceNvml.Phase> phases = recorded.phases();
        long[] boundaries = new long[phases.size() + 1];
        for (int i = 0; i < phases.size(); i++) {
            boundaries[i] = phases.get(i).startNanos();
        }
        boundaries[phases.size()] = recorded.endNanos();

        Pass counter = pass(recorded, clock, boundaries, interval, counterInterval, true, log);
        VirtualClock c2 = new VirtualClock();
        Pass power = pass(TraceNvml.read(trace, c2, TraceNvml.Options.defaults().withoutCounter()), c2, boundaries,
                interval, counterInterval, true, log);
        VirtualClock c3 = new VirtualClock();
        Pass instant = pass(TraceNvml.read(trace, c3, TraceNvml.Options.defaults().withoutCounter()), c3, boundaries,
                interval, counterInterval, false, log);

        List<Window> windows = new ArrayList<>();
        for (int i = 0; i < phases.size(); i++) {
            windows.add(window(phases.get(i).name(), recorded, boundaries, i, i + 1, counter, power, instant));
        }
        Window total = window("total", recorded, boundaries, 0, phases.size(), counter, power, instant);
        String device;
        try {
            device = recorded.device(0).name();
        } catch (NvmlException e) {
            device = "";
        }
        return new Result(device, recorded.rows(), counter.samples(), interval, counterInterval, windows, total,
                power.boundaryUncertaintySeconds());
    }

    private static Window window(String name, TraceNvml trace, long[] b, int from, int to, Pass counter, Pass power,
                                 Pass instant) {
        long c0 = trace.counterMillijoulesAt(b[from]);
        long c1 = trace.counterMillijoulesAt(b[to]);
        double truth = c0 < 0 || c1 < 0 ? Double.NaN : (c1 - c0) / 1000.0;
        return new Window(name, (b[to] - b[from]) / 1e9, truth,
                counter.energyAtBoundary()[to] - counter.energyAtBoundary()[from], counter.method(),
                power.energyAtBoundary()[to] - power.energyAtBoundary()[from], power.method(),
                instant.energyAtBoundary()[to] - instant.energyAtBoundary()[from], instant.method());
    }

    private static Pass pass(TraceNvml nvml, VirtualClock clock, long[] boundaries, Duration interval,
                             Duration counterInterval, boolean averageFieldAllowed, Log log) throws IOException {
        clock.nanos = boundaries[0];
        try (nvml) {
            NvmlGpuSource source = NvmlGpuSource.open(nvml.device(0), counterInterval, -1, log, averageFieldAllowed);
            EnergyAccumulator acc = new EnergyAccumulator(source);
            double[] atBoundary = new double[boundaries.length];
            long step = interval.toNanos();
            long next = boundaries[0];
            int samples = 0;
            for (int b = 0; b < boundaries.length; b++) {
                while (next < boundaries[b]) {
                    clock.nanos = next;
                    acc.sample(next);
                    samples++;
                    next += step;
                }
                clock.nanos = boundaries[b];
                source.requestCounterRead();
                acc.sample(boundaries[b]);
                samples++;
                atBoundary[b] = acc.energyJoules();
                if (next == boundaries[b]) {
                    next += step;
                }
            }
            String method = source.method().key() + (source.method() == Method.NVML_ENERGY_COUNTER ? ""
                    : " (" + source.powerSignal().key() + ")");
            return new Pass(atBoundary, method, samples, source.boundaryUncertaintySeconds());
        } catch (NvmlException e) {
            throw new IOException("trace device: " + e.getMessage(), e);
        }
    }

    /** A clock the replay sets; the fake NVML answers as of its time. */
    static final class VirtualClock implements java.util.function.LongSupplier {
        long nanos;

        @Override
        public long getAsLong() {
            return nanos;
        }
    }
}
