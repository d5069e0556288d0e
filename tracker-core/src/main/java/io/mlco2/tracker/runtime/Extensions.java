package io.mlco2.tracker.runtime;

import io.mlco2.tracker.base.Log;

import java.lang.instrument.Instrumentation;

/**
 * Attaches the optional parts of the agent (metrics, time series, HTML report, epoch detection) to a tracker
 * before sampling starts. Each part is installed on its own: one that fails is one line, and the others and
 * the core reports go on.
 */
final class Extensions {

    private Extensions() {
    }

    static void install(Tracker tracker, Instrumentation inst) {
        // Extensions register here (see the issues for metrics, time series and epochs). Each in its own try, written
        // out rather than passed as lambdas: no class spun at start-up (docs/PERFORMANCE.md).
        try {
            io.mlco2.tracker.epochs.EpochsExtension.install(tracker, inst);
        } catch (Throwable t) {
            disabled(tracker, "epochs", t);
        }
        try {
            io.mlco2.tracker.timeseries.SamplesCsv.install(tracker);
        } catch (Throwable t) {
            disabled(tracker, "time series", t);
        }
        try {
            io.mlco2.tracker.html.HtmlReportWriter.install(tracker);
        } catch (Throwable t) {
            disabled(tracker, "HTML report", t);
        }
        // Checked here so that a run without metrics never loads the Metrics class (its signatures name
        // Micrometer's registries, which the verifier would load: ~20 ms of start-up for nothing).
        if (tracker.config().metricsEnabled()) {
            try {
                io.mlco2.tracker.metrics.Metrics.install(tracker);
            } catch (Throwable t) {
                disabled(tracker, "metrics", t);
            }
        }
    }

    static void disabled(Tracker tracker, String name, Throwable t) {
        tracker.log().warn(name + " disabled: " + Log.describe(t));
    }
}
