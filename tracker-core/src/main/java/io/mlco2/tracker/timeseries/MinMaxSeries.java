package io.mlco2.tracker.timeseries;

import java.util.ArrayList;
import java.util.List;

/**
 * A series of any length kept in a fixed number of buckets, each holding the min, max and mean of the values it
 * covers (min/max decimation): when the buckets are full, neighbours are merged pairwise and each bucket covers
 * twice as many values from then on. A week-long run costs the same memory as a minute.
 *
 * <p>Thread safe (synchronised): one writer (the sampler), readers at exit.
 */
public final class MinMaxSeries {

    /** Default bucket count: 1000 buckets, drawn as at most 2000 points (min and max of each). */
    public static final int DEFAULT_BUCKETS = 1000;

    /**
     * One bucket.
     *
     * @param startSeconds first time covered, seconds since the run's start
     * @param endSeconds   last time covered
     */
    public record Bucket(double startSeconds, double endSeconds, double min, double max, double mean, int count) {
    }

    private final int capacity;
    private final double[] start;
    private final double[] end;
    private final double[] min;
    private final double[] max;
    private final double[] sum;
    private final int[] count;
    private int size;
    private int valuesPerBucket = 1;

    public MinMaxSeries() {
        this(DEFAULT_BUCKETS);
    }

    /** @param buckets the most buckets kept; even, at least 2 */
    public MinMaxSeries(int buckets) {
        if (buckets < 2 || buckets % 2 != 0) {
            throw new IllegalArgumentException("buckets must be even and >= 2: " + buckets);
        }
        capacity = buckets;
        start = new double[buckets];
        end = new double[buckets];
        min = new double[buckets];
        max = new double[buckets];
        sum = new double[buckets];
        count = new int[buckets];
    }

    /** Adds a value at {@code seconds} (non-decreasing); {@code NaN} and infinite values are ignored. */
    public synchronized void add(double seconds, double value) {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            return;
        }
        if (size > 0 && count[size - 1] < valuesPerBucket) {
            int i = size - 1;
            end[i] = seconds;
            min[i] = Math.min(min[i], value);
            max[i] = Math.max(max[i], value);
            sum[i] += value;
            count[i]++;
            return;
        }
        if (size == capacity) {
            halve();
        }
        int i = size++;
        start[i] = seconds;
        end[i] = seconds;
        min[i] = value;
        max[i] = value;
        sum[i] = value;
        count[i] = 1;
    }

    private void halve() {
        for (int i = 0; i < size / 2; i++) {
            int a = 2 * i;
            int b = a + 1;
            start[i] = start[a];
            end[i] = end[b];
            min[i] = Math.min(min[a], min[b]);
            max[i] = Math.max(max[a], max[b]);
            sum[i] = sum[a] + sum[b];
            count[i] = count[a] + count[b];
        }
        size /= 2;
        valuesPerBucket *= 2;
    }

    /** A copy of the buckets, oldest first. */
    public synchronized List<Bucket> buckets() {
        List<Bucket> out = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            out.add(new Bucket(start[i], end[i], min[i], max[i], sum[i] / count[i], count[i]));
        }
        return out;
    }

    public synchronized int size() {
        return size;
    }

    public int capacity() {
        return capacity;
    }
}
