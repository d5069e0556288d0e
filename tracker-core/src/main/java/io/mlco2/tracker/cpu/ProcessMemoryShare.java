package io.mlco2.tracker.cpu;

import io.mlco2.tracker.energy.ProcessFraction;

import java.util.function.LongSupplier;

/**
 * This process's fraction of the machine's memory energy: its resident set over the machine's installed memory,
 * at each sample. Under the RAM model (installed GB x W/GB) it gives resident GB x W/GB, the process mode's figure;
 * applied to RAPL's DRAM energy it charges the DRAM's power by resident bytes. {@code NaN} when either is unknown.
 */
public final class ProcessMemoryShare implements ProcessFraction {

    private final LongSupplier residentBytes;
    private final long installedBytes;

    public ProcessMemoryShare(LongSupplier residentBytes, long installedBytes) {
        this.residentBytes = residentBytes;
        this.installedBytes = installedBytes;
    }

    @Override
    public void begin(long monotonicNanos) {
    }

    @Override
    public double sinceLastCall(long monotonicNanos) {
        long rss = residentBytes.getAsLong();
        if (rss < 0 || installedBytes <= 0) {
            return Double.NaN;
        }
        return Math.min(1.0, (double) rss / installedBytes);
    }
}
