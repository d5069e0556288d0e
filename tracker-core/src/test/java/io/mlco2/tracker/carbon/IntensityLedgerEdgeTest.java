package io.mlco2.tracker.carbon;

import io.mlco2.tracker.base.Log;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The ledger's figures at their edges: one value throughout, intervals without energy, a clock that does not start
 * at 0, intervals waiting for a silent source, samples after the end, and its lines. Expected values are worked out
 * here from the series and the energies.
 */
class IntensityLedgerEdgeTest {

    static final long S = 1_000_000_000L;
    static final double YEARLY_G = IntensityLedgerTest.YEARLY.gramsPerKwh();

    final ByteArrayOutputStream err = new ByteArrayOutputStream();
    final Log log = new Log(new PrintStream(err, true, StandardCharsets.UTF_8), Log.Level.INFO);

    /** A source that knows its whole series. */
    static IntensityLedgerTest.Silent known() {
        IntensityLedgerTest.Silent p = new IntensityLedgerTest.Silent();
        p.knownUntil = Instant.MAX;
        return p;
    }

    @Test
    void oneValueThroughoutIsThatValueExactlyThoughItsSumDividedBackIsNot() {
        double g = 123.4;
        double[] cumulative = {0.3, 0.6, 0.9};
        double joules = 0;
        double jouleGrams = 0;
        double prev = 0;
        for (double c : cumulative) {
            joules += c - prev;
            jouleGrams += (c - prev) * g;
            prev = c;
        }
        assertNotEquals(g, jouleGrams / joules, "the values of this test divide back inexactly");

        IntensityLedgerTest.Silent p = known();
        p.series.put(Instant.EPOCH, g);
        p.series.put(Instant.ofEpochSecond(3), 400);
        p.series.put(Instant.ofEpochSecond(4), 1000);
        IntensityLedger l = new IntensityLedger(p, IntensityLedgerTest.YEARLY, 0, Instant.EPOCH, log);
        l.sample(0, 0);
        for (int i = 0; i < cumulative.length; i++) {
            l.sample((i + 1) * S, cumulative[i]);
        }
        l.sample(4 * S, cumulative[2]); // (3 s, 4 s] without energy, at 400: no weight, but one of the extremes
        assertEquals(g, l.knownMeanGramsPerKwh());
        l.finish(Duration.ofMillis(10));
        // Settled, the interval without energy at another value makes the mean a sum divided back.
        assertEquals(g, l.meanGramsPerKwh(), 1e-12);
        assertEquals(g, l.effective().gramsPerKwh(), 1e-12);

        Map<String, Object> m = l.section(1, 1, 1);
        assertEquals(g, m.get("min_g_per_kwh"));
        assertEquals(400.0, m.get("max_g_per_kwh"));
        assertEquals(4.0, (Double) m.get("duration_s"), 1e-12);
        assertEquals(1.0, (Double) m.get("time_coverage"), 1e-12);
        assertEquals(Map.of("silent", 1.0), m.get("energy_share"), "no yearly-average entry: all covered");
        assertFalse(m.containsKey("carbon_aware_hint"), "no forecast, no hint");
        assertFalse(err.toString().contains("no value for"), err.toString());

        l.sample(4 * S, cumulative[2]); // after the end, at the same instant, no energy: nothing to count
        assertEquals(400.0, l.section(1, 1, 1).get("max_g_per_kwh"));
        l.sample(4 * S, cumulative[2] + 0.1); // energy at that instant, when the value is 1000: counted there
        assertEquals(1000.0, l.section(1, 1, 1).get("max_g_per_kwh"));
        assertEquals((cumulative[2] + 0.1) / 3.6e6, l.energyKwh(), 1e-18);
        assertEquals(Map.of("silent", 1.0), l.section(1, 1, 1).get("energy_share"),
                "the energy counted at that instant is at the source's value, none at the yearly average");
    }

    @Test
    void withoutAProviderTheEnergyAndTheFiguresAsKnownAreCountedAfterTheEndToo() {
        IntensityLedger l = new IntensityLedger(null, IntensityLedgerTest.YEARLY, 0, Instant.EPOCH, log);
        l.sample(0, 0);
        l.sample(2 * S, 700);
        assertEquals(700 / 3.6e6, l.energyKwh(), 1e-18);
        assertEquals(700 * YEARLY_G, l.knownJouleGrams(), 1e-9);
        l.finish(Duration.ofMillis(10));
        l.sample(3 * S, 1000);
        assertEquals(1000 / 3.6e6, l.energyKwh(), 1e-18);
        assertEquals(1000 * YEARLY_G, l.knownJouleGrams(), 1e-9);
    }

