package io.mlco2.tracker.cpu;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

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

    private final FileChannel channel;
    private final ByteBuffer buffer = ByteBuffer.allocateDirect(512);

    private ProcStat(FileChannel channel) {
        this.channel = channel;
    }

    /** Opens /proc/stat, or returns {@code null} where it cannot be read as expected (not Linux). */
    static ProcStat open() {
        return open(PROC_STAT);
    }

    static ProcStat open(Path file) {
        try {
            ProcStat p = new ProcStat(FileChannel.open(file, StandardOpenOption.READ));
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
            buffer.clear();
            int n = channel.read(buffer, 0);
            if (n <= 4) {
                return false;
            }
            // "cpu  user nice system idle iowait irq softirq steal guest guest_nice\n"
            if (buffer.get(0) != 'c' || buffer.get(1) != 'p' || buffer.get(2) != 'u' || buffer.get(3) != ' ') {
                return false;
            }
            int i = 4;
            for (int k = 0; k < TICKS; k++) {
                while (i < n && buffer.get(i) == ' ') {
                    i++;
                }
                if (i >= n || buffer.get(i) < '0' || buffer.get(i) > '9') {
                    if (k < 4) {
                        return false; // user, nice, system, idle at least (old kernels stop earlier)
                    }
                    for (; k < TICKS; k++) {
                        ticks[k] = 0;
                    }
                    return true;
                }
                long v = 0;
                while (i < n) {
                    byte b = buffer.get(i);
                    if (b < '0' || b > '9') {
                        break;
                    }
                    v = v * 10 + (b - '0');
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
        try {
            channel.close();
        } catch (IOException e) {
            // nothing to do
        }
    }
}
