package io.mlco2.tracker.energy;

import java.util.List;

/**
 * The sources one discovery made (the CPU packages, the memory, the GPUs of one driver), with what the run asks
 * of them besides their readings: a hook before the last sample, a section of their own in the JSON summary,
 * and the release of what they share (a driver library). The tracker calls these and knows no device kind: a new
 * kind of device adds a group, not a case in the orchestration.
 *
 * <p>Every method but {@link #sources()} has a default that does nothing; none may throw to the caller (the
 * tracker logs what they throw all the same).
 */
public interface SourceGroup extends AutoCloseable {

    /** The group's sources, one per device, in report order. */
    List<EnergySource> sources();

    /**
     * Called once, just before the run's last sample (from the thread that stops the run): e.g. makes the next
     * read take an energy counter a source otherwise reads less often.
     */
    default void beforeFinalSample() {
    }

    /**
     * A new {@link ProcessFraction} of source {@code s} (one per source: it keeps the previous reading), for the
     * intervals in which another JVM of the run counts this host's machine-level energy; {@code null} when the
     * source is this process's own and is always counted whole.
     */
    default ProcessFraction processFraction(EnergySource s) {
        return null;
    }

    /** True when a device of the group is also used by other processes (the summary flags the run's GPUs). */
    default boolean sharedWithOtherProcesses() {
        return false;
    }

    /** The key of the group's own JSON summary section, e.g. {@code gpu_devices}; {@code null} for none. */
    default String sectionKey() {
        return null;
    }

    /**
     * The group's section, from the run's accumulators (the group picks those of its own sources); made when the
     * summary is. {@code null}: no section.
     */
    default Object section(List<EnergyAccumulator> accumulators) {
        return null;
    }

    /** Releases what the sources share; called once, after the reports. */
    @Override
    default void close() {
    }

    /** A group of {@code sources} with nothing to do besides reading them. */
    static SourceGroup of(List<? extends EnergySource> sources) {
        return new Plain(List.copyOf(sources));
    }

    /** {@link #of}'s group (a class, not a lambda: built on the agent's start-up path). */
    final class Plain implements SourceGroup {
        private final List<EnergySource> sources;

        private Plain(List<EnergySource> sources) {
            this.sources = sources;
        }

        @Override
        public List<EnergySource> sources() {
            return sources;
        }
    }
}
