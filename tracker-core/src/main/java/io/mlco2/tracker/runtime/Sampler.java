package io.mlco2.tracker.runtime;

import io.mlco2.tracker.base.Log;
import io.mlco2.tracker.energy.EnergyAccumulator;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * A run's samples: every {@code mlco2.interval} on the single daemon thread {@code mlco2-sampler}, and the last
 * one, bounded, at the end. A sample retries the host lease where another JVM of the run holds it, reads every
 * accumulator, then notifies the listeners. Nothing here throws to
 * the caller.
 */
final class Sampler {

    private final RunContext run;
    private final List<EnergyAccumulator> accumulators;
    private final HostLease lease;
    private final LongSupplier nanoClock;
    private final Log log;
    private final List<SampleListener> listeners = new CopyOnWriteArrayList<>();
    private final Object sampleLock = new Object();
    private ScheduledExecutorService scheduler;

    Sampler(RunContext run, List<EnergyAccumulator> accumulators, HostLease lease, LongSupplier nanoClock, Log log) {
        this.run = run;
        this.accumulators = accumulators;
        this.lease = lease;
        this.nanoClock = nanoClock;
        this.log = log;
    }

    void addListener(SampleListener l) {
        listeners.add(l);
    }

    /** Starts sampling every {@code interval} on a daemon thread; a second call does nothing. */
    synchronized void start(Duration interval) {
        if (scheduler != null) {
            return;
        }
        SamplerThreads threads = new SamplerThreads(this);
        ScheduledThreadPoolExecutor ex = new ScheduledThreadPoolExecutor(1, threads);
        ex.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        ex.setContinueExistingPeriodicTasksAfterShutdownPolicy(false);
        // The first sample too runs on the sampler thread: a device read that hangs must not hold the agent's start.
        ex.scheduleAtFixedRate(threads, 0, interval.toNanos(), TimeUnit.NANOSECONDS);
        scheduler = ex;
    }

    /** Ends the periodic samples. */
    synchronized void stop() {
        if (scheduler != null) {
            // shutdown, not shutdownNow: interrupting a sample in progress would close the file channels it writes
            // (the time series) for good; the periodic task is cancelled and a running sample ends on its own.
            scheduler.shutdown();
        }
    }

    /** Takes one sample of every source and notifies the listeners. Never throws. */
    void sample() {
        try {
            synchronized (sampleLock) {
                long now = nanoClock.getAsLong();
                lease.retry(now); // without the host lease, one attempt to take it over (counts from now on)
                double joules = 0;
                for (EnergyAccumulator a : accumulators) {
                    a.sample(now);
                    joules += a.energyJoules();
                }
                run.carbon().sample(now, joules);
                for (SampleListener l : listeners) {
                    try {
                        l.onSample(run, now);
                    } catch (Throwable t) {
                        log.once("listener:" + l.getClass().getName(), Log.Level.WARN,
                                "sample listener " + l.getClass().getSimpleName() + " failed: " + Log.describe(t));
                    }
                }
            }
        } catch (Throwable t) {
            log.once("sample", Log.Level.WARN, "sampling failed: " + Log.describe(t));
        }
    }

    /**
     * The last sample, on its own daemon thread, waited for at most {@code limit}: a device read that hangs (or a
     * sampler stuck in one) costs the last interval's energy, never the reports.
     */
    void finalSample(Duration limit) {
        if (io.mlco2.tracker.base.BoundedRun.within(new SamplerThreads(this), "mlco2-final-sample", limit) != null) {
            log.warn("the last sample did not finish within " + limit.toMillis() + " ms (a hung device read?); "
                    + "reports use the energy measured up to the previous sample");
            run.note("last sample skipped: a device read hung");
        }
    }

    /*
     * A class, not lambdas: on the agent's start-up and exit paths each lambda is a class the JDK spins at its first
     * use, with its method handles, ~0.2 ms apiece on a cold JVM plus the compilations they trigger
     * (docs/PERFORMANCE.md, start-up).
     */

    /** The sampler thread's factory, its uncaught-exception handler, and the sample it runs. */
    private static final class SamplerThreads implements java.util.concurrent.ThreadFactory, Thread.UncaughtExceptionHandler, Runnable {
        private final Sampler sampler;

        SamplerThreads(Sampler sampler) {
            this.sampler = sampler;
        }

        @Override
        public Thread newThread(Runnable r) {
            Thread t = new Thread(r, "mlco2-sampler");
            t.setDaemon(true);
            t.setContextClassLoader(Sampler.class.getClassLoader());
            t.setUncaughtExceptionHandler(this);
            return t;
        }

        @Override
        public void uncaughtException(Thread t, Throwable e) {
            sampler.log.warn("sampler: " + Log.describe(e));
        }

        @Override
        public void run() {
            sampler.sample();
        }
    }
}
