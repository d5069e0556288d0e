package io.mlco2.tracker.epochs;

import io.mlco2.tracker.base.Log;

import java.util.function.BiFunction;

/**
 * The agent's side of the bridge ({@code io.mlco2.agent.bootstrap.Bridge}): a JDK-typed function that code in the
 * application's class loaders (the {@code Mlco2} API, advice woven into DJL and DL4J) calls with an operation name
 * and its arguments. Never throws: a failure is one line per operation and the caller goes on.
 */
final class BridgeHook implements BiFunction<String, Object[], Object> {

    static final String BRIDGE_CLASS = "io.mlco2.agent.bootstrap.Bridge";

    private final EpochTracker epochs;
    private final Log log;
    private volatile DjlEpochs djl;
    private volatile Dl4jEpochs dl4j;

    /** The agent's: each framework's state is made at its first event (a job without it never loads its classes). */
    BridgeHook(EpochTracker epochs, Log log) {
        this(epochs, null, null, log);
    }

    /** With the frameworks' states given (tests); a {@code null} one is made at its first event. */
    BridgeHook(EpochTracker epochs, DjlEpochs djl, Dl4jEpochs dl4j, Log log) {
        this.epochs = epochs;
        this.djl = djl;
        this.dl4j = dl4j;
        this.log = log;
    }

    /*
     * Classes rather than lambdas: each lambda is a class the JDK spins at its first use, on a framework's first
     * event or a phase's first end on the job's thread (docs/PERFORMANCE.md).
     */

    /** When the bootstrap saw {@code internalName} first loaded. */
    private static final class FirstLoad implements java.util.function.LongSupplier {
        private final String internalName;

        FirstLoad(String internalName) {
            this.internalName = internalName;
        }

        @Override
        public long getAsLong() {
            return EpochsExtension.firstLoadNanos(internalName);
        }
    }

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
     * Makes both frameworks' states if not made yet: called when a framework shows up, before its hooks are woven,
     * and by a framework's first event should one come without it.
     */
    synchronized void prepare() {
        if (djl == null) {
            djl = new DjlEpochs(epochs, log, DjlEpochs.LISTENER, new FirstLoad("ai/djl/training/EasyTrain"));
        }
        if (dl4j == null) {
            dl4j = new Dl4jEpochs(epochs, log, new FirstLoad("org/deeplearning4j/optimize/Solver"));
        }
    }

    private DjlEpochs djl() {
        if (djl == null) {
            prepare();
        }
        return djl;
    }

    private Dl4jEpochs dl4j() {
        if (dl4j == null) {
            prepare();
        }
        return dl4j;
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
                case "djl.fit.enter" -> djl().fitEnter(a[0], (Integer) a[1]);
                case "djl.fit.exit" -> djl().fitExit(a[0]);
                case "djl.notified" -> djl().notified(a[0], a[1]);
                case "dl4j.planned" -> dl4j().planned(a[0], (Integer) a[1]);
                case "dl4j.epoch.enter" -> dl4j().epochEnter(a[0]);
                case "dl4j.epoch.exit" -> dl4j().epochExit(a[0], (Throwable) a[1]);
                default -> log.once("bridge:unknown:" + op, Log.Level.DEBUG, "bridge: unknown operation " + op);
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
