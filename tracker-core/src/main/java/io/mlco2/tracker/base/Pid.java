package io.mlco2.tracker.base;

/**
 * This JVM's process id. On Linux from the {@code /proc/self} link (0.3 ms on a cold JVM), elsewhere from
 * {@link ProcessHandle}, whose first use also sets up the JDK's process-reaper executor (~5 ms of the agent's
 * start-up: docs/PERFORMANCE.md).
 */
public final class Pid {

    private static volatile long pid = -1;

    private Pid() {
    }

    public static long current() {
        long p = pid;
        if (p < 0) {
            p = fromProc(java.nio.file.Path.of("/proc/self"));
            if (p < 0) {
                p = ProcessHandle.current().pid();
            }
            pid = p;
        }
        return p;
    }

    /** The pid a {@code /proc/self}-like link points to, or -1. */
    static long fromProc(java.nio.file.Path self) {
        try {
            return Long.parseLong(java.nio.file.Files.readSymbolicLink(self).toString());
        } catch (Exception | LinkageError e) {
            return -1;
        }
    }
}
