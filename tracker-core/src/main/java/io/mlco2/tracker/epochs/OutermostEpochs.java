package io.mlco2.tracker.epochs;

/**
 * Epochs that are the outermost of nested calls on one object: a framework's {@code fit} overloads call one another
 * (DL4J's models, DL4J's Spark wrappers), so only the outermost call on an object opens and closes an epoch; a call
 * that throws cancels it. One state per object ({@link IdentityStates}). Thread safe.
 */
class OutermostEpochs {

    /** Per object: the epoch open, the depth of nested calls, and whether a framework has seen it before. */
    static final class State {
        Span open;
        int depth;
        boolean seen;
    }

    /** A class rather than {@code State::new}: none spun on the job's thread at the first event. */
    private static final class NewState implements java.util.function.Supplier<State> {
        @Override
        public State get() {
            return new State();
        }
    }

    final EpochTracker epochs;
    private final IdentityStates<State> states = new IdentityStates<>(new NewState());

    OutermostEpochs(EpochTracker epochs) {
        this.epochs = epochs;
    }

    final State state(Object target) {
        return states.get(target);
    }

    /** A call on {@code target} begins: the outermost one opens an epoch. */
    final void enter(Object target) {
        long now = epochs.now();
        State s = state(target);
        synchronized (s) {
            if (s.depth++ == 0) {
                beforeOutermost(s, target, now);
                s.open = epochs.begin(EpochTracker.EPOCH, now);
            }
        }
    }

    /** Under {@code s}'s lock, before the outermost call on {@code target} opens its epoch: nothing here. */
    void beforeOutermost(State s, Object target, long now) {
    }

    /** A call on {@code target} ends ({@code thrown} if it threw): the outermost one closes or cancels the epoch. */
    final void exit(Object target, Throwable thrown) {
        long now = epochs.now();
        State s = state(target);
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
