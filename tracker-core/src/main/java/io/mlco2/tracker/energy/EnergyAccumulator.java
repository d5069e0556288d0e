package io.mlco2.tracker.energy;

/**
 * Turns a source's readings into energy: counter deltas (with wraparound) where the source has a counter,
 * trapezoid integration of power over a monotonic clock where it does not.
 *
 * <p>A machine-level source (the CPU packages, the machine's memory, a whole GPU) may be shared with other JVMs of
 * the run on this host: over an interval in which this JVM does not hold the host lease ({@link HostLeaseState}),
 * only this process's fraction of the interval's energy is counted ({@link ProcessFraction}); the two parts are
 * kept apart ({@link #wholeEnergyJoules()}, {@link #shareEnergyJoules()}). A JVM alone on its host counts every
 * interval whole, exactly as without a lease.
 *
 * <p>Holds a constant amount of state whatever the run length. Not thread safe: one writer (the sampler); the
 * totals are published through volatile fields so readers (metrics, shutdown) see a consistent recent value.
 */
public final class EnergyAccumulator {

    private final EnergySource source;
    private final ProcessFraction share;
    private final HostLeaseState lease;

    private boolean started;
    private long lastNanos;
    private double lastCounterJoules = Double.NaN;
    private double lastPowerWatts = Double.NaN;

    private volatile double energyJoules;
    private volatile double wholeEnergyJoules;
    private volatile double shareEnergyJoules;
    private volatile double powerWatts = Double.NaN;
    private volatile double utilization = Double.NaN;
    private volatile Method method;
    private long samples;
    private long failedReads;
    private double utilizationSum;
    private long utilizationCount;

    /** An accumulator that counts every interval whole (a source that is this process's own, or a lone JVM). */
    public EnergyAccumulator(EnergySource source) {
        this(source, null, HostLeaseState.WHOLE_MACHINE);
    }

    /**
     * @param share this process's fraction of a machine-level source's energy, {@code null} when the source is
     *              this process's own (counted whole)
     * @param lease whether an interval counts the whole machine
     */
    public EnergyAccumulator(EnergySource source, ProcessFraction share, HostLeaseState lease) {
        this.source = source;
        this.share = share;
        this.lease = lease;
        this.method = source.method();
    }

    /**
     * Starts the integration window at {@code monotonicNanos} (the run's start, before the first sample): the first
     * power reading then counts from that instant. A counter cannot be read back in time, so for counter sources
     * energy starts at their first reading.
     */
    public void prime(long monotonicNanos) {
        if (!started) {
            started = true;
            lastNanos = monotonicNanos;
            if (share != null && !lease.wholeMachineSince(monotonicNanos)) {
                share.begin(monotonicNanos);
            }
        }
    }

    /** Reads the source and adds the energy since the previous sample. Never throws. */
    public void sample(long monotonicNanos) {
        Reading r;
        try {
            r = source.read(monotonicNanos);
        } catch (RuntimeException | LinkageError e) {
            r = Reading.FAILED;
        }
        if (share == null || lease.wholeMachineSince(lastNanos)) {
            add(r, monotonicNanos, 1.0, true);
        } else {
            double f;
            try {
                f = share.sinceLastCall(monotonicNanos);
            } catch (RuntimeException | LinkageError e) {
                f = Double.NaN;
            }
            add(r, monotonicNanos, Double.isNaN(f) ? 0.0 : Math.max(0.0, Math.min(1.0, f)), false);
        }
        method = source.method();
    }

    /** Adds one reading taken at {@code monotonicNanos}, counted whole; visible for replay and tests. */
    public void add(Reading r, long monotonicNanos) {
        add(r, monotonicNanos, 1.0, true);
    }

    /**
     * Adds one reading: {@code fraction} of the energy since the previous one, into the whole-machine part
     * ({@code whole}) or this process's share.
     */
    private void add(Reading r, long monotonicNanos, double fraction, boolean whole) {
        samples++;
        boolean usable = r.hasCounter() || !Double.isNaN(r.powerWatts());
        if (!usable) {
            failedReads++;
            return;
        }
        if (started) {
            long dtNanos = monotonicNanos - lastNanos;
            if (r.hasCounter() && !Double.isNaN(lastCounterJoules)) {
                double delta = r.counterJoules() - lastCounterJoules;
                if (delta < 0) {
                    // The counter wrapped (RAPL's energy_uj at max_energy_range_uj) or was reset.
                    delta = Double.isInfinite(r.counterRangeJoules()) ? 0 : delta + r.counterRangeJoules();
                }
                count(delta, fraction, whole);
                if (Double.isNaN(r.powerWatts()) && dtNanos > 0) {
                    powerWatts = delta * fraction / (dtNanos / 1e9);
                }
            } else if (!Double.isNaN(r.powerWatts()) && dtNanos > 0) {
                double prev = Double.isNaN(lastPowerWatts) ? r.powerWatts() : lastPowerWatts;
                count((prev + r.powerWatts()) / 2.0 * (dtNanos / 1e9), fraction, whole);
            }
        }
        started = true;
        lastNanos = monotonicNanos;
        lastCounterJoules = r.counterJoules();
        if (!Double.isNaN(r.powerWatts())) {
            lastPowerWatts = r.powerWatts();
            powerWatts = whole ? r.powerWatts() : r.powerWatts() * fraction;
        }
        utilization = r.utilization();
        if (!Double.isNaN(r.utilization())) {
            utilizationSum += r.utilization();
            utilizationCount++;
        }
    }

    private void count(double joules, double fraction, boolean whole) {
        if (whole) {
            energyJoules += joules;
            wholeEnergyJoules += joules;
        } else {
            double part = joules * fraction;
            energyJoules += part;
            shareEnergyJoules += part;
        }
    }

    /** Mean of the utilisation readings so far, in [0, 1]; {@code NaN} when the source gives none. */
    public double meanUtilization() {
        return utilizationCount == 0 ? Double.NaN : utilizationSum / utilizationCount;
    }

    public EnergySource source() {
        return source;
    }

    /** The energy counted: {@link #wholeEnergyJoules()} + {@link #shareEnergyJoules()}. */
    public double energyJoules() {
        return energyJoules;
    }

    /** The energy of the intervals counted whole (all of them for a lone JVM or a source of its own). */
    public double wholeEnergyJoules() {
        return wholeEnergyJoules;
    }

    /** This process's share of a machine-level source's energy, over the intervals without the host lease. */
    public double shareEnergyJoules() {
        return shareEnergyJoules;
    }

    /** True when the source is machine-level: shared with the other JVMs of the run on this host. */
    public boolean machineLevel() {
        return share != null;
    }

    /** Last known power in watts, {@code NaN} before the first usable reading. */
    public double powerWatts() {
        return powerWatts;
    }

    public double utilization() {
        return utilization;
    }

    public Method method() {
        return method;
    }

    public long samples() {
        return samples;
    }

    public long failedReads() {
        return failedReads;
    }
}
