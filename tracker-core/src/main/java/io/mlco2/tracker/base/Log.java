package io.mlco2.tracker.base;

import java.io.PrintStream;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The agent's only output channel besides its report files: one line per event on stderr, prefixed
 * {@code [mlco2]}. No logging framework is touched, so the application's logging configuration is never
 * disturbed. {@link #once} keeps a repeating fault to one line.
 */
public final class Log {

    public enum Level { DEBUG, INFO, WARN, ERROR }

    private static volatile Log global = new Log(System.err, Level.INFO);

    private final PrintStream out;
    private volatile Level threshold;
    private final Set<String> said = ConcurrentHashMap.newKeySet();

    public Log(PrintStream out, Level threshold) {
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
        synchronized (out) {
            out.println("[mlco2] " + msg);
            out.flush();
        }
    }

    private void print(Level level, String msg) {
        if (level.ordinal() < threshold.ordinal()) {
            return;
        }
        String prefix = level == Level.INFO ? "[mlco2] " : "[mlco2] " + level + ": ";
        synchronized (out) {
            out.println(prefix + msg);
            out.flush();
        }
    }

    /** One-line description of a throwable: its class and message, no stack trace. */
    public static String describe(Throwable t) {
        String m = t.getMessage();
        return t.getClass().getSimpleName() + (m == null ? "" : ": " + m);
    }
}
