package io.mlco2.tracker.runtime;

import io.mlco2.tracker.base.Log;
import io.mlco2.tracker.report.EmissionsCsv;
import io.mlco2.tracker.report.RunSummary;
import io.mlco2.tracker.report.SummaryJson;

import java.nio.file.Path;

/**
 * The two reports every run writes: the JSON summary, and {@code emissions.csv} ({@link Tracker} writes it after
 * every other report). A class, not lambdas: on the agent's start-up path each lambda is a class the JDK spins at
 * its first use (docs/PERFORMANCE.md, start-up).
 */
final class CoreReport implements ReportWriter {
    private final String name;
    private final Log log;

    CoreReport(String name, Log log) {
        this.name = name;
        this.log = log;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Path write(RunSummary s, Path dir) throws Exception {
        return name.equals("emissions.csv") ? EmissionsCsv.append(s, dir, log) : SummaryJson.write(s, dir);
    }
}
