package io.mlco2.tracker.html;

import io.mlco2.tracker.config.Config;
import io.mlco2.tracker.report.ReportFiles;
import io.mlco2.tracker.report.RunSummary;
import io.mlco2.tracker.runtime.ReportWriter;
import io.mlco2.tracker.runtime.RunContext;
import io.mlco2.tracker.timeseries.PowerHistory;

import java.nio.file.Path;

/**
 * Writes {@code <run_id>.<node_id>.html} at exit ({@code mlco2.report.html}, on by default). The chart's data comes from a
 * {@link PowerHistory} fed by every sample, so memory stays constant however long the run.
 */
public final class HtmlReportWriter implements ReportWriter {

    private final PowerHistory history;

    public HtmlReportWriter(PowerHistory history) {
        this.history = history;
    }

    public static void install(RunContext run) {
        if (!run.config().get(Config.HTML_REPORT)) {
            return;
        }
        PowerHistory history = new PowerHistory();
        run.addListener(history);
        run.addWriter(new HtmlReportWriter(history));
    }

    public static Path fileFor(Path dir, RunSummary summary) {
        return ReportFiles.file(dir, summary.runId(), summary.node().nodeId(), ReportFiles.HTML);
    }

    @Override
    public String name() {
        return "HTML report";
    }

    @Override
    public Path write(RunSummary summary, Path dir) throws Exception {
        Path file = fileFor(dir, summary);
        ReportFiles.writeAtomically(file, RunReportPage.render(summary, history.series(), history.intensity()));
        return file;
    }
}
