package io.mlco2.tracker.cpu;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** /proc/meminfo fields at the edges of the bytes read, and the machine's used memory against the file itself. */
class MachineMemoryTest {

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    void aValueRunningToTheEndOfTheBytesIsReadWhole() {
        byte[] b = ascii("MemTotal: 2048 kB\nMemFree:   1024"); // no trailing newline, array exactly the bytes read
        assertEquals(1024, MachineMemory.field(b, b.length, "MemFree:"));
        assertEquals(102, MachineMemory.field(b, b.length - 1, "MemFree:"), "only the bytes read count");
        assertEquals(2048, MachineMemory.field(b, b.length, "MemTotal:"));
    }

    @Test
    void aKeyWithoutDigitsHasNoValue() {
        byte[] b = ascii("MemTotal: 2048 kB\nMemFree:");
        assertEquals(-1, MachineMemory.field(b, b.length, "MemFree:"));
        byte[] c = ascii("MemFree:    kB\n");
        assertEquals(-1, MachineMemory.field(c, c.length, "MemFree:"));
        byte[] d = ascii("MemFree:    ");
        assertEquals(-1, MachineMemory.field(d, d.length, "MemFree:"));
    }

    @Test
    void aKeyOnlyMatchesAtTheStartOfALine() {
        byte[] b = ascii("XMemFree: 5\nMemFree: 7\n");
        assertEquals(7, MachineMemory.field(b, b.length, "MemFree:"));
        byte[] c = ascii("Mem\nMemFree: 3\n");
        assertEquals(3, MachineMemory.field(c, c.length, "MemFree:"));
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    void usedMemoryIsTotalMinusFreeOfProcMeminfoInBytes() throws Exception {
        long used = MachineMemory.usedBytes();
        long total = -1;
        long free = -1;
        for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
            String[] f = line.trim().split("\\s+");
            if (f[0].equals("MemTotal:")) {
                total = Long.parseLong(f[1]) * 1024;
            } else if (f[0].equals("MemFree:")) {
                free = Long.parseLong(f[1]) * 1024;
            }
        }
        // free memory moves between the two reads: within 2 % of the machine's memory
        assertEquals((double) (total - free), (double) used, total * 0.02, "used " + used + " of " + total);
        assertTrue(MachineMemory.usedBytes() <= total);
    }

    @Test
    void aLastLineWithoutTheKeyRunningToTheEndOfTheArrayIsNoValue() {
        byte[] b = ascii("MemTotal: 2048 kB\nMemAvailable: 1"); // no newline, array exactly the bytes read
        assertEquals(-1, MachineMemory.field(b, b.length, "MemFree:"));
        byte[] c = ascii("Mem");
        assertEquals(-1, MachineMemory.field(c, c.length, "MemFree:"), "fewer bytes left than the key");
    }

    /** MemTotal - MemFree of /proc/meminfo in bytes, parsed here. */
    private static long[] totalAndUsed() throws Exception {
        long total = -1;
        long free = -1;
        for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
            String[] f = line.trim().split("\\s+");
            if (f[0].equals("MemTotal:")) {
                total = Long.parseLong(f[1]) * 1024;
            } else if (f[0].equals("MemFree:")) {
                free = Long.parseLong(f[1]) * 1024;
            }
        }
        return new long[] {total, total - free};
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    void memoryInUseIsTheMachinesUsedMemoryInBytesAndGb() throws Exception {
        long[] tu = totalAndUsed();
        long total = tu[0];
        long used = tu[1];
        long inUse = MachineMemory.inUseBytes();
        assertTrue(inUse > 0, "in use " + inUse);
        // free memory moves between the two reads: within 2 % of the machine's memory
        assertEquals((double) used, (double) inUse, total * 0.02, "in use " + inUse + " of " + total);
        double gb = MachineMemory.inUseGb();
        assertEquals(used / 1e9, gb, total * 0.02 / 1e9, "in use " + gb + " GB of " + total + " bytes");
    }

