package io.mlco2.tracker.cpu;

import java.io.IOException;
import java.nio.file.Path;

/**
 * This process's CPU time (user + system) from {@code /proc/self/stat}, read into a reused buffer from a file kept
 * open. The kernel counts it in clock ticks of {@code USER_HZ}, 100 per second on Linux (what OSHI reads too): a
 * 10 ms resolution, against the JDK's nanoseconds through its {@code OperatingSystemMXBean}, whose first use loads
 * the JDK's management classes and reads the container's cgroup files (~20 ms of the agent's start-up on a cold JVM:
 * docs/PERFORMANCE.md). One instance per thread.
 */
final class ProcSelfStat implements AutoCloseable, java.util.function.LongSupplier {

    /** {@code USER_HZ}: the unit of the times in {@code /proc/[pid]/stat} (100 on every current Linux). */
    static final long NANOS_PER_TICK = 10_000_000L;
    private static final Path SELF = Path.of("/proc/self/stat");

    private final ProcFile file;

    private ProcSelfStat(ProcFile file) {
        this.file = file;
    }

    /** Opens {@code /proc/self/stat}, or {@code null} where it cannot be read as expected (not Linux). */
    static ProcSelfStat open() {
        return open(SELF);
    }

    static ProcSelfStat open(Path file) {
        try {
            ProcSelfStat p = new ProcSelfStat(new ProcFile(file, 1024));
            if (p.cpuNanos() >= 0) {
                return p;
            }
            p.close();
        } catch (IOException | RuntimeException e) {
            // not available: the caller uses the JDK's bean
        }
        return null;
    }

    /** {@link #cpuNanos}, as the load model's supplier. */
    @Override
    public long getAsLong() {
        return cpuNanos();
    }

    /** utime + stime in nanoseconds (10 ms steps), or -1 when unreadable. */
    long cpuNanos() {
        try {
            int n = file.read();
            if (n <= 0) {
                return -1;
            }
            long ticks = parseTicks(file.bytes(), n);
            return ticks < 0 ? -1 : ticks * NANOS_PER_TICK;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /**
     * utime (field 14) + stime (field 15) of a {@code stat} line, in ticks; the command name (field 2) is in
     * parentheses and may itself hold spaces and parentheses, so fields are counted from the last {@code ')'}.
     * Negative when the line is not one.
     */
    static long parseTicks(byte[] line, int length) {
        int i = length - 1;
        while (i >= 0 && line[i] != ')') {
            i--;
        }
        if (i < 0) {
            return -1;
        }
        i++; // after ')': " state ppid pgrp session tty_nr tpgid flags minflt cminflt majflt cmajflt utime stime"
        long sum = 0;
        for (int field = 3; field <= 15; field++) {
            while (i < length && line[i] == ' ') {
                i++;
            }
            int start = i;
            long v = 0;
            while (i < length && line[i] != ' ' && line[i] != '\n') {
                if (field >= 14) {
                    byte b = line[i];
                    if (b < '0' || b > '9') {
                        return -1;
                    }
                    v = v * 10 + (b - '0');
                }
                i++;
            }
            if (i == start) {
                return -1;
            }
            if (field >= 14) {
                sum += v;
            }
        }
        return sum;
    }

    @Override
    public void close() {
        file.close();
    }
}
