package io.mlco2.tracker.base;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StderrLinesTest {

    /** A stderr nobody reads: every write waits until {@link #open} is counted down. */
    static final class BlockedStream extends OutputStream {
        final CountDownLatch open = new CountDownLatch(1);
        final ByteArrayOutputStream got = new ByteArrayOutputStream();

        @Override
        public void write(int b) throws IOException {
            write(new byte[]{(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            try {
                open.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            synchronized (got) {
                got.write(b, off, len);
            }
        }

        String text() {
            synchronized (got) {
                return got.toString(StandardCharsets.UTF_8);
            }
        }
    }

    @Test
    void aBlockedStderrNeverHoldsTheCallerAndDroppedLinesAreCounted() {
        BlockedStream stream = new BlockedStream();
        int capacity = 4;
        StderrLines lines = new StderrLines(stream, capacity);
        int n = 50;
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            lines.line("line " + i);
        }
        long callerMillis = (System.nanoTime() - t0) / 1_000_000;
        // The writer holds at most one line in the blocked write, the queue holds `capacity`: the rest are dropped.
        assertTrue(lines.droppedSinceReport() >= n - capacity - 1, "dropped " + lines.droppedSinceReport());
        assertFalse(lines.flush(Duration.ofMillis(50)), "flush must give up while stderr is blocked");
        assertTrue(callerMillis < 5_000, "the callers returned (" + callerMillis + " ms)");

        stream.open.countDown();
        assertTrue(lines.flush(Duration.ofSeconds(10)), "once stderr takes lines, the queue drains");
        String out = stream.text();
        assertTrue(out.startsWith("line 0" + System.lineSeparator()), out);
        long dropped = n - out.lines().filter(l -> l.startsWith("line ")).count();
        assertTrue(dropped > 0, out);
        lines.line("after");
        assertTrue(lines.flush(Duration.ofSeconds(10)));
        assertTrue(stream.text().contains("[mlco2] WARN: " + dropped + " line(s) of the agent dropped"), stream.text());
        assertTrue(stream.text().endsWith("after" + System.lineSeparator()), stream.text());
    }

    @Test
    void aThrowingStderrLosesItsLinesButNotTheWriterNorTheCaller() {
        ByteArrayOutputStream good = new ByteArrayOutputStream();
        boolean[] failing = {true};
        OutputStream stream = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[]{(byte) b}, 0, 1);
            }

            @Override
            public synchronized void write(byte[] b, int off, int len) throws IOException {
                if (failing[0]) {
                    throw new IOException("stderr closed");
                }
                good.write(b, off, len);
            }
        };
        StderrLines lines = new StderrLines(stream, 16);
        lines.line("lost");
        assertTrue(lines.flush(Duration.ofSeconds(10)));
        synchronized (stream) {
            failing[0] = false;
        }
        lines.line("kept");
        assertTrue(lines.flush(Duration.ofSeconds(10)));
        synchronized (stream) {
            assertEquals("kept" + System.lineSeparator(), good.toString(StandardCharsets.UTF_8));
        }
    }
}
