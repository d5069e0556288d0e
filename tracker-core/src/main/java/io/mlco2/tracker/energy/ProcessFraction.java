package io.mlco2.tracker.energy;

/**
 * This process's part of a machine-level source's energy (the CPU packages, the machine's memory, a whole GPU),
 * counted while another JVM of the same run on this host holds the host lease and counts the whole machine
 * (docs/DISTRIBUTED.md, "One host, several JVMs"). Its source group makes it ({@link SourceGroup#processFraction});
 * the source's {@link EnergyAccumulator} calls it at each sample of such an interval, on the sampler thread.
 */
public interface ProcessFraction {

    /** Takes the first reading: the next {@link #sinceLastCall} measures from {@code monotonicNanos}. Never throws. */
    void begin(long monotonicNanos);

    /**
     * This process's fraction, in [0, 1], of the source's energy since the previous call (or {@link #begin});
     * {@code NaN} when it cannot tell (counted as 0). Never throws.
     */
    double sinceLastCall(long monotonicNanos);
}
