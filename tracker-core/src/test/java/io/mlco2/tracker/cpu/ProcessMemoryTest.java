package io.mlco2.tracker.cpu;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProcessMemoryTest {

    @Test
    @EnabledOnOs(OS.LINUX)
    void theResidentSetAgreesWithProcSelfStatus() throws Exception {
        long rss = ProcessMemory.residentBytes();
        long vmRss = -1;
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                vmRss = Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        assertEquals(0, rss % 4096, "whole pages");
        // the heap moves between the two reads: within 64 MB
        assertEquals((double) vmRss, (double) rss, 64e6, "statm " + rss + ", status " + vmRss);
    }

    /** The second field of /proc/self/statm (resident pages) x 4096, parsed here. */
    private static long statmResidentBytes() throws Exception {
        String[] f = Files.readString(Path.of("/proc/self/statm")).trim().split(" ");
        return Long.parseLong(f[1]) * 4096;
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    void theResidentSetIsStatmsSecondFieldInPages() throws Exception {
        // Read between two reads of the file here: equal to them when the resident set held still (retried until
        // it does), within them otherwise; never the JVM's heap (the fallback where statm cannot be read).
        for (int attempt = 0; ; attempt++) {
            long before = statmResidentBytes();
            long rss = ProcessMemory.residentBytes();
            long after = statmResidentBytes();
            if (before == after || attempt == 20) {
                assertTrue(rss >= Math.min(before, after) && rss <= Math.max(before, after),
                        "statm " + before + " / " + after + ", read " + rss);
                return;
            }
        }
    }
}
