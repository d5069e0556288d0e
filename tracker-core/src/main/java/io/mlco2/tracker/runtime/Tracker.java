package io.mlco2.tracker.runtime;

import io.mlco2.tracker.base.Log;
import io.mlco2.tracker.base.NodeIdentity;
import io.mlco2.tracker.base.Pid;
import io.mlco2.tracker.carbon.GridIntensity;
import io.mlco2.tracker.carbon.IntensityLedger;
import io.mlco2.tracker.carbon.IntensityProvider;
import io.mlco2.tracker.carbon.IntensityProviders;
import io.mlco2.tracker.config.Config;
import io.mlco2.tracker.cpu.HostInfo;
import io.mlco2.tracker.energy.EnergyAccumulator;
import io.mlco2.tracker.energy.EnergySource;
import io.mlco2.tracker.energy.ProcessFraction;
import io.mlco2.tracker.energy.SourceGroup;
import io.mlco2.tracker.report.ReportFiles;
import io.mlco2.tracker.report.RunSummary;
import io.mlco2.tracker.report.SummaryJson;

import java.nio.file.Files;
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
    private final NodeIdentity node;
    /** Set by {@code mlco2.run-id}: then {@link #joinRun} changes nothing. */
    private final boolean runIdConfigured;
    private volatile String runId;
    /** Guards the run id's change and the start summary against the end's reports. */
    private final Object idLock = new Object();
    private volatile boolean ending;
    private final List<RunIdListener> runIdListeners = new CopyOnWriteArrayList<>();
    private final List<String> notes = new CopyOnWriteArrayList<>();
    private final List<ReportWriter> writers = new CopyOnWriteArrayList<>();
    private final ReportWriter csv;
    private final Map<String, Supplier<Object>> sections = new LinkedHashMap<>();
    private final List<AutoCloseable> closeables = new CopyOnWriteArrayList<>();
    private final Sampler sampler;
    private final HostLease lease;
    private final IntensityLedger carbon;
    private final RunSummaryBuilder summaries;
    private volatile RunSummary finalSummary;

    Tracker(Config config, Log log, HostInfo host, GridIntensity intensity, List<SourceGroup> groups,
            LongSupplier nanoClock, long startNanos, Instant startWall, List<String> notes) {
        this(config, log, host, intensity, groups, nanoClock, startNanos, startWall, notes,
                NodeIdentity.current(host.hostname()), HostLease.alone(log));
    }

    Tracker(Config config, Log log, HostInfo host, GridIntensity intensity, List<SourceGroup> groups,
            LongSupplier nanoClock, long startNanos, Instant startWall, List<String> notes, NodeIdentity node) {
        this(config, log, host, intensity, groups, nanoClock, startNanos, startWall, notes, node, HostLease.alone(log));
    }

    /**
     * As above, for the JVM {@code node}, the run's {@code lease} (not yet opened) deciding what its machine-level
     * sources count.
     */
    Tracker(Config config, Log log, HostInfo host, GridIntensity intensity, List<SourceGroup> groups,
            LongSupplier nanoClock, long startNanos, Instant startWall, List<String> notes, NodeIdentity node,
            HostLease lease) {
        this.config = config;
        this.log = log;
        this.host = host;
        this.intensity = intensity;
        this.groups = List.copyOf(groups);
        this.startNanos = startNanos;
        this.startWall = startWall;
        this.node = node;
        this.runIdConfigured = config.get(Config.RUN_ID) != null;
        // On a Spark executor, its application's id: all executors of one application are one run.
        this.runId = runIdConfigured ? config.get(Config.RUN_ID)
                : node.sparkAppId() != null ? node.sparkAppId() : newRunId();
        this.notes.addAll(notes);
        this.lease = lease;
        List<String> leaseNotes = new ArrayList<>();
        lease.open(runId, !runIdConfigured && node.sparkAppId() == null, leaseNotes);
        this.notes.addAll(leaseNotes);
        List<EnergyAccumulator> acc = new ArrayList<>();
        for (SourceGroup g : this.groups) {
            for (EnergySource s : g.sources()) {
                ProcessFraction share = null;
                try {
                    share = g.processFraction(s);
                } catch (Throwable t) {
                    log.debug("process share of " + s.deviceId() + ": " + Log.describe(t));
                }
                EnergyAccumulator a = new EnergyAccumulator(s, share, lease);
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
        this.sampler = new Sampler(this, accumulators, lease, nanoClock, log);
        this.summaries = new RunSummaryBuilder(this, this.groups, nanoClock);
        sections.put("host_share", new HostShareSection(this, nanoClock));
        writers.add(new CoreReport("summary json", log));
        csv = new CoreReport("emissions.csv", log);
    }

    /**
     * Starts sampling every {@code mlco2.interval} on a daemon thread, and writes the summary with
     * {@code "complete": false}: a JVM killed before its exit hook leaves it beside its samples for {@code report}.
     */
    public void start() {
        carbon.start();
        sampler.start(config.get(Config.INTERVAL));
        synchronized (idLock) {
            writeStartSummary();
        }
    }

    /** The summary as of now, marked incomplete; one line if it cannot be written. Called under {@link #idLock}. */
    private void writeStartSummary() {
        if (ending) {
            return;
        }
        Path dir = Path.of(config.get(Config.OUTPUT_DIR));
        try {
            ReportFiles.ensureDir(dir);
        } catch (Throwable t) {
            // The exit's reports say it in one line, with the folder's name.
            log.debug("no start summary: cannot create " + dir.toAbsolutePath() + " (" + Log.describe(t) + ")");
            return;
        }
        try {
            SummaryJson.write(summaries.build(notes, sections, false), dir);
        } catch (Throwable t) {
            log.warn("could not write the start summary in " + dir.toAbsolutePath() + " (" + Log.describe(t)
                    + "); the summary at exit is still written");
        }
    }

    @Override
    public void joinRun(String newRunId) {
        try {
            if (runIdConfigured || newRunId == null || newRunId.isBlank()) {
                return;
            }
            String old;
            synchronized (idLock) {
                if (ending || newRunId.equals(runId)) {
                    return;
                }
                old = runId;
                runId = newRunId;
                lease.rejoinLater(newRunId); // the new id's host lease, tried on the sampler thread
                for (RunIdListener l : runIdListeners) {
                    try {
                        l.runIdChanged(this, old);
                    } catch (Throwable t) {
                        log.warn("joining run " + newRunId + ", " + l.getClass().getSimpleName() + ": " + Log.describe(t));
                    }
                }
                try {
                    Files.deleteIfExists(ReportFiles.file(Path.of(config.get(Config.OUTPUT_DIR)), old, node.nodeId(),
                            ReportFiles.JSON));
                } catch (Throwable t) {
                    log.debug("the start summary of run " + old + " stays: " + Log.describe(t));
                }
                writeStartSummary();
            }
            log.info("joined run " + newRunId + " (was " + old + ")");
        } catch (Throwable t) {
            log.warn("could not join run " + newRunId + " (" + Log.describe(t) + "); the run keeps its id");
        }
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
        synchronized (idLock) {
            ending = true; // from here the run id stays, and the start summary is not written again
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
        RunSummary s = summaries.build(notes, sections, true);
        finalSummary = s;
        lease.close(); // after the last sample: another JVM of the run may count the machine from now on
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

    /** The summary of the run so far (energies as of the last sample); complete once the run has stopped. */
    public RunSummary summary() {
        return finalSummary != null ? finalSummary : summaries.build(notes, sections, false);
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
    public void addRunIdListener(RunIdListener l) {
        runIdListeners.add(l);
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
    public boolean ending() {
        return ending;
    }

    @Override
    public NodeIdentity node() {
        return node;
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

    /** The {@code host_share} section of the summary (a class, not a lambda: made on the start-up path). */
    private static final class HostShareSection implements Supplier<Object> {
        private final Tracker tracker;
        private final LongSupplier nanoClock;

        HostShareSection(Tracker tracker, LongSupplier nanoClock) {
            this.tracker = tracker;
            this.nanoClock = nanoClock;
        }

        @Override
        public Object get() {
            return tracker.lease.section(tracker.accumulators, tracker.startNanos, nanoClock.getAsLong());
        }
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
