package io.mlco2.tracker.cpu;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProcFileTest {

    @Test
    void rereadsFromTheStartIntoTheSameArray(@TempDir Path dir) throws Exception {
        Path f = Files.writeString(dir.resolve("f"), "abc\n");
        try (ProcFile p = new ProcFile(f, 16)) {
            byte[] b = p.bytes();
            assertEquals(4, p.read());
            Files.writeString(f, "xy");
            assertEquals(2, p.read());
            assertEquals("xy", new String(p.bytes(), 0, 2, StandardCharsets.US_ASCII));
            assertTrue(b == p.bytes(), "no array per read");
            Files.writeString(f, "0123456789abcdefghij");
            assertEquals(16, p.read(), "at most the buffer");
            Files.writeString(f, "");
            assertEquals(-1, p.read());
        }
    }

    @Test
    void aReadOnAnInterruptedThreadStillWorksAndLeavesTheFileOpen(@TempDir Path dir) throws Exception {
        // The sampler is interrupted when its executor stops; a FileChannel read would throw
        // ClosedByInterruptException and close the channel for every later read.
        Path f = Files.writeString(dir.resolve("stat"), "cpu  1 2 3 4 5 6 7 8\n");
        try (ProcStat p = ProcStat.open(f)) {
            long[] t = new long[ProcStat.TICKS];
            Thread.currentThread().interrupt();
            try {
                assertTrue(p.read(t));
            } finally {
                assertTrue(Thread.interrupted(), "the interrupt is left to its owner");
            }
            assertTrue(p.read(t), "still open");
            assertArrayEquals(new long[] {1, 2, 3, 4, 5, 6, 7, 8}, t);
        }
        Path self = Files.writeString(dir.resolve("self"), "9 (j) R 1 1 1 0 -1 0 0 0 0 0 300 200 0 0 20 0 1 0\n");
        try (ProcSelfStat p = ProcSelfStat.open(self)) {
            Thread.currentThread().interrupt();
            try {
                assertEquals(500 * ProcSelfStat.NANOS_PER_TICK, p.cpuNanos());
            } finally {
                Thread.interrupted();
            }
            assertEquals(500 * ProcSelfStat.NANOS_PER_TICK, p.cpuNanos());
        }
    }

    @Test
    void meminfoFields() {
        byte[] b = "MemTotal:       16303412 kB\nMemFree:         1024 kB\nMemAvailable: 9 kB\n".getBytes(StandardCharsets.US_ASCII);
        assertEquals(16303412, MachineMemory.field(b, b.length, "MemTotal:"));
        assertEquals(1024, MachineMemory.field(b, b.length, "MemFree:"));
        assertEquals(-1, MachineMemory.field(b, b.length, "Cached:"));
        assertEquals(-1, MachineMemory.field(b, 20, "MemFree:"), "beyond the bytes read");
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    void theMachinesMemoryOnAnInterruptedThread() {
        Thread.currentThread().interrupt();
        try {
            assertTrue(MachineMemory.usedBytes() > 0);
        } finally {
            Thread.interrupted();
        }
        assertTrue(MachineMemory.usedBytes() > 0);
    }

    @Test
    void aClosedFileCannotBeReadAgain(@TempDir Path dir) throws Exception {
        Path f = Files.writeString(dir.resolve("f"), "abc\n");
        ProcFile p = new ProcFile(f, 16);
        assertEquals(4, p.read());
        p.close();
        assertThrows(java.io.IOException.class, p::read, "the descriptor is released");
        p.close(); // a second close is harmless
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    void aReaderThatRefusesItsFileReleasesIt(@TempDir Path dir) throws Exception {
        // ProcStat and ProcSelfStat open the file, try one read, and return null when it is not theirs: the file
        // must not stay open for the rest of the host job.
        Path notStat = Files.writeString(dir.resolve("stat"), "intr 1 2 3\n");
        Path notSelf = Files.writeString(dir.resolve("self"), "junk");
        for (int i = 0; i < 3; i++) {
            assertNull(ProcStat.open(notStat));
            assertNull(ProcSelfStat.open(notSelf));
        }
        assertEquals(0, io.mlco2.tracker.base.OpenDescriptors.at(notStat), "ProcStat.open left " + notStat + " open");
        assertEquals(0, io.mlco2.tracker.base.OpenDescriptors.at(notSelf), "ProcSelfStat.open left " + notSelf + " open");

        Path stat = Files.writeString(dir.resolve("stat-ok"), "cpu  1 2 3 4 5 6 7 8\n");
        ProcStat p = ProcStat.open(stat);
        assertEquals(1, io.mlco2.tracker.base.OpenDescriptors.at(stat), "kept open between reads");
        p.close();
        assertEquals(0, io.mlco2.tracker.base.OpenDescriptors.at(stat));
    }
}
