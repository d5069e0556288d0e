package io.mlco2.tracker.report;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** emissions.csv's lock: tried every 20 ms until the wait is over, over a channel whose lock is held elsewhere. */
class EmissionsCsvLockTest {

    static final Path FILE = Path.of("/reports/emissions.csv");

    /** A channel whose exclusive lock is held by someone else for its first {@code busyTries} tries. */
    static final class HeldChannel extends FileChannel {
        final int busyTries;
        int tries;

        HeldChannel(int busyTries) {
            this.busyTries = busyTries;
        }

        @Override
        public FileLock tryLock(long position, long size, boolean shared) {
            tries++;
            return tries > busyTries ? new FileLock(this, position, size, shared) {
                @Override
                public boolean isValid() {
                    return true;
                }

                @Override
                public void release() {
                }
            } : null;
        }

        @Override
        public FileLock lock(long position, long size, boolean shared) {
            throw new UnsupportedOperationException();
        }

        @Override
        public int read(ByteBuffer dst) {
            throw new UnsupportedOperationException();
        }

        @Override
        public long read(ByteBuffer[] dsts, int offset, int length) {
            throw new UnsupportedOperationException();
        }

        @Override
        public int write(ByteBuffer src) {
            throw new UnsupportedOperationException();
        }

        @Override
        public long write(ByteBuffer[] srcs, int offset, int length) {
            throw new UnsupportedOperationException();
        }

        @Override
        public long position() {
            return 0;
        }

        @Override
        public FileChannel position(long newPosition) {
            return this;
        }

        @Override
        public long size() {
            return 0;
        }

        @Override
        public FileChannel truncate(long size) {
            return this;
        }

        @Override
        public void force(boolean metaData) {
        }

        @Override
        public long transferTo(long position, long count, WritableByteChannel target) {
            throw new UnsupportedOperationException();
        }

        @Override
        public long transferFrom(ReadableByteChannel src, long position, long count) {
            throw new UnsupportedOperationException();
        }

        @Override
        public int read(ByteBuffer dst, long position) {
            throw new UnsupportedOperationException();
        }

        @Override
        public int write(ByteBuffer src, long position) {
            throw new UnsupportedOperationException();
        }

        @Override
        public MappedByteBuffer map(MapMode mode, long position, long size) {
            throw new UnsupportedOperationException();
        }

        @Override
        protected void implCloseChannel() {
        }
    }

    @Test
    void aFreeLockIsTakenAtOnce() throws IOException {
        HeldChannel ch = new HeldChannel(0);
        FileLock lock = EmissionsCsv.lockWithin(ch, FILE, Duration.ofSeconds(1));
        assertSame(ch, lock.channel());
        assertEquals(1, ch.tries);
    }

    @Test
    void aLockReleasedWithinTheWaitIsTaken() throws IOException {
        HeldChannel ch = new HeldChannel(3);
        FileLock lock = assertTimeoutPreemptively(Duration.ofSeconds(5),
                () -> EmissionsCsv.lockWithin(ch, FILE, Duration.ofSeconds(2)));
        assertSame(ch, lock.channel());
        assertEquals(4, ch.tries);
    }

    @Test
    void aLockHeldPastTheWaitCostsTheRowAfterTheWaitNotBefore() {
        HeldChannel ch = new HeldChannel(Integer.MAX_VALUE);
        long waitMillis = 300;
        long t0 = System.nanoTime();
        IOException e = assertTimeoutPreemptively(Duration.ofSeconds(5), () -> assertThrows(IOException.class,
                () -> EmissionsCsv.lockWithin(ch, FILE, Duration.ofMillis(waitMillis))));
        long elapsedMillis = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(elapsedMillis >= waitMillis, elapsedMillis + " ms");
        assertEquals(FILE + " is locked by another process (held for over 300 ms): this run's row was not appended",
                e.getMessage());
        // one try every 20 ms, not a spin: about 300 / 20 + 1 tries, with room for a slow machine's late wake-ups
        assertTrue(ch.tries >= 2 && ch.tries <= waitMillis / 20 + 2, ch.tries + " tries");
    }

    @Test
    void anInterruptedWaitGivesUpAndKeepsTheInterrupt() {
        HeldChannel ch = new HeldChannel(Integer.MAX_VALUE);
        Thread.currentThread().interrupt();
        try {
            IOException e = assertThrows(IOException.class,
                    () -> EmissionsCsv.lockWithin(ch, FILE, Duration.ofSeconds(2)));
            assertEquals(FILE + ": interrupted while waiting for its lock", e.getMessage());
            assertTrue(Thread.currentThread().isInterrupted());
        } finally {
            Thread.interrupted();
        }
        assertEquals(1, ch.tries);
    }
}
