package io.mlco2.tracker.epochs;

import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the epochs to come cost, against values worked out in the test: the median by hand, the warm-up curve
 * {@code a + b/k} by a least-squares fit written here in centred form ({@link #fit}) and summed term by term.
 */
class EpochCostTest {

    static EpochCost of(double... values) {
        EpochCost c = new EpochCost();
        for (int i = 0; i < values.length; i++) {
            c.add(i + 1, values[i]);
        }
        return c;
    }

    /** {a, b} of the least-squares fit of {@code y[i] = a + b / (i + 1)}: b = cov(x, y) / var(x), a = mean(y) - b mean(x). */
    static double[] fit(double[] y) {
        int n = y.length;
        double mx = 0;
        double my = 0;
        for (int i = 0; i < n; i++) {
            mx += 1.0 / (i + 1) / n;
            my += y[i] / n;
        }
        double cov = 0;
        double var = 0;
        for (int i = 0; i < n; i++) {
            double dx = 1.0 / (i + 1) - mx;
            cov += dx * (y[i] - my);
            var += dx * dx;
        }
        double b = cov / var;
        return new double[] {my - b * mx, b};
    }

    /** The mean of {@code a + b/k} over the epochs {@code n+1 .. n+remaining}, term by term. */
    static double curveMean(double a, double b, int n, int remaining) {
        double s = 0;
        for (int k = n + 1; k <= n + remaining; k++) {
            s += a + b / k;
        }
        return s / remaining;
    }

    static double median(double... v) {
        double[] s = v.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }

    @Test
    void oneOrTwoEpochsGiveTheLatestWithoutEpochOne() {
        EpochCost.Estimate one = of(300).next(9);
        assertEquals(300, one.perEpoch(), 0.0);
        assertEquals("epoch 1, warm-up included (often high)", one.basis(), "epoch 1 pays the warm-up: says so");
        EpochCost.Estimate two = of(300, 100).next(8);
        assertEquals(100, two.perEpoch(), 0.0, "epoch 1 left out once there is another");
        assertEquals("epoch 2", two.basis());
        assertTrue(Double.isNaN(new EpochCost().next(3).perEpoch()), "no epoch, no estimate");
    }

    @Test
    void aSlowFirstEpochThenFlatEpochsKeepTheMedian() {
        // A one-epoch warm-up: the curve fitted to 300, 100, 110 is steep (b > 0) and overshoots epochs 4-10, so the
        // median of epochs 2-3 is used.
        double[] y = {300, 100, 110};
        double[] ab = fit(y);
        assertTrue(ab[1] > 0);
        assertTrue(Math.max(ab[0], 0.75 * 100) + ab[1] * (1 / 4.0 + 1 / 5.0 + 1 / 6.0 + 1 / 7.0 + 1 / 8.0 + 1 / 9.0
                + 1 / 10.0) / 7 > 105, "the curve would forecast more than the median");
        EpochCost.Estimate e = of(y).next(7);
        assertEquals(105, e.perEpoch(), 1e-12);
        assertEquals("median of epochs 2-3", e.basis());
    }

    @Test
    void costsThatRiseKeepTheMedianOfTheLatestFive() {
        // b < 0: no warm-up to follow. Epochs 1-8 rising, the window is epochs 4-8.
        double[] y = {100, 101, 103, 104, 106, 108, 400, 109};
        assertTrue(fit(y)[1] < 0);
        EpochCost c = of(y);
        assertEquals(median(104, 106, 108, 400, 109), c.next(2).perEpoch(), 0.0);
        assertEquals("median of epochs 4-8", c.next(2).basis());
    }

    @Test
    void aWarmUpThatDecaysLikeOneOverKIsFollowedExactly() {
        // cost(k) = 100 + 60 / k exactly (160, 130, 120, 115): the fit finds a = 100 (above 0.75 x 115), b = 60, and
        // epochs 5-10 cost its mean over them.
        double[] y = new double[4];
        for (int k = 1; k <= 4; k++) {
            y[k - 1] = 100 + 60.0 / k;
        }
        EpochCost.Estimate e = of(y).next(6);
        double expected = 0;
        for (int k = 5; k <= 10; k++) {
            expected += 100 + 60.0 / k;
        }
        expected /= 6;
        assertEquals(expected, e.perEpoch(), 1e-9);
        assertTrue(e.perEpoch() < median(y[1], y[2], y[3]), "below the median of epochs 2-4");
        assertEquals("warm-up curve a + b/k fitted to epochs 1-4", e.basis());
        // no epoch left to run: the next epoch's cost
        assertEquals(100 + 60.0 / 5, of(y).next(0).perEpoch(), 1e-9);
    }

    @Test
    void theAsymptoteIsRaisedToThreeQuartersOfTheCheapestEpoch() {
        // cost(k) = 600 / k: the fit's a is 0, raised to 0.75 x 100 (epoch 6, the cheapest) = 75; epochs 7-12 at the
        // mean of 75 + 600 / k, below the median of epochs 2-6 (150).
        double[] y = {600, 300, 200, 150, 120, 100};
        double[] ab = fit(y);
        assertEquals(0, ab[0], 1e-9);
        assertEquals(600, ab[1], 1e-9);
        double expected = curveMean(75, 600, 6, 6);
        assertTrue(expected < 150, expected + " J");
        EpochCost.Estimate e = of(y).next(6);
        assertEquals(expected, e.perEpoch(), 1e-9);
        assertEquals("warm-up curve a + b/k fitted to epochs 1-6, a raised to 0.75 x the cheapest epoch", e.basis());
    }

    /**
     * A recorded series: the energy of each of 16 epochs of the DL4J MLP job (Dl4jTrainingJob, scripts/forecast-check
     * 4 16, run 4, joules), after 10.24 J of start-up; the run's actual energy is the start-up plus every epoch. With
     * the median the forecast after epoch 3 is 24 % over (epochs 2-3 still pay the warm-up); with the curve every
     * forecast from epoch 3 on is within 20 %.
     */
    @Test
    void aRecordedDl4jSeriesIsForecastWithinTwentyPercentFromEpochThree() {
        double startUp = 10.24;
        double[] y = {6.29, 5.54, 3.18, 2.79, 3.08, 2.58, 2.62, 2.92, 2.64, 2.31, 2.54, 2.18, 3.55, 6.86, 4.29, 2.57};
        int planned = y.length;
        double actual = startUp + Arrays.stream(y).sum();
        double soFar = startUp;
        EpochCost c = new EpochCost();
        double worstOld = 0;
        for (int n = 1; n < planned; n++) {
            soFar += y[n - 1];
            c.add(n, y[n - 1]);
            if (n < 3) {
                continue;
            }
            int remaining = planned - n;
            double[] seen = Arrays.copyOfRange(y, Math.max(1, n - 5), n);
            double med = median(seen);
            double[] ab = fit(Arrays.copyOf(y, n));
            double cheapest = Arrays.stream(y, 0, n).min().orElseThrow();
            double curve = curveMean(Math.max(ab[0], 0.75 * cheapest), ab[1], n, remaining);
            double expected = ab[1] > 0 && curve < med ? curve : med;
            assertEquals(expected, c.next(remaining).perEpoch(), 1e-9, "after epoch " + n);
            double errorPct = 100 * (soFar + remaining * expected - actual) / actual;
            assertTrue(Math.abs(errorPct) <= 20, "after epoch " + n + ": " + errorPct + " %");
            worstOld = Math.max(worstOld, Math.abs(100 * (soFar + remaining * med - actual) / actual));
        }
        assertTrue(worstOld > 20, "the median alone: " + worstOld + " %");
    }

    @Test
    void harmonicSumsAreExactOrWithinRoundingOfTheExpansion() {
        assertEquals(1 + 1 / 2.0 + 1 / 3.0, EpochCost.harmonicSum(1, 3), 1e-15);
        assertEquals(0, EpochCost.harmonicSum(5, 4), 0.0);
        double s = 0;
        for (long k = 10_000_000; k >= 4000; k--) {
            s += 1.0 / k;
        }
        assertEquals(s, EpochCost.harmonicSum(4000, 10_000_000), 1e-10);
        // just past the exact range, where the expansion's 1/(2m) and 1/(12 m^2) terms still count
        double h5000 = 0;
        for (int k = 5000; k >= 1; k--) {
            h5000 += 1.0 / k;
        }
        assertEquals(h5000, EpochCost.harmonicSum(1, 5000), 1e-13);
        // a very long run costs no more to forecast: H(1e12) - H(99) = ln(1e12) + gamma - H(99) to 1e-9
        double h99 = EpochCost.harmonicSum(1, 99);
        assertEquals(Math.log(1e12) + 0.5772156649015329 - h99, EpochCost.harmonicSum(100, 1_000_000_000_000L), 1e-9);
    }
}
