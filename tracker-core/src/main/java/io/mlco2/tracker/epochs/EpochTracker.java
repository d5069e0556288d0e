package io.mlco2.tracker.epochs;

import io.mlco2.tracker.carbon.Emissions;
import io.mlco2.tracker.carbon.IntensityLedger;

import io.mlco2.tracker.energy.Energy;
import io.mlco2.tracker.config.Config;
import io.mlco2.tracker.energy.Component;
import io.mlco2.tracker.energy.EnergyAccumulator;
import io.mlco2.tracker.report.ComponentEnergy;
import io.mlco2.tracker.base.Log;
import io.mlco2.tracker.runtime.SampleListener;
import io.mlco2.tracker.runtime.RunContext;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;

// Over 400 lines as one class: the job's threads and the sampler share its marks queue, counters and sums.
/**
 * Epochs and named phases of a run: their duration, energy by component and emissions, a forecast after each
 * epoch ({@link Forecast}), and the epoch in progress for tagging ({@link #currentEpoch()}).
 *
 * <p>Thread model: {@link #begin}, {@link #end}, {@link #cancel} and {@link #plan} run on the application's threads
 * (framework advice, {@code Mlco2.phase}); they take a timestamp and add to a lock-free queue, nothing more, so they
 * never block the training job. {@link #onSample} runs on the sampler thread after every sample: it gives each
 * queued boundary the energy at its instant by linear interpolation between the samples around it, so epochs add up
 * exactly (the energy of the run = the epochs + the energy outside epochs + the epoch still open), then appends the
 * finished rows to {@code <run_id>.epochs.csv} and makes the forecast. At the end ({@link #closeOpen}) the epoch
 * still open becomes a row marked incomplete, so the epochs and the energy outside them make the run's total.
 *
 * <p>Memory is bounded: the queue is drained every sample, at most {@value #MAX_PHASE_NAMES} phase names are
 * counted and the JSON summary keeps the first {@value #MAX_ROWS_IN_SUMMARY} rows (the CSV has them all).
 */
public final class EpochTracker implements SampleListener {

    /** The phase name of an epoch. */
    public static final String EPOCH = "epoch";
    static final int MAX_ROWS_IN_SUMMARY = 1000;
    static final int MAX_PHASE_NAMES = 64;
    /**
     * Open phases and epochs followed at most (an unclosed {@code Mlco2.phase} in a loop): a phase begun when this many
     * are open is not followed; an epoch always is.
     */
    static final int MAX_OPEN_PHASES = 64;

    private static volatile EpochTracker active;

    /**
     * The epoch in progress in this JVM (1-based), 0 outside epochs or when epoch tracking is off. For tagging time
     * series samples and metrics; cheap (one volatile read), never throws.
     */
    public static int currentEpoch() {
        EpochTracker t = active;
        return t == null ? 0 : t.currentEpoch;
    }

    static void activate(EpochTracker t) {
        active = t;
    }

    /**
     * What the tracker needs from the run; {@code nodeId} names its epochs file ({@code base.NodeIdentity}).
     * {@code carbon} is the run's intensity over time: with a source over time, emissions are each part's energy x
     * its energy-weighted mean intensity ({@link IntensityLedger#knownJouleGrams}); without one ({@code null} or the
     * yearly average) x {@code gramsPerKwh}.
     */
    public record Settings(String runId, Path outputDir, Integer configuredEpochs, int predictAfterEpochs,
                           Double budgetKg, double pue, double gramsPerKwh, long runStartNanos, Instant runStartWall,
                           String nodeId, IntensityLedger carbon) {

        public Settings(String runId, Path outputDir, Integer configuredEpochs, int predictAfterEpochs,
                        Double budgetKg, double pue, double gramsPerKwh, long runStartNanos, Instant runStartWall,
                        String nodeId) {
            this(runId, outputDir, configuredEpochs, predictAfterEpochs, budgetKg, pue, gramsPerKwh, runStartNanos,
                    runStartWall, nodeId, null);
        }

        public Settings(String runId, Path outputDir, Integer configuredEpochs, int predictAfterEpochs,
                        Double budgetKg, double pue, double gramsPerKwh, long runStartNanos, Instant runStartWall) {
            this(runId, outputDir, configuredEpochs, predictAfterEpochs, budgetKg, pue, gramsPerKwh, runStartNanos,
                    runStartWall, "node");
        }

        public static Settings of(RunContext t) {
            Config c = t.config();
            return new Settings(t.runId(), Path.of(c.get(Config.OUTPUT_DIR)), c.get(Config.EPOCHS),
                    c.get(Config.PREDICT_AFTER_EPOCHS), c.get(Config.BUDGET_KG), c.get(Config.PUE),
                    t.intensity().gramsPerKwh(), t.startNanos(), t.startWall(), t.node().nodeId(), t.carbon());
        }

        /** Whether the intensity changes over the run (a source over time), not the one yearly figure. */
        boolean overTime() {
            return carbon != null && carbon.overTime();
        }
    }

