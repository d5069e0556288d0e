package io.mlco2.tracker.carbon;

import io.mlco2.tracker.base.Log;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The ledger with a provider that fails, and with a source silent while the waiting intervals wrap round their ring:
 * nothing reaches the sampler but one line, and the merged intervals keep the integral where the steps align.
 */
class IntensityLedgerFailureTest {

    static final long S = 1_000_000_000L;

    final ByteArrayOutputStream err = new ByteArrayOutputStream();
    final Log log = new Log(new PrintStream(err, true, StandardCharsets.UTF_8), Log.Level.DEBUG);

    private List<String> lines() {
        return err.toString(StandardCharsets.UTF_8).lines().toList();
    }

    /** A source whose reads (while {@code broken}), end and close fail. */
    static final class Failing implements IntensityProvider {
        volatile boolean broken = true;

        public String name() {
            return "silent";
        }

        public String description() {
            return "a failing test source";
        }

        public void start() {
        }

        public IntensitySeries series() {
            return new IntensitySeries();
        }

        public Instant knownUntil() {
            if (broken) {
                throw new IllegalStateException("knownUntil broke");
            }
            return Instant.MAX;
        }

        public void finish(Instant runEnd, Duration limit) {
            throw new IllegalStateException("finish broke");
        }

        public IntensitySeries forecast() {
            return null;
        }

        public void close() {
            throw new IllegalStateException("close broke");
        }
    }

    @Test
    void aProviderThatThrowsIsOneLineEachAndNeverReachesTheSampler() {
        Failing p = new Failing();
        IntensityLedger l = new IntensityLedger(p, IntensityLedgerTest.YEARLY, 0, Instant.EPOCH, log);
        l.sample(0, 0);
        l.sample(S, 10);
        l.sample(2 * S, 20);
        assertEquals(1, lines().size(), lines().toString());
        assertTrue(lines().get(0).startsWith("[mlco2] WARN: carbon intensity accounting failed: ")
                && lines().get(0).contains("knownUntil broke"), lines().get(0));
        err.reset();
        p.broken = false;
        l.finish(Duration.ofMillis(10));
        assertTrue(lines().get(0).startsWith("[mlco2] WARN: carbon intensity (silent) at the end: ")
                && lines().get(0).contains("finish broke"), lines().toString());
        err.reset();
        l.close();
        assertEquals(1, lines().size(), lines().toString());
        assertTrue(lines().get(0).startsWith("[mlco2] DEBUG: closing the carbon intensity provider: ")
                && lines().get(0).contains("close broke"), lines().get(0));
    }

    /** The end settles every waiting interval without asking the source what it knows, so a source that throws
     * there cannot throw out of the run's end (the reports are written after it). */
    @Test
    void theEndDoesNotAskASourceThatThrows() {
        Failing p = new Failing();
        IntensityLedger l = new IntensityLedger(p, IntensityLedgerTest.YEARLY, 0, Instant.EPOCH, log);
        l.sample(0, 0);
        l.sample(S, 10);
        err.reset();
        l.finish(Duration.ofMillis(10)); // knownUntil() still throws
        assertEquals(1, lines().size(), lines().toString());
        assertTrue(lines().get(0).contains("finish broke"), lines().toString());
    }

    /** The source's value over (t - 1 s, t]: steps every 4 s from 0, each its own value. */
    static double grams(long t) {
        return 100 + ((t - 1) / 4 % 7) * 50;
    }

    /**
     * 100 intervals settled, then a source silent for over 6000 s: the waiting intervals start at slot 100 of the
     * ring, so they wrap round its end, and are merged two by two twice (the first 2 s pairs, then 4 s). Each merged
     * interval lies within one 4 s step, so the run's integral is still each second's energy times its value.
     */
    @Test
    void waitingIntervalsMergedAcrossTheRingsEndKeepTheIntegral() {
        IntensityLedgerTest.Silent p = new IntensityLedgerTest.Silent();
        int seconds = 100 + IntensityLedger.MAX_PENDING + IntensityLedger.MAX_PENDING / 2 + 500;
        for (int t = 0; t < seconds; t += 4) {
            p.series.put(Instant.ofEpochSecond(t), grams(t + 1));
        }
        IntensityLedger l = new IntensityLedger(p, IntensityLedgerTest.YEARLY, 0, Instant.EPOCH, log);
        double joules = 0;
        double jouleGrams = 0;
        double first100 = 0;
        l.sample(0, 0);
        for (int t = 1; t <= seconds; t++) {
            if (t == 101) {
                p.knownUntil = Instant.ofEpochSecond(100); // the first 100 s settle at this sample
                first100 = joules;
            }
            double e = 1 + (t * 7919 % 13); // an uneven power
            joules += e;
            jouleGrams += e * grams(t);
            l.sample(t * S, joules);
        }
        assertEquals(first100 / 3.6e6, l.energyKwh(), 1e-12 * first100 / 3.6e6, "settled before the end: the first 100 s");
        l.finish(Duration.ofMillis(10));
        assertEquals(joules / 3.6e6, l.energyKwh(), 1e-12 * joules / 3.6e6);
        assertEquals(jouleGrams / joules, l.meanGramsPerKwh(), 1e-12 * jouleGrams / joules);
        assertEquals(List.of(), lines());
    }
}
