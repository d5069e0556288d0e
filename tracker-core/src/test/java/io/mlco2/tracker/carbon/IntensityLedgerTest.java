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
        assertEquals(50.0, l.knownMeanGramsPerKwh());
    }

    @Test
    void theFiguresAsKnownAtEachSampleUseTheLatestValueAndAreNeverRevised() {
        Silent p = new Silent();
        p.series.put(Instant.EPOCH, 100);
        p.knownUntil = Instant.ofEpochSecond(10);
        IntensityLedger l = new IntensityLedger(p, YEARLY, 0, Instant.EPOCH, QUIET);
        l.sample(0, 0);
        l.sample(10 * S, 1000); // settled: 1000 J at 100 g/kWh
        assertEquals(1000 * 100.0, l.knownJouleGrams());
        assertEquals(100.0, l.knownMeanGramsPerKwh(), "one value throughout: that value exactly");
        l.sample(20 * S, 3000); // not read yet: 2000 J at the latest value, 100
        assertEquals(3000 * 100.0, l.knownJouleGrams());
        // The source then says 400 from 15 s on: the run's total settles it, the figures known so far stay.
        p.series.put(Instant.ofEpochSecond(15), 400);
        p.knownUntil = Instant.ofEpochSecond(30);
        l.sample(30 * S, 4000); // 1000 J at 400
        assertEquals(3000 * 100.0 + 1000 * 400.0, l.knownJouleGrams());
        assertEquals((3000 * 100.0 + 1000 * 400.0) / 4000, l.knownMeanGramsPerKwh(), 1e-12);
        l.finish(Duration.ofMillis(10));
        double settled = 1000 * 100.0 + 2000 * (100 + 400) / 2.0 + 1000 * 400.0;
        assertEquals(settled / 4000, l.meanGramsPerKwh(), 1e-12);
        assertEquals(3000 * 100.0 + 1000 * 400.0, l.knownJouleGrams());
        assertEquals(250.0, IntensityLedger.meanGramsPerKwh(4, 1000, 7));
        assertEquals(7.0, IntensityLedger.meanGramsPerKwh(0, 0, 7), "no energy: the fallback");
    }
}
