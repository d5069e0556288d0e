package io.mlco2.tracker.cpu;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;
import oshi.hardware.CentralProcessor;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

/** The machine's load from tick deltas, and this JVM's load from its CPU time. */
class CpuLoadsTest {

    static final long S = 1_000_000_000L;

    /** A /proc/stat aggregate line: user nice system idle iowait irq softirq steal. */
    static String stat(long... t) {
        StringBuilder b = new StringBuilder("cpu ");
        for (long v : t) {
            b.append(' ').append(v);
        }
        return b.append(" 0 0\ncpu0 1 1 1 1 1 1 1 1 0 0\n").toString();
    }

    /** busy share of the tick deltas: everything but idle (3) and iowait (4) */
    static double busy(long[] before, long[] after) {
        long total = 0;
        for (int i = 0; i < before.length; i++) {
            total += after[i] - before[i];
        }
        long idle = after[3] - before[3] + after[4] - before[4];
        return (double) (total - idle) / total;
    }

    @Test
    void machineLoadIsTheBusyShareOfTheTicksSinceTheLastCall(@TempDir Path dir) throws Exception {
        long[][] ticks = {
            {1000, 10, 500, 8000, 100, 5, 5, 0},
            {1010, 10, 510, 8060, 120, 5, 5, 0},     // 20 busy of 100
            {1060, 10, 560, 8110, 120, 5, 5, 0},     // 100 busy of 150
            {1061, 10, 560, 8310, 220, 6, 6, 2},     // 4 busy of 304
        };
        Path f = dir.resolve("stat");
        Files.writeString(f, stat(ticks[0]));
        try (ProcStat p = ProcStat.open(f)) {
            CpuLoad load = CpuLoads.machine(null, p, 4, 0);
            double first = load.sinceLastCall(S); // no earlier ticks: this JVM's share since the start
            assertTrue(first >= 0 && first <= 1, "first " + first);
            for (int k = 1; k < ticks.length; k++) {
                Files.writeString(f, stat(ticks[k]));
                assertEquals(busy(ticks[k - 1], ticks[k]), load.sinceLastCall((k + 1) * S), 1e-12, "call " + k);
            }
            assertEquals(0.2, busy(ticks[0], ticks[1]), 1e-12);
            // unchanged ticks: no time passed for the kernel, the load is unknown
            assertTrue(Double.isNaN(load.sinceLastCall(10 * S)));
        }
    }

    @Test
    void withoutProcStatTheTicksComeFromOshi() {
        CentralProcessor cpu = mock(CentralProcessor.class);
        Deque<long[]> answers = new ArrayDeque<>();
        answers.add(new long[] {100, 0, 100, 800, 0, 0, 0, 0});
        answers.add(new long[] {175, 0, 125, 850, 50, 0, 0, 0}); // 100 busy of 200
        when(cpu.getSystemCpuLoadTicks()).thenAnswer(inv -> answers.poll());
        CpuLoad load = CpuLoads.machine(() -> cpu, null, 2, 0);
        load.sinceLastCall(S);
        assertEquals(0.5, load.sinceLastCall(2 * S), 1e-12);
    }

    @Test
    void anUnreadableMachineLoadIsUnknown() {
        CpuLoad noCpu = CpuLoads.machine(null, null, 2, 0);
        assertTrue(Double.isNaN(noCpu.sinceLastCall(S)));
        CpuLoad nullCpu = CpuLoads.machine(() -> null, null, 2, 0);
        assertTrue(Double.isNaN(nullCpu.sinceLastCall(S)));
    }

    @Test
    void aProcStatThatStopsReadingFallsBackToOshi(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("stat");
        Files.writeString(f, stat(100, 0, 100, 800, 0, 0, 0, 0));
        CentralProcessor cpu = mock(CentralProcessor.class);
        when(cpu.getSystemCpuLoadTicks()).thenReturn(new long[] {130, 0, 130, 840, 0, 0, 0, 0}); // 60 busy of 100
        try (ProcStat p = ProcStat.open(f)) {
            CpuLoad load = CpuLoads.machine(() -> cpu, p, 2, 0);
            load.sinceLastCall(S);
            Files.writeString(f, "garbage\n");
            assertEquals(0.6, load.sinceLastCall(2 * S), 1e-12);
        }
    }

