package io.mlco2.tracker.epochs;

import io.mlco2.tracker.base.Log;
import io.mlco2.tracker.epochs.HookWeaver.Arg;
import io.mlco2.tracker.epochs.HookWeaver.Call;
import io.mlco2.tracker.epochs.HookWeaver.Hook;
import org.objectweb.asm.Opcodes;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * DJL, from two hooks:
 * <ul>
 *   <li>{@code EasyTrain.fit(trainer, epochs, ...)}: the planned epochs, and epoch 1 starts; at its return the epoch
 *       opened after the last one is dropped;</li>
 *   <li>{@code Trainer.notifyListeners(consumer)}: after it, the consumer is also given our own
 *       {@code TrainingListener}, a {@link Proxy} defined in DJL's class loader, so we hear DJL's own events:
 *       {@code onEpoch} ends an epoch and opens the next, {@code onTrainingBegin}/{@code onTrainingEnd} bound a custom
 *       training loop that calls {@code notifyListeners(l -> l.onEpoch(trainer))} without {@code EasyTrain}.</li>
 * </ul>
 * The trainer's own listener list is never touched.
 */
final class DjlFramework implements Framework {

    static final String EASY_TRAIN = "ai/djl/training/EasyTrain";
    static final String TRAINER = "ai/djl/training/Trainer";
    static final String LISTENER = "ai.djl.training.listener.TrainingListener";

    /** DJL 0.20.0 and later 0.x: {@code EasyTrain} and {@code notifyListeners} unchanged since; tested on 0.36.0. */
    private static final String VERSIONS = "0\\.(\\d+)\\.\\d+.*";
    private static final int OLDEST_MINOR = 20;

    static final String FIT_ENTER = "djl.fit.enter";
    static final String FIT_EXIT = "djl.fit.exit";
    static final String NOTIFIED = "djl.notified";

    private final String listenerInterface;

    DjlFramework() {
        this(LISTENER);
    }

    /** @param listenerInterface the listener interface's name (tests use a stand-in) */
    DjlFramework(String listenerInterface) {
        this.listenerInterface = listenerInterface;
    }

    @Override
    public String name() {
        return "DJL";
    }

    @Override
    public List<String> triggers() {
        return List.of("ai/djl/");
    }

    @Override
    public List<String> targets() {
        return List.of(EASY_TRAIN, TRAINER);
    }

    @Override
    public List<Hook> hooks(String target) {
        if (target.equals(EASY_TRAIN)) {
            // static void EasyTrain.fit(Trainer trainer, int numEpoch, Dataset train, Dataset validate)
            return List.of(new Hook("static void fit(Trainer, int, Dataset, Dataset)",
                    MethodShape.of(Opcodes.ACC_STATIC, 0, "fit", MethodShape.ANY, "L" + TRAINER + ";", "I",
                            MethodShape.ANY, MethodShape.ANY),
                    Call.of(FIT_ENTER, Arg.param(0), Arg.param(1)), Call.of(FIT_EXIT, Arg.param(0)), true));
        }
        // void Trainer.notifyListeners(Consumer<TrainingListener> listenerConsumer): after it
        return List.of(new Hook("void notifyListeners(Consumer)",
                MethodShape.of(0, Opcodes.ACC_STATIC, "notifyListeners", "V", "Ljava/util/function/Consumer;"),
                null, Call.of(NOTIFIED, Arg.self(), Arg.param(0)), false));
    }

    @Override
    public String version(ClassLoader loader) {
        return FrameworkInstrumentation.manifestVersion(loader, EASY_TRAIN + ".class");
    }

    @Override
    public boolean accepts(String version) {
        if (version == null) {
            return false;
        }
        Matcher m = Pattern.compile(VERSIONS).matcher(version);
        return m.matches() && Integer.parseInt(m.group(1)) >= OLDEST_MINOR;
    }

    @Override
    public String eventPrefix() {
        return "djl.";
    }

    @Override
    public Events events(EpochTracker epochs, Log log) {
        return new Epochs(epochs, log, listenerInterface, new FirstLoad(EASY_TRAIN));
    }

    /** The epochs of the trainers: one state per trainer, weakly held. Thread safe. */
    static final class Epochs implements Events, InvocationHandler {

        private static final class State {
            Span open;
            int fitDepth;
            boolean seen;
        }

        private final EpochTracker epochs;
        private final Log log;
        private final String listenerInterface;
        private final LongSupplier easyTrainLoadedNanos;
        private boolean recovered;
        private final IdentityStates<State> states = new IdentityStates<>(new NewState());
        private volatile Object[] cachedProxy = {null, null};

        /**
         * @param listenerInterface    the listener interface's name (tests use a stand-in)
         * @param easyTrainLoadedNanos when {@code EasyTrain} was first loaded (DJL's first {@code fit} call), 0 if
         *                             unknown
         */
        Epochs(EpochTracker epochs, Log log, String listenerInterface, LongSupplier easyTrainLoadedNanos) {
            this.epochs = epochs;
            this.log = log;
            this.listenerInterface = listenerInterface;
            this.easyTrainLoadedNanos = easyTrainLoadedNanos;
        }

        @Override
        public boolean on(String op, Object[] a) throws ReflectiveOperationException {
            switch (op) {
                case FIT_ENTER -> fitEnter(a[0], (Integer) a[1]);
                case FIT_EXIT -> fitExit(a[0]);
                case NOTIFIED -> notified(a[0], a[1]);
                default -> {
                    return false;
                }
            }
            return true;
        }

