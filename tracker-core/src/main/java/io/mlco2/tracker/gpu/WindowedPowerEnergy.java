package io.mlco2.tracker.gpu;

/**
 * Cumulative energy from a power reading that is the mean power over a fixed window ending when it is read
 * (NVML field 185, {@code NVML_FI_DEV_POWER_AVERAGE}: the 1 s average, which {@code nvmlDeviceGetPowerUsage} also
 * returns on Ampere and later). A reading {@code A} at {@code t} covers {@code (t - window, t]}, so with
 * {@code E(t)} the energy up to {@code t}:
 *
 * <pre>E(t) = E(t - window) + window x A(t)</pre>
 *
 * {@code E(t - window)} comes from this integrator's own recent estimates, linear between them. At a sampling
 * interval equal to the window the estimates chain exactly (each reading adds the energy of its own window), and
 * bursts shorter than the window cannot alias: the reading already averages them. A trapezoid of the same readings
 * would lag every step by half a window and move that energy across phase boundaries.
 *
 * <ul>
 *   <li>Before the first reading the power is taken as that reading's.</li>
 *   <li>When {@code t - window} is later than the previous reading (an interval longer than the window, or a gap
 *       after failed reads), the reading stands for the whole gap.</li>
 *   <li>The cumulative value returned never decreases (the accumulator drops negative deltas); an estimate below an
 *       earlier one is kept as history, so the next readings still chain from it.</li>
 * </ul>
 *
 * <p>Memory is constant: the last {@value #HISTORY} estimates; when they do not reach back one window (intervals
 * under window / {@value #HISTORY}), the reading stands for the interval since the previous one, but for a window
 * that starts before the first reading, which needs no history. Not thread safe.
 */
final class WindowedPowerEnergy {

    static final int HISTORY = 256;

    private final long windowNanos;
    private final long[] atNanos = new long[HISTORY];
    private final double[] joulesAt = new double[HISTORY];
    private int count;
    private int newest = -1;
    private long firstNanos;
    private double firstWatts;
    private double joules;

    WindowedPowerEnergy(long windowNanos) {
        if (windowNanos <= 0) {
            throw new IllegalArgumentException("window must be positive: " + windowNanos + " ns");
        }
        this.windowNanos = windowNanos;
    }

    /**
     * Adds the average {@code watts} read at {@code nanos} (monotonic) and returns the cumulative energy, joules,
     * counted from the first reading. A reading that is not a finite non-negative number, or not later than the
     * previous one, changes nothing.
     */
    double add(long nanos, double watts) {
        if (!(watts >= 0) || Double.isInfinite(watts)) {
            return joules;
        }
        if (count == 0) {
            firstNanos = nanos;
            firstWatts = watts;
            push(nanos, 0);
            return joules;
        }
        long lastNanos = atNanos[newest];
        if (nanos <= lastNanos) {
            return joules;
        }
        double windowJoules = watts * (windowNanos / 1e9);
        long from = nanos - windowNanos;
        double estimate;
        if (from >= lastNanos) {
            estimate = joulesAt[newest] + watts * ((nanos - lastNanos) / 1e9);
        } else if (from <= firstNanos) {
            estimate = firstWatts * ((from - firstNanos) / 1e9) + windowJoules;
        } else if (from < atNanos[oldest()]) {
            estimate = joulesAt[newest] + watts * ((nanos - lastNanos) / 1e9);
        } else {
            estimate = joulesAtTime(from) + windowJoules;
        }
        push(nanos, estimate);
        joules = Math.max(joules, estimate);
        return joules;
    }

    /** The cumulative energy so far, joules. */
    double joules() {
        return joules;
    }

    private int oldest() {
        return count < HISTORY ? 0 : (newest + 1) % HISTORY;
    }

    private void push(long nanos, double estimate) {
        newest = (newest + 1) % HISTORY;
        atNanos[newest] = nanos;
        joulesAt[newest] = estimate;
        count = Math.min(count + 1, HISTORY);
    }

    /** Linear between the two stored estimates around {@code t}; {@code t} lies within the history. */
    private double joulesAtTime(long t) {
        int i = newest;
        for (int n = 1; n < count; n++) {
            int before = (i - 1 + HISTORY) % HISTORY;
            if (atNanos[before] <= t) {
                long t0 = atNanos[before];
                long t1 = atNanos[i];
                double f = (t - t0) / (double) (t1 - t0);
                return joulesAt[before] + f * (joulesAt[i] - joulesAt[before]);
            }
            i = before;
        }
        return joulesAt[i];
    }
}
