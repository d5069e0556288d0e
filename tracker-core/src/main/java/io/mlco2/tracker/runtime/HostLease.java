package io.mlco2.tracker.runtime;

import io.mlco2.tracker.base.Log;
import io.mlco2.tracker.energy.EnergyAccumulator;
import io.mlco2.tracker.energy.HostLeaseState;
import io.mlco2.tracker.report.ReportFiles;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The host lease of a run: of the JVMs of one run on one host (Spark executors and driver), the one holding it
 * counts the machine-level energy (CPU packages or the machine's load, memory, whole GPUs); the others count their
 * process share, and retry at every sample, taking the lease over when its holder exits. Windows of holding are
 * disjoint, so per host the machine's energy is the sum of the run's {@code machine_energy_joules_with_lease}
 * (docs/DISTRIBUTED.md, "One host, several JVMs").
 *
 * <p>The lease is an exclusive {@link FileChannel#tryLock()} on {@code <lease dir>/<run id>.lock}: never waited
 * for, released by the kernel when its JVM dies however it dies. The lease dir is host-local on purpose
 * ({@code /tmp/mlco2-<user name>}, made {@code 0700}), not the output folder, which may be a shared file system.
 * The lock file is never deleted: a JVM may hold the old file open while another creates a new one, and both would
 * then hold "the" lease. A random run id (none configured) is unique: that JVM holds its lease without a file. Any
 * failure is one line and {@code none}: the JVM counts the whole machine as it did without the lease.
 *
 * <p>Made and opened on the agent's start-up path, retried on the sampler thread, closed once at the run's end.
 * Nothing here throws to the caller.
 */
final class HostLease implements HostLeaseState, AutoCloseable {

    /** What this JVM counts. */
    enum State {
        /** It holds the lease: the machine's energy (from the start, or since it took the lease over). */
        HELD,
        /** Another JVM of the run holds it: this process's share until it takes the lease over. */
        SHARED,
        /** No lease could be had: the whole machine, as without the lease. */
        NONE,
        /** {@code tracking-mode=process}: always this process's share, no lease taken. */
        PROCESS;

        String key() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private final String configuredDir;
    private final boolean process;
    private final boolean alone;
    private final Log log;
    private volatile State state = State.HELD;
    private volatile long wholeFromNanos = Long.MIN_VALUE;
    private Path dir;
    private Path file;
    private String runId = "";
    private FileChannel channel;
    private FileLock lock;
    /** A run id to take the lease of at the next sample ({@link #rejoinLater}), or null. */
    private volatile String pendingRunId;
    /** The window held before a {@link #rejoin} found the new id's lease taken ({@code until} 0: none). */
    private long heldBeforeFromNanos;
    private long heldBeforeUntilNanos;
    /** The sampler's previous sample (sampler thread only). */
    private long lastSampleNanos;

    /**
     * @param configuredDir {@code mlco2.host.lease-dir}, {@code null} for {@code /tmp/mlco2-<user name>}
     * @param process       {@code tracking-mode=process}: no lease, always the share
     */
    HostLease(String configuredDir, boolean process, Log log) {
        this(configuredDir, process, false, log);
    }

    private HostLease(String configuredDir, boolean process, boolean alone, Log log) {
        this.configuredDir = configuredDir;
        this.process = process;
        this.alone = alone;
        this.log = log;
    }

    /** A lease for a JVM known to be alone: held from the start, without a file (tests, replay). */
    static HostLease alone(Log log) {
        return new HostLease(null, false, true, log);
    }

    /**
     * Tries the lease of {@code runId} once, without waiting. {@code uniqueRunId}: the agent drew the id at random,
     * so no other JVM has it and no file is needed. A JVM that does not get the lease says so in one line and in
     * {@code notes}.
     */
    void open(String runId, boolean uniqueRunId, List<String> notes) {
        this.runId = runId;
        if (process) {
            state = State.PROCESS;
            wholeFromNanos = Long.MAX_VALUE;
            return;
        }
        if (alone || (uniqueRunId && configuredDir == null)) {
            return; // held: no other JVM can have this run id
        }
        String user = System.getProperty("user.name", "user");
        try {
            if (acquire(user)) {
                log.debug("host lease of run " + runId + " held (" + file + "): this JVM counts the machine's energy");
                return;
            }
            state = State.SHARED;
            wholeFromNanos = Long.MAX_VALUE;
            log.info("another JVM of run " + runId + " on this host holds its lease (" + file + ") and counts the"
                    + " machine's energy: this JVM counts its process share (CPU time, resident memory, GPU"
                    + " utilisation) until it takes the lease over");
            notes.add("host lease held by another JVM of this run on this host: this JVM's process share counted"
                    + " while without it");
        } catch (IOException | RuntimeException e) {
            closeChannel();
            state = State.NONE;
            String why = "no host lease for run " + runId + " (" + (file != null ? file : dir != null ? dir : configuredDir) + ": "
                    + Log.describe(e) + "; mlco2.host.lease-dir accepts a directory path on this host's local disk)";
            log.warn(why + ": this JVM counts the whole machine, so with other JVMs of this run on this host the"
                    + " machine's energy may be counted more than once");
            notes.add(why);
        }
    }

    /** Opens {@code <lease dir>/<run id>.lock} and tries its lock once; true when this JVM holds it. */
    private boolean acquire(String user) throws IOException {
        dir = Path.of(configuredDir != null ? configuredDir : "/tmp/mlco2-" + ReportFiles.safeRunId(user));
        makeLeaseDir(user);
        file = dir.resolve(ReportFiles.safeRunId(runId) + ".lock");
        channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        return tryLock();
    }

    /**
     * The run's id changed (a Spark driver joining its application's run, {@code Tracker.joinRun}): the lease of the
     * new id is tried at the next sample, on the sampler thread, never on the caller's.
     */
    void rejoinLater(String newRunId) {
        pendingRunId = newRunId;
    }

    /**
     * Gives up the lease of the old id and tries the new one's once: held, this JVM counts the machine (from now on
     * if it did not before); held by another JVM of the run, its process share from now on.
     */
    private void rejoin(String newRunId, long nowNanos, long previousSampleNanos) {
        runId = newRunId;
        if (process || alone || state == State.NONE) {
            return;
        }
        State before = state;
        close();
        lock = null;
        channel = null;
        try {
            if (acquire(System.getProperty("user.name", "user"))) {
                if (before != State.HELD) {
                    wholeFromNanos = nowNanos;
                }
                state = State.HELD;
                log.debug("host lease of run " + runId + " held (" + file + "): this JVM counts the machine's energy");
                return;
            }
            if (before == State.HELD) {
                heldBeforeFromNanos = wholeFromNanos;
                heldBeforeUntilNanos = previousSampleNanos; // the interval ending now is a share already
            }
            wholeFromNanos = Long.MAX_VALUE;
            state = State.SHARED;
            log.info("joined run " + runId + ", whose lease on this host another JVM holds (" + file + "): this JVM"
                    + " counts its process share from now on, until it takes the lease over");
        } catch (IOException | RuntimeException e) {
            closeChannel();
            if (before != State.HELD) {
                wholeFromNanos = nowNanos; // no lease: the whole machine from now on, as without one
            }
            state = State.NONE;
            log.warn("no host lease for run " + runId + " (" + (file != null ? file : dir) + ": " + Log.describe(e)
                    + "; mlco2.host.lease-dir accepts a directory path on this host's local disk): this JVM counts the"
                    + " whole machine, so with other JVMs of this run on this host it may be counted more than once");
        }
    }

    /** Creates the lease dir {@code 0700} where missing; the default one must be this user's own. */
    private void makeLeaseDir(String user) throws IOException {
        Path d = dir;
        if (!Files.isDirectory(d)) {
            try {
                Files.createDirectories(d, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            } catch (UnsupportedOperationException e) {
                Files.createDirectories(d); // not a POSIX file system
            }
        }
        if (configuredDir == null) {
            String owner = Files.getOwner(d, LinkOption.NOFOLLOW_LINKS).getName();
            if (!owner.equals(user)) {
                throw new IOException("it belongs to " + owner + ", not to " + user);
            }
        }
    }

    /** One non-blocking lock attempt; false when another JVM (or another run of this one) holds it. */
    private boolean tryLock() throws IOException {
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null; // another tracker of this JVM holds it
        }
        return lock != null;
    }

    /**
     * At each sample, on the sampler thread: without the lease, one attempt to take it over; taken, the intervals
     * from {@code nowNanos} on count the machine.
     */
    void retry(long nowNanos) {
        long previous = lastSampleNanos;
        lastSampleNanos = nowNanos;
        String pending = pendingRunId;
        if (pending != null) {
            pendingRunId = null;
            rejoin(pending, nowNanos, previous);
            return;
        }
        if (state != State.SHARED) {
            return;
        }
        try {
            if (tryLock()) {
                wholeFromNanos = nowNanos;
                state = State.HELD;
                log.info("took over the host lease of run " + runId + " (" + file + "): this JVM counts the machine's"
                        + " energy from now on");
            }
        } catch (IOException | RuntimeException e) {
            log.once("host-lease-retry", Log.Level.DEBUG, "host lease retry failed: " + Log.describe(e));
        }
    }

    @Override
    public boolean wholeMachineSince(long fromNanos) {
        return wholeFromNanos <= fromNanos;
    }

    State state() {
        return state;
    }

    /**
     * The {@code host_share} section: the lease, the machine's energy counted with it (or without it, {@code none}),
     * this process's share counted without it, the seconds held and the lease dir ({@code null}: no file needed or
     * none could be made).
     */
    Map<String, Object> section(List<EnergyAccumulator> accumulators, long startNanos, long nowNanos) {
        double whole = 0;
        double machineWhole = 0; // machine-level sources' intervals counted whole: only while the lease was held
        double share = 0;
        for (EnergyAccumulator a : accumulators) {
            whole += a.wholeEnergyJoules();
            share += a.shareEnergyJoules();
            if (a.machineLevel()) {
                machineWhole += a.wholeEnergyJoules();
            }
        }
        State s = state;
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("lease", s.key());
        // SHARED after a rejoin may have held the old id's lease: that window's machine energy stays the machine's.
        m.put("machine_energy_joules_with_lease", s == State.HELD ? whole : s == State.SHARED ? machineWhole : 0.0);
        m.put("share_energy_joules_without_lease", s == State.PROCESS ? whole + share
                : s == State.SHARED ? whole - machineWhole + share : share);
        m.put("machine_energy_joules_without_lease", s == State.NONE ? whole : 0.0);
        long from = Math.max(wholeFromNanos, startNanos);
        double heldBefore = heldBeforeUntilNanos == 0 ? 0.0
                : Math.max(0, heldBeforeUntilNanos - Math.max(heldBeforeFromNanos, startNanos)) / 1e9;
        m.put("lease_seconds", heldBefore + (s == State.HELD && nowNanos > from ? (nowNanos - from) / 1e9 : 0.0));
        m.put("lease_dir", dir == null || s == State.NONE ? null : dir.toString());
        return m;
    }

    /** Releases the lease (after the run's last sample): another JVM of the run may take it over. */
    @Override
    public void close() {
        try {
            if (lock != null) {
                lock.release();
            }
        } catch (IOException | RuntimeException e) {
            // closing the channel releases it too
        }
        closeChannel();
    }

    private void closeChannel() {
        try {
            if (channel != null) {
                channel.close();
            }
        } catch (IOException | RuntimeException e) {
            // nothing to do
        }
    }
}
