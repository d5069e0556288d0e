package io.mlco2.tracker.cpu;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProcSelfStatTest {

    private static long ticks(String line) {
        byte[] b = line.getBytes(StandardCharsets.US_ASCII);
        return ProcSelfStat.parseTicks(b, b.length);
    }

    @Test
    void utimePlusStimeCountedFromTheLastParenthesis() {
        assertEquals(1234 + 56, ticks("4242 (java) S 1 4242 4242 0 -1 4194560 100 0 2 0 1234 56 0 0 20 0 30 0\n"));
        assertEquals(7 + 8, ticks("1 (a b) c (d) S 1 1 1 0 -1 0 0 0 0 0 7 8 9 10 20 0 1 0\n"),
                "a command name with spaces and parentheses");
        assertEquals(-1, ticks("no parenthesis 1 2 3"));
        assertEquals(-1, ticks("1 (short) S 1 2 3"), "a truncated line");
        assertEquals(-1, ticks("1 (x) S 1 1 1 0 -1 0 0 0 0 0 12x 8 0"), "not a number");
    }

    @Test
    void anUnreadableFileIsNull(@TempDir Path dir) throws Exception {
        assertNull(ProcSelfStat.open(dir.resolve("absent")));
        Path junk = Files.writeString(dir.resolve("stat"), "junk");
        assertNull(ProcSelfStat.open(junk));
        Path ok = Files.writeString(dir.resolve("stat2"), "9 (j) R 1 1 1 0 -1 0 0 0 0 0 300 200 0 0 20 0 1 0\n");
        try (ProcSelfStat p = ProcSelfStat.open(ok)) {
            assertNotNull(p);
            assertEquals(500 * ProcSelfStat.NANOS_PER_TICK, p.cpuNanos());
        }
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    void agreesWithTheJdksProcessCpuTimeWithinTheTickResolution() {
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        double x = 0;
        long end = System.nanoTime() + 200_000_000L;
        while (System.nanoTime() < end) {
            x += Math.sqrt(x + 1);
        }
        try (ProcSelfStat p = ProcSelfStat.open()) {
            assertNotNull(p, "/proc/self/stat on Linux");
            long before = os.getProcessCpuTime();
            long ours = p.cpuNanos();
            long after = os.getProcessCpuTime();
            assertTrue(x > 0);
            // The kernel's tick accounting lags the scheduler's nanoseconds by up to a tick per thread.
            long slack = 50 * ProcSelfStat.NANOS_PER_TICK;
            assertTrue(ours >= before - slack && ours <= after + ProcSelfStat.NANOS_PER_TICK,
                    before + " <= " + ours + " <= " + after);
            assertTrue(ours >= 200_000_000L - slack, "at least the 0.2 s this thread burned: " + ours);
        }
    }

    @Test
    void processLoadFromAnyCpuClock() {
        long[] cpu = {0};
        CpuLoad load = CpuLoads.process(() -> cpu[0], 2, 0);
        cpu[0] = 1_000_000_000L;
        assertEquals(0.25, load.sinceLastCall(2_000_000_000L), 1e-12, "1 s of CPU over 2 s on 2 processors");
        cpu[0] = -1;
        assertTrue(Double.isNaN(load.sinceLastCall(3_000_000_000L)), "an unreadable clock");
    }

    @Test
    void theParenthesisMayBeFirstAndWithoutOneThereAreNoTicks() {
        assertEquals(7 + 8, ticks(") S 1 1 1 0 -1 0 0 0 0 0 7 8 0\n"), "an empty line start before ')'");
        assertEquals(-1, ticks("x S 1 1 1 0 -1 0 0 0 0 0 7 8 0\n"), "enough fields but no ')'");
    }

    @Test
    void theTickDigitsAreZeroToNine() {
        assertEquals(90 + 909, ticks("1 (j) S 1 1 1 0 -1 0 0 0 0 0 90 909 0\n"));
        assertEquals(-1, ticks("1 (j) S 1 1 1 0 -1 0 0 0 0 0 1: 2 0\n"), "':' follows '9'");
        assertEquals(-1, ticks("1 (j) S 1 1 1 0 -1 0 0 0 0 0 1 /2 0\n"), "'/' precedes '0'");
    }

    @Test
    void aProcessWithoutCpuTimeYetReadsZeroAndAnEmptyFileNothing(@TempDir Path dir) throws Exception {
        Path zero = Files.writeString(dir.resolve("stat"), "9 (j) R 1 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0\n");
        try (ProcSelfStat p = ProcSelfStat.open(zero)) {
            assertNotNull(p, "zero ticks are a reading");
            assertEquals(0, p.cpuNanos());
            assertEquals(0, p.getAsLong());
            Files.writeString(zero, "9 (j) R 1 1 1 0 -1 0 0 0 0 0 12 3 0 0 20 0 1 0\n");
            assertEquals((12 + 3) * 10_000_000L, p.getAsLong(), "15 ticks of 10 ms, re-read from the file");
            Files.writeString(zero, "");
            assertEquals(-1, p.cpuNanos(), "an empty read");
        }
        assertNull(ProcSelfStat.open(Files.writeString(dir.resolve("empty"), "")));
    }

    @Test
    void aClosedReaderHasNoCpuTime(@TempDir Path dir) throws Exception {
        Path f = Files.writeString(dir.resolve("stat"), "9 (j) R 1 1 1 0 -1 0 0 0 0 0 30 20 0 0 20 0 1 0\n");
        ProcSelfStat p = ProcSelfStat.open(f);
        assertEquals((30 + 20) * 10_000_000L, p.cpuNanos());
        p.close();
        assertEquals(-1, p.cpuNanos(), "closed: unknown, not 0 ns");
    }
}
