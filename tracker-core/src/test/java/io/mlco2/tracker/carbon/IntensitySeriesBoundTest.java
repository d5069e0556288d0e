package io.mlco2.tracker.carbon;

import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The series' bound: a year of 5-minute points are all kept, one more drops the oldest. */
class IntensitySeriesBoundTest {

    @Test
    void emptyThenFirstPoint() {
        IntensitySeries s = new IntensitySeries();
        assertTrue(s.isEmpty());
        assertNull(s.first());
        s.put(Instant.ofEpochSecond(600), 80);
        assertFalse(s.isEmpty());
        assertEquals(Instant.ofEpochSecond(600), s.first());
    }

    @Test
    void theBoundKeepsExactlyMaxPointsAndDropsTheOldest() {
        IntensitySeries s = new IntensitySeries();
        for (int i = 0; i < IntensitySeries.MAX_POINTS; i++) {
            s.put(Instant.ofEpochSecond(300L * i), i % 500);
        }
        assertEquals(IntensitySeries.MAX_POINTS, s.size());
        assertEquals(Instant.EPOCH, s.first(), "a full year: nothing dropped");
        s.put(Instant.ofEpochSecond(300L * IntensitySeries.MAX_POINTS), 1);
        assertEquals(IntensitySeries.MAX_POINTS, s.size());
        assertEquals(Instant.ofEpochSecond(300), s.first());
        assertEquals(Double.NaN, s.at(Instant.ofEpochSecond(299)), "before the first point kept: no value");
    }
}
