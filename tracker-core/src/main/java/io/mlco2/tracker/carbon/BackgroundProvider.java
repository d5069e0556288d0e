package io.mlco2.tracker.carbon;

import io.mlco2.tracker.base.Log;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

/**
 * What the bundled providers share: one daemon thread ({@code mlco2-carbon-intensity}) that reads the source at
 * start and then every {@code refresh} (or once), the series it fills, and the one line per kind of failure, which
 * says what is used instead (the last good value, else the yearly average). Nothing here throws.
 */
abstract class BackgroundProvider implements IntensityProvider {

    /** Distinct problems kept for the summary at most. */
    static final int MAX_PROBLEMS = 10;

    protected final Log log;
    protected final GridIntensity yearly;
    protected final Clock clock;
    protected final IntensitySeries series = new IntensitySeries();
    protected volatile IntensitySeries forecast;
    protected volatile Instant knownUntil = Instant.MIN;
    private final Duration refresh;
    private final List<String> problems = new CopyOnWriteArrayList<>();
    private ScheduledThreadPoolExecutor executor;

    /** @param refresh how often {@link #read()} runs; {@code null}: once */
    BackgroundProvider(Log log, GridIntensity yearly, Clock clock, Duration refresh) {
        this.log = log;
        this.yearly = yearly;
        this.clock = clock;
        this.refresh = refresh;
    }

    /** Reads the source into {@link #series} (and the forecast); throws what went wrong. */
    protected abstract void read() throws Exception;

    /** At the end: reads what settles the series up to {@code runEnd} (default: {@link #read()} again). */
    protected void readToEnd(Instant runEnd) throws Exception {
        read();
    }

    @Override
    public final synchronized void start() {
        if (executor != null) {
            return;
        }
        executor = newExecutor();
        if (refresh == null) {
            executor.execute(new Task(this, null));
        } else {
            executor.scheduleWithFixedDelay(new Task(this, null), 0, refresh.toNanos(), TimeUnit.NANOSECONDS);
        }
    }

    /**
     * The last read runs on a thread of its own ({@code mlco2-carbon-intensity-end}), so that a periodic read stuck
     * on a server that hangs does not take the end's budget.
     */
    @Override
    public final void finish(Instant runEnd, Duration limit) {
        Thread late = io.mlco2.tracker.base.BoundedRun.within(new Task(this, runEnd), "mlco2-carbon-intensity-end", limit);
        if (late != null) {
            late.interrupt();
            problem("end", "no answer within " + limit.toMillis() + " ms at the end of the run");
        }
    }

    @Override
    public IntensitySeries series() {
        return series;
    }

    @Override
    public Instant knownUntil() {
        return knownUntil;
    }

    @Override
    public IntensitySeries forecast() {
        return forecast;
    }

    /** The distinct problems met, for the summary. */
    public List<String> problems() {
        return List.copyOf(problems);
    }

    @Override
    public synchronized void close() {
        if (executor != null) {
            executor.shutdownNow();
        }
    }

    /**
     * One line per kind of problem: what failed, and what is used instead. {@code what} never holds a secret.
     */
    protected void problem(String kind, String what) {
        String instead;
        Instant now = clock.instant();
        double last = series.at(now);
        if (Double.isNaN(last)) {
            instead = "the yearly average " + yearly.gramsPerKwh() + " gCO2eq/kWh (" + yearly.region() + ")";
        } else {
            instead = "the last good value " + last + " gCO2eq/kWh";
        }
        String line = "carbon intensity (" + name() + "): " + what + "; using " + instead;
        log.once("carbon-intensity:" + name() + ":" + kind, Log.Level.WARN, line);
        if (problems.size() < MAX_PROBLEMS && !problems.contains(what)) {
            problems.add(what);
        }
    }

    private static ScheduledThreadPoolExecutor newExecutor() {
        ScheduledThreadPoolExecutor ex = new ScheduledThreadPoolExecutor(1, new Threads());
        ex.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        ex.setContinueExistingPeriodicTasksAfterShutdownPolicy(false);
        return ex;
    }

    /* Classes, not lambdas: the provider starts on the agent's start-up path (docs/PERFORMANCE.md). */

    /** A read: the periodic one ({@code runEnd == null}) or the last one. */
    private static final class Task implements Runnable {
        private final BackgroundProvider p;
        private final Instant runEnd;

        Task(BackgroundProvider p, Instant runEnd) {
            this.p = p;
            this.runEnd = runEnd;
        }

        @Override
        public void run() {
            try {
                if (runEnd == null) {
                    p.read();
                } else {
                    p.readToEnd(runEnd);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Throwable t) {
                p.problem(t instanceof ProviderException pe ? pe.kind() : "read",
                        t instanceof ProviderException ? t.getMessage() : Log.describe(t));
            }
        }
    }

    /** The provider thread's factory. */
    private static final class Threads implements ThreadFactory {
        @Override
        public Thread newThread(Runnable r) {
            Thread t = new Thread(r, "mlco2-carbon-intensity");
            t.setDaemon(true);
            t.setContextClassLoader(BackgroundProvider.class.getClassLoader());
            return t;
        }
    }

    /** A failure whose message is the line to print (no stack, no secret), of a kind logged once. */
    static final class ProviderException extends Exception {
        private final String kind;

        ProviderException(String kind, String message) {
            super(message, null, false, false);
            this.kind = kind;
        }

        String kind() {
            return kind;
        }
    }
}
