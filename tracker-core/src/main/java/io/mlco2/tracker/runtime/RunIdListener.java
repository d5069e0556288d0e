package io.mlco2.tracker.runtime;

/**
 * Told when the run takes another id ({@link Tracker#joinRun}, e.g. a Spark driver joining its application's run):
 * a file already named after the old id follows the new one. Called on the joining thread; must not throw.
 */
public interface RunIdListener {

    /** {@code run.runId()} is already the new id. */
    void runIdChanged(RunContext run, String oldRunId);
}
