package io.mlco2.tracker.cpu;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Path;

/**
 * A {@code /proc} file kept open and re-read from its start into a reused byte array: no allocation per read. The
 * sampler's readers ({@link ProcStat}, {@link ProcSelfStat}, {@link MachineMemory}) share it.
 *
 * <p>A {@link RandomAccessFile}, not a {@code FileChannel}: a channel is closed for good when the thread reading it
 * is interrupted (as the sampler was when its executor was shut down with {@code shutdownNow} at the run's end),
 * after which every read failed and the last sample fell back to the JDK's management bean or to OSHI (tens of
 * milliseconds of class loading in the JVM's exit). {@code ProcFileTest} reads on an interrupted thread. Not thread safe: one per thread, or
 * synchronised by its owner.
 */
final class ProcFile implements AutoCloseable {

    private final RandomAccessFile file;
    private final byte[] buffer;

    ProcFile(Path path, int bufferBytes) throws IOException {
        this.file = new RandomAccessFile(path.toFile(), "r");
        this.buffer = new byte[bufferBytes];
    }

    /** Reads from the file's start (one read, at most the buffer's size); the bytes read, -1 if none. */
    int read() throws IOException {
        file.seek(0);
        return file.read(buffer, 0, buffer.length);
    }

    /** The bytes of the last {@link #read}. */
    byte[] bytes() {
        return buffer;
    }

    @Override
    public void close() {
        try {
            file.close();
        } catch (IOException e) {
            // nothing to do
        }
    }
}
