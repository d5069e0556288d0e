package io.mlco2.tracker.epochs;

import io.mlco2.tracker.base.Log;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Epochs of DJL training, from two hooks woven into DJL ({@link DjlAdvice}):
 * <ul>
 *   <li>{@code EasyTrain.fit(trainer, epochs, ...)}: the planned epochs, and epoch 1 starts; at its return the epoch
 *       opened after the last one is dropped;</li>
 *   <li>{@code Trainer.notifyListeners(consumer)}: the consumer is also given our own {@code TrainingListener}, a
 *       {@link Proxy} defined in DJL's class loader, so we hear DJL's own events: {@code onEpoch} ends an epoch and
 *       opens the next, {@code onTrainingBegin}/{@code onTrainingEnd} bound a custom training loop that calls
 *       {@code notifyListeners(l -> l.onEpoch(trainer))} without {@code EasyTrain}.</li>
 * </ul>
 * The trainer's own listener list is never touched. Thread safe; one state per trainer, weakly held.
 */
final class DjlEpochs implements InvocationHandler {

    static final String LISTENER = "ai.djl.training.listener.TrainingListener";

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
     * @param easyTrainLoadedNanos when {@code EasyTrain} was first loaded (DJL's first {@code fit} call), 0 if unknown
     */
    DjlEpochs(EpochTracker epochs, Log log, String listenerInterface, LongSupplier easyTrainLoadedNanos) {
        this.epochs = epochs;
        this.log = log;
        this.listenerInterface = listenerInterface;
        this.easyTrainLoadedNanos = easyTrainLoadedNanos;
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
        log.info("epochs: DJL training began before the agent was ready: epoch 1 is timed from the first"
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
