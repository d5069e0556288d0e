package io.mlco2.tracker.energy;

/**
 * Whether this JVM counts its host's machine-level energy over an interval, or only its process share: the host
 * lease of its run (kept by {@code runtime.HostLease}). Read by the accumulators on the sampler thread.
 */
public interface HostLeaseState {

    /** A JVM alone on its host: it always counts the whole machine. */
    HostLeaseState WHOLE_MACHINE = new Always();

    /** True when the whole interval that began at {@code fromNanos} counts the machine (the lease held since). */
    boolean wholeMachineSince(long fromNanos);

    /** {@link #WHOLE_MACHINE}'s class (not a lambda: built on the agent's start-up path). */
    final class Always implements HostLeaseState {
        private Always() {
        }

        @Override
        public boolean wholeMachineSince(long fromNanos) {
            return true;
        }
    }
}
