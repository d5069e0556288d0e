package io.mlco2.tracker.runtime;

import io.mlco2.tracker.base.Log;
import io.mlco2.tracker.base.NodeIdentity;
import io.mlco2.tracker.carbon.GridIntensity;
import io.mlco2.tracker.carbon.IntensityLedger;
import io.mlco2.tracker.config.Config;
import io.mlco2.tracker.cpu.HostInfo;
import io.mlco2.tracker.energy.EnergyAccumulator;

import java.time.Instant;
import java.util.List;
import java.util.function.Supplier;

/**
 * What an extension (epochs, time series, HTML report, metrics) sees of a tracked run, and how it joins in: it
 * listens to the samples, writes a report at the end, adds a section to the JSON summary, a note, or something
 * to close. Extensions depend on this, not on {@link Tracker}. Every method is safe from any thread.
 */
public interface RunContext {

    Config config();

    Log log();

    /**
     * The run's id: {@code mlco2.run-id}, else on a Spark executor its application id, else a random UUID; it may
     * change once, when {@link #joinRun} is called.
     */
    String runId();

    /**
     * Makes this JVM part of run {@code runId} (a Spark driver joining its application's run once its SparkContext
     * exists): every file written from now on is named after it, and the files already written are renamed. A no-op
     * when {@code mlco2.run-id} was set, after the run's end, or for a blank id. Safe from any thread; never throws.
     */
    void joinRun(String runId);

    /** Who measures: host, pid, Spark ids; its {@link NodeIdentity#nodeId()} is in every report file name. */
    NodeIdentity node();

    HostInfo host();

    GridIntensity intensity();

    /** The grid's intensity over the run and the emissions integrated over time (fed by every sample). */
    IntensityLedger carbon();

    /** One per device, in report order; read them on the sampler thread (in {@link SampleListener#onSample}). */
    List<EnergyAccumulator> accumulators();

    /** The run's start on the monotonic clock of the samples ({@link System#nanoTime()}-like). */
    long startNanos();

    /** The same instant on the wall clock. */
    Instant startWall();

    /** Called on the sampler thread after every sample. */
    void addListener(SampleListener listener);

    /** Writes a report at the end of the run, after the core reports. */
    void addWriter(ReportWriter writer);

    /** Adds a section to the JSON summary, computed when the summary is made ({@code null}: left out). */
    void addSection(String key, Supplier<Object> section);

    /** Told when the run takes another id ({@link #joinRun}). */
    void addRunIdListener(RunIdListener listener);

    /** Closed at the end of the run, after the reports: metrics endpoints, the OTLP registry's last push. */
    void addCloseable(AutoCloseable closeable);

    /** Adds a line to the summary's notes. */
    void note(String note);

    /**
     * {@code true} once the run is ending (its last sample and final summary to come): a summary made before that
     * (the one written at start, or again when the run joins another id) is not the run's last word.
     */
    default boolean ending() {
        return false;
    }
}
