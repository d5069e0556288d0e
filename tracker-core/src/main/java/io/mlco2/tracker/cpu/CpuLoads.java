package io.mlco2.tracker.cpu;

import oshi.hardware.CentralProcessor;

import java.lang.management.ManagementFactory;

/** The two CPU load probes of the load model: the whole machine's, and this JVM's share of the machine. */
public final class CpuLoads {

    private CpuLoads() {
    }

    /**
     * The machine's load from {@code /proc/stat}-style ticks (OSHI); does not block. The first call has no earlier
     * ticks: it returns this JVM's share since {@code startNanos}, a lower bound of the machine's load over the
     * agent's start-up.
     */
    public static CpuLoad machine(java.util.function.Supplier<CentralProcessor> cpu, int logicalProcessors,
                                  long startNanos) {
        return machine(cpu, ProcStat.open(), logicalProcessors, startNanos);
    }

    /**
     * As {@link #machine(java.util.function.Supplier, int, long)}, the ticks from {@code procStat} (no allocation per call)
     * where it is given and reads, else from OSHI.
     */
    static CpuLoad machine(java.util.function.Supplier<CentralProcessor> cpu, ProcStat procStat, int logicalProcessors,
                           long startNanos) {
        CpuLoad first = process(logicalProcessors, startNanos);
        int idleIndex = ProcStat.IDLE;
        int iowaitIndex = ProcStat.IOWAIT;
        return new CpuLoad() {
            private long[] prev;
            private long[] now;

            @Override
            public double sinceLastCall(long monotonicNanos) {
                long[] ticks = now;
                if (procStat != null) {
                    if (ticks == null) {
                        ticks = new long[ProcStat.TICKS];
                    }
                    if (!procStat.read(ticks)) {
                        ticks = oshiTicks();
                    }
                } else {
                    ticks = oshiTicks();
                }
                if (ticks == null) {
                    return Double.NaN;
                }
                long[] before = prev;
                prev = ticks;
                now = before != null && before.length == ProcStat.TICKS ? before : null; // reuse the older array
                if (before == null || before.length != ticks.length) {
                    return before == null ? first.sinceLastCall(monotonicNanos) : Double.NaN;
                }
                long total = 0;
                for (int i = 0; i < ticks.length; i++) {
                    total += ticks[i] - before[i];
                }
                long idle = (ticks[idleIndex] - before[idleIndex]) + (ticks[iowaitIndex] - before[iowaitIndex]);
                return total <= 0 ? Double.NaN : clamp((double) (total - idle) / total);
            }

            private long[] oshiTicks() {
                CentralProcessor p = cpu == null ? null : cpu.get();
                return p == null ? null : p.getSystemCpuLoadTicks();
            }
        };
    }

    /**
     * This JVM's CPU time over wall time and all logical processors; {@code NaN} where the JVM cannot tell. The
     * first call measures from {@code startNanos} (the JVM's CPU time is cumulative from its start). Read from
     * {@code /proc/self/stat} where it exists ({@link ProcSelfStat}), else from the JDK's bean.
     */
    public static CpuLoad process(int logicalProcessors, long startNanos) {
        return processFrom(ProcSelfStat.open(), logicalProcessors, startNanos);
    }

    /** As {@link #process(int, long)}, the CPU time from {@code self}, or from the JDK's bean where it is null. */
    static CpuLoad processFrom(ProcSelfStat self, int logicalProcessors, long startNanos) {
        java.util.function.LongSupplier cpu = self != null ? self : Jmx.processCpuNanos();
        return cpu == null ? n -> Double.NaN : process(cpu, logicalProcessors, startNanos);
    }

    static CpuLoad process(java.util.function.LongSupplier cpuNanosOfProcess, int logicalProcessors, long startNanos) {
        return new CpuLoad() {
            private long prevCpuNanos = 0;
            private long prevWallNanos = startNanos;

            @Override
            public double sinceLastCall(long monotonicNanos) {
                long cpuNanos = cpuNanosOfProcess.getAsLong();
                long prevCpu = prevCpuNanos;
                long prevWall = prevWallNanos;
                prevCpuNanos = cpuNanos;
                prevWallNanos = monotonicNanos;
                if (prevCpu < 0 || cpuNanos < 0 || monotonicNanos <= prevWall) {
                    return Double.NaN;
                }
                return clamp((double) (cpuNanos - prevCpu) / ((double) (monotonicNanos - prevWall) * logicalProcessors));
            }
        };
    }

    /** The JDK's process CPU time, in a class of its own so that nothing loads the management classes before. */
    private static final class Jmx {
        static java.util.function.LongSupplier processCpuNanos() {
            java.lang.management.OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
            return os instanceof com.sun.management.OperatingSystemMXBean sun ? sun::getProcessCpuTime : null;
        }
    }

    static double clamp(double v) {
        return Math.max(0.0, Math.min(1.0, v));
    }
}