    @Test
    void theDigitsAreZeroToNine() {
        byte[] b = ascii("MemFree: 09:1 kB\n"); // ':' follows '9'
        assertEquals(9, MachineMemory.field(b, b.length, "MemFree:"));
        byte[] c = ascii("MemFree: /1 kB\n"); // '/' precedes '0'
        assertEquals(-1, MachineMemory.field(c, c.length, "MemFree:"));
        byte[] d = ascii("MemFree: 0 kB\n");
        assertEquals(0, MachineMemory.field(d, d.length, "MemFree:"));
    }

    private static java.lang.reflect.Field staticField(String name) throws Exception {
        java.lang.reflect.Field f = MachineMemory.class.getDeclaredField(name);
        f.setAccessible(true);
        return f;
    }

    /**
     * The reader is opened once per JVM, on the first call: the two states are reset here (by reflection, and
     * restored) so that the first call's path runs whatever ran before in this JVM.
     */
    @Test
    @EnabledOnOs(OS.LINUX)
    void theFirstCallOpensProcMeminfoAndAnUnavailableFileIsRemembered() throws Exception {
        java.lang.reflect.Field shared = staticField("shared");
        java.lang.reflect.Field unavailable = staticField("unavailable");
        withStates(false, () -> {
            long[] tu = totalAndUsed();
            long used = MachineMemory.usedBytes();
            assertEquals((double) tu[1], (double) used, tu[0] * 0.02, "first call: used " + used + " of " + tu[0]);
            assertTrue(shared.get(null) != null, "kept open for the next samples");
            assertEquals((double) tu[1], (double) MachineMemory.usedBytes(), tu[0] * 0.02, "second call");

            shared.set(null, null);
            unavailable.setBoolean(null, true);
            assertEquals(-1, MachineMemory.usedBytes(), "not tried again once unavailable");
            assertTrue(shared.get(null) == null);
        });
    }

    /** The machine's memory in use by the JDK's bean, in bytes, as the fallback reads it (total - free). */
    private static long beanUsedBytes() {
        com.sun.management.OperatingSystemMXBean os = (com.sun.management.OperatingSystemMXBean)
                java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        return os.getTotalMemorySize() - os.getFreeMemorySize();
    }

    private interface Check {
        void run() throws Exception;
    }

    /**
     * Runs {@code check} with the reader's two per-JVM states reset by reflection (not opened; {@code unavailable} as
     * given), so that the first call's path runs whatever ran before in this JVM; both are restored after.
     */
    private static void withStates(boolean unavailableNow, Check check) throws Exception {
        java.lang.reflect.Field shared = staticField("shared");
        java.lang.reflect.Field unavailable = staticField("unavailable");
        Object sharedBefore = shared.get(null);
        boolean unavailableBefore = unavailable.getBoolean(null);
        try {
            shared.set(null, null);
            unavailable.setBoolean(null, unavailableNow);
            check.run();
        } finally {
            shared.set(null, sharedBefore);
            unavailable.setBoolean(null, unavailableBefore);
        }
    }

    /**
     * Runs {@code check} with the reader opened on {@code meminfo} (by the first call's path), or, with
     * {@code meminfo} null, with /proc/meminfo remembered as unavailable.
     */
    private static void withMeminfo(Path meminfo, Check check) throws Exception {
        withStates(meminfo == null, () -> {
            if (meminfo != null) {
                MachineMemory.usedBytes(meminfo);
            }
            check.run();
        });
    }

