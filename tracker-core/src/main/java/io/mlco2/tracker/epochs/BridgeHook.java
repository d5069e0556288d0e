package io.mlco2.tracker.epochs;

import io.mlco2.tracker.base.Log;

import java.util.List;
import java.util.function.BiFunction;

/**
 * The agent's side of the bridge ({@code io.mlco2.agent.bootstrap.Bridge}): a JDK-typed function that code in the
 * application's class loaders (the {@code Mlco2} API, the hooks woven into the frameworks) calls with an operation
 * name and its arguments. A framework's operations go to its {@link Framework.Events}, found by their prefix. Never
 * throws: a failure is one line per operation and the caller goes on.
 */
final class BridgeHook implements BiFunction<String, Object[], Object> {

    static final String BRIDGE_CLASS = "io.mlco2.agent.bootstrap.Bridge";

    private final EpochTracker epochs;
    private final Log log;
    private final List<Framework> frameworks;
    /** Each framework's {@link Framework#eventPrefix}, in the order of {@link #frameworks}. */
    private final String[] prefixes;
    /** Each framework's event state, in the same order; {@code null} until a framework shows up. */
    private volatile Framework.Events[] events;

    /** The agent's, for {@link Frameworks#ALL}. */
    BridgeHook(EpochTracker epochs, Log log) {
        this(epochs, Frameworks.ALL, log);
    }

    /** The frameworks' states are made when one shows up (a job without them never loads their classes). */
    BridgeHook(EpochTracker epochs, List<Framework> frameworks, Log log) {
        this.epochs = epochs;
        this.log = log;
        this.frameworks = List.copyOf(frameworks);
        this.prefixes = new String[this.frameworks.size()];
        for (int i = 0; i < prefixes.length; i++) {
            prefixes[i] = this.frameworks.get(i).eventPrefix();
        }
    }

    /*
     * Classes rather than lambdas: each lambda is a class the JDK spins at its first use, on a framework's first
     * event or a phase's first end on the job's thread (docs/PERFORMANCE.md).
     */

    /** Ends a phase that {@code Mlco2.phase} began. */
    private static final class PhaseEnd implements Runnable {
        private final EpochTracker epochs;
        private final Span span;

        PhaseEnd(EpochTracker epochs, Span span) {
            this.epochs = epochs;
            this.span = span;
        }

        @Override
        public void run() {
            epochs.end(span, epochs.now());
        }
    }

    /**
     * Makes the frameworks' event states if not made yet: called when a framework shows up, before its hooks are
     * woven, and by a framework's first event should one come without it.
     */
    synchronized void prepare() {
        if (events == null) {
            Framework.Events[] e = new Framework.Events[prefixes.length];
            for (int i = 0; i < e.length; i++) {
                e[i] = frameworks.get(i).events(epochs, log);
            }
            events = e;
        }
    }

    /** The event state of the framework whose operation {@code op} is, {@code null} when none. */
    private Framework.Events eventsOf(String op) {
        for (int i = 0; i < prefixes.length; i++) {
            if (op.startsWith(prefixes[i])) {
                Framework.Events[] e = events;
                if (e == null) {
                    prepare();
                    e = events;
                }
                return e[i];
            }
        }
        return null;
    }

    @Override
    public Object apply(String op, Object[] a) {
        try {
            switch (op) {
                case "phase.begin" -> {
                    Span s = epochs.begin((String) a[0], (Long) a[1]);
                    return new PhaseEnd(epochs, s);
                }
                case "phase.span" -> epochs.span((String) a[0], (Long) a[1], (Long) a[2]);
                case "epoch.current" -> {
                    return EpochTracker.currentEpoch();
                }
                default -> {
                    Framework.Events e = eventsOf(op);
                    if (e == null || !e.on(op, a)) {
                        log.once("bridge:unknown:" + op, Log.Level.DEBUG, "bridge: unknown operation " + op);
                    }
                }
            }
        } catch (Throwable t) {
            log.once("bridge:" + op, Log.Level.WARN, "epochs: " + op + " failed (" + Log.describe(t)
                    + "); the job goes on unchanged");
        }
        return null;
    }

    /**
     * Registers {@code hook} with the bootstrap's {@code Bridge} on the system class path.
     *
     * @return whether it could (not in a JVM started without the agent jar, such as unit tests)
     */
    static boolean register(BiFunction<String, Object[], Object> hook, Log log) {
        try {
            Class<?> bridge = Class.forName(BRIDGE_CLASS, true, ClassLoader.getSystemClassLoader());
            bridge.getMethod("install", BiFunction.class).invoke(null, hook);
            return true;
        } catch (Throwable t) {
            log.debug("epochs: no bridge on the system class path (" + Log.describe(t) + ")");
            return false;
        }
    }
}
