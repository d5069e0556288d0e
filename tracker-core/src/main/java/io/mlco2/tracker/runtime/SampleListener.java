package io.mlco2.tracker.runtime;

/**
 * Called on the sampler thread after every sample (time series, metrics, epochs). Must return quickly and never
 * block; an exception is logged once and the listener is kept.
 */
@FunctionalInterface
public interface SampleListener {

    void onSample(RunContext run, long monotonicNanos);
}
