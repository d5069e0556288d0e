package io.mlco2.tracker.energy;

/**
 * One reading of one energy source.
 *
 * @param powerWatts          instantaneous (or short-average) power, {@code NaN} when unknown
 * @param counterJoules       raw value of a cumulative hardware energy counter, {@code NaN} when the source has
 *                            none or this read failed
 * @param counterRangeJoules  the value at which the counter wraps to zero; {@code Double.POSITIVE_INFINITY} when
 *                            it never wraps in practice (NVML's 64-bit millijoule counter)
 * @param utilization         load in [0, 1] that this reading is based on, {@code NaN} when unknown
 */
public record Reading(double powerWatts, double counterJoules, double counterRangeJoules, double utilization) {

    public static final Reading FAILED = new Reading(Double.NaN, Double.NaN, Double.POSITIVE_INFINITY, Double.NaN);

    public static Reading power(double powerWatts, double utilization) {
        return new Reading(powerWatts, Double.NaN, Double.POSITIVE_INFINITY, utilization);
    }

    public static Reading counter(double counterJoules, double counterRangeJoules, double powerWatts, double utilization) {
        return new Reading(powerWatts, counterJoules, counterRangeJoules, utilization);
    }

    public boolean hasCounter() {
        return !Double.isNaN(counterJoules);
    }
}
