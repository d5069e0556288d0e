package io.mlco2.tracker.cpu;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
}
