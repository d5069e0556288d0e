package io.mlco2.tracker.epochs;

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
    }

    private final EpochTracker epochs;
    private final IdentityStates<State> states = new IdentityStates<>(State::new);

    Dl4jEpochs(EpochTracker epochs) {
        this.epochs = epochs;
    }

    private State state(Object model) {
        return states.get(model);
    }

    void planned(Object model, int numEpochs) {
        State s = state(model);
        synchronized (s) {
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
                s.open = epochs.begin(EpochTracker.EPOCH, now);
            }
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
