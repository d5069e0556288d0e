package io.mlco2.tracker.cpu;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The machine's CPU ticks from the first line of {@code /proc/stat}, read into a reused buffer from a file kept
 * open: no allocation per sample (OSHI's {@code getSystemCpuLoadTicks()} reads the file into a list of strings
 * every call). The eight values are OSHI's {@code TickType} order: user, nice, system, idle, iowait, irq, softirq,
 * steal. OSHI still identifies the processor; this is only its per-sample read, written out. One instance per
 * thread (the sampler).
 */
final class ProcStat implements AutoCloseable {

    static final int TICKS = 8;

    /** Indexes of the idle and iowait ticks: OSHI's {@code TickType.IDLE} and {@code IOWAIT} ({@code ProcStatTest}
     * checks), written out so that reading the ticks loads no OSHI class (OSHI's jars are then never opened on
     * Linux: docs/PERFORMANCE.md, start-up). */
    static final int IDLE = 3;
    static final int IOWAIT = 4;
    private static final Path PROC_STAT = Path.of("/proc/stat");

    private final ProcFile file;

    private ProcStat(ProcFile file) {
        this.file = file;
    }

    /** Opens /proc/stat, or returns {@code null} where it cannot be read as expected (not Linux). */
    static ProcStat open() {
        return open(PROC_STAT);
    }

    static ProcStat open(Path file) {
        try {
            ProcStat p = new ProcStat(new ProcFile(file, 512));
            if (p.read(new long[TICKS])) {
                return p;
            }
            p.close();
        } catch (IOException | RuntimeException e) {
            // not available: the caller uses OSHI
        }
        return null;
    }

    /** Fills {@code ticks} (length {@link #TICKS}) from the aggregate {@code cpu} line; false if unreadable. */
    boolean read(long[] ticks) {
        try {
            int n = file.read();
            byte[] b = file.bytes();
            if (n <= 4) {
                return false;
            }
            // "cpu  user nice system idle iowait irq softirq steal guest guest_nice\n"
            if (b[0] != 'c' || b[1] != 'p' || b[2] != 'u' || b[3] != ' ') {
                return false;
            }
            int i = 4;
            for (int k = 0; k < TICKS; k++) {
                while (i < n && b[i] == ' ') {
                    i++;
                }
                if (i >= n || b[i] < '0' || b[i] > '9') {
                    if (k < 4) {
                        return false; // user, nice, system, idle at least (old kernels stop earlier)
                    }
                    for (; k < TICKS; k++) {
                        ticks[k] = 0;
                    }
                    return true;
                }
                long v = 0;
                while (i < n && b[i] >= '0' && b[i] <= '9') {
                    v = v * 10 + (b[i] - '0');
                    i++;
                }
                ticks[k] = v;
            }
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    @Override
    public void close() {
        file.close();
    }
}
