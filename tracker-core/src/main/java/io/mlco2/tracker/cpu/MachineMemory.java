package io.mlco2.tracker.cpu;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The machine's memory in use, {@code MemTotal - MemFree} of {@code /proc/meminfo} (what the JDK's
 * {@code OperatingSystemMXBean} gives on a host), read into a reused buffer from a file kept open: no allocation
 * per sample. Inside a container the JDK's bean answers with the container's cgroup usage instead, at ~140 KB of
 * garbage and tens of microseconds per call (docs/PERFORMANCE.md, sampler tick); the RAM model's total is the
 * machine's installed memory, so the machine's usage is the consistent ratio. Thread safe.
 */
public final class MachineMemory {

    private static final Path MEMINFO = Path.of("/proc/meminfo");
    private static volatile MachineMemory shared;
    private static volatile boolean unavailable;

    private final ProcFile file;

    private MachineMemory(ProcFile file) {
        this.file = file;
    }

    /** Bytes in use on the machine, or -1 where /proc/meminfo cannot be read (the caller falls back). */
    public static long usedBytes() {
        return usedBytes(MEMINFO);
    }

    /** As {@link #usedBytes()}, opening {@code meminfo} at the first call of this JVM (tests: a fixture). */
    static long usedBytes(Path meminfo) {
        MachineMemory m = shared;
        if (m == null) {
            if (unavailable) {
                return -1;
            }
            synchronized (MachineMemory.class) {
                m = shared;
                if (m == null) {
                    try {
                        m = new MachineMemory(new ProcFile(meminfo, 8192));
                        shared = m;
                    } catch (IOException | RuntimeException e) {
                        unavailable = true;
                        return -1;
                    }
                }
            }
        }
        return m.read();
    }

    /**
     * Memory in use on the machine (total minus free): {@link #usedBytes()}, else the JDK's
     * {@code OperatingSystemMXBean}; -1 when neither knows.
     */
    public static long inUseBytes() {
        long used = usedBytes(); // no garbage per sample (docs/PERFORMANCE.md)
        if (used >= 0) {
            return used;
        }
        try {
            java.lang.management.OperatingSystemMXBean os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
            if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
                return sun.getTotalMemorySize() - sun.getFreeMemorySize();
            }
        } catch (Throwable ignored) {
            // Fall through.
        }
        return -1;
    }

    /** {@link #inUseBytes()} in GB, {@code NaN} when unknown. */
    public static double inUseGb() {
        long b = inUseBytes();
        return b < 0 ? Double.NaN : b / 1e9;
    }

    private synchronized long read() {
        try {
            int n = file.read();
            long total = field(file.bytes(), n, "MemTotal:");
            long free = field(file.bytes(), n, "MemFree:");
            return total < 0 || free < 0 ? -1 : (total - free) * 1024;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** The kB value on the line of {@code b[0, n)} starting with {@code key}, or -1. */
    static long field(byte[] b, int n, String key) {
        int line = 0;
        while (line < n) {
            if (startsWith(b, line, n, key)) {
                int i = line + key.length();
                while (i < n && b[i] == ' ') {
                    i++;
                }
                long v = 0;
                int digits = 0;
                while (i < n && b[i] >= '0' && b[i] <= '9') {
                    v = v * 10 + (b[i] - '0');
                    i++;
                    digits++;
                }
                return digits == 0 ? -1 : v;
            }
            while (line < n && b[line] != '\n') {
                line++;
            }
            line++;
        }
        return -1;
    }

    private static boolean startsWith(byte[] b, int at, int n, String key) {
        if (at + key.length() > n) {
            return false;
        }
        for (int k = 0; k < key.length(); k++) {
            if (b[at + k] != key.charAt(k)) {
                return false;
            }
        }
        return true;
    }
}
