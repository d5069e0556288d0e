package io.mlco2.tracker.runtime;

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
        // Extensions register here (see the issues for metrics, time series and epochs).
        guarded(tracker, "epochs", () -> io.mlco2.tracker.epochs.EpochsExtension.install(tracker, inst));
        guarded(tracker, "time series", () -> io.mlco2.tracker.timeseries.SamplesCsv.install(tracker));
        guarded(tracker, "HTML report", () -> io.mlco2.tracker.html.HtmlReportWriter.install(tracker));
        // Checked here so that a run without metrics never loads the Metrics class (its signatures name
        // Micrometer's registries, which the verifier would load: ~20 ms of start-up for nothing).
        if (tracker.config().metricsEnabled()) {
            guarded(tracker, "metrics", () -> io.mlco2.tracker.metrics.Metrics.install(tracker));
        }
    }

    static void guarded(Tracker tracker, String name, Runnable r) {
        try {
            r.run();
        } catch (Throwable t) {
            tracker.log().warn(name + " disabled: " + Log.describe(t));
        }
    }
}
