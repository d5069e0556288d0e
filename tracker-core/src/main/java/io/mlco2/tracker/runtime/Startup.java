package io.mlco2.tracker.runtime;

import io.mlco2.tracker.carbon.CarbonIntensities;
import io.mlco2.tracker.hardware.TdpTables;

import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;

/**
 * Runs the independent parts of the agent's start-up at the same time (docs/PERFORMANCE.md, start-up): OSHI's
 * hardware discovery ({@link HostInfo#prefetch}) and the bundled tables, each on
 * a short-lived daemon thread, while NVML opens on its own ({@link Tracker#create}). The exit hook waits for start-up, so on a short job this time is the agent's
 * whole cost.
 */
final class Startup {

    private Startup() {
    }

    /** Starts what {@link Tracker#create} needs first: OSHI, and the tables (loaded by their holders' class init). */
    static void prefetch(Log log) {
        HostInfo.prefetch(log);
        async("mlco2-init-data", () -> {
            CarbonIntensities.bundled();
            TdpTables.bundled();
            return null;
        });
    }

    /**
     * Loads, on a low-priority daemon thread while the job runs, what only the exit path uses: the HTML report
     * page (it brings Jackson, ~300 ms of class loading). Without this it would load after the run's end, in the
     * application's exit. Nothing waits for it; a writer at exit that gets there first just loads it itself.
     */
    static void warmExitPath(io.mlco2.tracker.config.Config config) {
        if (!config.get(io.mlco2.tracker.config.Config.HTML_REPORT)) {
            return;
        }
        ClassLoader loader = Startup.class.getClassLoader();
        Thread t = new Thread(() -> {
            try {
                Class.forName("io.mlco2.tracker.html.RunReportPage", true, loader);
            } catch (Throwable ignored) {
                // the writer reports its own failure at exit
            }
        }, "mlco2-warm-exit");
        t.setDaemon(true);
        t.setPriority(Thread.MIN_PRIORITY);
        t.start();
    }

    /** Runs {@code c} on a new daemon thread (with this thread's context class loader). */
    static <T> FutureTask<T> async(String name, Callable<T> c) {
        FutureTask<T> task = new FutureTask<>(c);
        Thread t = new Thread(task, name);
        t.setDaemon(true);
        t.start();
        return task;
    }

    /** The task's result; what it threw is thrown here. */
    static <T> T join(FutureTask<T> task) {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return task.get();
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException e) {
                    Throwable c = e.getCause();
                    if (c instanceof RuntimeException r) {
                        throw r;
                    }
                    if (c instanceof Error err) {
                        throw err;
                    }
                    throw new IllegalStateException(c);
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
