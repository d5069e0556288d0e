package io.mlco2.tracker.cpu;

import io.mlco2.tracker.base.Log;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HostInfoTest {

    private static final Log QUIET = new Log(new PrintStream(OutputStream.nullOutputStream()), Log.Level.ERROR);

    /** The value of the last {@code key : value} line of a /proc file, parsed here independently of HostInfo. */
    private static String lastValue(Path file, String key) throws Exception {
        String value = null;
        for (String line : Files.readAllLines(file)) {
            String[] kv = line.split(":", 2);
            if (kv.length == 2 && kv[0].trim().equals(key) && !kv[1].trim().isEmpty()) {
                value = kv[1].trim();
            }
        }
        return value;
    }

    private static void cpu(Path root, int n, String pkg) throws Exception {
        Path t = root.resolve("cpu" + n + "/topology");
        Files.createDirectories(t);
        if (pkg != null) {
            Files.writeString(t.resolve("physical_package_id"), pkg + "\n");
        }
    }

    @Test
    void cpuDirectoriesAreCpuAndDigits() {
        for (String n : new String[] {"cpu0", "cpu17", "cpu", "cpufreq", "cpuidle", "cpu1a", "xcpu1", "CPU1", ""}) {
            assertEquals(n.matches("cpu[0-9]+"), HostInfo.isCpuDirectory(n), n);
        }
    }

    @Test
    void packagesAndLogicalProcessorsComeFromTheSysfsTopology(@TempDir Path root) throws Exception {
        cpu(root, 0, "0");
        cpu(root, 1, "0");
        cpu(root, 2, "1");
        cpu(root, 10, "1");
        Files.createDirectories(root.resolve("cpufreq"));
        Files.createDirectories(root.resolve("cpuidle"));
        assertArrayEquals(new int[] {2, 4}, HostInfo.sysfsCpuCounts(root));
    }

    @Test
    void anIncompleteOrMissingTreeLeavesItToOshi(@TempDir Path root) throws Exception {
        assertNull(HostInfo.sysfsCpuCounts(root.resolve("absent")));
        assertNull(HostInfo.sysfsCpuCounts(root), "no cpuN at all");
        cpu(root, 0, "0");
        cpu(root, 1, null);
        assertNull(HostInfo.sysfsCpuCounts(root), "cpu1 without its package id");
    }

    @Test
    void detectionOnThisMachineAgreesWithOshi() {
        Log quiet = new Log(new PrintStream(OutputStream.nullOutputStream()), Log.Level.ERROR);
        HostInfo h = HostInfo.detect(quiet);
        assertTrue(h.logicalProcessors() >= 1 && h.cpuPackages() >= 1, h.toString());
        assertTrue(h.totalMemoryBytes() > 0, h.toString());
        assertNotNull(h.processor(), "OSHI's processor stays available (lazily) for the load model's fallback");
        oshi.hardware.CentralProcessor p = h.processor().get();
        assertNotNull(p);
        assertEquals(p.getLogicalProcessorCount(), h.logicalProcessors(), "same count as OSHI's");
        assertEquals(p.getPhysicalPackageCount(), h.cpuPackages(), "same packages as OSHI's");
        assertTrue(h.processor().get() == p, "created once");
    }

    @Test
    void cpuDirectoryDigitsAreExactlyZeroToNine() {
        // the characters either side of '0' and '9' ('/' and ':') are not digits
        for (String n : new String[] {"cpu9", "cpu09", "cpu90", "cpu/", "cpu:", "cpu1/", "cpu1:"}) {
            assertEquals(n.matches("cpu[0-9]+"), HostInfo.isCpuDirectory(n), n);
        }
    }

    @Test
    void aProcFileValueIsTheTrimmedTextAfterTheColonOfTheLastNonEmptyKeyLine(@TempDir Path dir) throws Exception {
        Path f = Files.writeString(dir.resolve("cpuinfo"), String.join("\n",
                "processor\t: 0",
                "model name\t: First CPU  ",
                "processor\t: 1",
                "model name\t:   Second CPU @ 2.40GHz",
                "model name\t:   ",
                "flags\t\t: fpu vme",
                ": no key",
                ""));
        assertEquals("Second CPU @ 2.40GHz", HostInfo.procFileValue(f, "model name"),
                "the last line with a value; an empty value keeps the one before");
        assertEquals("1", HostInfo.procFileValue(f, "processor"), "the last processor line");
        assertEquals("fpu vme", HostInfo.procFileValue(f, "flags"));
        assertNull(HostInfo.procFileValue(f, "cache size"), "an absent key");
        assertNull(HostInfo.procFileValue(f, ""), "a line starting with the colon has no key");
        Path m = Files.writeString(dir.resolve("meminfo"), "MemTotal:       24683748 kB\nMemFree:  5 kB\n");
        assertEquals("24683748 kB", HostInfo.procFileValue(m, "MemTotal"));
        assertNull(HostInfo.procFileValue(dir.resolve("absent"), "MemTotal"), "an absent file");
    }

    @Test
    void totalMemoryInGbAndTheOneLineDescription() {
        HostInfo h = new HostInfo("Test CPU @ 3.0GHz", 2, 16, 12_500_000_000L, "Linux-6.1-amd64", "node7", null);
        assertEquals(12.5, h.totalMemoryGb(), 1e-12, "12.5e9 bytes are 12.5 GB (SI)");
        assertEquals("Test CPU @ 3.0GHz x2 (16 logical), 12.5 GB, Linux-6.1-amd64", h.toString());
        assertEquals(0.0, new HostInfo("", 1, 1, 0, "", "", null).totalMemoryGb(), 0.0, "unknown memory");
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    void onLinuxTheModelMemoryAndHostnameComeFromProc() throws Exception {
        HostInfo h = HostInfo.detect(QUIET);
        String model = lastValue(Path.of("/proc/cpuinfo"), "model name");
        if (model != null) {
            assertEquals(model, h.cpuModel());
        }
        String memTotal = lastValue(Path.of("/proc/meminfo"), "MemTotal");
        assertTrue(memTotal.endsWith(" kB"), memTotal);
        long kb = Long.parseLong(memTotal.substring(0, memTotal.length() - 3).trim());
        assertEquals(kb * 1024, h.totalMemoryBytes(), "MemTotal is in KiB");
        String env = System.getenv("HOSTNAME");
        String expectedHost = env != null && !env.isBlank() ? env
                : Files.readString(Path.of("/proc/sys/kernel/hostname")).trim();
        assertEquals(expectedHost, h.hostname());
        String os = System.getProperty("os.name") + "-" + System.getProperty("os.version") + "-"
                + System.getProperty("os.arch");
        assertEquals(os, h.os());
    }

    @Test
    void aPrefetchedDetectionIsTheOneDetectReturns() {
        HostInfo direct = HostInfo.detect(QUIET);
        HostInfo.prefetch(QUIET);
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().equals("mlco2-init-host")) {
                assertTrue(t.isDaemon(), "the prefetch never keeps the JVM alive");
            }
        }
        HostInfo prefetched = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> HostInfo.detect(QUIET),
                "the prefetch thread runs the detection");
        assertNotNull(prefetched);
        assertEquals(direct.cpuModel(), prefetched.cpuModel());
        assertEquals(direct.logicalProcessors(), prefetched.logicalProcessors());
        assertEquals(direct.totalMemoryBytes(), prefetched.totalMemoryBytes());
        assertEquals(direct.hostname(), prefetched.hostname());
    }

    @Test
    void anInterruptedWaitForThePrefetchDetectsHereAndKeepsTheInterrupt() {
        HostInfo.prefetch(QUIET);
        Thread.currentThread().interrupt();
        HostInfo h;
        try {
            h = HostInfo.detect(QUIET);
        } finally {
            assertTrue(Thread.interrupted(), "the interrupt is kept for the caller");
        }
        assertNotNull(h);
        assertTrue(h.logicalProcessors() >= 1, h.toString());
        assertFalse(Thread.currentThread().isInterrupted());
    }
}
