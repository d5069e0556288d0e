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
    public static CpuLoad machine(CentralProcessor cpu, int logicalProcessors, long startNanos) {
        CpuLoad first = process(logicalProcessors, startNanos);
        return new CpuLoad() {
            private long[] prev;

            @Override
            public double sinceLastCall(long monotonicNanos) {
                long[] now = cpu.getSystemCpuLoadTicks();
                long[] before = prev;
                prev = now;
                if (before == null) {
                    return first.sinceLastCall(monotonicNanos);
                }
                long total = 0;
                for (int i = 0; i < now.length; i++) {
                    total += now[i] - before[i];
                }
                long idle = (now[CentralProcessor.TickType.IDLE.getIndex()] - before[CentralProcessor.TickType.IDLE.getIndex()])
                        + (now[CentralProcessor.TickType.IOWAIT.getIndex()] - before[CentralProcessor.TickType.IOWAIT.getIndex()]);
                return total <= 0 ? Double.NaN : clamp((double) (total - idle) / total);
            }
        };
    }

    /**
     * This JVM's CPU time over wall time and all logical processors; {@code NaN} where the JVM cannot tell. The
     * first call measures from {@code startNanos} (the JVM's CPU time is cumulative from its start).
     */
    public static CpuLoad process(int logicalProcessors, long startNanos) {
        java.lang.management.OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (!(os instanceof com.sun.management.OperatingSystemMXBean sun)) {
            return n -> Double.NaN;
        }
        return new CpuLoad() {
            private long prevCpuNanos = 0;
            private long prevWallNanos = startNanos;

            @Override
            public double sinceLastCall(long monotonicNanos) {
                long cpuNanos = sun.getProcessCpuTime();
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

    static double clamp(double v) {
        return Math.max(0.0, Math.min(1.0, v));
    }
}