    @Test
    void processLoadIsCpuTimeOverWallTimeAndProcessors() {
        long[] cpuNanos = {0};
        long start = 5 * S;
        int processors = 4;
        CpuLoad load = CpuLoads.process(() -> cpuNanos[0], processors, start);
        cpuNanos[0] = 2 * S;
        assertEquals(2.0 / (1.0 * processors), load.sinceLastCall(start + S), 1e-12, "2 s of CPU in 1 s on 4");
        cpuNanos[0] = 3 * S;
        assertEquals(1.0 / (2.0 * processors), load.sinceLastCall(start + 3 * S), 1e-12, "1 s of CPU in 2 s on 4");
        assertEquals(0.0, load.sinceLastCall(start + 4 * S), 0.0, "no CPU time is a zero load");
        assertTrue(Double.isNaN(load.sinceLastCall(start + 4 * S)), "no wall time: unknown");
        cpuNanos[0] = 100 * S;
        assertEquals(1.0, load.sinceLastCall(start + 5 * S), 0.0, "capped at 1");
    }

    @Test
    void anUnreadableProcessCpuTimeIsUnknown() {
        long[] cpuNanos = {-1};
        CpuLoad load = CpuLoads.process(() -> cpuNanos[0], 2, 0);
        assertTrue(Double.isNaN(load.sinceLastCall(S)));
        cpuNanos[0] = S;
        assertTrue(Double.isNaN(load.sinceLastCall(2 * S)), "the previous value was unreadable");
        cpuNanos[0] = 0;
        CpuLoad zero = CpuLoads.process(() -> cpuNanos[0], 2, 0);
        assertEquals(0.0, zero.sinceLastCall(S), 0.0, "zero CPU time since the start is readable");
    }

    @Test
    void theRealProbesAnswerAProportion() {
        CpuLoad p = CpuLoads.process(Runtime.getRuntime().availableProcessors(), System.nanoTime() - S);
        double v = p.sinceLastCall(System.nanoTime());
        assertTrue(v >= 0 && v <= 1, "process " + v);
    }

    @Test
    void cpuTimeWithoutWallTimeIsUnknownNotFull() {
        long[] cpuNanos = {0};
        CpuLoad load = CpuLoads.process(() -> cpuNanos[0], 2, 0);
        load.sinceLastCall(S);
        cpuNanos[0] = S;
        assertTrue(Double.isNaN(load.sinceLastCall(S)), "no wall time passed");
    }

    @Test
    void oshiTicksOfAnotherLengthThanBeforeAreUnknown() {
        CentralProcessor cpu = mock(CentralProcessor.class);
        when(cpu.getSystemCpuLoadTicks()).thenReturn(new long[] {1, 0, 1, 8, 0, 0, 0}, new long[] {2, 0, 2, 9, 0, 0, 0, 0});
        CpuLoad load = CpuLoads.machine(() -> cpu, null, 2, 0);
        load.sinceLastCall(S);
        assertTrue(Double.isNaN(load.sinceLastCall(2 * S)));
    }

    @Test
    void ticksWhoseDeltasSumToZeroAreUnknown(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("stat");
        Files.writeString(f, stat(100, 0, 100, 800, 0, 0, 0, 0));
        try (ProcStat p = ProcStat.open(f)) {
            CpuLoad load = CpuLoads.machine(null, p, 2, 0);
            load.sinceLastCall(S);
            Files.writeString(f, stat(90, 0, 100, 810, 0, 0, 0, 0)); // a counter went back: no time in total
            assertTrue(Double.isNaN(load.sinceLastCall(2 * S)));
        }
    }

