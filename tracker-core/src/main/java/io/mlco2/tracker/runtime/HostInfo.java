package io.mlco2.tracker.runtime;

import oshi.SystemInfo;
import oshi.hardware.CentralProcessor;
import oshi.hardware.HardwareAbstractionLayer;

import java.util.Locale;

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

    public static HostInfo detect(Log log) {
        String os = System.getProperty("os.name", "") + "-" + System.getProperty("os.version", "") + "-"
                + System.getProperty("os.arch", "");
        String host = lookupHostname();
        try {
            HardwareAbstractionLayer hal = new SystemInfo().getHardware();
            CentralProcessor cpu = hal.getProcessor();
            return new HostInfo(cpu.getProcessorIdentifier().getName().trim(),
                    Math.max(1, cpu.getPhysicalPackageCount()), Math.max(1, cpu.getLogicalProcessorCount()),
                    hal.getMemory().getTotal(), os, host, cpu);
        } catch (Throwable t) {
            log.warn("hardware detection through OSHI failed (" + Log.describe(t) + "); CPU model unknown, "
                    + "CPU load from this JVM's CPU time");
            return new HostInfo("", 1, Math.max(1, Runtime.getRuntime().availableProcessors()), 0, os, host, null);
        }
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
