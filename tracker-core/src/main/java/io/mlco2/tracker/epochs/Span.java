package io.mlco2.tracker.epochs;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One phase or epoch while it runs: opened on an application thread, closed once (ended or cancelled). The energy
 * at its start is filled in later by the sampler thread.
 */
public final class Span {

    final String name;
    final int number;
    final int epoch;
    final long startNanos;
    final AtomicBoolean closed = new AtomicBoolean();
    /** Cumulative joules by component at the start; sampler thread only. */
    double[] startJoules;
    /** {@code IntensityLedger.knownJouleGrams} at the start (0 without a source over time); sampler thread only. */
    double startJouleGrams;

    Span(String name, int number, int epoch, long startNanos) {
        this.name = name;
        this.number = number;
        this.epoch = epoch;
        this.startNanos = startNanos;
    }

    public String name() {
        return name;
    }

    /** 1-based count of this phase name in the run (for an epoch: the epoch). */
    public int number() {
        return number;
    }
}
