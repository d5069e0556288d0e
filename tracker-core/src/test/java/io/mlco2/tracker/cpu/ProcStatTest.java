package io.mlco2.tracker.cpu;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;
import oshi.hardware.CentralProcessor;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProcStatTest {

    @Test
    void theTickOrderIsOshis() {
        assertEquals(ProcStat.TICKS, CentralProcessor.TickType.values().length);
        assertEquals(CentralProcessor.TickType.IDLE.getIndex(), ProcStat.IDLE);
        assertEquals(CentralProcessor.TickType.IOWAIT.getIndex(), ProcStat.IOWAIT);
    }

    @Test
    void readsTheAggregateLine(@TempDir Path dir) throws Exception {
        Path f = Files.writeString(dir.resolve("stat"),
                "cpu  10 2 30 400 5 6 7 8 9 10\ncpu0 1 1 1 1 1 1 1 1 1 1\nintr 1\n");
        try (ProcStat p = ProcStat.open(f)) {
            assertNotNull(p);
            long[] t = new long[ProcStat.TICKS];
            assertTrue(p.read(t));
            assertArrayEquals(new long[] {10, 2, 30, 400, 5, 6, 7, 8}, t, "guest ticks are already in user's");
            Files.writeString(f, "cpu  11 2 31 500 5 6 7 8\n");
            assertTrue(p.read(t), "re-read from the start of the same open file");
            assertArrayEquals(new long[] {11, 2, 31, 500, 5, 6, 7, 8}, t);
        }
    }

    @Test
    void anOldKernelsShorterLineEndsInZeros(@TempDir Path dir) throws Exception {
        try (ProcStat p = ProcStat.open(Files.writeString(dir.resolve("stat"), "cpu  1 2 3 4\n"))) {
            assertNotNull(p);
            long[] t = new long[ProcStat.TICKS];
            assertTrue(p.read(t));
            assertArrayEquals(new long[] {1, 2, 3, 4, 0, 0, 0, 0}, t);
        }
    }

    @Test
    void anythingElseIsNotReadSoOshiIsAsked(@TempDir Path dir) throws Exception {
        assertNull(ProcStat.open(dir.resolve("absent")));
        assertNull(ProcStat.open(Files.writeString(dir.resolve("a"), "intr 1 2 3\n")));
        assertNull(ProcStat.open(Files.writeString(dir.resolve("b"), "cpu  1 2 x\n")), "fewer than four numbers");
        Path f = Files.writeString(dir.resolve("c"), "cpu  1 2 3 4 5 6 7 8\n");
        try (ProcStat p = ProcStat.open(f)) {
            Files.writeString(f, "");
            assertFalse(p.read(new long[ProcStat.TICKS]));
        }
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    void theMachinesTicksAgreeWithOshis() {
        try (ProcStat p = ProcStat.open()) {
            assertNotNull(p, "/proc/stat on Linux");
            long[] before = new long[ProcStat.TICKS];
            long[] after = new long[ProcStat.TICKS];
            assertTrue(p.read(before));
            long[] oshi = new oshi.SystemInfo().getHardware().getProcessor().getSystemCpuLoadTicks();
            assertTrue(p.read(after));
            for (int i = 0; i < ProcStat.TICKS; i++) {
                // OSHI reports milliseconds (USER_HZ ticks x 10 here); read between our two reads
                long ms = oshi[i];
                assertTrue(ms >= before[i] * 10 - 10 && ms <= after[i] * 10 + 10,
                        "tick " + i + ": OSHI " + ms + " ms, ours " + before[i] + ".." + after[i] + " ticks");
            }
        }
    }

    @Test
    void bytesLeftFromALongerEarlierReadAreNotParsed(@TempDir Path dir) throws Exception {
        Path f = Files.writeString(dir.resolve("stat"), "cpu  10 20 30 40 50 60 70 80 90 99\n");
        try (ProcStat p = ProcStat.open(f)) {
            long[] t = new long[ProcStat.TICKS];
            assertTrue(p.read(t));
            Files.writeString(f, "cpu  1 2 3 4"); // shorter, no newline: the buffer still holds the old digits after it
            assertTrue(p.read(t));
            assertArrayEquals(new long[] {1, 2, 3, 4, 0, 0, 0, 0}, t, "an old kernel's four fields, the rest zero");
            Files.writeString(f, "cpu  1 2 3");
            assertFalse(p.read(t), "user, nice, system and idle at least");
            Files.writeString(f, "cpu ");
            assertFalse(p.read(t));
            Files.writeString(f, "cpu  7");
            assertFalse(p.read(t));
            Files.writeString(f, "cpu0 1 2 3 4 5\n");
            assertFalse(p.read(t), "not the aggregate line");
        }
    }

    @Test
    void ticksStartingWithZeroOrNineAreRead(@TempDir Path dir) throws Exception {
        Path f = Files.writeString(dir.resolve("stat"), "cpu  9 0 90 0 0 9 0 0 0 0\n");
        try (ProcStat p = ProcStat.open(f)) {
            assertNotNull(p);
            long[] t = new long[ProcStat.TICKS];
            assertTrue(p.read(t));
            assertArrayEquals(new long[] {9, 0, 90, 0, 0, 9, 0, 0}, t);
        }
    }

    @Test
    void aClosedReaderReadsNothing(@TempDir Path dir) throws Exception {
        Path f = Files.writeString(dir.resolve("stat"), "cpu  1 2 3 4 5 6 7 8\n");
        ProcStat p = ProcStat.open(f);
        long[] t = new long[ProcStat.TICKS];
        assertTrue(p.read(t));
        p.close();
        assertFalse(p.read(t), "closed: no ticks, and no exception into the sampler");
    }

    @Test
    void aShorterLineEndingInASpaceDoesNotReadTheDigitLeftAfterIt(@TempDir Path dir) throws Exception {
        String longer = "cpu  1 2 3 4 5 6 7 8\n";
        String shorter = "cpu  1 2 3 "; // three fields and a space; the buffer's next byte is the old '4'
        assertEquals('4', longer.charAt(shorter.length()), "the fixture's premise");
        Path f = Files.writeString(dir.resolve("stat"), longer);
        try (ProcStat p = ProcStat.open(f)) {
            long[] t = new long[ProcStat.TICKS];
            assertTrue(p.read(t));
            Files.writeString(f, shorter);
            assertFalse(p.read(t), "no idle field in the bytes read");
        }
    }

    @Test
    void aLineOfSpacesToTheEndOfTheBufferEndsAtTheBytesRead(@TempDir Path dir) throws Exception {
        int bufferBytes = 512; // ProcStat's buffer: one read takes at most this much
        StringBuilder line = new StringBuilder("cpu  1 2 3 4");
        while (line.length() < bufferBytes + 10) {
            line.append(' ');
        }
        Path f = Files.writeString(dir.resolve("stat"), line + "5\n"); // the fifth field is beyond the bytes read
        try (ProcStat p = ProcStat.open(f)) {
            assertNotNull(p, "four fields, then spaces to the end of the read");
            long[] t = new long[ProcStat.TICKS];
            assertTrue(p.read(t));
            assertArrayEquals(new long[] {1, 2, 3, 4, 0, 0, 0, 0}, t);
        }
    }
}
