package io.mlco2.tracker.runtime;

import oshi.SystemInfo;
import oshi.hardware.CentralProcessor;
import oshi.hardware.HardwareAbstractionLayer;

import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What the reports say about the machine: CPU model and counts, memory, OS. Read once at start through OSHI;
 * a failure leaves the fields at stated defaults.
 *
 * @param cpuModel          e.g. {@code Intel(R) Xeon(R) Gold 6148 CPU @ 2.40GHz}; empty when unknown
 * @param cpuPackages       physical sockets, at least 1
 * @param logicalProcessors logical CPUs, at least 1
 * @param totalMemoryBytes  installed memory, 0 when unknown
 * @param os                e.g. {@code Linux-6.1.0-x86_64}
 * @param hostname          the host's name, for multi-node reports
 * @param processor         OSHI's processor for the load model, {@code null} when OSHI failed
 */
public record HostInfo(String cpuModel, int cpuPackages, int logicalProcessors, long totalMemoryBytes, String os,
                       String hostname, CentralProcessor processor) {

    /** A detection started ahead of {@link #detect} by {@link #prefetch}, or {@code null}. */
    private static final AtomicReference<FutureTask<HostInfo>> PREFETCHED = new AtomicReference<>();

    /**
     * Starts {@link #detect} on a daemon thread now, so that OSHI's discovery (the longest part of the agent's
     * start-up) overlaps the other start-up work; the next {@link #detect} call takes its result.
     */
    static void prefetch(Log log) {
        FutureTask<HostInfo> task = new FutureTask<>(() -> detectNow(log));
        if (PREFETCHED.compareAndSet(null, task)) {
            Thread t = new Thread(task, "mlco2-init-host");
            t.setDaemon(true);
            t.start();
        }
    }

    public static HostInfo detect(Log log) {
        FutureTask<HostInfo> task = PREFETCHED.getAndSet(null);
        if (task != null) {
            try {
                return task.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException e) {
                // detectNow never throws; fall through to a detection on this thread
            }
        }
        return detectNow(log);
    }

    private static HostInfo detectNow(Log log) {
        String os = System.getProperty("os.name", "") + "-" + System.getProperty("os.version", "") + "-"
                + System.getProperty("os.arch", "");
        String host = lookupHostname();
        try {
            HardwareAbstractionLayer hal = hardware();
            CentralProcessor cpu = hal.getProcessor();
            // On Linux the model name and the memory size are read from the files OSHI reads them from: OSHI's
            // processor identifier also runs lshw, dmidecode, cpuid and id, and its memory getconf (each a
            // process, ~10 ms apiece at start-up); elsewhere, or where the files lack them, OSHI's own answers.
            String model = procFileValue(CPUINFO, "model name");
            long memory = -1;
            String memTotal = procFileValue(MEMINFO, "MemTotal");
            if (memTotal != null && memTotal.endsWith(" kB")) {
                try {
                    memory = Long.parseLong(memTotal.substring(0, memTotal.length() - 3).trim()) * 1024;
                } catch (NumberFormatException e) {
                    memory = -1;
                }
            }
            return new HostInfo((model != null ? model : cpu.getProcessorIdentifier().getName()).trim(),
                    Math.max(1, cpu.getPhysicalPackageCount()), Math.max(1, cpu.getLogicalProcessorCount()),
                    memory >= 0 ? memory : hal.getMemory().getTotal(), os, host, cpu);
        } catch (Throwable t) {
            log.warn("hardware detection through OSHI failed (" + Log.describe(t) + "); CPU model unknown, "
                    + "CPU load from this JVM's CPU time");
            return new HostInfo("", 1, Math.max(1, Runtime.getRuntime().availableProcessors()), 0, os, host, null);
        }
    }

    private static final java.nio.file.Path CPUINFO = java.nio.file.Path.of("/proc/cpuinfo");
    private static final java.nio.file.Path MEMINFO = java.nio.file.Path.of("/proc/meminfo");

    /**
     * The value of the last {@code key : value} line of a /proc file (OSHI keeps the last processor's model name
     * too), or {@code null} when the file or the key is absent or empty.
     */
    static String procFileValue(java.nio.file.Path file, String key) {
        try {
            String value = null;
            for (String line : java.nio.file.Files.readAllLines(file)) {
                int colon = line.indexOf(':');
                if (colon > 0 && line.substring(0, colon).trim().equals(key)) {
                    String v = line.substring(colon + 1).trim();
                    value = v.isEmpty() ? value : v;
                }
            }
            return value;
        } catch (java.io.IOException | RuntimeException e) {
            return null;
        }
    }

    /**
     * OSHI's native-free implementation where it is available (Linux: /proc and /sys only, half the start-up time of
     * the JNA one, and no JNA or libudev load for this), else OSHI's default.
     */
    private static HardwareAbstractionLayer hardware() {
        try {
            oshi.nativefree.SystemInfo nativeFree = new oshi.nativefree.SystemInfo();
            if (nativeFree.isAvailable()) {
                return nativeFree.getHardware();
            }
        } catch (RuntimeException | LinkageError e) {
            // not on this platform or this OSHI: the default below
        }
        return new SystemInfo().getHardware();
    }

    private static String lookupHostname() {
        String h = System.getenv("HOSTNAME");
        if (h != null && !h.isBlank()) {
            return h;
        }
        try {
            String k = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/sys/kernel/hostname")).trim();
            if (!k.isEmpty()) {
                return k;
            }
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            return "unknown";
        }
    }

    public double totalMemoryGb() {
        return totalMemoryBytes / 1e9;
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%s x%d (%d logical), %.1f GB, %s", cpuModel, cpuPackages, logicalProcessors,
                totalMemoryGb(), os);
    }
}
