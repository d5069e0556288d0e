package io.mlco2.tracker.timeseries;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
}
