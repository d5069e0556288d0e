package io.mlco2.tracker.carbon;

import io.mlco2.tracker.base.Log;
import org.junit.jupiter.api.Test;

import java.io.OutputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The ledger's bounded wait for a silent source: intervals merged two by two, the integral kept where steps align. */
class IntensityLedgerTest {

    static final long S = 1_000_000_000L;
    static final Log QUIET = new Log(new PrintStream(OutputStream.nullOutputStream()), Log.Level.ERROR);
    static final GridIntensity YEARLY = new GridIntensity("FR", "France", "France", "FRA", "", "", "", 50, "test", false);

    /** A source whose series is set by the test and that never confirms anything until told. */
    static final class Silent implements IntensityProvider {
        final IntensitySeries series = new IntensitySeries();
        volatile Instant knownUntil = Instant.MIN;

        public String name() {
            return "silent";
        }

        public String description() {
            return "a test source";
        }

        public void start() {
        }

        public IntensitySeries series() {
            return series;
        }

        public Instant knownUntil() {
            return knownUntil;
        }

        public void finish(Instant runEnd, Duration limit) {
            knownUntil = runEnd;
        }

        public IntensitySeries forecast() {
            return null;
        }

        public void close() {
        }
    }

    @Test
    void aSourceSilentForLongCostsResolutionNotMemoryAndAlignedStepsStayExact() {
        Silent p = new Silent();
        p.series.put(Instant.EPOCH, 100);
        p.series.put(Instant.ofEpochSecond(2048), 300);
        IntensityLedger l = new IntensityLedger(p, YEARLY, 0, Instant.EPOCH, QUIET);
        double joules = 0;
        double jouleGrams = 0;
        l.sample(0, 0);
        for (int i = 1; i <= 10_000; i++) {
            double e = 1 + (i * 7919 % 13); // an uneven power
            joules += e;
            jouleGrams += e * (i <= 2048 ? 100 : 300);
            l.sample(i * S, joules);
        }
        l.finish(Duration.ofSeconds(1));
        assertTrue(Math.abs(l.meanGramsPerKwh() * joules - jouleGrams) / jouleGrams < 1e-12,
                l.meanGramsPerKwh() + " vs " + jouleGrams / joules);
        assertEquals(joules / 3.6e6, l.energyKwh(), 1e-15);
    }

    @Test
    void withoutAProviderEveryIntervalIsTheYearlyAverageExactly() {
        IntensityLedger l = new IntensityLedger(null, YEARLY, 5 * S, Instant.EPOCH, QUIET);
        for (int i = 5; i <= 100; i++) {
            l.sample(i * S, Math.sqrt(i - 5) * 17.3);
        }
        l.finish(Duration.ofMillis(10));
        assertEquals(50.0, l.meanGramsPerKwh());
        assertEquals(50.0, l.lastGramsPerKwh());
        assertEquals(YEARLY, l.effective());
        assertEquals(null, l.section(1, 1, 1));
    }
}
