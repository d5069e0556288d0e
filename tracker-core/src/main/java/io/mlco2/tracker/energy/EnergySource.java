package io.mlco2.tracker.energy;

/**
 * One device whose energy is tracked: a CPU package (or the CPU as a whole), a GPU, the machine's memory.
 *
 * <p>Implementations are called from the sampler thread only and need not be thread safe. {@link #read} never
 * throws: a failed read returns {@link Reading#FAILED} (or a reading with {@code NaN} fields) and the accumulator
 * keeps the energy measured so far.
 */
public interface EnergySource extends AutoCloseable {

    Component component();

    /** Stable id of the device within its component, e.g. {@code package-0}, {@code 0}, {@code machine}. */
    String deviceId();

    /** How {@link #read} obtains energy; may change once (e.g. counter lost, power used from then on). */
    Method method();

    /** Human-readable hardware name, e.g. {@code Intel(R) Xeon(R) Gold 6148 CPU @ 2.40GHz}; empty when unknown. */
    String hardwareName();

    /**
     * Thermal design power used for the ML Emissions Calculator estimate, in watts; {@code NaN} when this
     * component has no TDP in that estimate (memory).
     */
    double tdpWatts();

    /** Where {@link #tdpWatts()} came from, e.g. {@code cpu table}, {@code default}, {@code power limit}. */
    String tdpSource();

    /** Reads the device at {@code monotonicNanos} (a {@link System#nanoTime()}-like clock). Never throws. */
    Reading read(long monotonicNanos);

    /** Releases native resources. Never throws. */
    @Override
    default void close() {
    }
}
