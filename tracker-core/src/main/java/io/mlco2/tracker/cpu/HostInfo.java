package io.mlco2.tracker.cpu;

import io.mlco2.tracker.base.Log;

import oshi.SystemInfo;
import oshi.hardware.CentralProcessor;
import oshi.hardware.HardwareAbstractionLayer;

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
 * @param processor         OSHI's processor for the load model's fallback ticks, {@code null} when OSHI failed;
 *                          created on first use where the Linux files answered everything else
 */
public record HostInfo(String cpuModel, int cpuPackages, int logicalProcessors, long totalMemoryBytes, String os,
                       String hostname, java.util.function.Supplier<CentralProcessor> processor) {

    /** A detection started ahead of {@link #detect} by {@link #prefetch}, or {@code null}. */
    private static final AtomicReference<FutureTask<HostInfo>> PREFETCHED = new AtomicReference<>();

    /**
     * Starts {@link #detect} on a daemon thread now, so that OSHI's discovery (the longest part of the agent's
     * start-up) overlaps the other start-up work; the next {@link #detect} call takes its result.
     */
    public static void prefetch(Log log) {
        FutureTask<HostInfo> task = new FutureTask<>(new java.util.concurrent.Callable<HostInfo>() {
            @Override
            public HostInfo call() { // not a lambda: no class spun at start-up
                return detectNow(log);
            }
        });
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
        return detectNow(log, CPUINFO, MEMINFO, CPU_SYSFS);
    }

    /** As {@link #detectNow(Log)}, from these files (tests: fixtures). */
    static HostInfo detectNow(Log log, java.nio.file.Path cpuinfo, java.nio.file.Path meminfo,
                              java.nio.file.Path cpuSysfs) {
        String os = System.getProperty("os.name", "") + "-" + System.getProperty("os.version", "") + "-"
                + System.getProperty("os.arch", "");
        String host = lookupHostname();
        // On Linux the model name and the memory size come from the files OSHI reads them from (/proc/cpuinfo,
        // /proc/meminfo) and the counts from the sysfs topology OSHI reads: OSHI's processor costs ~90 ms of
        // start-up (a getconf process in its class initialisation, SLF4J, its identifier's lshw/dmidecode/cpuid),
        // and the load model reads /proc/stat itself (ProcStat). OSHI's processor is then created only if the
        // ticks must come from it. Elsewhere, or where a file lacks the answer, OSHI answers everything at once.
        String model = procFileValue(cpuinfo, "model name");
        long memory = memTotalBytes(meminfo);
        int[] counts = sysfsCpuCounts(cpuSysfs);
        if (model != null && memory > 0 && counts != null) {
            return new HostInfo(model.trim(), counts[0], counts[1], memory, os, host, lazyProcessor(log));
        }
        try {
            HardwareAbstractionLayer hal = hardware();
            CentralProcessor cpu = hal.getProcessor();
            return new HostInfo((model != null ? model : cpu.getProcessorIdentifier().getName()).trim(),
                    Math.max(1, cpu.getPhysicalPackageCount()), Math.max(1, cpu.getLogicalProcessorCount()),
                    memory > 0 ? memory : hal.getMemory().getTotal(), os, host, () -> cpu);
        } catch (Throwable t) {
            log.warn("hardware detection through OSHI failed (" + Log.describe(t) + "); CPU model unknown, "
                    + "CPU load from this JVM's CPU time");
            return new HostInfo("", 1, Math.max(1, Runtime.getRuntime().availableProcessors()), 0, os, host, null);
        }
    }

    /** OSHI's processor, created at the first call (on the sampler thread); {@code null} when OSHI fails there. */
    private static java.util.function.Supplier<CentralProcessor> lazyProcessor(Log log) {
        return new java.util.function.Supplier<>() {
            private boolean done; // guarded by get()'s lock
            private CentralProcessor cpu;

            @Override
            public synchronized CentralProcessor get() {
                if (!done) {
                    done = true;
                    try {
                        cpu = hardware().getProcessor();
                    } catch (Throwable t) {
                        log.warn("OSHI's processor is unavailable (" + Log.describe(t) + ")");
                    }
                }
                return cpu;
            }
        };
    }

    static long memTotalBytes(java.nio.file.Path meminfo) {
        String memTotal = procFileValue(meminfo, "MemTotal");
        if (memTotal != null && memTotal.endsWith(" kB")) {
            try {
                return Long.parseLong(memTotal.substring(0, memTotal.length() - 3).trim()) * 1024;
            } catch (NumberFormatException e) {
                return -1;
            }
        }
        return -1;
    }

    static final java.nio.file.Path CPU_SYSFS = java.nio.file.Path.of("/sys/devices/system/cpu");

    /**
     * {packages, logical processors} from {@code <root>/cpuN/topology/physical_package_id} (what OSHI counts on
     * Linux), or {@code null} when the tree is missing or a CPU lacks its package id.
     */
    /** {@code cpu[0-9]+}, written out ({@code String.matches} compiles its pattern at each call). */
    static boolean isCpuDirectory(String name) {
        if (name.length() < 4 || !name.startsWith("cpu")) {
            return false;
        }
        for (int i = 3; i < name.length(); i++) {
            if (name.charAt(i) < '0' || name.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    static int[] sysfsCpuCounts(java.nio.file.Path root) {
        // No glob: it would compile a regular expression on the start-up path; isCpuDirectory filters.
        try (var dirs = java.nio.file.Files.newDirectoryStream(root)) {
            java.util.Set<String> packages = new java.util.HashSet<>();
            int logical = 0;
            for (java.nio.file.Path d : dirs) {
                if (!isCpuDirectory(d.getFileName().toString())) {
                    continue;
                }
                java.nio.file.Path id = d.resolve("topology/physical_package_id");
                if (!java.nio.file.Files.isReadable(id)) {
                    return null;
                }
                packages.add(java.nio.file.Files.readString(id).trim());
                logical++;
            }
            return logical == 0 ? null : new int[] {packages.size(), logical};
        } catch (java.io.IOException | RuntimeException e) {
            return null;
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
        return lookupHostname(System.getenv("HOSTNAME"), java.nio.file.Path.of("/proc/sys/kernel/hostname"));
    }

    /**
     * The host's name: {@code env} ({@code $HOSTNAME}) unless blank, else the kernel's ({@code kernelHostname}), else
     * (an empty or absent file: not Linux) the JDK's, else {@code unknown}. The JDK may ask DNS: this runs on the
     * agent's start-up thread, never the job's.
     */
    static String lookupHostname(String env, java.nio.file.Path kernelHostname) {
        String h = env;
        if (h != null && !h.isBlank()) {
            return h;
        }
        try {
            String k = java.nio.file.Files.readString(kernelHostname).trim();
            if (!k.isEmpty()) {
                return k;
            }
        } catch (java.io.IOException | RuntimeException e) {
            // no such file (macOS, Windows) or unreadable: the JDK's below
        }
        try {
            String jdk = java.net.InetAddress.getLocalHost().getHostName();
            return jdk == null || jdk.isBlank() ? "unknown" : jdk;
        } catch (Exception e) {
            return "unknown";
        }
    }

    public double totalMemoryGb() {
        return totalMemoryBytes / 1e9;
    }

    @Override
    public String toString() {
        return cpuModel + " x" + cpuPackages + " (" + logicalProcessors + " logical), "
                + io.mlco2.tracker.format.Fmt.fixed(totalMemoryGb(), 1) + " GB, " + os;
    }
}