        private State state(Object trainer) {
            return states.get(trainer);
        }

        /**
         * The first event of a trainer we never saw begin: its training started before our hooks were in place (a
         * short job). The running {@code fit} cannot be hooked any more, so its planned epochs stay unknown, but its
         * first epoch began when DJL first loaded {@code EasyTrain}; done once per run, for the first such trainer.
         */
        private void recoverIfLate(State s) {
            if (s.seen) {
                return;
            }
            s.seen = true;
            long loaded = easyTrainLoadedNanos.getAsLong();
            synchronized (this) {
                if (recovered || loaded == 0 || s.open != null || s.fitDepth > 0) {
                    return;
                }
                recovered = true;
            }
            s.open = epochs.begin(EpochTracker.EPOCH, loaded);
            log.debug("epochs: DJL training began before the agent was ready: epoch 1 is timed from the first"
                    + " EasyTrain.fit call, its energy from the agent's first sample; the planned epochs are unknown"
                    + " (set mlco2.epochs=N for a forecast)");
        }

        void fitEnter(Object trainer, int numEpochs) {
            long now = epochs.now();
            State s = state(trainer);
            synchronized (s) {
                s.seen = true;
                if (++s.fitDepth > 1) {
                    return;
                }
                epochs.cancel(s.open, now);
                epochs.plan(numEpochs, "DJL EasyTrain.fit");
                s.open = epochs.begin(EpochTracker.EPOCH, now);
            }
        }

        void fitExit(Object trainer) {
            long now = epochs.now();
            State s = state(trainer);
            synchronized (s) {
                if (s.fitDepth > 0 && --s.fitDepth == 0) {
                    epochs.cancel(s.open, now);
                    s.open = null;
                }
            }
        }

        void onEpoch(Object trainer) {
            long now = epochs.now();
            State s = state(trainer);
            synchronized (s) {
                recoverIfLate(s);
                if (s.open == null) {
                    log.once("djl:late", Log.Level.INFO, "epochs: a DJL epoch ended before the agent was ready;"
                            + " epochs are counted from the next one");
                }
                epochs.end(s.open, now);
                s.open = epochs.begin(EpochTracker.EPOCH, now);
            }
        }

        void onTrainingBegin(Object trainer) {
            long now = epochs.now();
            State s = state(trainer);
            synchronized (s) {
                s.seen = true;
                if (s.open == null) {
                    s.open = epochs.begin(EpochTracker.EPOCH, now);
                }
            }
        }

        void onTrainingEnd(Object trainer) {
            long now = epochs.now();
            State s = state(trainer);
            synchronized (s) {
                s.seen = true;
                epochs.cancel(s.open, now);
                s.open = null;
            }
        }

        void batch(Object trainer) {
            State s = state(trainer);
            synchronized (s) {
                recoverIfLate(s);
            }
        }

        /** {@code Trainer.notifyListeners(consumer)} returned: lets the consumer notify our listener too. */
        @SuppressWarnings("unchecked")
        void notified(Object trainer, Object consumer) throws ReflectiveOperationException {
            if (trainer == null || !(consumer instanceof Consumer<?> c)) {
                return;
            }
            ((Consumer<Object>) c).accept(proxyFor(trainer.getClass()));
        }

        private Object proxyFor(Class<?> trainerClass) throws ClassNotFoundException {
            Object[] cached = cachedProxy;
            if (cached[0] == trainerClass) {
                return cached[1];
            }
            ClassLoader loader = trainerClass.getClassLoader();
            Class<?> iface = Class.forName(listenerInterface, false, loader);
            Object proxy = Proxy.newProxyInstance(loader, new Class<?>[] {iface}, this);
            cachedProxy = new Object[] {trainerClass, proxy};
            return proxy;
        }

        /* Classes rather than lambdas: none spun on the job's thread at DJL's first event (docs/PERFORMANCE.md). */

        private static final class NewState implements java.util.function.Supplier<State> {
            @Override
            public State get() {
                return new State();
            }
        }

        /** The listener proxy's handler (this class itself rather than a method reference: no class spun). */
        @Override
        public Object invoke(Object proxy, Method method, Object[] args) {
            Object trainer = args == null || args.length == 0 ? null : args[0];
            switch (method.getName()) {
                case "onEpoch" -> onEpoch(trainer);
                case "onTrainingBegin" -> onTrainingBegin(trainer);
                case "onTrainingEnd" -> onTrainingEnd(trainer);
                case "hashCode" -> {
                    return System.identityHashCode(proxy);
                }
                case "equals" -> {
                    return proxy == trainer;
                }
                case "toString" -> {
                    return "mlco2 epoch listener";
                }
                case "onTrainingBatch", "onValidationBatch" -> batch(trainer);
                default -> {
                    // Anything a later DJL adds.
                }
            }
            return defaultValue(method.getReturnType());
        }

        static Object defaultValue(Class<?> type) {
            if (!type.isPrimitive() || type == void.class) {
                return null;
            }
            if (type == boolean.class) {
                return false;
            }
            if (type == char.class) {
                return (char) 0;
            }
            if (type == long.class) {
                return 0L;
            }
            if (type == float.class) {
                return 0f;
            }
            if (type == double.class) {
                return 0d;
            }
            if (type == byte.class) {
                return (byte) 0;
            }
            if (type == short.class) {
                return (short) 0;
            }
            return 0;
        }
    }
}
