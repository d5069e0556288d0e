package io.mlco2.tracker.hardware;

import java.util.Optional;

/**
 * Bundled CPU and GPU TDP tables with name matching that survives real device strings
 * ({@code Intel(R) Xeon(R) Gold 6148 CPU @ 2.40GHz}, {@code Tesla V100-SXM2-32GB}, {@code NVIDIA H200}).
 * Thread safe.
 *
 * <p>TEMPORARY minimal stub (issue 4 replaces it with the bundled tables).
 */
public final class TdpTables {

    /** CodeCarbon's default for a CPU it cannot find. */
    public static final double DEFAULT_CPU_TDP_WATTS = 85.0;

    private static final TdpTables BUNDLED = new TdpTables();

    public static TdpTables bundled() {
        return BUNDLED;
    }

    public Optional<TdpMatch> cpu(String modelName) {
        return Optional.empty();
    }

    public Optional<TdpMatch> gpu(String deviceName) {
        return Optional.empty();
    }
}
