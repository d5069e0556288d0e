package io.mlco2.tracker.epochs;

import io.mlco2.tracker.base.Log;

import java.util.function.LongSupplier;

/**
 * Epochs of DL4J training ({@code MultiLayerNetwork}, {@code ComputationGraph}), from hooks woven into their
 * {@code fit} methods ({@link Dl4jAdvice}): in DL4J one call of {@code fit(DataSetIterator)} or
 * {@code fit(MultiDataSetIterator)} is one epoch (it is where DL4J calls its listeners' {@code onEpochStart} and
 * {@code onEpochEnd}), and {@code fit(iterator, numEpochs)} gives the planned count. The overloads call one another,
 * so only the outermost call on a model counts. The model is never modified. Thread safe.
 */
final class Dl4jEpochs {

    private static final class State {
        Span open;
        int depth;
        boolean seen;
    }

    private final EpochTracker epochs;
    private final Log log;
    private final LongSupplier solverLoadedNanos;
    private final IdentityStates<State> states = new IdentityStates<>(new NewState());

    /** A class rather than {@code State::new}: none spun on the job's thread at DL4J's first event. */
    private static final class NewState implements java.util.function.Supplier<State> {
        @Override
        public State get() {
            return new State();
        }
    }
    private boolean recovered;

    /** @param solverLoadedNanos when DL4J's {@code Solver} was first loaded ({@code init} or the first fit), 0 if unknown */
    Dl4jEpochs(EpochTracker epochs, Log log, LongSupplier solverLoadedNanos) {
        this.epochs = epochs;
        this.log = log;
        this.solverLoadedNanos = solverLoadedNanos;
    }

    private State state(Object model) {
        return states.get(model);
    }

    void planned(Object model, int numEpochs) {
        State s = state(model);
        synchronized (s) {
            s.seen = true;
            if (s.depth == 0) {
                epochs.plan(numEpochs, "DL4J fit(iterator, " + numEpochs + ")");
            }
        }
    }

    void epochEnter(Object model) {
        long now = epochs.now();
        State s = state(model);
        synchronized (s) {
            if (s.depth++ == 0) {
                recoverIfLate(s, model, now);
                s.open = epochs.begin(EpochTracker.EPOCH, now);
            }
        }
    }

    /**
     * The first epoch of a model we never saw: if DL4J already counts one epoch, {@code fit(iterator, n)} began
     * before our hooks were in place (a short job). That epoch ran from the network's set-up (the first load of
     * {@code Solver}) to now, and becomes epoch 1; the planned count of the running call stays unknown. Done once per
     * run. With more epochs already done they cannot be told apart and are left out, with one line.
     */
    private void recoverIfLate(State s, Object model, long now) {
        if (s.seen) {
            return;
        }
        s.seen = true;
        int done = epochCount(model);
        if (done <= 0) {
            return;
        }
        long loaded = solverLoadedNanos.getAsLong();
        synchronized (this) {
            if (recovered || done > 1 || loaded == 0) {
                log.once("dl4j:late", Log.Level.INFO, "epochs: " + done + " DL4J epoch(s) ran before the agent was"
                        + " ready; epochs are counted from the next one");
                return;
            }
            recovered = true;
        }
        epochs.span(EpochTracker.EPOCH, loaded, now);
        log.info("epochs: DL4J training began before the agent was ready: epoch 1 is timed from the network's set-up,"
                + " its energy from the agent's first sample; the planned epochs are unknown (set mlco2.epochs=N for a"
                + " forecast)");
    }

    private static int epochCount(Object model) {
        try {
            return (Integer) model.getClass().getMethod("getEpochCount").invoke(model);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return 0;
        }
    }

    void epochExit(Object model, Throwable thrown) {
        long now = epochs.now();
        State s = state(model);
        synchronized (s) {
            if (s.depth > 0 && --s.depth == 0) {
                if (thrown == null) {
                    epochs.end(s.open, now);
                } else {
                    epochs.cancel(s.open, now);
                }
                s.open = null;
            }
        }
    }
}
