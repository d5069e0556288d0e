package io.mlco2.tracker.launch;

import io.mlco2.tracker.base.Log;

import io.mlco2.tracker.carbon.CarbonIntensities;
import io.mlco2.tracker.cpu.HostInfo;
import io.mlco2.tracker.hardware.TdpTables;

import java.util.concurrent.Callable;
import java.util.concurrent.FutureTask;

/**
 * Runs the independent parts of the agent's start-up at the same time (docs/PERFORMANCE.md, start-up): OSHI's
 * hardware discovery ({@link HostInfo#prefetch}) and the bundled tables, each on
 * a short-lived daemon thread, while NVML opens on its own ({@link io.mlco2.tracker.runtime.SourceDiscovery#create}). The exit hook waits for start-up, so on a short job this time is the agent's
 * whole cost.
 */
final class Startup {

    private Startup() {
    }

    /** Starts what {@link io.mlco2.tracker.runtime.SourceDiscovery#create} needs first: OSHI, and the tables (loaded by their holders' class init). */
    static void prefetch(Log log) {
        HostInfo.prefetch(log);
        async("mlco2-init-carbon", new Callable<Object>() { // classes, not lambdas: none spun at start-up
            @Override
            public Object call() {
                return CarbonIntensities.bundled();
            }
        });
        async("mlco2-init-tdp", new Callable<Object>() {
            @Override
            public Object call() {
                return TdpTables.bundled();
            }
        });
    }

    /** The agent's classes only the exit path uses (initialised by {@link #warmExitPath}; no side effects). */
    static final String[] EXIT_PATH_CLASSES = {"io.mlco2.tracker.format.Csv",
            "io.mlco2.tracker.report.ComponentEnergy", "io.mlco2.tracker.report.TdpEstimate",
            "io.mlco2.tracker.carbon.Mitigation", "io.mlco2.tracker.base.Version",
            "io.mlco2.tracker.report.EmissionsCsv", "io.mlco2.tracker.report.SummaryJson"};

    /** The HTML report's classes (they read the page's script and style). */
    static final String[] HTML_CLASSES = {"io.mlco2.tracker.html.Page", "io.mlco2.tracker.html.Html",
            "io.mlco2.tracker.html.RunReportPage"};

    /**
     * Loads, on a daemon thread from the agent's start on, what only the exit path uses: the time zone's rules and
     * the timestamp formatter (the JDK reads its time-zone data the first time), and the report writers' classes.
     * Without this it would all load after the run's end, in the application's exit: on a short job, while the JVM
     * waits to exit (docs/PERFORMANCE.md, start-up). Nothing waits for it; a writer at exit that gets there first
     * loads what it needs itself.
     */
    static void warmExitPath(io.mlco2.tracker.config.Config config) {
        boolean html = config.get(io.mlco2.tracker.config.Config.HTML_REPORT);
        ClassLoader loader = Startup.class.getClassLoader();
        Thread t = new Thread(new Runnable() {
            @Override
            public void run() {
                try {
                    java.time.LocalDateTime.ofInstant(java.time.Instant.now(), java.time.ZoneId.systemDefault());
                    for (String c : EXIT_PATH_CLASSES) {
                        Class.forName(c, true, loader);
                    }
                    if (html) {
                        for (String c : HTML_CLASSES) {
                            Class.forName(c, true, loader);
                        }
                    }
                } catch (Throwable ignored) {
                    // the writers report their own failures at exit
                }
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
}
