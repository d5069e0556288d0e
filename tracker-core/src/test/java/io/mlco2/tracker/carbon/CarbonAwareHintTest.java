package io.mlco2.tracker.carbon;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The carbon-aware hint: the lowest window of a half-hourly forecast, worked out by hand here. */
class CarbonAwareHintTest {

    static final Instant T0 = Instant.parse("2026-03-01T14:00:00Z");
    static final double[] SLOTS = {300, 280, 90, 60, 200, 310, 250, 240};

    static IntensitySeries forecast() {
        IntensitySeries s = new IntensitySeries();
        for (int i = 0; i < SLOTS.length; i++) {
            s.put(T0.plusSeconds(1800L * i), SLOTS[i]);
        }
        return s;
    }

    @Test
    void anHourLongRunGetsTheLowestPairOfSlots() {
        Map<String, Object> h = CarbonAwareHint.of(forecast(), 3600, 2.0, 1.2, 300);
        assertEquals(true, h.get("estimate"));
        assertEquals("2026-03-01T15:00:00Z", h.get("window_start")); // slots 90 and 60
        assertEquals(75.0, (Double) h.get("forecast_mean_g_per_kwh"), 1e-12);
        assertEquals(2.0 * 1.2 * 75 / 1000, (Double) h.get("emissions_kg"), 1e-15);
        assertEquals(2.0 * 1.2 * (300 - 75) / 1000, (Double) h.get("lower_by_kg"), 1e-15);
        assertEquals(0.75, (Double) h.get("lower_by_share"), 1e-12);
        assertTrue(((String) h.get("text")).startsWith("Estimate: "));
    }

    @Test
    void aWindowMayEndOnAStepRatherThanStartOnOne() {
        // 45 min: 15 min of 90 then 30 of 60 (70) beats 30 of 90 then 15 of 60 (80).
        Map<String, Object> h = CarbonAwareHint.of(forecast(), 2700, 1.0, 1.0, 300);
        assertEquals("2026-03-01T15:15:00Z", h.get("window_start"));
        assertEquals((15 * 90 + 30 * 60) / 45.0, (Double) h.get("forecast_mean_g_per_kwh"), 1e-9);
    }

    @Test
    void noHintWithoutAForecastALongerRunOrNoLowerWindow() {
        assertNull(CarbonAwareHint.of(null, 3600, 1, 1, 300));
        assertNull(CarbonAwareHint.of(forecast(), 5 * 3600, 1, 1, 300), "longer than the 4 h forecast");
        assertNull(CarbonAwareHint.of(forecast(), 3600, 1, 1, 60), "already at the lowest");
    }
}
