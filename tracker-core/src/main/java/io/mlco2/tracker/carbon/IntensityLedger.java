package io.mlco2.tracker.carbon;

import io.mlco2.tracker.base.Log;
import io.mlco2.tracker.energy.Energy;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A run's emissions integrated over time: each sample's energy (since the previous sample) times the grid's
 * intensity over that interval (the time-weighted mean of the provider's step function; the yearly average where it
 * has no value), summed. The run's intensity is the energy-weighted mean, so that
 * {@code emissions = energy x PUE x mean} equals the sum of the intervals' emissions.
 *
 * <p>An interval that ends after the provider's {@link IntensityProvider#knownUntil()} waits (in a bounded buffer)
 * for the next read, and at the end for {@link #finish}; a sample file row gets the intensity known at its sample.
 * Without a provider every interval uses the yearly average, and the figures are exactly those of a constant
 * intensity. Thread safe; never throws to the sampler.
 */
public final class IntensityLedger {

    /** The fallback's name in {@code energy_share}. */
    public static final String YEARLY_AVERAGE = "yearly-average";
    /** Intervals kept waiting for a live provider at most; beyond, neighbours are merged two by two. */
    static final int MAX_PENDING = 4096;

    private final IntensityProvider provider;
    private final GridIntensity yearly;
    private final long startNanos;
    private final Instant startWall;
    private final Log log;

    private long prevNanos;
    private double prevJoules;
    private double lastGramsPerKwh;

    // Pending intervals, oldest first from pendHead: a ring of (from, to, joules); none without a provider.
    private final long[] pendFrom;
    private final long[] pendTo;
    private final double[] pendJoules;
    private int pendHead;
    private int pendCount;

    // Settled.
    private double joules;
    private double joulesTimesGrams;
    private double seconds;
    private double coveredSeconds;
    private double minGrams = Double.NaN;
    private double maxGrams = Double.NaN;
    private double uniformGrams = Double.NaN;
    private boolean uniform = true;
    private final Map<String, Double> joulesBySource = new LinkedHashMap<>();
    private boolean finished;

    // As known at each sample, never revised: each interval's energy x the intensity known at its sample.
    private double knownJoules;
    private double knownJouleGrams;
    private double knownUniformGrams = Double.NaN;
    private boolean knownUniform = true;

    /**
     * @param provider the run's source over time; {@code null}: the yearly average throughout (the default)
     * @param yearly   the region's intensity from the bundled tables (or {@code mlco2.carbon-intensity})
     */
    public IntensityLedger(IntensityProvider provider, GridIntensity yearly, long startNanos, Instant startWall, Log log) {
        this.provider = provider;
        this.yearly = yearly;
        this.startNanos = startNanos;
        this.startWall = startWall;
        this.log = log;
        this.lastGramsPerKwh = yearly.gramsPerKwh();
        this.prevNanos = startNanos;
        int n = provider == null ? 0 : MAX_PENDING;
        this.pendFrom = new long[n];
        this.pendTo = new long[n];
        this.pendJoules = new double[n];
    }

    /** Whether the intensity comes from a source over time (not the yearly average alone). */
    public boolean overTime() {
        return provider != null;
    }

    public IntensityProvider provider() {
        return provider;
    }

    public GridIntensity yearly() {
        return yearly;
    }

    /** Starts the provider's reads (on its own thread). */
    public void start() {
        if (provider != null) {
            try {
                provider.start();
            } catch (Throwable t) {
                log.warn("carbon intensity (" + provider.name() + ") did not start: " + Log.describe(t)
                        + "; using the yearly average " + yearly.gramsPerKwh() + " gCO2eq/kWh");
            }
        }
    }

    /**
     * One sample: the energy since the previous one ({@code totalJoules}, cumulative, of every device) over the
     * interval ending at {@code monotonicNanos}. Called on the sampler thread after the accumulators.
     */
    public synchronized void sample(long monotonicNanos, double totalJoules) {
        try {
            long from = prevNanos;
            double e = totalJoules - prevJoules;
            prevNanos = Math.max(prevNanos, monotonicNanos);
            prevJoules = totalJoules;
            if (finished) {
                know(e, settle(from, monotonicNanos, e));
                return;
            }
            if (provider == null) {
                lastGramsPerKwh = yearly.gramsPerKwh();
                add(e, lastGramsPerKwh, YEARLY_AVERAGE, secondsBetween(from, monotonicNanos), 0, 0);
                know(e, lastGramsPerKwh);
                return;
            }
            settlePending(false);
            if (monotonicNanos <= from && e == 0) {
                lastGramsPerKwh = intervalGrams(from, monotonicNanos)[0]; // nothing to account for
                return;
            }
            if (pendCount == 0 && !wall(monotonicNanos).isAfter(provider.knownUntil())) {
                lastGramsPerKwh = settle(from, monotonicNanos, e);
            } else {
                lastGramsPerKwh = intervalGrams(from, monotonicNanos)[0];
                if (pendCount == MAX_PENDING) {
                    halvePending();
                }
                int i = (pendHead + pendCount) % MAX_PENDING;
                pendFrom[i] = from;
                pendTo[i] = monotonicNanos;
                pendJoules[i] = e;
                pendCount++;
            }
            know(e, lastGramsPerKwh);
        } catch (RuntimeException ex) {
            log.once("carbon-ledger", Log.Level.WARN, "carbon intensity accounting failed: " + Log.describe(ex));
        }
    }

    /** Adds one interval to the figures as known at its sample. */
    private void know(double e, double grams) {
        knownJoules += e;
        knownJouleGrams += e * grams;
        if (e != 0) {
            if (Double.isNaN(knownUniformGrams)) {
                knownUniformGrams = grams;
            } else if (knownUniformGrams != grams) {
                knownUniform = false;
            }
        }
    }

    /**
     * The run's energy so far times intensity, summed over the samples' intervals, each with the intensity known at
     * its sample (an interval a live source has not read yet: its latest value), in joules x gCO2eq/kWh; never
     * revised, so the difference between two readings is the part of the run between them. The figures of the run
     * as it goes (epochs, forecast, progress line) divide it by the energy: {@link #meanGramsPerKwh(double, double,
     * double)}. With a source whose values are known when sampled (the yearly average, a file) its last value is the
     * run's integral; with a live source the run's total settles the intervals again with what is read later.
     */
    public synchronized double knownJouleGrams() {
        return knownJouleGrams;
    }

    /**
     * The energy-weighted mean intensity of the run so far, as known at each sample ({@link #knownJouleGrams}):
     * exactly the yearly average without a provider, exactly the value itself when one value was used throughout.
     */
    public synchronized double knownMeanGramsPerKwh() {
        if (provider == null) {
            return yearly.gramsPerKwh();
        }
        if (knownUniform && !Double.isNaN(knownUniformGrams)) {
            return knownUniformGrams;
        }
        return meanGramsPerKwh(knownJoules, knownJouleGrams, lastGramsPerKwh);
    }

    /**
     * The energy-weighted mean intensity of a part of the run, from its energy ({@code joules}) and the difference
     * of {@link #knownJouleGrams} over it: its emissions are then {@link Emissions#kgOfJoules} of its energy at this
     * intensity. {@code fallback} for a part without energy.
     */
    public static double meanGramsPerKwh(double joules, double jouleGrams, double fallback) {
        return joules > 0 ? Math.max(0, jouleGrams) / joules : fallback;
    }

    /** The intensity of the last sample's interval, as known at that sample (gCO2eq/kWh). */
    public synchronized double lastGramsPerKwh() {
        return lastGramsPerKwh;
    }

    /**
     * At the end of the run, after the last sample: the provider's last read (waited for at most {@code limit}),
     * then every waiting interval settled with what is known.
     */
    public void finish(Duration limit) {
        if (provider != null) {
            Instant end;
            synchronized (this) {
                end = wall(prevNanos);
            }
            try {
                provider.finish(end, limit);
            } catch (Throwable t) {
                log.warn("carbon intensity (" + provider.name() + ") at the end: " + Log.describe(t));
            }
        }
        synchronized (this) {
            settlePending(true);
            finished = true;
            if (provider != null && seconds > 0 && coveredSeconds < seconds) {
                Instant first = provider.series().first();
                log.info("carbon intensity (" + provider.name() + "): no value for " + Math.round(seconds - coveredSeconds)
                        + " s of the run's " + Math.round(seconds) + " s"
                        + (first == null ? "" : " (its first value is at " + first + ")")
                        + "; the yearly average " + yearly.gramsPerKwh() + " gCO2eq/kWh (" + yearly.region()
                        + ") was used there");
            }
        }
    }

    /** Stops the provider. */
    public void close() {
        if (provider != null) {
            try {
                provider.close();
            } catch (Throwable t) {
                log.debug("closing the carbon intensity provider: " + Log.describe(t));
            }
        }
    }

    /**
     * The run's intensity: the energy-weighted mean of the settled intervals; exactly the value itself when one
     * value was used throughout; the yearly average before any energy.
     */
    public synchronized double meanGramsPerKwh() {
        if (uniform && !Double.isNaN(uniformGrams)) {
            return uniformGrams;
        }
        return joules > 0 ? joulesTimesGrams / joules : yearly.gramsPerKwh();
    }

    /** The run's intensity as a {@link GridIntensity}: the region's, with the mean over time and its source. */
    public synchronized GridIntensity effective() {
        if (provider == null) {
            return yearly;
        }
        return new GridIntensity(yearly.region(), yearly.displayName(), yearly.countryName(), yearly.countryIsoCode(),
                yearly.subRegion(), yearly.cloudProvider(), yearly.cloudRegion(), meanGramsPerKwh(),
                provider.description() + ": energy-weighted mean over the run", yearly.fallback());
    }

    /**
     * The summary's section ({@code null} without a provider): the mean, its source, the time covered, the share
     * of energy per source, the extremes, and the yearly average's emissions for comparison.
     */
    public synchronized Map<String, Object> section(double totalKwh, double pue, double emissionsKg) {
        if (provider == null) {
            return null;
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("source", provider.name());
        m.put("description", provider.description());
        m.put("mean_g_per_kwh", meanGramsPerKwh());
        m.put("min_g_per_kwh", finite(minGrams));
        m.put("max_g_per_kwh", finite(maxGrams));
        m.put("duration_s", seconds);
        m.put("covered_s", coveredSeconds);
        m.put("time_coverage", seconds > 0 ? coveredSeconds / seconds : null);
        Map<String, Object> share = new LinkedHashMap<>();
        for (Map.Entry<String, Double> e : joulesBySource.entrySet()) {
            share.put(e.getKey(), joules > 0 ? e.getValue() / joules : null);
        }
        m.put("energy_share", share);
        m.put("emissions_kg", emissionsKg);
        Map<String, Object> y = new LinkedHashMap<>();
        y.put("region", yearly.region());
        y.put("g_per_kwh", yearly.gramsPerKwh());
        y.put("source", yearly.source());
        y.put("emissions_kg", Emissions.kg(totalKwh, pue, yearly.gramsPerKwh()));
        m.put("yearly_average", y);
        Map<String, Object> hint = CarbonAwareHint.of(provider.forecast(), seconds, totalKwh, pue, meanGramsPerKwh());
        if (hint != null) {
            m.put("carbon_aware_hint", hint);
        }
        if (provider instanceof BackgroundProvider b && !b.problems().isEmpty()) {
            m.put("problems", b.problems());
        }
        return m;
    }

    private static Double finite(double v) {
        return Double.isNaN(v) || Double.isInfinite(v) ? null : v;
    }

    private void settlePending(boolean all) {
        // at the end (all) the provider is not asked: whatever it says, every waiting interval settles
        Instant known = all || provider == null ? Instant.MAX : provider.knownUntil();
        while (pendCount > 0) {
            int i = pendHead;
            if (!all && wall(pendTo[i]).isAfter(known)) {
                return;
            }
            settleOldest();
        }
    }

    /**
     * Merges the waiting intervals two by two (the energy of each pair spread over both): a source silent for long
     * costs resolution of the power's shape, never memory.
     */
    private void halvePending() {
        int n = pendCount / 2;
        for (int k = 0; k < n; k++) {
            int a = (pendHead + 2 * k) % MAX_PENDING;
            int b = (pendHead + 2 * k + 1) % MAX_PENDING;
            int to = (pendHead + k) % MAX_PENDING;
            long from = pendFrom[a];
            long end = pendTo[b];
            double j = pendJoules[a] + pendJoules[b];
            pendFrom[to] = from;
            pendTo[to] = end;
            pendJoules[to] = j;
        }
        if (pendCount % 2 == 1) {
            int last = (pendHead + pendCount - 1) % MAX_PENDING;
            int to = (pendHead + n) % MAX_PENDING;
            pendFrom[to] = pendFrom[last];
            pendTo[to] = pendTo[last];
            pendJoules[to] = pendJoules[last];
            n++;
        }
        pendCount = n;
    }

    private void settleOldest() {
        int i = pendHead;
        settle(pendFrom[i], pendTo[i], pendJoules[i]);
        pendHead = (pendHead + 1) % MAX_PENDING;
        pendCount--;
    }

    /** Settles one interval with what is known now; returns its intensity. */
    private double settle(long from, long to, double e) {
        double[] g = intervalGrams(from, to);
        String source = provider == null ? YEARLY_AVERAGE
                : wall(to).isAfter(provider.knownUntil()) ? provider.name() + " (last good value)" : provider.name();
        add(e, g[0], source, secondsBetween(from, to), g[1], g[2]);
        return g[0];
    }

    /**
     * {intensity of the interval, seconds of it the provider covers, share of its energy at the provider's values}: the
     * share is the covered part of the interval, or for an interval of no length (energy counted at one instant) 1
     * where the provider has a value there.
     */
    private double[] intervalGrams(long from, long to) {
        double fallback = yearly.gramsPerKwh();
        if (provider == null) {
            return new double[] {fallback, 0, 0};
        }
        IntensitySeries s = provider.series();
        double total = secondsBetween(from, to);
        if (total <= 0) {
            double v = s.at(wall(to));
            return Double.isNaN(v) ? new double[] {fallback, 0, 0} : new double[] {v, 0, 1};
        }
        IntensitySeries.Coverage c = s.integrate(wall(from), wall(to));
        double covered = Math.min(total, c.coveredSeconds());
        if (covered >= total - 0.5e-9) { // to the nanosecond: the same interval summed two ways
            covered = total;
            // One value throughout is that value exactly, not a sum divided back.
            return new double[] {c.minGramsPerKwh() == c.maxGramsPerKwh() ? c.minGramsPerKwh()
                    : c.gramSecondsPerKwh() / covered, total, 1};
        }
        return new double[] {(c.gramSecondsPerKwh() + (total - covered) * fallback) / total, covered, covered / total};
    }

    private void add(double e, double grams, String source, double intervalSeconds, double covered,
                     double providerShare) {
        joules += e;
        joulesTimesGrams += e * grams;
        seconds += intervalSeconds;
        coveredSeconds += covered;
        if (e != 0 || intervalSeconds > 0) {
            minGrams = Double.isNaN(minGrams) ? grams : Math.min(minGrams, grams);
            maxGrams = Double.isNaN(maxGrams) ? grams : Math.max(maxGrams, grams);
            if (Double.isNaN(uniformGrams)) {
                uniformGrams = grams;
            } else if (uniformGrams != grams) {
                uniform = false;
            }
        }
        if (e == 0) {
            return;
        }
        if (provider == null) {
            return;
        }
        if (providerShare > 0) {
            addTo(source, e * providerShare);
        }
        if (providerShare < 1) {
            addTo(YEARLY_AVERAGE, e * (1 - providerShare));
        }
    }

    private void addTo(String source, double e) {
        Double before = joulesBySource.get(source);
        joulesBySource.put(source, before == null ? e : before + e);
    }

    private Instant wall(long monotonicNanos) {
        return startWall.plusNanos(monotonicNanos - startNanos);
    }

    private static double secondsBetween(long from, long to) {
        return Math.max(0, (to - from) / 1e9);
    }

    /** The energy settled so far, in kWh (for tests). */
    synchronized double energyKwh() {
        return Energy.kwh(joules);
    }

}
