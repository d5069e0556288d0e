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

    @Test
    void theInstalledMemoryIsMemTotalInKib(@TempDir Path dir) throws Exception {
        long kb = 24_683_748;
        Path m = Files.writeString(dir.resolve("meminfo"), "MemTotal:       " + kb + " kB\nMemFree:  5 kB\n");
        assertEquals(kb * 1024, HostInfo.memTotalBytes(m));
        Files.writeString(m, "MemTotal: 0 kB\n");
        assertEquals(0, HostInfo.memTotalBytes(m), "read as 0 (detection then asks OSHI)");
        // unknown (-1): without the unit, not a number, no MemTotal line, no file
        for (String text : new String[] {"MemTotal: " + kb + "\n", "MemTotal: " + kb + " MB\n", "MemTotal: x kB\n",
                "MemFree: 5 kB\n"}) {
            Files.writeString(m, text);
            assertEquals(-1, HostInfo.memTotalBytes(m), text);
        }
        assertEquals(-1, HostInfo.memTotalBytes(dir.resolve("absent")));
    }

    @Test
    void theHostnameIsHostnameElseTheKernelsElseTheJdks(@TempDir Path dir) throws Exception {
        Path kernel = Files.writeString(dir.resolve("hostname"), "  fixture-node-4711\n");
        assertEquals("node7", HostInfo.lookupHostname("node7", kernel), "$HOSTNAME first");
        assertEquals("fixture-node-4711", HostInfo.lookupHostname(null, kernel), "the kernel's, trimmed");
        assertEquals("fixture-node-4711", HostInfo.lookupHostname(" \t", kernel), "a blank $HOSTNAME is none");
        Files.writeString(kernel, "\n");
        String jdk;
        try {
            jdk = java.net.InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            jdk = "unknown";
        }
        assertEquals(jdk, HostInfo.lookupHostname(null, kernel), "an empty kernel name: the JDK's");
        assertEquals(jdk, HostInfo.lookupHostname(null, dir.resolve("absent")),
                "no kernel file (macOS, Windows): the JDK's, not one 'unknown' host for every such machine");
    }

    /** A cpuinfo, meminfo and sysfs CPU tree: {@code model} (none where null), {@code memKb}, 3 packages of 5 CPUs. */
    private static Path[] fixtures(Path dir, String model, long memKb) throws Exception {
        Path cpuinfo = Files.writeString(dir.resolve("cpuinfo"),
                "processor\t: 0\n" + (model == null ? "" : "model name\t: " + model + "\n") + "flags\t\t: fpu\n");
        Path meminfo = Files.writeString(dir.resolve("meminfo"), "MemTotal: " + memKb + " kB\nMemFree: 1 kB\n");
        Path sysfs = dir.resolve("cpu");
        String[] packageOfCpu = {"0", "0", "1", "1", "2"};
        for (int i = 0; i < packageOfCpu.length; i++) {
            cpu(sysfs, i, packageOfCpu[i]);
        }
        return new Path[] {cpuinfo, meminfo, sysfs};
    }

    @Test
    void whenTheFilesTellAllTheHostIsWhatTheySay(@TempDir Path dir) throws Exception {
        long memKb = 2048;
        Path[] f = fixtures(dir, "Fixture CPU @ 1.00GHz  ", memKb);
        HostInfo h = HostInfo.detectNow(QUIET, f[0], f[1], f[2]);
        assertEquals("Fixture CPU @ 1.00GHz", h.cpuModel());
        assertEquals(3, h.cpuPackages(), "packages 0, 1, 2");
        assertEquals(5, h.logicalProcessors(), "cpu0 to cpu4");
        assertEquals(memKb * 1024, h.totalMemoryBytes());
        assertNotNull(h.processor(), "OSHI's processor, created when first asked for");
    }

    /** OSHI's view of this machine, read here. */
    private static oshi.hardware.HardwareAbstractionLayer oshi() {
        return new oshi.SystemInfo().getHardware();
    }

    @Test
    void aMemTotalOfZeroIsUnknownAndOshiAnswersTheRestButTheModel(@TempDir Path dir) throws Exception {
        Path[] f = fixtures(dir, "Fixture CPU", 0);
        HostInfo h = HostInfo.detectNow(QUIET, f[0], f[1], f[2]);
        oshi.hardware.HardwareAbstractionLayer hal = oshi();
        assertEquals(hal.getMemory().getTotal(), h.totalMemoryBytes(), "OSHI's installed memory, not 0");
        assertEquals("Fixture CPU", h.cpuModel(), "the model from the file still");
        oshi.hardware.CentralProcessor p = hal.getProcessor();
        assertEquals(Math.max(1, p.getPhysicalPackageCount()), h.cpuPackages(), "OSHI's, not the tree's 3");
        assertEquals(Math.max(1, p.getLogicalProcessorCount()), h.logicalProcessors(), "OSHI's, not the tree's 5");
        assertNotNull(h.processor().get(), "OSHI's processor for the load model's fallback");

        Files.writeString(f[1], "MemTotal: 1 kB\n");
        HostInfo one = HostInfo.detectNow(QUIET, f[0], f[1], f[2]);
        assertEquals(1024, one.totalMemoryBytes(), "one step above: the file's");
        assertEquals(5, one.logicalProcessors(), "and the tree's counts");
    }

    @Test
    void withoutAModelNameOshiNamesTheCpuAndTheFilesMemoryStays(@TempDir Path dir) throws Exception {
        long memKb = 4096;
        Path[] f = fixtures(dir, null, memKb); // as on ARM: no "model name" line
        HostInfo h = HostInfo.detectNow(QUIET, f[0], f[1], f[2]);
        oshi.hardware.CentralProcessor p = oshi().getProcessor();
        assertEquals(p.getProcessorIdentifier().getName().trim(), h.cpuModel());
        assertEquals(memKb * 1024, h.totalMemoryBytes(), "the file's installed memory, not OSHI's");
        assertEquals(Math.max(1, p.getLogicalProcessorCount()), h.logicalProcessors());
        assertNotNull(h.processor().get());
    }
}
