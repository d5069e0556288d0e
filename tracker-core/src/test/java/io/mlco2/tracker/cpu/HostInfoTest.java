package io.mlco2.tracker.cpu;

import io.mlco2.tracker.base.Log;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HostInfoTest {

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
}
