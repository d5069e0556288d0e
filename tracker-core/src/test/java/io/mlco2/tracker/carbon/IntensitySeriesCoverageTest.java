package io.mlco2.tracker.carbon;

import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The time-weighted mean of the part of an interval a series covers. */
class IntensitySeriesCoverageTest {

    @Test
    void theMeanIsOverTheCoveredPartOnlyAndNaNWhereNothingIsCovered() {
        IntensitySeries s = new IntensitySeries();
        s.put(Instant.ofEpochSecond(2), 100);
        s.put(Instant.ofEpochSecond(5), 400);
        // [0, 10]: nothing before 2 s, then 3 s at 100 and 5 s at 400.
        IntensitySeries.Coverage c = s.integrate(Instant.EPOCH, Instant.ofEpochSecond(10));
        assertEquals(8.0, c.coveredSeconds(), 1e-12);
        assertEquals((3 * 100 + 5 * 400) / 8.0, c.meanGramsPerKwh(), 1e-12);
        assertEquals(Double.NaN, s.integrate(Instant.EPOCH, Instant.ofEpochSecond(2)).meanGramsPerKwh(),
                "before the first point");
        assertEquals(Double.NaN, new IntensitySeries().integrate(Instant.EPOCH, Instant.ofEpochSecond(1)).meanGramsPerKwh());
    }
}
