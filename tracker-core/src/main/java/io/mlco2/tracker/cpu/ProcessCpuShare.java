package io.mlco2.tracker.cpu;

import io.mlco2.tracker.energy.ProcessFraction;

import java.nio.file.Path;

/**
 * This process's fraction of the machine's CPU energy over an interval: its CPU time ({@code utime + stime} of
 * {@code /proc/self/stat}) over the machine's busy CPU time (the non-idle, non-iowait ticks of {@code /proc/stat}'s
 * {@code cpu} line), both in the kernel's {@code USER_HZ} ticks. Applied to RAPL's package energy and to the load
 * model alike: under the load model (TDP x busy / all ticks) it gives TDP x this process's ticks / all ticks, the
 * process mode's figure. {@code NaN} where {@code /proc} cannot be read (not Linux).
 */
public final class ProcessCpuShare implements ProcessFraction {

    private final Path procStatPath;
    private final Path selfStatPath;
    private ProcStat machine;
    private ProcSelfStat self;
    private final long[] ticks = new long[ProcStat.TICKS];
    private long prevBusyTicks = -1;
    private long prevSelfNanos = -1;

    /** Reads {@code /proc/stat} and {@code /proc/self/stat}. */
    public ProcessCpuShare() {
        this(Path.of("/proc/stat"), Path.of("/proc/self/stat"));
    }

    /** Reads the two files given (tests: fixtures rewritten between calls). */
    ProcessCpuShare(Path procStat, Path selfStat) {
        this.procStatPath = procStat;
        this.selfStatPath = selfStat;
    }

    @Override
    public void begin(long monotonicNanos) {
        if (machine == null) {
            machine = ProcStat.open(procStatPath);
            self = ProcSelfStat.open(selfStatPath);
        }
        read();
    }

    @Override
    public double sinceLastCall(long monotonicNanos) {
        if (machine == null) {
            begin(monotonicNanos);
            return Double.NaN;
        }
        long busyBefore = prevBusyTicks;
        long selfBefore = prevSelfNanos;
        if (!read() || busyBefore < 0 || selfBefore < 0) {
            return Double.NaN;
        }
        long busyNanos = (prevBusyTicks - busyBefore) * ProcSelfStat.NANOS_PER_TICK;
        long selfNanos = prevSelfNanos - selfBefore;
        if (busyNanos <= 0) {
            return selfNanos > 0 ? 1.0 : 0.0;
        }
        return CpuLoads.clamp((double) selfNanos / busyNanos);
    }

    /** Reads both counters; false (and both unknown) when either cannot be read. */
    private boolean read() {
        if (machine == null || self == null || !machine.read(ticks)) {
            prevBusyTicks = -1;
            prevSelfNanos = -1;
            return false;
        }
        long all = 0;
        for (long t : ticks) {
            all += t;
        }
        long selfNanos = self.cpuNanos();
        prevBusyTicks = all - ticks[ProcStat.IDLE] - ticks[ProcStat.IOWAIT];
        prevSelfNanos = selfNanos;
        return selfNanos >= 0;
    }
}
