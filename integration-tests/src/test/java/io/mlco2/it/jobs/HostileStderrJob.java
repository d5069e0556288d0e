package io.mlco2.it.jobs;

import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.PrintStream;

/**
 * A job that is hostile to anyone writing on {@code System.err}: it replaces the stream, then works for {@code ms}
 * milliseconds and returns from {@code main}. Arguments: {@code mode ms}, mode one of
 * <ul>
 *   <li>{@code blocking}: a stream nobody reads (a {@link PipedOutputStream} with a 16-byte pipe), and a daemon
 *       thread of the job blocked in a write to it, holding the stream's lock for good;</li>
 *   <li>{@code null}: {@code System.setErr(null)};</li>
 *   <li>{@code throwing}: a stream whose every write throws.</li>
 * </ul>
 * Without an agent it exits right after {@code ms}.
 */
public final class HostileStderrJob {

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        long ms = Long.parseLong(args[1]);
        switch (mode) {
            case "blocking" -> {
                PipedInputStream nobodyReads = new PipedInputStream(16);
                PrintStream blocking = new PrintStream(new PipedOutputStream(nobodyReads), true);
                System.setErr(blocking);
                Thread stuck = new Thread(() -> System.err.println("this write never ends: nobody reads the pipe"),
                        "job-stderr-writer");
                stuck.setDaemon(true);
                stuck.start();
            }
            case "null" -> System.setErr(null);
            case "throwing" -> System.setErr(new PrintStream(new OutputStream() {
                @Override
                public void write(int b) {
                    throw new IllegalStateException("this stderr throws");
                }
            }, true));
            default -> throw new IllegalArgumentException("mode: blocking, null or throwing, not " + mode);
        }
        long end = System.nanoTime() + ms * 1_000_000;
        double x = 0;
        while (System.nanoTime() < end) {
            x += Math.sqrt(x + 1);
        }
        System.out.println("HOSTILE JOB DONE " + (x > 0));
    }
}
