package io.mlco2.tracker.epochs;

import io.mlco2.tracker.base.Log;
import io.mlco2.tracker.epochs.HookWeaver.Arg;
import io.mlco2.tracker.epochs.HookWeaver.Call;
import io.mlco2.tracker.epochs.HookWeaver.Hook;
import org.objectweb.asm.Opcodes;

import java.util.List;
import java.util.function.LongSupplier;

/**
 * DL4J ({@code MultiLayerNetwork}, {@code ComputationGraph}): in DL4J one call of {@code fit(DataSetIterator)} or
 * {@code fit(MultiDataSetIterator)} is one epoch (it is where DL4J calls its listeners' {@code onEpochStart} and
 * {@code onEpochEnd}), and {@code fit(iterator, numEpochs)} gives the planned count. The model is never modified.
 */
final class Dl4jFramework implements Framework {

    static final String MULTI_LAYER_NETWORK = "org/deeplearning4j/nn/multilayer/MultiLayerNetwork";
    static final String COMPUTATION_GRAPH = "org/deeplearning4j/nn/graph/ComputationGraph";
    private static final String ITERATORS = "Lorg/nd4j/linalg/dataset/api/iterator/DataSetIterator;"
            + "|Lorg/nd4j/linalg/dataset/api/iterator/MultiDataSetIterator;";

    /** DL4J 1.0.0-beta6 to 1.0.0-M2.1: tested on 1.0.0-M2.1. */
    private static final String VERSIONS = "1\\.0\\.0-(M[12](\\.\\d+)?|beta[67])";

    static final String PLANNED = "dl4j.planned";
    static final String EPOCH_ENTER = "dl4j.epoch.enter";
    static final String EPOCH_EXIT = "dl4j.epoch.exit";

    @Override
    public String name() {
        return "DL4J";
    }

    @Override
    public List<String> triggers() {
        return List.of("org/deeplearning4j/", "org/nd4j/");
    }

    @Override
    public List<String> targets() {
        return List.of(MULTI_LAYER_NETWORK, COMPUTATION_GRAPH);
    }

    /** The same two hooks on both model classes. */
    @Override
    public List<Hook> hooks(String target) {
        return List.of(
                new Hook("public void fit(DataSetIterator or MultiDataSetIterator)",
                        MethodShape.of(Opcodes.ACC_PUBLIC, Opcodes.ACC_STATIC, "fit", "V", ITERATORS),
                        Call.of(EPOCH_ENTER, Arg.self()), Call.of(EPOCH_EXIT, Arg.self(), Arg.thrown()), true),
                new Hook("public fit(DataSetIterator or MultiDataSetIterator, int)",
                        MethodShape.of(Opcodes.ACC_PUBLIC, Opcodes.ACC_STATIC, "fit", MethodShape.ANY, ITERATORS,
                                "I"),
                        Call.of(PLANNED, Arg.self(), Arg.param(1)), null, false));
    }

    @Override
    public String version(ClassLoader loader) {
        return FrameworkInstrumentation.pomVersion(loader,
                "META-INF/maven/org.deeplearning4j/deeplearning4j-nn/pom.properties");
    }

    @Override
    public boolean accepts(String version) {
        return version != null && version.matches(VERSIONS);
    }

    @Override
    public String eventPrefix() {
        return "dl4j.";
    }

    @Override
    public Events events(EpochTracker epochs, Log log) {
        return new Epochs(epochs, log, new FirstLoad("org/deeplearning4j/optimize/Solver"));
    }

    /**
     * The epochs of the models: the {@code fit} overloads call one another, so only the outermost call on a model
     * counts. Thread safe.
     */
    static final class Epochs extends OutermostEpochs implements Events {

        private final Log log;
        private final LongSupplier solverLoadedNanos;
        private boolean recovered;

        /**
         * @param solverLoadedNanos when DL4J's {@code Solver} was first loaded ({@code init} or the first fit), 0 if
         *                          unknown
         */
        Epochs(EpochTracker epochs, Log log, LongSupplier solverLoadedNanos) {
            super(epochs);
            this.log = log;
            this.solverLoadedNanos = solverLoadedNanos;
        }

        @Override
        public boolean on(String op, Object[] a) {
            switch (op) {
                case PLANNED -> planned(a[0], (Integer) a[1]);
                case EPOCH_ENTER -> enter(a[0]);
                case EPOCH_EXIT -> exit(a[0], (Throwable) a[1]);
                default -> {
                    return false;
                }
            }
            return true;
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

        @Override
        void beforeOutermost(State s, Object model, long now) {
            recoverIfLate(s, model, now);
        }

        /**
         * The first epoch of a model we never saw: if DL4J already counts one epoch, {@code fit(iterator, n)} began
         * before our hooks were in place (a short job). That epoch ran from the network's set-up (the first load of
         * {@code Solver}) to now, and becomes epoch 1; the planned count of the running call stays unknown. Done once
         * per run. With more epochs already done they cannot be told apart and are left out, with one line.
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
                    log.once("dl4j:late", Log.Level.INFO, "epochs: " + done + " DL4J epoch(s) ran before the agent"
                            + " was ready; epochs are counted from the next one");
                    return;
                }
                recovered = true;
            }
            epochs.span(EpochTracker.EPOCH, loaded, now);
            log.debug("epochs: DL4J training began before the agent was ready: epoch 1 is timed from the network's"
                    + " set-up, its energy from the agent's first sample; the planned epochs are unknown (set"
                    + " mlco2.epochs=N for a forecast)");
        }

        private static int epochCount(Object model) {
            try {
                return (Integer) model.getClass().getMethod("getEpochCount").invoke(model);
            } catch (ReflectiveOperationException | RuntimeException e) {
                return 0;
            }
        }
    }
}
