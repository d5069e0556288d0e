package io.mlco2.tracker.runtime;

import io.mlco2.tracker.report.RunSummary;

import java.nio.file.Path;

/** Writes one report file at the end of a run. A failure is one log line; the other writers still run. */
public interface ReportWriter {

    /** Short name for log lines, e.g. {@code emissions.csv}. */
    String name();

    /** Writes the report into {@code dir}; returns the file written. */
    Path write(RunSummary summary, Path dir) throws Exception;
}
