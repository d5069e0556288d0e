package io.mlco2.tracker.energy;

/**
 * Turns a source's readings into energy: counter deltas (with wraparound) where the source has a counter,
 * trapezoid integration of power over a monotonic clock where it does not.
 *
 * <p>Holds a constant amount of state whatever the run length. Not thread safe: one writer (the sampler); the
 * totals are published through volatile fields so readers (metrics, shutdown) see a consistent recent value.
 */
public final class EnergyAccumulator {

    private final EnergySource source;

    private boolean started;
    private long lastNanos;
    private double lastCounterJoules = Double.NaN;
    private double lastPowerWatts = Double.NaN;

    private volatile double energyJoules;
    private volatile double powerWatts = Double.NaN;
    private volatile double utilization = Double.NaN;
    private volatile Method method;
    private long samples;
    private long failedReads;
    private double utilizationSum;
    private long utilizationCount;

    public EnergyAccumulator(EnergySource source) {
        this.source = source;
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
        add(r, monotonicNanos);
        method = source.method();
    }

    /** Adds one reading taken at {@code monotonicNanos}; visible for replay and tests. */
    public void add(Reading r, long monotonicNanos) {
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
                energyJoules += delta;
                if (Double.isNaN(r.powerWatts()) && dtNanos > 0) {
                    powerWatts = delta / (dtNanos / 1e9);
                }
            } else if (!Double.isNaN(r.powerWatts()) && dtNanos > 0) {
                double prev = Double.isNaN(lastPowerWatts) ? r.powerWatts() : lastPowerWatts;
                energyJoules += (prev + r.powerWatts()) / 2.0 * (dtNanos / 1e9);
            }
        }
        started = true;
        lastNanos = monotonicNanos;
        lastCounterJoules = r.counterJoules();
        if (!Double.isNaN(r.powerWatts())) {
            lastPowerWatts = r.powerWatts();
            powerWatts = r.powerWatts();
        }
        utilization = r.utilization();
        if (!Double.isNaN(r.utilization())) {
            utilizationSum += r.utilization();
            utilizationCount++;
        }
    }

    /** Mean of the utilisation readings so far, in [0, 1]; {@code NaN} when the source gives none. */
    public double meanUtilization() {
        return utilizationCount == 0 ? Double.NaN : utilizationSum / utilizationCount;
    }

    public EnergySource source() {
        return source;
    }

    public double energyJoules() {
        return energyJoules;
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