    @Test
    void intervalsWaitingForASilentSourceAreSettledAtTheSampleAfterItCatchesUp() {
        IntensityLedgerTest.Silent p = new IntensityLedgerTest.Silent();
        p.series.put(Instant.EPOCH, 100);
        p.series.put(Instant.ofEpochSecond(10), 300);
        IntensityLedger l = new IntensityLedger(p, IntensityLedgerTest.YEARLY, 0, Instant.EPOCH, log);
        l.sample(0, 0);
        l.sample(10 * S, 1000);
        assertEquals(0, l.energyKwh(), "waiting for the source");
        p.knownUntil = Instant.ofEpochSecond(20);
        l.sample(20 * S, 3000);
        assertEquals(3000 / 3.6e6, l.energyKwh(), 1e-18, "both intervals settled, before the end");
        assertEquals((1000 * 100 + 2000 * 300) / 3000.0, l.meanGramsPerKwh(), 1e-9);
    }

    @Test
    void theWallClockOfASampleCountsFromTheRunsStartWhateverTheMonotonicOrigin() {
        IntensityLedgerTest.Silent p = known();
        p.series.put(Instant.EPOCH, 100);
        p.series.put(Instant.ofEpochSecond(10), 300);
        long start = 5 * S;
        IntensityLedger l = new IntensityLedger(p, IntensityLedgerTest.YEARLY, start, Instant.EPOCH, log);
        l.sample(start, 0);
        l.sample(start + 10 * S, 1000); // wall (0 s, 10 s]: 100
        assertEquals(100.0, l.lastGramsPerKwh());
        l.sample(start + 20 * S, 2000); // wall (10 s, 20 s]: 300
        assertEquals(300.0, l.lastGramsPerKwh());
        l.finish(Duration.ofMillis(10));
        assertEquals((1000 * 100 + 1000 * 300) / 2000.0, l.meanGramsPerKwh(), 1e-12);
    }

    @Test
    void aRunWithoutEnergyOverChangingValuesHasTheYearlyAverageAsItsMean() {
        IntensityLedgerTest.Silent p = known();
        p.series.put(Instant.EPOCH, 100);
        p.series.put(Instant.ofEpochSecond(5), 300);
        IntensityLedger l = new IntensityLedger(p, IntensityLedgerTest.YEARLY, 0, Instant.EPOCH, log);
        assertNull(l.section(1, 1, 1).get("time_coverage"), "no time yet");
        l.sample(0, 0);
        l.sample(5 * S, 0);
        l.sample(10 * S, 0);
        l.finish(Duration.ofMillis(10));
        assertEquals(YEARLY_G, l.meanGramsPerKwh());
        Map<String, Object> m = l.section(0, 1, 0);
        assertEquals(100.0, m.get("min_g_per_kwh"));
        assertEquals(300.0, m.get("max_g_per_kwh"));
    }

    @Test
    void aRunPartlyWithoutValuesSaysHowLongInOneLine() {
        IntensityLedgerTest.Silent p = known();
        p.series.put(Instant.ofEpochSecond(4), 100);
        IntensityLedger l = new IntensityLedger(p, IntensityLedgerTest.YEARLY, 0, Instant.EPOCH, log);
        l.sample(0, 0);
        l.sample(10 * S, 1000);
        l.finish(Duration.ofMillis(10));
        assertEquals((4 * YEARLY_G + 6 * 100) / 10, l.meanGramsPerKwh(), 1e-9);
        assertTrue(err.toString().contains("carbon intensity (silent): no value for 4 s of the run's 10 s (its first"
                + " value is at 1970-01-01T00:00:04Z); the yearly average " + YEARLY_G + " gCO2eq/kWh (FR) was used"
                + " there"), err.toString());
        Map<String, Object> m = l.section(1, 1, 1);
        assertEquals(0.6, (Double) m.get("time_coverage"), 1e-12);
    }

    /** A source whose start fails, and that says whether it was closed. */
    static final class NotStarting implements IntensityProvider {
        boolean closed;

        public String name() {
            return "silent";
        }

        public String description() {
            return "a test source";
        }

        public void start() {
            throw new IllegalStateException("no network");
        }

        public IntensitySeries series() {
            return new IntensitySeries();
        }

        public Instant knownUntil() {
            return Instant.MIN;
        }

        public void finish(Instant runEnd, Duration limit) {
        }

        public IntensitySeries forecast() {
            return null;
        }

        public void close() {
            closed = true;
        }
    }

    @Test
    void startAndCloseReachTheProviderAndAFailedStartIsOneLine() {
        NotStarting p = new NotStarting();
        IntensityLedger l = new IntensityLedger(p, IntensityLedgerTest.YEARLY, 0, Instant.EPOCH, log);
        l.start();
        assertTrue(err.toString().contains("carbon intensity (silent) did not start: ")
                && err.toString().contains("no network")
                && err.toString().contains("; using the yearly average " + YEARLY_G + " gCO2eq/kWh"), err.toString());
        assertEquals(1, err.toString().split("\n").length, err.toString());
        l.close();
        assertTrue(p.closed);
        assertEquals(IntensityLedgerTest.YEARLY, l.yearly());
    }
}