    private enum Kind { BEGIN, END, CANCEL }

    private record Mark(Span span, Kind kind, long nanos) {
    }

    private final Settings settings;
    /** The run's id, changed by {@link #joinRun}; guarded by {@link #csvLock} with the epochs file's name. */
    private volatile String runId;
    private final Object csvLock = new Object();
    private final Log log;
    private final LongSupplier clock;
    private final DoubleSupplier runJoules;
    private final Queue<Mark> marks = new ConcurrentLinkedQueue<>();
    private final Map<String, AtomicInteger> counters = new ConcurrentHashMap<>();
    private final Set<String> frameworks = new CopyOnWriteArraySet<>();
    private volatile int currentEpoch;
    private volatile int frameworkPlanned;
    private volatile String frameworkPlannedSource = "";

    // Sampler side, guarded by this.
    private long prevNanos;
    private double[] prevJoules;
    /** {@link IntensityLedger#knownJouleGrams} at the previous sample (0 without a source over time). */
    private double prevJouleGrams;
    private int openEpochs;
    private double outsideJoules;
    private double outsideJouleGrams;
    private int epochsDone;
    private int partialEpochs;
    private double epochsJoules;
    private double epochsSeconds;
    private double epochsKg;
    private final List<PhaseRow> rows = new ArrayList<>();
    private final List<java.util.function.Consumer<PhaseRow>> rowListeners = new java.util.concurrent.CopyOnWriteArrayList<>();
    private long rowsOmitted;
    /** Epochs (and phases) begun and not yet ended, in the order they began. */
    private final List<Span> open = new ArrayList<>();
    /** The latest finished epochs, oldest first: {number, joules, seconds}. */
    private final EpochCost epochJoulesCost = new EpochCost();
    private final EpochCost epochSecondsCost = new EpochCost();
    private final List<Forecast> forecasts = new ArrayList<>();
    private long forecastsOmitted;
    private Forecast forecast;
    private Forecast printedForecast;
    private boolean budgetWarned;
    private boolean openClosed;

    /**
     * @param clock     the monotonic clock of the sampler ({@code System::nanoTime})
     * @param runJoules the run's total energy so far, for the forecast's comparison
     */
    public EpochTracker(Settings settings, Log log, LongSupplier clock, DoubleSupplier runJoules) {
        this.settings = settings;
        this.runId = settings.runId();
        this.log = log;
        this.clock = clock;
        this.runJoules = runJoules;
    }

    long now() {
        return clock.getAsLong();
    }

