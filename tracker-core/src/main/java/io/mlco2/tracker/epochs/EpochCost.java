package io.mlco2.tracker.epochs;

import java.util.ArrayDeque;
import java.util.Arrays;

/**
 * What each epoch still to run will cost, learnt from the finished ones: one series (energy in joules, or duration in
 * seconds) in constant memory, whatever the number of epochs. Two models, chosen after each epoch:
 * <ul>
 *   <li><b>Warm-up curve</b>: {@code cost(k) = a + b / k} for epoch number {@code k}, fitted by least squares to every
 *   finished epoch. JIT compilation, native libraries and caches make the early epochs dear, and on short epochs this
 *   lasts well past epoch 1 (DL4J: epochs 2 and 3 still cost up to 3x the later ones), so a median of the early
 *   epochs runs high. The epochs to come are the curve's mean over their numbers, its asymptote {@code a} kept at
 *   {@value #FLOOR_SHARE} x the cheapest epoch measured or more, so that a steep fit to a noisy start does not forecast
 *   epochs much cheaper than any seen. Used from {@value #MIN_CURVE_EPOCHS} epochs on, when the fit decays
 *   ({@code b > 0}) and forecasts less than the median: when it forecasts more, the costs do not decay like a warm-up
 *   (a slow epoch 1 and then flat epochs make a steep fit that overshoots the later ones) and the median is right.</li>
 *   <li>Otherwise (one or two epochs, costs flat or rising, a one-epoch warm-up): the <b>median of the latest
 *   {@value #RECENT_EPOCHS}</b>, epoch 1 left out once there is another, so one slow or fast epoch does not move it.</li>
 * </ul>
 * Chosen on the epoch series of five kinds of program recorded by {@code scripts/forecast-check} (docs/EPOCHS.md).
 */
final class EpochCost {

    /** Latest epochs the median looks at: a slow epoch long ago no longer counts. */
    static final int RECENT_EPOCHS = 5;

    /** Epochs measured before the warm-up curve is fitted (two points always fit a curve exactly). */
    static final int MIN_CURVE_EPOCHS = 3;

    /** The curve's asymptote is at least this share of the cheapest epoch measured. */
    static final double FLOOR_SHARE = 0.75;

    /**
     * The basis of an estimate from epoch 1 alone, which pays the JIT, native and cache warm-up: on the runs of
     * {@code scripts/forecast-check} the forecast after epoch 1 was high in 149 of 150, by +68 % at the median.
     */
    static final String FIRST_EPOCH_BASIS = "epoch 1, warm-up included (often high)";

    /** Above this many terms a sum of 1/k uses the asymptotic expansion of the harmonic numbers. */
    private static final long EXACT_HARMONIC_TERMS = 4096;

    private static final double EULER_GAMMA = 0.5772156649015329;

    /** What the epochs to come cost each on average, and which epochs and model it comes from, in words. */
    record Estimate(double perEpoch, String basis) {
    }

    // {epoch number, value} of the latest RECENT_EPOCHS + 1 epochs (one more, to leave epoch 1 out)
    private final ArrayDeque<double[]> recent = new ArrayDeque<>();
    // least-squares sums over every epoch, x = 1 / k
    private long count;
    private double sumX;
    private double sumXx;
    private double sumY;
    private double sumXy;
    private double cheapest = Double.POSITIVE_INFINITY;
    private long firstNumber;
    private long lastNumber;

    /** A finished epoch: its number (1 for the first) and its cost. */
    void add(long number, double value) {
        double x = 1.0 / Math.max(1, number);
        if (count == 0) {
            firstNumber = number;
        }
        count++;
        lastNumber = number;
        sumX += x;
        sumXx += x * x;
        sumY += value;
        sumXy += x * value;
        cheapest = Math.min(cheapest, value);
        recent.addLast(new double[] {number, value});
        if (recent.size() > RECENT_EPOCHS + 1) {
            recent.removeFirst();
        }
    }

    /**
     * The mean cost of the next {@code remaining} epochs (numbered after the last finished one); for
     * {@code remaining <= 0}, the cost of the next epoch. {@code NaN} before any epoch.
     */
    Estimate next(long remaining) {
        if (count == 0) {
            return new Estimate(Double.NaN, "no epoch");
        }
        Estimate median = median();
        long ahead = Math.max(1, remaining);
        if (count >= MIN_CURVE_EPOCHS) {
            double det = count * sumXx - sumX * sumX;
            if (det > 0) {
                double b = (count * sumXy - sumX * sumY) / det;
                if (b > 0) {
                    double a = (sumY - b * sumX) / count;
                    double floor = FLOOR_SHARE * cheapest;
                    double mean = Math.max(a, floor) + b * harmonicSum(lastNumber + 1, lastNumber + ahead) / ahead;
                    if (mean < median.perEpoch()) {
                        String fit = "warm-up curve a + b/k fitted to epochs " + firstNumber + "-" + lastNumber;
                        return new Estimate(mean, a >= floor ? fit
                                : fit + ", a raised to " + FLOOR_SHARE + " x the cheapest epoch");
                    }
                }
            }
        }
        return median;
    }

    /** The median of the latest epochs, epoch 1 left out once there is another. */
    private Estimate median() {
        double[][] r = recent.toArray(new double[0][]);
        int from = r[0][0] == 1 && r.length > 1 ? 1 : 0;
        from = Math.max(from, r.length - RECENT_EPOCHS);
        double[] v = new double[r.length - from];
        for (int i = from; i < r.length; i++) {
            v[i - from] = r[i][1];
        }
        Arrays.sort(v);
        int n = v.length;
        double median = n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
        long firstUsed = (long) r[from][0];
        long last = (long) r[r.length - 1][0];
        return new Estimate(median, last == 1 ? FIRST_EPOCH_BASIS
                : firstUsed == last ? "epoch " + last : "median of epochs " + firstUsed + "-" + last);
    }

    /** {@code 1/from + 1/(from+1) + ... + 1/to}; 0 when {@code to < from}. */
    static double harmonicSum(long from, long to) {
        if (to < from) {
            return 0;
        }
        if (to - from < EXACT_HARMONIC_TERMS) {
            double s = 0;
            for (long k = to; k >= from; k--) { // smallest terms first
                s += 1.0 / k;
            }
            return s;
        }
        return harmonic(to) - harmonic(from - 1);
    }

    /** The harmonic number H(m) = 1 + 1/2 + ... + 1/m, exactly for small m, else its asymptotic expansion. */
    private static double harmonic(long m) {
        if (m <= EXACT_HARMONIC_TERMS) {
            return harmonicSum(1, m);
        }
        double inv = 1.0 / m;
        return Math.log(m) + EULER_GAMMA + inv / 2 - inv * inv / 12; // the next term, 1/(120 m^4), is below rounding
    }
}
