package io.mlco2.tracker.carbon;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The carbon-aware hint at its edges: the smallest forecast, ties, a window no lower, no energy, and its text. */
class CarbonAwareHintEdgeTest {

    static final Instant T0 = Instant.parse("2026-03-01T14:00:00Z");

    static IntensitySeries forecast(double... slots) {
        IntensitySeries s = new IntensitySeries();
        for (int i = 0; i < slots.length; i++) {
            s.put(T0.plusSeconds(1800L * i), slots[i]);
        }
        return s;
    }

    @Test
    void twoPointsAreAForecastOfTwoSlots() {
        Map<String, Object> h = CarbonAwareHint.of(forecast(200, 100), 1800, 1.0, 1.0, 150);
        assertNotNull(h);
        assertEquals(T0.plusSeconds(1800).toString(), h.get("window_start"));
        assertEquals(100.0, (Double) h.get("forecast_mean_g_per_kwh"), 1e-12);
        assertNull(CarbonAwareHint.of(forecast(100), 1800, 1.0, 1.0, 150), "one point: no step, no forecast");
    }

    @Test
    void aRunWithoutDurationOrEnergyGetsNoHint() {
        assertNull(CarbonAwareHint.of(forecast(200, 100, 50), 0, 1.0, 1.0, 150));
        assertNull(CarbonAwareHint.of(forecast(200, 100, 50), 1800, 0.0, 1.0, 150));
    }

    @Test
    void aWindowOnlyAsLowAsTheRunIsNoHint() {
        assertNull(CarbonAwareHint.of(forecast(150, 150, 150), 1800, 1.0, 1.0, 150));
    }

    @Test
    void ofEquallyLowWindowsTheEarliestIsNamed() {
        Map<String, Object> h = CarbonAwareHint.of(forecast(300, 100, 300, 100, 300), 1800, 1.0, 1.0, 250);
        assertEquals(T0.plusSeconds(1800).toString(), h.get("window_start"));
        assertEquals(T0.plusSeconds(3600).toString(), h.get("window_end"));
    }

    @Test
    void theTextNamesTheRunsHoursAndTheShareLessInPercent() {
        double hours = 1.5;
        double runMean = 200;
        Map<String, Object> h = CarbonAwareHint.of(forecast(300, 50, 50, 50, 300), hours * 3600, 2.0, 1.0, runMean);
        String text = (String) h.get("text");
        assertTrue(text.contains("over " + String.format(java.util.Locale.ROOT, "%.1f", hours) + " h"), text);
        long percent = Math.round((runMean - 50) / runMean * 100);
        assertTrue(text.contains(", " + percent + " % less."), text);
        assertTrue(text.contains(String.format(java.util.Locale.ROOT, "%.6f", 2.0 * 50 / 1000) + " kgCO2eq"), text);
    }
}
