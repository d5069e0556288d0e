package io.mlco2.tracker.cpu;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

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

    @Test
    void theResidentSetOfAStatmFileIsItsSecondFieldTimesTheFourKibPage(@TempDir Path dir) throws Exception {
        long pages = 250_123;
        Path f = Files.writeString(dir.resolve("statm"), "1000000 " + pages + " 3000 40 0 5000 0\n");
        assertEquals(pages * 4096, ProcessMemory.residentBytes(f));
        Files.writeString(f, "1000000 " + pages + "\n");
        assertEquals(pages * 4096, ProcessMemory.residentBytes(f), "the last field, to the end of the text");
        Files.writeString(f, "7 1");
        assertEquals(4096, ProcessMemory.residentBytes(f));
    }

    @Test
    void withoutAReadableStatmTheResidentSetIsTheJvmsCommittedHeap(@TempDir Path dir) throws Exception {
        Path junk = Files.writeString(dir.resolve("junk"), "1000 pages\n");
        for (Path f : new Path[] {dir.resolve("absent"), junk}) {
            long before = Runtime.getRuntime().totalMemory();
            long rss = ProcessMemory.residentBytes(f);
            long after = Runtime.getRuntime().totalMemory();
            assertTrue(rss >= Math.min(before, after) && rss <= Math.max(before, after),
                    f.getFileName() + ": heap " + before + " / " + after + ", read " + rss);
            assertTrue(rss > 0, "a lower bound of the process's memory, not 0");
        }
    }
}
