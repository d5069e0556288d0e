package io.mlco2.agent.bootstrap;

import java.util.function.BiFunction;

/**
 * The public API for code that DJL and DL4J detection does not cover: named phases whose duration, energy and
 * emissions become rows of {@code <run_id>.epochs.csv}.
 *
 * <pre>{@code
 * for (int epoch = 0; epoch < epochs; epoch++) {
 *     try (Mlco2.Phase p = Mlco2.phase("epoch")) {
 *         trainOneEpoch();
 *     }
 * }
 * }</pre>
 *
 * <p>A phase named {@value #EPOCH} is an epoch: it is numbered, tags the time series and metrics, and feeds the
 * forecast (set {@code mlco2.epochs=N} for the planned count). Other names give rows of their own.
 *
 * <p>Works whether or not the agent is attached: without it every call is a cheap no-op. Never throws, never
 * blocks (a phase only takes a timestamp; energy is attributed later by the agent's sampler thread). Thread safe;
 * a phase may be closed on another thread than the one that opened it. Compile against the agent jar
 * ({@code io.mlco2:agent}, which brings no transitive dependency); at run time the {@code -javaagent} jar provides
 * the same class.
 */
public final class Mlco2 {

    /** The phase name that counts as an epoch. */
    public static final String EPOCH = "epoch";

    private static final Phase NO_OP = new Phase(null, null, 0, null);

    private Mlco2() {
    }

    /**
     * Opens a phase; close it (try-with-resources) when it ends.
     *
     * @param name what the phase is, e.g. {@code "epoch"}, {@code "validation"}; {@code null} or blank means
     *             {@code "phase"}
     */
    public static Phase phase(String name) {
        try {
            long startNanos = System.nanoTime();
            String n = name == null || name.isBlank() ? "phase" : name;
            BiFunction<String, Object[], Object> hook = Bridge.hook();
            Object end = hook == null ? null : hook.apply("phase.begin", new Object[] {n, startNanos});
            return new Phase(n, end instanceof Runnable r ? r : null, startNanos, hook);
        } catch (Throwable t) {
            return NO_OP;
        }
    }

    /** The epoch in progress (1-based), 0 outside epochs or without the agent. */
    public static int currentEpoch() {
        try {
            BiFunction<String, Object[], Object> hook = Bridge.hook();
            return hook != null && hook.apply("epoch.current", new Object[0]) instanceof Integer i ? i : 0;
        } catch (Throwable t) {
            return 0;
        }
    }

    /** Whether the agent is attached and running. */
    public static boolean attached() {
        return Bridge.hook() != null;
    }

    /** An open phase. {@link #close()} ends it; a second close does nothing. */
    public static final class Phase implements AutoCloseable {

        private final String name;
        private final Runnable end;
        private final long startNanos;
        private final boolean hadHook;
        private volatile boolean closed;

        private Phase(String name, Runnable end, long startNanos, Object hook) {
            this.name = name;
            this.end = end;
            this.startNanos = startNanos;
            this.hadHook = hook != null;
        }

        @Override
        public void close() {
            if (closed || name == null) {
                return;
            }
            closed = true;
            try {
                if (end != null) {
                    end.run();
                } else if (!hadHook) {
                    // Opened before the agent had started (a short job): report the whole span now, if it has.
                    BiFunction<String, Object[], Object> hook = Bridge.hook();
                    if (hook != null) {
                        hook.apply("phase.span", new Object[] {name, startNanos, System.nanoTime()});
                    }
                }
            } catch (Throwable ignored) {
                // The application's code goes on whatever happens here.
            }
        }
    }
}
