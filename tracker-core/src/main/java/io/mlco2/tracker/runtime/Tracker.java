package io.mlco2.tracker.runtime;

import io.mlco2.tracker.base.Log;
import io.mlco2.tracker.base.Pid;
import io.mlco2.tracker.carbon.GridIntensity;
import io.mlco2.tracker.carbon.IntensityLedger;
import io.mlco2.tracker.carbon.IntensityProvider;
import io.mlco2.tracker.carbon.IntensityProviders;
import io.mlco2.tracker.config.Config;
import io.mlco2.tracker.cpu.HostInfo;
import io.mlco2.tracker.energy.EnergyAccumulator;
import io.mlco2.tracker.energy.EnergySource;
import io.mlco2.tracker.energy.SourceGroup;
import io.mlco2.tracker.report.ReportFiles;
import io.mlco2.tracker.report.RunSummary;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * One tracked run, from start to reports: its source groups and their accumulators, the {@link Sampler}, the
 * extensions' listeners, writers, sections and closeables, and at the end the summary ({@link RunSummaryBuilder}),
 * the reports and the summary line. Made by {@link SourceDiscovery}.
 *
 * <p>Thread model: samples run on the single daemon thread {@code mlco2-sampler} (or the caller in tests);
 * {@link #stop} may run on a shutdown hook and takes the last sample itself after the sampler has stopped.
 * Nothing here throws to the caller.
 */
public final class Tracker implements RunContext {

    private final Config config;
    private final Log log;
    private final HostInfo host;
    private final GridIntensity intensity;
    private final List<SourceGroup> groups;
    private final List<EnergyAccumulator> accumulators;
    private final long startNanos;
    private final Instant startWall;
    private final String runId;
    private final List<String> notes = new CopyOnWriteArrayList<>();
    private final List<ReportWriter> writers = new CopyOnWriteArrayList<>();
    private final ReportWriter csv;
    private final Map<String, Supplier<Object>> sections = new LinkedHashMap<>();
    private final List<AutoCloseable> closeables = new CopyOnWriteArrayList<>();
    private final Sampler sampler;
    private final IntensityLedger carbon;
    private final RunSummaryBuilder summaries;
    private volatile RunSummary finalSummary;

    Tracker(Config config, Log log, HostInfo host, GridIntensity intensity, List<SourceGroup> groups,
            LongSupplier nanoClock, long startNanos, Instant startWall, List<String> notes) {
        this.config = config;
        this.log = log;
        this.host = host;
        this.intensity = intensity;
        this.groups = List.copyOf(groups);
        this.startNanos = startNanos;
        this.startWall = startWall;
        this.runId = config.get(Config.RUN_ID) != null ? config.get(Config.RUN_ID) : newRunId();
        this.notes.addAll(notes);
        List<EnergyAccumulator> acc = new ArrayList<>();
        for (SourceGroup g : this.groups) {
            for (EnergySource s : g.sources()) {
                EnergyAccumulator a = new EnergyAccumulator(s);
                a.prime(startNanos);
                acc.add(a);
            }
        }
        this.accumulators = List.copyOf(acc);
        IntensityProvider provider = null;
        try {
            provider = IntensityProviders.create(config, intensity, log);
        } catch (Throwable t) {
            log.warn("carbon intensity source failed (" + Log.describe(t) + "); using the yearly average");
        }
        this.carbon = new IntensityLedger(provider, intensity, startNanos, startWall, log);
        this.sampler = new Sampler(this, accumulators, nanoClock, log);
        this.summaries = new RunSummaryBuilder(this, this.groups, nanoClock);
        writers.add(new CoreReport("summary json", log));
        csv = new CoreReport("emissions.csv", log);
    }

    /** Starts sampling every {@code mlco2.interval} on a daemon thread. */
    public void start() {
        carbon.start();
        sampler.start(config.get(Config.INTERVAL));
    }

    /** Takes one sample of every source and notifies the listeners. Never throws. */
    public void sample() {
        sampler.sample();
    }

    /**
     * Stops sampling, takes a last sample, writes the reports and prints the summary line, then closes the source
     * groups and the extensions' closeables. Idempotent: a second call returns the first summary.
     */
    public synchronized RunSummary stop() {
        if (finalSummary != null) {
            return finalSummary;
        }
        sampler.stop();
        for (SourceGroup g : groups) {
            try {
                g.beforeFinalSample();
            } catch (Throwable t) {
                log.debug("before the last sample, " + g.getClass().getSimpleName() + ": " + Log.describe(t));
            }
        }
        sampler.finalSample(config.get(Config.SHUTDOWN_TIMEOUT).dividedBy(2));
        carbon.finish(finishLimit(config.get(Config.SHUTDOWN_TIMEOUT)));
        RunSummary s = summary();
        finalSummary = s;
        log.always(RunSummaryBuilder.line(s)); // first: whatever befalls the files, the user has the figures
        writeReports(s);
        for (SourceGroup g : groups) {
            try {
                g.close();
            } catch (Throwable t) {
                log.debug("closing " + g.getClass().getSimpleName() + ": " + Log.describe(t));
            }
        }
        carbon.close();
        for (AutoCloseable c : closeables) {
            try {
                c.close();
            } catch (Throwable t) {
                log.warn("closing " + c.getClass().getSimpleName() + ": " + Log.describe(t));
            }
        }
        return s;
    }

    /** The live intensity source's last read at exit: a quarter of the shutdown budget, at most 3 s. */
    static java.time.Duration finishLimit(java.time.Duration shutdownTimeout) {
        java.time.Duration q = shutdownTimeout.dividedBy(4);
        return q.compareTo(java.time.Duration.ofSeconds(3)) > 0 ? java.time.Duration.ofSeconds(3) : q;
    }

    /** Writes every report; a failing writer is one line and the others still run. */
    void writeReports(RunSummary s) {
        Path dir = Path.of(config.get(Config.OUTPUT_DIR));
        try {
            ReportFiles.ensureDir(dir);
        } catch (Exception e) {
            log.error("cannot create the output folder " + dir.toAbsolutePath() + " (" + Log.describe(e)
                    + "); no report files written, the summary follows on stderr");
            return;
        }
        for (ReportWriter w : writers) {
            write(w, s, dir);
        }
        // Last: another process may hold the shared file's lock, and the wait for it must cost the row only.
        write(csv, s, dir);
    }

    private void write(ReportWriter w, RunSummary s, Path dir) {
        try {
            w.write(s, dir);
        } catch (Throwable t) {
            log.error("could not write " + w.name() + " in " + dir.toAbsolutePath() + ": " + Log.describe(t));
        }
    }

    /** The summary of the run so far (energies as of the last sample). */
    public RunSummary summary() {
        return summaries.build(notes, sections);
    }

    @Override
    public void addListener(SampleListener l) {
        sampler.addListener(l);
    }

    @Override
    public void addWriter(ReportWriter w) {
        writers.add(w);
    }

    @Override
    public void addSection(String key, Supplier<Object> section) {
        synchronized (sections) {
            sections.put(key, section);
        }
    }

    @Override
    public void addCloseable(AutoCloseable c) {
        closeables.add(c);
    }

    @Override
    public void note(String note) {
        notes.add(note);
    }

    @Override
    public List<EnergyAccumulator> accumulators() {
        return accumulators;
    }

    @Override
    public Config config() {
        return config;
    }

    @Override
    public GridIntensity intensity() {
        return intensity;
    }

    @Override
    public IntensityLedger carbon() {
        return carbon;
    }

    @Override
    public HostInfo host() {
        return host;
    }

    @Override
    public String runId() {
        return runId;
    }

    @Override
    public long startNanos() {
        return startNanos;
    }

    @Override
    public Instant startWall() {
        return startWall;
    }

    @Override
    public Log log() {
        return log;
    }

    /**
     * A random version-4 UUID. Not {@link UUID#randomUUID()}: a run id is a name, not a secret, and that method's
     * {@code SecureRandom} costs ~20 ms of start-up at its first use. {@code ThreadLocalRandom}'s seed mixes the
     * clock with a per-JVM seed; the pid and the wall time are mixed in too, so that two JVMs started together on
     * one host or on many hosts get different ids.
     */
    static String newRunId() {
        java.util.concurrent.ThreadLocalRandom r = java.util.concurrent.ThreadLocalRandom.current();
        long msb = r.nextLong() ^ (Pid.current() << 32) ^ System.currentTimeMillis();
        long lsb = r.nextLong() ^ System.nanoTime();
        msb = (msb & ~0xF000L) | 0x4000L;                                   // version 4
        lsb = (lsb & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;           // IETF variant
        return new UUID(msb, lsb).toString();
    }
}
