package io.mlco2.tracker.timeseries;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MinMaxSeriesTest {

    @Test
    void aMillionValuesStayInTheBucketsWithTheirExtremes() {
        MinMaxSeries s = new MinMaxSeries(100);
        for (int i = 0; i < 1_000_000; i++) {
            s.add(i, i == 500_000 ? 1000 : i == 700_000 ? -5 : 10);
        }
        List<MinMaxSeries.Bucket> b = s.buckets();
        assertTrue(b.size() <= 100 && b.size() > 50, "size " + b.size());
        assertEquals(1000, b.stream().mapToDouble(MinMaxSeries.Bucket::max).max().orElseThrow());
        assertEquals(-5, b.stream().mapToDouble(MinMaxSeries.Bucket::min).min().orElseThrow());
        assertEquals(1_000_000, b.stream().mapToInt(MinMaxSeries.Bucket::count).sum());
        assertEquals(0, b.get(0).startSeconds());
        assertEquals(999_999, b.get(b.size() - 1).endSeconds());
        double total = b.stream().mapToDouble(x -> x.mean() * x.count()).sum();
        assertEquals(10.0 * 999_998 + 1000 - 5, total, 1e-3);
    }

    @Test
    void nanIsSkipped() {
        MinMaxSeries s = new MinMaxSeries(4);
        s.add(0, Double.NaN);
        s.add(1, 3);
        assertEquals(1, s.size());
        assertEquals(3, s.buckets().get(0).mean());
    }

    /**
     * The buckets expected of {@code n} values in {@code capacity} buckets: runs of {@code k} consecutive values
     * (the last run may be shorter), {@code k} the smallest power of two that needs no more than {@code capacity}
     * runs; computed here from the values themselves.
     */
    private static List<MinMaxSeries.Bucket> expected(double[] t, double[] v, int n, int capacity) {
        int k = 1;
        while ((n + k - 1) / k > capacity) {
            k *= 2;
        }
        List<MinMaxSeries.Bucket> out = new ArrayList<>();
        for (int from = 0; from < n; from += k) {
            int to = Math.min(n, from + k);
            double min = Double.POSITIVE_INFINITY;
            double max = Double.NEGATIVE_INFINITY;
            double sum = 0;
            for (int i = from; i < to; i++) {
                min = Math.min(min, v[i]);
                max = Math.max(max, v[i]);
                sum += v[i];
            }
            out.add(new MinMaxSeries.Bucket(t[from], t[to - 1], min, max, sum / (to - from), to - from));
        }
        return out;
    }

    @Test
    void eachBucketIsARunOfAPowerOfTwoConsecutiveValuesWithTheirMinMaxAndMean() {
        Random random = new Random(42);
        for (int capacity : new int[] {2, 4, 6}) {
            int n = 100;
            double[] t = new double[n];
            double[] v = new double[n];
            MinMaxSeries s = new MinMaxSeries(capacity);
            for (int i = 0; i < n; i++) {
                t[i] = i * 0.5 + random.nextDouble() * 0.25;
                v[i] = Math.round(random.nextDouble() * 4000) / 8.0; // exact in binary: sums compare exactly
                s.add(t[i], v[i]);
                assertEquals(expected(t, v, i + 1, capacity), s.buckets(), capacity + " buckets, " + (i + 1) + " values");
                assertEquals(s.buckets().size(), s.size());
            }
        }
    }

    @Test
    void infiniteValuesAreSkippedLikeNaN() {
        MinMaxSeries s = new MinMaxSeries(2);
        s.add(0, Double.POSITIVE_INFINITY);
        s.add(1, Double.NEGATIVE_INFINITY);
        s.add(2, 7);
        assertEquals(List.of(new MinMaxSeries.Bucket(2, 2, 7, 7, 7, 1)), s.buckets());
    }

    @Test
    void theBucketCountIsEvenAndAtLeastTwo() {
        assertEquals(2, new MinMaxSeries(2).capacity());
        assertEquals(MinMaxSeries.DEFAULT_BUCKETS, new MinMaxSeries().capacity());
        for (int bad : new int[] {-2, 0, 1, 3, 999}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new MinMaxSeries(bad));
            assertEquals("buckets must be even and >= 2: " + bad, e.getMessage());
        }
    }
}
