package io.mlco2.tracker.base;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The agent's stderr: the JVM's file descriptor 2, never {@code System.err} (which the application may replace
 * with a stream that blocks, throws, or is {@code null}, and whose lock it may hold). A caller only offers its
 * line to a bounded queue and goes on; one daemon thread, started at the first line, writes them. When stderr
 * does not keep up (a pipe nobody reads), lines beyond the queue's capacity are dropped and counted, and the
 * count is written once stderr takes lines again. Nothing here blocks a caller or throws.
 */
final class StderrLines implements Log.Sink, Runnable {

    static final StderrLines INSTANCE = new StderrLines(new FileOutputStream(FileDescriptor.err), 256);

    private final OutputStream out;
    private final ArrayBlockingQueue<byte[]> queue;
    private final AtomicLong offered = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private volatile long written;
    private volatile Thread writer;

    StderrLines(OutputStream out, int capacity) {
        this.out = out;
        this.queue = new ArrayBlockingQueue<>(capacity);
    }

    @Override
    public void line(String line) {
        try {
            byte[] bytes = (line + System.lineSeparator()).getBytes(StandardCharsets.UTF_8);
            if (queue.offer(bytes)) {
                offered.incrementAndGet();
                startWriter();
            } else {
                dropped.incrementAndGet();
            }
        } catch (Throwable ignored) {
            // Out of memory for one line: the line is lost, the caller is not.
        }
    }

    @Override
    public boolean terminal() {
        return Log.stderrIsTerminal();
    }

    private void startWriter() {
        if (writer != null) {
            return;
        }
        synchronized (this) {
            if (writer != null) {
                return;
            }
            Thread t = new Thread(this, "mlco2-stderr");
            t.setDaemon(true);
            t.setContextClassLoader(StderrLines.class.getClassLoader());
            t.start();
            writer = t;
        }
    }

    @Override
    public void run() {
        while (true) {
            byte[] next;
            try {
                next = queue.take(); // no wake-up while there is nothing to write
            } catch (InterruptedException e) {
                continue; // Only the JVM's end stops the writer.
            } catch (Throwable t) {
                continue;
            }
            try {
                out.write(next);
                out.flush();
            } catch (Throwable ignored) {
                // stderr closed or failing: the line is lost, the writer goes on.
            }
            // The dropped lines came after those still queued: say so once the queue is through.
            if (queue.isEmpty()) {
                long lost = dropped.getAndSet(0);
                if (lost > 0) {
                    try {
                        out.write(("[mlco2] WARN: " + lost + " line(s) of the agent dropped: stderr did not take them"
                                + " in time" + System.lineSeparator()).getBytes(StandardCharsets.UTF_8));
                        out.flush();
                    } catch (Throwable ignored) {
                        // As above.
                    }
                }
            }
            written++;
        }
    }

    @Override
    public boolean flush(Duration limit) {
        long target = offered.get();
        long deadline = System.nanoTime() + limit.toNanos();
        while (written < target) {
            if (System.nanoTime() - deadline >= 0) {
                return false;
            }
            LockSupport.parkNanos(1_000_000L);
        }
        return true;
    }

    /** Lines dropped since the writer last reported them (tests). */
    long droppedSinceReport() {
        return dropped.get();
    }
}
