package io.mlco2.tracker.runtime;

import io.mlco2.tracker.config.Config;

import java.lang.instrument.Instrumentation;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

/**
 * The agent's implementation entry point, called reflectively by the bootstrap ({@code io.mlco2.agent.bootstrap})
 * through the agent's own class loader, on a background daemon thread.
 *
 * <p>It reads the configuration, discovers the hardware, starts sampling, and returns the action the bootstrap's
 * shutdown hook runs at exit. Every failure is one line on stderr; nothing is thrown to the application.
 */
public final class AgentRuntime {

    private static volatile Instrumentation instrumentation;
    private static volatile Tracker current;

    private AgentRuntime() {
    }

    /**
     * Starts tracking.
     *
     * @param agentArgs        the text after {@code =} in {@code -javaagent:mlco2-agent.jar=...}
     * @param inst             the JVM's instrumentation (may be {@code null} in tests)
     * @param startNanos       {@link System#nanoTime()} when {@code premain} ran: the run's start
     * @param startEpochMillis wall-clock time of the same instant
     * @return the shutdown action (takes a last sample and writes the reports, bounded by
     *         {@code mlco2.shutdown.timeout}), or a no-op when the agent is disabled or failed
     */
    public static Runnable start(String agentArgs, Instrumentation inst, long startNanos, long startEpochMillis) {
        Log log = Log.get();
        try {
            instrumentation = inst;
            Config config = Config.load(agentArgs, log);
            log.threshold(Log.Level.valueOf(config.get(Config.LOG_LEVEL).toUpperCase(Locale.ROOT)));
            if (!config.get(Config.ENABLED)) {
                log.info("disabled by mlco2.enabled=false");
                return () -> { };
            }
            Startup.prefetch(log);
            Tracker tracker = Tracker.create(config, log, startNanos, Instant.ofEpochMilli(startEpochMillis));
            Extensions.install(tracker, inst);
            tracker.start();
            current = tracker;
            log.debug("tracking run " + tracker.runId() + " every " + config.get(Config.INTERVAL));
            Duration timeout = config.get(Config.SHUTDOWN_TIMEOUT);
            return () -> stopWithin(tracker, timeout, log);
        } catch (Throwable t) {
            log.error("agent failed to start (" + Log.describe(t) + "); the application runs on without it");
            return () -> { };
        }
    }

    /**
     * Stops the tracker on a separate daemon thread and waits at most {@code timeout}: a native call that hangs
     * (a wedged GPU driver) never holds the JVM's exit.
     */
    static void stopWithin(Tracker tracker, Duration timeout, Log log) {
        Thread t = new Thread(() -> {
            try {
                tracker.stop();
            } catch (Throwable e) {
                log.error("writing the reports failed: " + Log.describe(e));
            }
        }, "mlco2-shutdown");
        t.setDaemon(true);
        t.setContextClassLoader(AgentRuntime.class.getClassLoader());
        t.start();
        try {
            t.join(timeout.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (t.isAlive()) {
            log.error("the reports were not written within mlco2.shutdown.timeout=" + timeout.toMillis()
                    + "ms (a hung native call?); exiting without them");
        }
    }

    /** The running tracker, or {@code null}. For extensions (epochs, phases). */
    public static Tracker current() {
        return current;
    }

    public static Instrumentation instrumentation() {
        return instrumentation;
    }
}
