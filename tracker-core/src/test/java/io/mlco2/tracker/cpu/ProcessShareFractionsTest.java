package io.mlco2.tracker.cpu;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * This process's fractions of the machine's CPU and memory energy, from /proc-like fixtures rewritten between
 * samples; the expected fractions are worked out by hand from the tick counts written here.
 */
class ProcessShareFractionsTest {

    /** A /proc/stat whose cpu line has these user, nice, system, idle, iowait, irq, softirq, steal ticks. */
    private static String procStat(long user, long nice, long system, long idle, long iowait, long irq, long softirq,
                                   long steal) {
        return "cpu  " + user + " " + nice + " " + system + " " + idle + " " + iowait + " " + irq + " " + softirq + " "
                + steal + " 0 0\ncpu0 1 2 3 4 5 6 7 8 0 0\nintr 12345\n";
    }

    /** A /proc/self/stat with these utime and stime ticks; the command name holds a space and a parenthesis. */
    private static String selfStat(long utime, long stime) {
        return "4242 (java (x) y) S 1 4242 4242 0 -1 4194304 1000 0 0 0 " + utime + " " + stime
                + " 0 0 20 0 30 0 12345 999999 2000 18446744073709551615\n";
    }

    @Test
    void cpuShareIsThisProcessTicksOverTheMachinesBusyTicks(@TempDir Path dir) throws Exception {
        Path stat = dir.resolve("stat");
        Path self = dir.resolve("self-stat");
        Files.writeString(stat, procStat(1000, 10, 500, 8000, 300, 20, 30, 40));
        Files.writeString(self, selfStat(200, 100));
        ProcessCpuShare share = new ProcessCpuShare(stat, self);
        share.begin(0);

        // busy before: 1000+10+500+20+30+40 = 1600; after: 1600+100+0+200+0+0+0+0 = 1900 -> 300 busy ticks
        // (the idle and iowait ticks grow too and do not count); this process: (260+140) - (200+100) = 100 ticks.
        Files.writeString(stat, procStat(1100, 10, 700, 9000, 500, 20, 30, 40));
        Files.writeString(self, selfStat(260, 140));
        assertEquals(100.0 / 300.0, share.sinceLastCall(1), 1e-12);

        // Next interval: busy +50 (user), this process +50: all of the machine's work was this process's.
        Files.writeString(stat, procStat(1150, 10, 700, 9100, 500, 20, 30, 40));
        Files.writeString(self, selfStat(300, 150));
        assertEquals(1.0, share.sinceLastCall(2), 1e-12);

        // This process's ticks ahead of the machine's (the two files are read a moment apart): at most 1.
        Files.writeString(stat, procStat(1160, 10, 700, 9200, 500, 20, 30, 40));
        Files.writeString(self, selfStat(320, 150));
        assertEquals(1.0, share.sinceLastCall(3), 1e-12);

        // An idle interval: no busy tick, no tick of this process -> 0.
        Files.writeString(stat, procStat(1160, 10, 700, 9400, 500, 20, 30, 40));
        assertEquals(0.0, share.sinceLastCall(4), 1e-12);

        // A busy machine, this process idle -> 0.
        Files.writeString(stat, procStat(1360, 10, 700, 9400, 500, 20, 30, 40));
        assertEquals(0.0, share.sinceLastCall(5), 1e-12);
    }

    @Test
    void unreadableProcFilesGiveAnUnknownShare(@TempDir Path dir) throws Exception {
        Path stat = dir.resolve("stat");
        Files.writeString(stat, procStat(1, 1, 1, 1, 1, 1, 1, 1));
        ProcessCpuShare share = new ProcessCpuShare(stat, dir.resolve("absent"));
        share.begin(0);
        assertTrue(Double.isNaN(share.sinceLastCall(1)));
        ProcessCpuShare notBegun = new ProcessCpuShare(dir.resolve("absent"), dir.resolve("absent too"));
        assertTrue(Double.isNaN(notBegun.sinceLastCall(1)));
    }