    @Test
    void afterOshiTicksOfAnotherLengthProcStatReadsAgain(@TempDir Path dir) throws Exception {
        long[] t1 = {200, 0, 200, 1600, 0, 0, 0, 0};
        long[] t2 = {230, 0, 240, 1650, 10, 0, 0, 0}; // 70 busy of 130
        Path f = dir.resolve("stat");
        Files.writeString(f, stat(100, 0, 100, 800, 0, 0, 0, 0));
        CentralProcessor cpu = mock(CentralProcessor.class);
        when(cpu.getSystemCpuLoadTicks()).thenAnswer(inv -> new long[] {1, 0, 1, 8, 0, 0, 0});
        try (ProcStat p = ProcStat.open(f)) {
            CpuLoad load = CpuLoads.machine(() -> cpu, p, 2, 0);
            load.sinceLastCall(S);
            Files.writeString(f, "garbage\n");
            assertTrue(Double.isNaN(load.sinceLastCall(2 * S)), "OSHI's 7 ticks against /proc/stat's 8");
            Files.writeString(f, stat(t1));
            assertTrue(Double.isNaN(load.sinceLastCall(3 * S)), "/proc/stat's 8 against OSHI's 7");
            Files.writeString(f, stat(t2));
            assertEquals(busy(t1, t2), load.sinceLastCall(4 * S), 1e-12, "two /proc/stat readings in a row");
            assertEquals(70.0 / 130, busy(t1, t2), 1e-12);
        }
    }

    @Test
    void theMachineProbeOfThisHostAnswersAProportion() {
        CpuLoad load = CpuLoads.machine(null, Runtime.getRuntime().availableProcessors(), System.nanoTime() - S);
        assertNotNull(load);
        double first = load.sinceLastCall(System.nanoTime());
        assertTrue(Double.isNaN(first) || first >= 0 && first <= 1, "first " + first);
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    void thisJvmsLoadOverALongWallTimeIsItsCpuTimeOverThatTime() {
        long wallNanos = 1_000_000L * S; // a long wall time keeps the load below 1, so the CPU time can be recovered
        long before;
        long after;
        double load;
        try (ProcSelfStat self = ProcSelfStat.open()) {
            assertNotNull(self);
            long now = System.nanoTime();
            before = self.cpuNanos();
            load = CpuLoads.process(1, now - wallNanos).sinceLastCall(now);
            after = self.cpuNanos();
        }
        double cpuNanos = load * wallNanos;
        assertTrue(cpuNanos >= before - 1 && cpuNanos <= after + 1, before + " <= " + cpuNanos + " <= " + after);
    }

    @Test
    void theProcessLoadReadsTheStatFileGiven(@TempDir Path dir) throws Exception {
        long utimeTicks = 300;
        long stimeTicks = 200;
        Path f = Files.writeString(dir.resolve("stat"),
                "9 (j) R 1 1 1 0 -1 0 0 0 0 0 " + utimeTicks + " " + stimeTicks + " 0 0 20 0 1 0\n");
        try (ProcSelfStat self = ProcSelfStat.open(f)) {
            assertNotNull(self);
            int processors = 2;
            long wallNanos = 10 * S;
            double cpuNanos = (utimeTicks + stimeTicks) * 10_000_000.0; // USER_HZ = 100
            assertEquals(cpuNanos / (wallNanos * (double) processors),
                    CpuLoads.processFrom(self, processors, 0).sinceLastCall(wallNanos), 1e-12,
                    "5 s of CPU over 10 s on 2 processors, from the file (not the JDK's bean)");
        }
    }

    @Test
    void withoutAStatFileTheProcessLoadIsTheJdksProcessCpuTime() {
        com.sun.management.OperatingSystemMXBean os = (com.sun.management.OperatingSystemMXBean)
                java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        long wallNanos = 1_000_000 * S; // long enough that the load is not capped at 1
        CpuLoad load = CpuLoads.processFrom(null, 1, 0);
        long before = os.getProcessCpuTime();
        double v = load.sinceLastCall(wallNanos);
        long after = os.getProcessCpuTime();
        assertTrue(before > 0, "the bean answers: " + before);
        double cpuNanos = v * wallNanos; // the CPU time the load was computed from
        assertTrue(cpuNanos >= before - 1e3 && cpuNanos <= after + 1e3,
                "bean " + before + " / " + after + " ns, load " + v + " x " + wallNanos + " ns = " + cpuNanos);
    }
}
