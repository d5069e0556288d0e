package io.mlco2.tracker.launch;

import io.mlco2.tracker.base.Log;
import io.mlco2.tracker.epochs.EpochTracker;
import io.mlco2.tracker.epochs.EpochsExtension;
import io.mlco2.tracker.html.HtmlReportWriter;
import io.mlco2.tracker.runtime.RunContext;
import io.mlco2.tracker.timeseries.SamplesCsv;

import java.lang.instrument.Instrumentation;

/**
 * Attaches the optional parts of the agent (metrics, time series, HTML report, epoch detection) to a run before
 * sampling starts, through its {@link RunContext}; metrics get the epochs' rows from the epoch tracker installed
 * here. Each part is installed on its own: one that fails is one line, and the others and the core reports go on.
 */
public final class Extensions {

    private Extensions() {
    }

    /** Installs every extension the configuration asks for; {@code inst} may be {@code null} (no framework epochs). */
    public static void install(RunContext run, Instrumentation inst) {
        // Extensions register here (see the issues for metrics, time series and epochs). Each in its own try, written
        // out rather than passed as lambdas: no class spun at start-up (docs/PERFORMANCE.md).
        EpochTracker epochs = null;
        try {
            epochs = EpochsExtension.install(run, inst);
        } catch (Throwable t) {
            disabled(run, "epochs", t);
        }
        try {
            SamplesCsv.install(run);
        } catch (Throwable t) {
            disabled(run, "time series", t);
        }
        try {
            HtmlReportWriter.install(run);
        } catch (Throwable t) {
            disabled(run, "HTML report", t);
        }
        // Checked here so that a run without metrics never loads the Metrics class (its signatures name
        // Micrometer's registries, which the verifier would load: ~20 ms of start-up for nothing).
        if (run.config().metricsEnabled()) {
            try {
                io.mlco2.tracker.metrics.Metrics.install(run, epochs);
            } catch (Throwable t) {
                disabled(run, "metrics", t);
            }
        }
    }

    static void disabled(RunContext run, String name, Throwable t) {
        run.log().warn(name + " disabled: " + Log.describe(t));
    }
}