    @Test
    void aFirstCallWithoutBeginStartsTheCountAndTheNextGivesTheShare(@TempDir Path dir) throws Exception {
        Path stat = dir.resolve("stat");
        Path self = dir.resolve("self-stat");
        Files.writeString(stat, procStat(100, 0, 100, 1000, 0, 0, 0, 0));
        Files.writeString(self, selfStat(10, 10));
        ProcessCpuShare share = new ProcessCpuShare(stat, self);
        assertTrue(Double.isNaN(share.sinceLastCall(1)), "no interval yet");
        // busy 200 -> 600 (400 ticks); this process 20 -> 120 (100 ticks)
        Files.writeString(stat, procStat(300, 0, 300, 1500, 0, 0, 0, 0));
        Files.writeString(self, selfStat(70, 50));
        assertEquals(100.0 / 400.0, share.sinceLastCall(2), 1e-12);
    }

    @Test
    void countersStartingAtZeroAreKnownCounts(@TempDir Path dir) throws Exception {
        Path stat = dir.resolve("stat");
        Path self = dir.resolve("self-stat");
        // A machine with no busy tick yet and a process with no CPU time yet: zero is a count, not "unknown".
        Files.writeString(stat, procStat(0, 0, 0, 500, 0, 0, 0, 0));
        Files.writeString(self, selfStat(0, 0));
        ProcessCpuShare share = new ProcessCpuShare(stat, self);
        share.begin(0);
        Files.writeString(stat, procStat(150, 0, 50, 600, 0, 0, 0, 0));
        Files.writeString(self, selfStat(30, 20));
        assertEquals(50.0 / 200.0, share.sinceLastCall(1), 1e-12);

        // Still no CPU time of its own (0 ticks) while the machine works: a share of 0, not unknown.
        ProcessCpuShare idle = new ProcessCpuShare(stat, dir.resolve("idle-self"));
        Files.writeString(dir.resolve("idle-self"), selfStat(0, 0));
        idle.begin(0);
        Files.writeString(stat, procStat(250, 0, 50, 700, 0, 0, 0, 0));
        assertEquals(0.0, idle.sinceLastCall(1), 1e-12);
    }

    @Test
    void aFileThatStopsParsingMidRunGivesAnUnknownShareThenRecovers(@TempDir Path dir) throws Exception {
        Path stat = dir.resolve("stat");
        Path self = dir.resolve("self-stat");
        Files.writeString(stat, procStat(100, 0, 100, 1000, 0, 0, 0, 0));
        Files.writeString(self, selfStat(10, 10));
        ProcessCpuShare share = new ProcessCpuShare(stat, self);
        share.begin(0);

        Files.writeString(stat, "garbage\n"); // the machine's ticks unreadable: unknown, not 0
        Files.writeString(self, selfStat(20, 20));
        assertTrue(Double.isNaN(share.sinceLastCall(1)));
        Files.writeString(stat, procStat(200, 0, 200, 1100, 0, 0, 0, 0));
        assertTrue(Double.isNaN(share.sinceLastCall(2)), "no earlier count to take the interval from");
        // busy 400 -> 500 (100 ticks); this process 40 -> 65 (25 ticks)
        Files.writeString(stat, procStat(250, 0, 250, 1200, 0, 0, 0, 0));
        Files.writeString(self, selfStat(40, 25));
        assertEquals(25.0 / 100.0, share.sinceLastCall(3), 1e-12);

        Files.writeString(self, "4242 (java) S 1 2\n"); // this process's ticks unreadable: unknown, not 0
        Files.writeString(stat, procStat(300, 0, 300, 1300, 0, 0, 0, 0));
        assertTrue(Double.isNaN(share.sinceLastCall(4)));
    }

    @Test
    void memoryShareIsTheResidentSetOverTheInstalledMemory() {
        long[] rss = {2_000_000_000L};
        ProcessMemoryShare share = new ProcessMemoryShare(() -> rss[0], 16_000_000_000L);
        share.begin(0);
        assertEquals(0.125, share.sinceLastCall(1), 1e-12);
        rss[0] = 4_000_000_000L;
        assertEquals(0.25, share.sinceLastCall(2), 1e-12);
        // Under the RAM model the machine's power is 16 GB x W/GB; its share is this process's 4 GB x W/GB.
        assertEquals(4 * RamModelSource.WATTS_PER_GB, 16 * RamModelSource.WATTS_PER_GB * share.sinceLastCall(3), 1e-12);
        rss[0] = -1;
        assertTrue(Double.isNaN(share.sinceLastCall(4)));
        assertTrue(Double.isNaN(new ProcessMemoryShare(() -> 1, 0).sinceLastCall(1)));
        rss[0] = 0; // nothing resident is a share of 0, not unknown
        assertEquals(0.0, share.sinceLastCall(5), 0.0);
    }
}
