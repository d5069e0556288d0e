package io.mlco2.tracker.base;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The agent's only output channel besides its report files: one line per event on stderr, prefixed
 * {@code [mlco2]}. No logging framework is touched, so the application's logging configuration is never
 * disturbed. {@link #once} keeps a repeating fault to one line.
 *
 * <p>The agent's own log ({@link #get()}) never writes to {@code System.err}: the application may replace that
 * stream with one that blocks, throws or is {@code null}, or hold its lock. Lines go to the JVM's own file
 * descriptor 2 through {@link StderrLines}: a bounded queue and one daemon writer, so no agent thread ever waits
 * for stderr, and lines are dropped (and counted) rather than waited for. Control characters in a message (an
 * escape sequence in a value the user gave) are written escaped, never raw to the terminal.
 */
public final class Log {

    public enum Level { DEBUG, INFO, WARN, ERROR }

    /** Where finished lines go. Never blocks the caller for long and never throws. */
    interface Sink {
        void line(String line);

        /** Waits at most {@code limit} for the lines given so far to be written; {@code true} when they were. */
        boolean flush(Duration limit);

        /** Whether the lines go to a terminal, where another program's output may have left the cursor mid-line. */
        default boolean terminal() {
            return false;
        }
    }

    private static volatile Log global = new Log(StderrLines.INSTANCE, Level.INFO);

    private final Sink out;
    private volatile Level threshold;
    private final Set<String> said = ConcurrentHashMap.newKeySet();

    /** A log that writes to {@code out} on the caller's thread (tests, the command line). */
    public Log(PrintStream out, Level threshold) {
        this(new StreamSink(out), threshold);
    }

    Log(Sink out, Level threshold) {
        this.out = out;
        this.threshold = threshold;
    }

    public static Log get() {
        return global;
    }

    public static void set(Log log) {
        global = log;
    }

    public void threshold(Level level) {
        this.threshold = level;
    }

    public void debug(String msg) {
        print(Level.DEBUG, msg);
    }

    public void info(String msg) {
        print(Level.INFO, msg);
    }

    public void warn(String msg) {
        print(Level.WARN, msg);
    }

    public void error(String msg) {
        print(Level.ERROR, msg);
    }

    /** Prints {@code msg} at {@code level} the first time {@code key} is seen, and never again. */
    public void once(String key, Level level, String msg) {
        if (said.add(key)) {
            print(level, msg);
        }
    }

    /** Prints a line regardless of the threshold (the run summary). */
    public void always(String msg) {
        out.line("[mlco2] " + printable(msg));
    }

    /**
     * Prints a line regardless of the threshold that starts at column 0 while the job's own output may own the
     * terminal's line (a progress bar redrawn with carriage returns and no newline): on a terminal it is preceded by
     * a newline, elsewhere (a file, a pipe) it is an ordinary line. For lines printed while training runs.
     */
    public void ownLine(String msg) {
        out.line((onTerminal() ? "\n" : "") + "[mlco2] " + printable(msg));
    }

    private Boolean terminal;

    /** Whether stderr is a terminal; asked once. */
    boolean onTerminal() {
        Boolean t = terminal;
        if (t == null) {
            t = out.terminal();
            terminal = t;
        }
        return t;
    }

    /**
     * Whether this JVM's stderr is a terminal: file descriptor 2 is a tty or pseudo-terminal device (Linux), or, where
     * that cannot be read, the JVM has a console.
     */
    static boolean stderrIsTerminal() {
        try {
            String target = java.nio.file.Files.readSymbolicLink(java.nio.file.Path.of("/proc/self/fd/2")).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty") || target.equals("/dev/console");
        } catch (Throwable t) {
            return System.console() != null;
        }
    }

    /**
     * Waits at most {@code limit} for the lines printed so far to reach stderr (the exit path calls it last: the
     * JVM ends its daemon writer when it halts). {@code false} when stderr did not take them in time.
     */
    public boolean flush(Duration limit) {
        try {
            return out.flush(limit);
        } catch (Throwable t) {
            return false;
        }
    }

    private void print(Level level, String msg) {
        if (level.ordinal() < threshold.ordinal()) {
            return;
        }
        String prefix = level == Level.INFO ? "[mlco2] " : "[mlco2] " + level + ": ";
        out.line(prefix + printable(msg));
    }

    /**
     * {@code msg} with every control character (C0, DEL, C1; tab included, newline included: one event is one
     * line) written as {@code \\uXXXX}, so that a value from the user or the environment cannot move the cursor,
     * recolour or clear the terminal, or forge a second {@code [mlco2]} line.
     */
    public static String printable(String msg) {
        if (msg == null) {
            return "null";
        }
        int n = msg.length();
        int i = 0;
        while (i < n && !isControl(msg.charAt(i))) {
            i++;
        }
        if (i == n) {
            return msg;
        }
        StringBuilder b = new StringBuilder(n + 16).append(msg, 0, i);
        for (; i < n; i++) {
            char c = msg.charAt(i);
            if (isControl(c)) {
                b.append("\\u");
                String hex = Integer.toHexString(c);
                for (int k = hex.length(); k < 4; k++) {
                    b.append('0');
                }
                b.append(hex);
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    private static boolean isControl(char c) {
        return c < 0x20 || (c >= 0x7f && c <= 0x9f);
    }

    /** One-line description of a throwable: its class and message, no stack trace. */
    public static String describe(Throwable t) {
        String m = t.getMessage();
        return t.getClass().getSimpleName() + (m == null ? "" : ": " + m);
    }

    /** Writes on the caller's thread to a stream the caller owns. */
    private static final class StreamSink implements Sink {
        private final PrintStream out;

        StreamSink(PrintStream out) {
            this.out = out;
        }

        @Override
        public void line(String line) {
            try {
                out.println(line);
                out.flush();
            } catch (Throwable ignored) {
                // A stream that fails loses the line, never the caller.
            }
        }

        @Override
        public boolean flush(Duration limit) {
            return true;
        }
    }
}
