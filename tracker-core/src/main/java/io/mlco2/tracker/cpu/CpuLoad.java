package io.mlco2.tracker.cpu;

/** CPU utilisation in [0, 1] since the previous call; {@code NaN} on the first call or when unreadable. */
@FunctionalInterface
public interface CpuLoad {

    double sinceLastCall(long monotonicNanos);
}
