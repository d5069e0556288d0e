package io.mlco2.tracker.carbon;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A grid's carbon intensity over time as a step function: each point's gCO2eq/kWh holds from its instant until the
 * next point's (the last one holds on). Before the first point nothing is known. Thread safe: a provider's thread
 * adds points while the sampler reads.
 */
public final class IntensitySeries {

    /** The part of an interval the series covers and its integral there. */
    public record Coverage(double coveredSeconds, double gramSecondsPerKwh, double minGramsPerKwh, double maxGramsPerKwh) {
        /** The time-weighted mean over the covered part; {@code NaN} when nothing is covered. */
        public double meanGramsPerKwh() {
            return coveredSeconds > 0 ? gramSecondsPerKwh / coveredSeconds : Double.NaN;
        }
    }

    /** Points kept at most: a year of 5-minute rows. Beyond it the oldest are dropped. */
    static final int MAX_POINTS = 366 * 24 * 12;

    private final TreeMap<Instant, Double> points = new TreeMap<>();

    /** Sets the intensity from {@code from} on (until the next point); a point at the same instant is replaced. */
    public synchronized void put(Instant from, double gramsPerKwh) {
        points.put(from, gramsPerKwh);
        if (points.size() > MAX_POINTS) {
            points.pollFirstEntry();
        }
    }

    public synchronized boolean isEmpty() {
        return points.isEmpty();
    }

    public synchronized int size() {
        return points.size();
    }

    /** The first point's instant, or {@code null} when empty. */
    public synchronized Instant first() {
        return points.isEmpty() ? null : points.firstKey();
    }

    /** The intensity in effect at {@code t}, {@code NaN} before the first point. */
    public synchronized double at(Instant t) {
        Map.Entry<Instant, Double> e = points.floorEntry(t);
        return e == null ? Double.NaN : e.getValue();
    }

    /** The points, in time order. */
    public synchronized List<Map.Entry<Instant, Double>> points() {
        return new ArrayList<>(points.entrySet());
    }

    /**
     * The integral of the step function over {@code [from, to]} where it is defined (from the first point on), and
     * how many seconds of the interval that is.
     */
    public synchronized Coverage integrate(Instant from, Instant to) {
        if (points.isEmpty() || !to.isAfter(from)) {
            return new Coverage(0, 0, Double.NaN, Double.NaN);
        }
        double covered = 0;
        double integral = 0;
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        Map.Entry<Instant, Double> e = points.floorEntry(from);
        Instant cursor = from;
        if (e == null) {
            e = points.firstEntry();
            if (!e.getKey().isBefore(to)) {
                return new Coverage(0, 0, Double.NaN, Double.NaN);
            }
            cursor = e.getKey();
        }
        while (cursor.isBefore(to)) {
            Map.Entry<Instant, Double> next = points.higherEntry(e.getKey());
            Instant end = next == null || next.getKey().isAfter(to) ? to : next.getKey();
            double s = seconds(cursor, end);
            covered += s;
            integral += s * e.getValue();
            min = Math.min(min, e.getValue());
            max = Math.max(max, e.getValue());
            if (next == null) {
                break;
            }
            e = next;
            cursor = end;
        }
        return new Coverage(covered, integral, min, max);
    }

    static double seconds(Instant a, Instant b) {
        return (b.getEpochSecond() - a.getEpochSecond()) + (b.getNano() - a.getNano()) / 1e9;
    }
}
