package io.mlco2.tracker.hardware;

import io.mlco2.tracker.base.Log;
import io.mlco2.tracker.base.SaidBefore;
import io.mlco2.tracker.format.Fmt;

import java.util.List;
import java.util.Optional;

/**
 * The CPU's thermal design power for the TDP estimate (and for the load model where the user sets it or a bare-metal
 * CPU is in the table, docs/MODELS.md), and where it came from.
 *
 * @param tdpWatts per package
 * @param source   e.g. {@code mlco2.cpu.tdp-watts}, {@code cpu table: Xeon Gold 6148}
 */
public record CpuTdp(double tdpWatts, String source) {

    /** {@link #source()} of a TDP the user set. */
    public static final String CONFIGURED = "mlco2.cpu.tdp-watts";
    /** How {@link #source()} of the default TDP begins. */
    public static final String DEFAULT = "default";

    /**
     * {@code configuredWatts} ({@code mlco2.cpu.tdp-watts}) when set, else the bundled table's match for
     * {@code cpuModel}, else {@link TdpTables#DEFAULT_CPU_TDP_WATTS} (said in the log and in {@code notes}).
     * Never throws.
     */
    public static CpuTdp resolve(Double configuredWatts, String cpuModel, Log log, List<String> notes) {
        return resolve(configuredWatts, cpuModel, log, notes, SaidBefore.userCache());
    }

    /**
     * As {@link #resolve(Double, String, Log, List)}; the warning for a CPU not in the table is printed the first
     * time on this machine ({@code said}), at debug after that (the report's notes always have it).
     */
    public static CpuTdp resolve(Double configuredWatts, String cpuModel, Log log, List<String> notes,
                                 SaidBefore said) {
        if (configuredWatts != null) {
            return new CpuTdp(configuredWatts, CONFIGURED);
        }
        Optional<TdpMatch> m;
        try {
            m = TdpTables.bundled().cpu(cpuModel);
        } catch (Throwable t) {
            log.warn("internal error (" + Log.describe(t) + "); going on without it");
            m = Optional.empty();
        }
        if (m.isPresent()) {
            return new CpuTdp(m.get().tdpWatts(), m.get().table() + ": " + m.get().matchedName());
        }
        double watts = TdpTables.DEFAULT_CPU_TDP_WATTS;
        String warning = "CPU '" + cpuModel + "' is not in the TDP table: " + Fmt.fixed(watts, 0)
                + " W assumed (set mlco2.cpu.tdp-watts; said once on this machine)";
        if (said.firstTime("CPU not in the TDP table: " + cpuModel)) {
            log.warn(warning);
        } else {
            log.debug(warning);
        }
        notes.add("CPU TDP unknown for '" + cpuModel + "': default " + watts + " W per package in the TDP estimate");
        return new CpuTdp(watts, DEFAULT + " (CPU model not in the table)");
    }
}