    /**
     * The run took the id {@code newRunId}: later rows carry it, and the epochs file written so far is renamed after
     * it (its rows keep the id they were written with). A file that cannot be renamed is one line. Never throws.
     */
    public void joinRun(String newRunId) {
        synchronized (csvLock) {
            Path from = EpochsCsv.file(settings.outputDir(), runId, settings.nodeId());
            Path to = EpochsCsv.file(settings.outputDir(), newRunId, settings.nodeId());
            runId = newRunId;
            try {
                if (java.nio.file.Files.exists(from, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    java.nio.file.Files.move(from, to);
                }
            } catch (Exception e) {
                log.warn("epochs: cannot rename " + from + " to " + to + " (" + Log.describe(e) + ")");
            }
        }
    }

    // ---- application threads -------------------------------------------------------------------------------------

    /** Opens a phase at {@code nanos}. A phase named {@value #EPOCH} becomes the epoch in progress. */
    public Span begin(String name, long nanos) {
        String n = name;
        AtomicInteger counter = counters.get(n);
        if (counter == null) {
            if (counters.size() >= MAX_PHASE_NAMES) {
                log.once("epochs:names", Log.Level.INFO, "more than " + MAX_PHASE_NAMES
                        + " phase names: further names are counted as 'other'");
                n = "other";
            }
            AtomicInteger fresh = new AtomicInteger(); // putIfAbsent, not computeIfAbsent's lambda (job's thread)
            AtomicInteger raced = counters.putIfAbsent(n, fresh);
            counter = raced != null ? raced : fresh;
        }
        int number = counter.incrementAndGet();
        boolean epoch = EPOCH.equals(n);
        Span s = new Span(n, number, epoch ? number : currentEpoch, nanos);
        marks.add(new Mark(s, Kind.BEGIN, nanos));
        if (epoch) {
            currentEpoch = number;
        }
        return s;
    }

    /** Closes {@code s} at {@code nanos}: it becomes a row. A second close of the same span does nothing. */
    public void end(Span s, long nanos) {
        if (s != null && s.closed.compareAndSet(false, true)) {
            marks.add(new Mark(s, Kind.END, nanos));
            leave(s);
        }
    }

    /**
     * Drops {@code s} (an epoch that never ran to its end, such as the one opened after DJL's last epoch): no row,
     * its energy counts as outside epochs, and its number is given to the next one of its name.
     */
    public void cancel(Span s, long nanos) {
        if (s != null && s.closed.compareAndSet(false, true)) {
            marks.add(new Mark(s, Kind.CANCEL, nanos));
            AtomicInteger counter = counters.get(s.name);
            if (counter != null) {
                counter.compareAndSet(s.number, s.number - 1);
            }
            leave(s);
        }
    }

    private void leave(Span s) {
        if (EPOCH.equals(s.name) && currentEpoch == s.number) {
            currentEpoch = 0;
        }
    }

    /** A complete phase reported after the fact ({@code Mlco2.phase} opened before the agent was ready). */
    public void span(String name, long startNanos, long endNanos) {
        end(begin(name, startNanos), endNanos);
    }

    /**
     * A framework says that {@code moreEpochs} epochs are about to run: the run's planned count is the epochs begun
     * so far plus these. {@code mlco2.epochs}, when set, wins.
     */
    public void plan(int moreEpochs, String source) {
        if (moreEpochs <= 0) {
            return;
        }
        AtomicInteger c = counters.get(EPOCH);
        frameworkPlanned = (c == null ? 0 : c.get()) + moreEpochs;
        frameworkPlannedSource = source;
    }

    /** The epoch in progress (1-based), 0 outside epochs: {@link #currentEpoch()} of this tracker. */
    public int epochInProgress() {
        return currentEpoch;
    }

    /** Records that a framework was detected and instrumented (for the summary). */
    public void detected(String framework) {
        frameworks.add(framework);
    }

    /** The planned epochs: {@code mlco2.epochs}, else what the framework said, else 0 (unknown). */
    public int plannedEpochs() {
        Integer configured = settings.configuredEpochs();
        return configured != null ? configured : frameworkPlanned;
    }

    public String plannedEpochsSource() {
        return settings.configuredEpochs() != null ? "mlco2.epochs" : frameworkPlannedSource;
    }

    // ---- sampler thread ------------------------------------------------------------------------------------------

    @Override
    public void onSample(RunContext run, long monotonicNanos) {
        process(monotonicNanos, joulesByComponent(run.accumulators()),
                settings.overTime() ? settings.carbon().knownJouleGrams() : 0);
    }

    static double[] joulesByComponent(List<EnergyAccumulator> accumulators) {
        double[] j = new double[Component.values().length];
        for (EnergyAccumulator a : accumulators) {
            j[a.source().component().ordinal()] += a.energyJoules();
        }
        return j;
    }

    static double joulesTotal(List<EnergyAccumulator> accumulators) {
        return total(joulesByComponent(accumulators));
    }

    /** {@link #process(long, double[], double)} at a constant intensity. */
    void process(long nowNanos, double[] joules) {
        process(nowNanos, joules, 0);
    }

    /**
     * Resolves the boundaries up to {@code nowNanos}, given the run's cumulative energy by component at that instant
     * and, with a source over time, {@link IntensityLedger#knownJouleGrams} then (interpolated like the energy: one
     * intensity per sample interval).
     */
    synchronized void process(long nowNanos, double[] joules, double jouleGrams) {
        if (prevJoules == null) {
            // The accumulators count from the run's start (the first sample's energy covers start-up, and this
            // listener may be attached after the first samples): the run began at zero joules, so marks before this
            // first call are placed on the line from (run start, 0) to (now, joules) and nothing is lost.
            prevNanos = Math.min(settings.runStartNanos(), nowNanos);
            prevJoules = new double[joules.length];
        }
        long segmentStart = prevNanos;
        Mark m;
        while ((m = marks.peek()) != null && m.nanos() <= nowNanos) {
            marks.poll();
            long t = Math.max(prevNanos, m.nanos());
            if (openEpochs == 0) {
                outsideJoules += total(at(t, nowNanos, joules)) - total(at(segmentStart, nowNanos, joules));
                outsideJouleGrams += gramsAt(t, nowNanos, jouleGrams) - gramsAt(segmentStart, nowNanos, jouleGrams);
            }
            segmentStart = t;
            apply(m, at(t, nowNanos, joules), gramsAt(t, nowNanos, jouleGrams));
        }
        if (openEpochs == 0) {
            outsideJoules += total(joules) - total(at(segmentStart, nowNanos, joules));
            outsideJouleGrams += jouleGrams - gramsAt(segmentStart, nowNanos, jouleGrams);
        }
        prevNanos = nowNanos;
        prevJoules = joules.clone();
        prevJouleGrams = jouleGrams;
    }

    /** Energy by component at {@code t}, linear between the previous sample and this one. */
    private double[] at(long t, long nowNanos, double[] joules) {
        double f = fraction(t, nowNanos);
        double[] e = new double[joules.length];
        for (int i = 0; i < e.length; i++) {
            e[i] = prevJoules[i] + f * (joules[i] - prevJoules[i]);
        }
        return e;
    }

    /** {@link IntensityLedger#knownJouleGrams} at {@code t}, linear like the energy (the interval has one intensity). */
    private double gramsAt(long t, long nowNanos, double jouleGrams) {
        return prevJouleGrams + fraction(t, nowNanos) * (jouleGrams - prevJouleGrams);
    }

    private double fraction(long t, long nowNanos) {
        return nowNanos == prevNanos ? 1 : Math.max(0, Math.min(1, (t - prevNanos) / (double) (nowNanos - prevNanos)));
    }

    /**
     * The emissions of {@code joules} whose energy x intensity is {@code jouleGrams}: at their energy-weighted mean
     * intensity with a source over time, else at the run's one intensity (exactly today's figure).
     */
    private double kg(double joules, double jouleGrams) {
        return Emissions.kgOfJoules(joules, settings.pue(), gramsPerKwh(joules, jouleGrams));
    }

    /** The energy-weighted mean intensity of a part of the run; the run's one intensity without a source over time. */
    private double gramsPerKwh(double joules, double jouleGrams) {
        return settings.overTime() ? IntensityLedger.meanGramsPerKwh(joules, jouleGrams,
                settings.carbon().lastGramsPerKwh()) : settings.gramsPerKwh();
    }

    private static double total(double[] j) {
        double s = 0;
        for (double v : j) {
            s += v;
        }
        return s;
    }

    private void apply(Mark m, double[] e, double jouleGrams) {
        Span s = m.span();
        boolean epoch = EPOCH.equals(s.name);
        switch (m.kind()) {
            case BEGIN -> {
                s.startJoules = e;
                s.startJouleGrams = jouleGrams;
                if (epoch) {
                    openEpochs++;
                }
                if (epoch || open.size() < MAX_OPEN_PHASES) {
                    open.add(s);
                }
            }
            case CANCEL -> {
                open.remove(s);
                if (epoch && s.startJoules != null) {
                    openEpochs--;
                    outsideJoules += total(e) - total(s.startJoules);
                    outsideJouleGrams += jouleGrams - s.startJouleGrams;
                }
            }
            case END -> {
                open.remove(s);
                if (s.startJoules == null) {
                    return;
                }
                PhaseRow row = row(s, m.nanos(), e, jouleGrams, true);
                if (epoch) {
                    openEpochs--;
                    epochsDone++;
                    epochsJoules += row.energyJoules();
                    epochsSeconds += row.durationSeconds();
                    epochsKg += row.emissionsKg();
                    epochJoulesCost.add(s.number, row.energyJoules());
                    epochSecondsCost.add(s.number, row.durationSeconds());
                }
                emit(row);
                if (epoch) {
                    maybeForecast(total(e), jouleGrams);
                }
            }
        }
    }

    /**
     * The row of {@code s} from its start to {@code endNanos}, where the run's energy was {@code e} and its
     * {@link IntensityLedger#knownJouleGrams} {@code jouleGrams}.
     */
    private PhaseRow row(Span s, long endNanos, double[] e, double jouleGrams, boolean complete) {
        double[] j = new double[e.length];
        for (int i = 0; i < j.length; i++) {
            j[i] = Math.max(0, e[i] - s.startJoules[i]);
        }
        double seconds = Math.max(0, (endNanos - s.startNanos) / 1e9);
        double kg = kg(total(j), jouleGrams - s.startJouleGrams);
        Instant start = settings.runStartWall().plusNanos(s.startNanos - settings.runStartNanos());
        return new PhaseRow(s.name, s.number, s.epoch, start, seconds, j, kg, complete);
    }

    /**
     * At the run's end: each epoch or phase still open becomes a row marked incomplete, up to the last sample, so
     * that no joule of an interrupted epoch (SIGTERM, {@code System.exit} in an epoch) is lost: the epoch rows and
     * the energy outside them make the run's total. Called when the summary is built, after the last sample; once.
     */
    synchronized void closeOpen() {
        if (openClosed || prevJoules == null) {
            return;
        }
        openClosed = true;
        for (Span s : List.copyOf(open)) {
            if (s.startJoules == null) {
                continue;
            }
            // Its end, if the job's thread got there, came after the last sample: the row ends at that sample, and
            // the end still queued finds no start and does nothing.
            s.closed.set(true);
            PhaseRow row = row(s, prevNanos, prevJoules, prevJouleGrams, false);
            s.startJoules = null;
            if (EPOCH.equals(s.name)) {
                openEpochs--;
                partialEpochs++;
                epochsJoules += row.energyJoules();
                epochsSeconds += row.durationSeconds();
                epochsKg += row.emissionsKg();
            }
            emit(row);
        }
        open.clear();
    }

    /**
     * Calls {@code listener} with every finished row (not the rows of phases cut short by the run's end), on the sampler thread, after the row is written; what it
     * throws is one line and the others go on.
     */
    public void addRowListener(java.util.function.Consumer<PhaseRow> listener) {
        rowListeners.add(listener);
    }

    private void emit(PhaseRow row) {
        if (rows.size() < MAX_ROWS_IN_SUMMARY) {
            rows.add(row);
        } else {
            rowsOmitted++;
        }
        synchronized (csvLock) {
            try {
                EpochsCsv.append(settings.outputDir(), runId, settings.nodeId(), row);
            } catch (Exception e) {
                log.once("epochs:csv", Log.Level.WARN, "could not write " + EpochsCsv.file(settings.outputDir(),
                        runId, settings.nodeId()).toAbsolutePath() + " (" + Log.describe(e)
                        + "); the rows stay in the JSON summary");
            }
        }
        if (!row.complete()) {
            return; // the listeners (metrics) take finished epochs only
        }
        for (java.util.function.Consumer<PhaseRow> l : rowListeners) {
            try {
                l.accept(row);
            } catch (Throwable t) {
                log.once("epochs:listener", Log.Level.WARN, "an epoch row listener failed (" + Log.describe(t) + ")");
            }
        }
    }

    /**
     * A new forecast after each finished epoch, from the run's energy when it ended ({@code runJoulesNow}) and the
     * latest epochs. The first is printed; a later one only when it moved by more than
     * {@value Forecast#REPRINT_SHARE} of the last printed. The budget warning is printed once, by the first forecast
     * over the budget. With a source over time the forecast applies the run's energy-weighted mean intensity so far
     * ({@code runJouleGramsNow / runJoulesNow}): the emissions so far as integrated, the epochs to come at that mean.
     */
    private void maybeForecast(double runJoulesNow, double runJouleGramsNow) {
        if (epochsDone < settings.predictAfterEpochs()) {
            return;
        }
        int planned = plannedEpochs();
        if (planned <= 0) {
            log.once("epochs:no-plan", Log.Level.INFO, "no forecast: the planned number of epochs is unknown"
                    + " (set mlco2.epochs=N)");
            return;
        }
        long remaining = Math.max(0, planned - epochsDone);
        EpochCost.Estimate joules = epochJoulesCost.next(remaining);
        EpochCost.Estimate seconds = epochSecondsCost.next(remaining);
        String basis = joules.basis().equals(seconds.basis()) ? joules.basis()
                : "energy: " + joules.basis() + "; time: " + seconds.basis();
        forecast = new Forecast(epochsDone, planned, plannedEpochsSource(), joules.perEpoch(), seconds.perEpoch(),
                basis, runJoulesNow, epochsSeconds, gramsPerKwh(runJoulesNow, runJouleGramsNow), settings.pue());
        if (forecasts.size() < MAX_ROWS_IN_SUMMARY) {
            forecasts.add(forecast);
        } else {
            forecastsOmitted++;
        }
        if (forecast.movedFrom(printedForecast)) {
            printedForecast = forecast;
            log.ownLine(forecast.message());
        }
        String warning = budgetWarned ? null : forecast.budgetWarning(settings.budgetKg());
        if (warning != null) {
            budgetWarned = true;
            log.warn(warning);
        }
    }

    // ---- summary -------------------------------------------------------------------------------------------------

    /** The {@code epochs} section of the JSON summary, or {@code null} when the run had no phase. */
    public synchronized Map<String, Object> epochsSection() {
        closeOpen();
        if (rows.isEmpty() && frameworks.isEmpty() && counters.isEmpty()) {
            return null;
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("frameworks", List.copyOf(frameworks));
        int planned = plannedEpochs();
        m.put("planned_epochs", planned > 0 ? planned : null);
        m.put("planned_epochs_source", planned > 0 ? plannedEpochsSource() : null);
        m.put("completed_epochs", epochsDone);
        m.put("partial_epochs", partialEpochs);
        m.put("epochs_duration_s", epochsSeconds);
        m.put("epochs_energy_kwh", epochsJoules / Energy.JOULES_PER_KWH);
        m.put("epochs_emissions_kg", epochsKg);
        m.put("outside_epochs_energy_kwh", outsideJoules / Energy.JOULES_PER_KWH);
        m.put("outside_epochs_emissions_kg", kg(outsideJoules, outsideJouleGrams));
        List<Map<String, Object>> list = new ArrayList<>();
        for (PhaseRow r : rows) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("phase", r.phase());
            row.put("number", r.number());
            row.put("epoch", r.epoch());
            row.put("start", r.start().toString());
            row.put("duration_s", r.durationSeconds());
            Map<String, Object> energy = new LinkedHashMap<>();
            for (Component c : Component.values()) {
                energy.put(c.key(), r.energyKwh(c));
            }
            energy.put("total", r.energyKwh());
            row.put("energy_kwh", energy);
            row.put("emissions_kg", r.emissionsKg());
            row.put("complete", r.complete());
            list.add(row);
        }
        m.put("rows", list);
        if (rowsOmitted > 0) {
            m.put("rows_omitted", rowsOmitted);
        }
        return m;
    }

    /** The {@code forecast} section of the JSON summary, or {@code null} when no forecast was made. */
    public synchronized Map<String, Object> forecastSection() {
        closeOpen();
        if (forecast == null) {
            return null;
        }
        double actual = runJoules.getAsDouble();
        Map<String, Object> m = forecast.toEntry(actual);
        m.put("actual_energy_kwh", actual / Energy.JOULES_PER_KWH);
        // The run's emissions: with a source over time at its mean settled at the end (the summary's intensity).
        m.put("actual_emissions_kg", settings.overTime()
                ? Emissions.kgOfJoules(actual, settings.pue(), settings.carbon().meanGramsPerKwh())
                : forecast.emissionsKg(actual));
        m.put("actual_epochs", epochsDone);
        m.put("actual_epochs_duration_s", epochsSeconds);
        List<Map<String, Object>> all = new ArrayList<>();
        for (Forecast f : forecasts) {
            all.add(f.toEntry(actual));
        }
        m.put("forecasts", all);
        if (forecastsOmitted > 0) {
            m.put("forecasts_omitted", forecastsOmitted);
        }
        return m;
    }

    synchronized List<Forecast> forecasts() {
        return List.copyOf(forecasts);
    }

    synchronized Forecast forecast() {
        return forecast;
    }

    synchronized List<PhaseRow> rows() {
        return List.copyOf(rows);
    }

    synchronized double outsideEpochsJoules() {
        return outsideJoules;
    }
}
