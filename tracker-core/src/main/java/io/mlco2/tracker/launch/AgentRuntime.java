package io.mlco2.tracker.launch;

import io.mlco2.tracker.base.AgentMarker;
import io.mlco2.tracker.base.Log;

import io.mlco2.tracker.config.Config;
import io.mlco2.tracker.runtime.SourceDiscovery;
import io.mlco2.tracker.runtime.Tracker;

import java.lang.instrument.Instrumentation;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The agent's implementation entry point, called reflectively by the bootstrap ({@code io.mlco2.agent.bootstrap})
 * through the agent's own class loader, on a background daemon thread. Its package sits above every other: it
 * wires the run ({@code runtime}) to the extensions ({@link Extensions}).
 *
 * <p>It reads the configuration, discovers the hardware, starts sampling, and returns the action the bootstrap's
 * shutdown hook runs at exit. Every failure is one line on stderr; nothing is thrown to the application.
 */
public final class AgentRuntime {

    /** Longest the exit hook waits, after the reports, for the agent's last lines to reach stderr. */
    static final Duration STDERR_FLUSH_AT_EXIT = Duration.ofSeconds(1);


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
            Config config = Config.load(agentArgs, log);
            log.threshold(Log.Level.valueOf(config.get(Config.LOG_LEVEL).toUpperCase(Locale.ROOT)));
            if (!config.get(Config.ENABLED)) {
                log.info("disabled by mlco2.enabled=false");
                AgentMarker.mark(AgentMarker.DISABLED);
                log.flush(STDERR_FLUSH_AT_EXIT);
                return () -> { };
            }
            Duration timeout = config.get(Config.SHUTDOWN_TIMEOUT);
            // Hardware discovery (OSHI, NVML, tables) runs on its own daemon thread: a driver call that hangs
            // there (a wedged GPU) must not hold the bootstrap, whose exit hook waits for this method to return.
            Startup.prefetch(log); // OSHI and the tables on their own threads (docs/PERFORMANCE.md, start-up)
            Startup.warmExitPath(config);
            CompletableFuture<Tracker> ready = new CompletableFuture<>();
            CompletableFuture<Void> exiting = new CompletableFuture<>();
            // Classes, not lambdas, on the start-up path: none spun by the JDK at first use (docs/PERFORMANCE.md).
            Thread discovery = new Thread(new Runnable() {
                @Override
                public void run() {
                    try {
                        Tracker tracker = SourceDiscovery.create(config, log, startNanos, Instant.ofEpochMilli(startEpochMillis), exiting);
                        Extensions.install(tracker, inst);
                        tracker.start();
                        log.debug("tracking run " + tracker.runId() + " every " + config.get(Config.INTERVAL));
                        ready.complete(tracker);
                    } catch (Throwable t) {
                        log.error("agent failed to start (" + Log.describe(t) + "); the application runs on without it");
                        AgentMarker.mark(AgentMarker.FAILED);
                        ready.complete(null);
                    }
                }
            }, "mlco2-discovery");
            discovery.setDaemon(true);
            discovery.setContextClassLoader(AgentRuntime.class.getClassLoader());
            discovery.start();
            return new Runnable() {
                @Override
                public void run() {
                    exiting.complete(null);
                    stopAtExit(ready, timeout, log);
                    log.flush(STDERR_FLUSH_AT_EXIT); // the summary line is queued: the JVM's halt would end its writer
                }
            };
        } catch (Throwable t) {
            log.error("agent failed to start (" + Log.describe(t) + "); the application runs on without it");
            log.flush(STDERR_FLUSH_AT_EXIT);
            return () -> { };
        }
    }

    /**
     * The exit hook's work: waits for discovery if it is still running, then stops the tracker; the whole of it
     * within {@code timeout}.
     */
    static void stopAtExit(CompletableFuture<Tracker> ready, Duration timeout, Log log) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Tracker tracker;
        try {
            tracker = ready.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            log.error("the agent was still discovering the hardware at exit after mlco2.shutdown.timeout="
                    + timeout.toMillis() + "ms (a hung driver call?); no report written");
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        } catch (ExecutionException e) {
            return;
        }
        if (tracker != null) {
            stopWithin(tracker, Duration.ofNanos(Math.max(deadline - System.nanoTime(), timeout.toNanos() / 2)), log);
        }
    }

    /**
     * Stops the tracker on a separate daemon thread and waits at most {@code timeout}: a native call that hangs
     * (a wedged GPU driver) never holds the JVM's exit.
     */
    static void stopWithin(Tracker tracker, Duration timeout, Log log) {
        Thread t = new Thread(new Runnable() {
            @Override
            public void run() {
                try {
                    tracker.stop();
                } catch (Throwable e) {
                    log.error("writing the reports failed: " + Log.describe(e));
                }
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
}
