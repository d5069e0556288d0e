package io.mlco2.tracker.carbon;

import java.time.Duration;
import java.time.Instant;

/**
 * A test source over time whose whole series is known from the start, as a complete file's is: the test puts its
 * values in {@link #series}; no forecast.
 */
public final class KnownSeries implements IntensityProvider {
    public final IntensitySeries series = new IntensitySeries();
    private final String name;

    public KnownSeries(String name) {
        this.name = name;
    }

    public String name() {
        return name;
    }

    public String description() {
        return "a test series";
    }

    public void start() {
    }

    public IntensitySeries series() {
        return series;
    }

    public Instant knownUntil() {
        return Instant.MAX;
    }

    public void finish(Instant runEnd, Duration limit) {
    }

    public IntensitySeries forecast() {
        return null;
    }

    public void close() {
    }
}