    @Test
    void theMemoryInUseIsMemTotalMinusMemFreeInBytesAndGbOfTheFileRead(@TempDir Path dir) throws Exception {
        long totalKb = 16_303_412;
        long freeKb = 1_024_000;
        Path f = Files.writeString(dir.resolve("meminfo"),
                "MemTotal:       " + totalKb + " kB\nMemFree:        " + freeKb + " kB\nMemAvailable:   9 kB\n");
        withMeminfo(f, () -> {
            long used = (totalKb - freeKb) * 1024;
            assertEquals(used, MachineMemory.usedBytes());
            assertEquals(used, MachineMemory.inUseBytes(), "the file's figure, not the JDK's bean's");
            assertEquals(used / 1e9, MachineMemory.inUseGb(), 0.0);
            Files.writeString(f, "MemTotal: 2000 kB\nMemFree: 500 kB\n");
            assertEquals((2000 - 500) * 1024, MachineMemory.usedBytes(), "re-read at each call");
        });
    }

    @Test
    void noneFreeIsAllInUseAndNoneInstalledNoneInUse(@TempDir Path dir) throws Exception {
        // the bounds of the two fields (0) and one step above each: figures, not "unknown"
        Path f = Files.writeString(dir.resolve("meminfo"), "MemTotal: 0 kB\nMemFree: 0 kB\n");
        withMeminfo(f, () -> {
            assertEquals(0, MachineMemory.usedBytes());
            assertEquals(0, MachineMemory.inUseBytes(), "0 bytes in use is a reading, not the JDK's bean's figure");
            assertEquals(0.0, MachineMemory.inUseGb(), 0.0, "0 GB, not n/a");
            Files.writeString(f, "MemTotal: 1 kB\nMemFree: 0 kB\n");
            assertEquals(1024, MachineMemory.usedBytes());
            assertEquals(1024 / 1e9, MachineMemory.inUseGb(), 0.0);
            Files.writeString(f, "MemTotal: 1 kB\nMemFree: 1 kB\n");
            assertEquals(0, MachineMemory.usedBytes());
        });
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    void withoutMemTotalOrMemFreeTheMemoryInUseIsTheJdksBeans(@TempDir Path dir) throws Exception {
        Path f = Files.writeString(dir.resolve("meminfo"), "MemFree: 5 kB\n");
        withMeminfo(f, () -> {
            assertEquals(-1, MachineMemory.usedBytes(), "no MemTotal");
            Files.writeString(f, "MemTotal: 5 kB\n");
            assertEquals(-1, MachineMemory.usedBytes(), "no MemFree");
            long before = beanUsedBytes();
            long inUse = MachineMemory.inUseBytes();
            long after = beanUsedBytes();
            assertTrue(before > 0 && after > 0, before + " / " + after);
            // the bean read between two reads of it here; free memory moves: within the two, give or take 64 MB
            assertTrue(inUse >= Math.min(before, after) - 64e6 && inUse <= Math.max(before, after) + 64e6,
                    "bean " + before + " / " + after + ", in use " + inUse);
            assertEquals(inUse / 1e9, MachineMemory.inUseGb(), 64e6 / 1e9 + Math.abs(after - before) / 1e9);
        });
    }

    @Test
    void aFileThatCannotBeOpenedIsRememberedAndAReadThatFailsIsUnknown(@TempDir Path dir) throws Exception {
        Path absent = dir.resolve("absent");
        Path f = Files.writeString(dir.resolve("meminfo"), "MemTotal: 3 kB\nMemFree: 1 kB\n");
        java.lang.reflect.Field unavailable = staticField("unavailable");
        withMeminfo(f, () -> {
            staticField("shared").set(null, null);
            assertEquals(-1, MachineMemory.usedBytes(absent), "not there: unknown (the caller falls back)");
            assertTrue(unavailable.getBoolean(null), "remembered");
            assertEquals(-1, MachineMemory.usedBytes(f), "not tried again");
        });
        withMeminfo(f, () -> {
            assertEquals(2 * 1024, MachineMemory.usedBytes());
            java.lang.reflect.Field file = MachineMemory.class.getDeclaredField("file");
            file.setAccessible(true);
            ((ProcFile) file.get(staticField("shared").get(null))).close();
            assertEquals(-1, MachineMemory.usedBytes(), "a read that fails: unknown, not 0 bytes");
        });
    }
}
