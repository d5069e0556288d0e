package io.mlco2.tracker.epochs;

import io.mlco2.tracker.base.Log;
import io.mlco2.tracker.epochs.HookWeaver.Arg;
import io.mlco2.tracker.epochs.HookWeaver.Call;
import io.mlco2.tracker.epochs.HookWeaver.Hook;
import org.objectweb.asm.Opcodes;

import java.util.List;

/**
 * DL4J on Apache Spark ({@code dl4j-spark}), on the driver: one call of {@code fit} on a {@code SparkDl4jMultiLayer}
 * or {@code SparkComputationGraph} ({@code fit(RDD)}, {@code fit(JavaRDD)}, {@code fit(String path)},
 * {@code fitPaths}, {@code fitLabeledPoint}, {@code fitMultiDataSet}) is one pass of its {@code TrainingMaster} over
 * the data, the executors training and the driver averaging: one epoch (DL4J adds one to the network's epoch count at
 * its end). These calls go through one another ({@code fit(RDD)} calls {@code fit(JavaRDD)}, {@code fit(String)}
 * calls {@code fitPaths}), so only the outermost call on a wrapper counts. The planned count is unknown
 * ({@code mlco2.epochs} sets it). A failed call leaves no row; its energy counts as outside epochs. The executors
 * train with {@code fit(DataSet)} per minibatch ({@code ParameterAveragingTrainingMaster}), which is no epoch of
 * theirs.
 */
final class Dl4jSparkFramework implements Framework {

    static final String MULTI_LAYER = "org/deeplearning4j/spark/impl/multilayer/SparkDl4jMultiLayer";
    static final String GRAPH = "org/deeplearning4j/spark/impl/graph/SparkComputationGraph";

    /** dl4j-spark 1.0.0-M1 to 1.0.0-M2.x: tested on 1.0.0-M2. */
    private static final String VERSIONS = "1\\.0\\.0-M[12](\\.\\d+)?";

    static final String EPOCH_ENTER = "dl4jspark.epoch.enter";
    static final String EPOCH_EXIT = "dl4jspark.epoch.exit";

    @Override
    public String name() {
        return "DL4J on Spark";
    }

    @Override
    public String measures() {
        return "each fit on the driver is an epoch";
    }

    @Override
    public List<String> triggers() {
        return List.of("org/deeplearning4j/spark/");
    }

    @Override
    public List<String> targets() {
        return List.of(MULTI_LAYER, GRAPH);
    }

    /** One hook per method name; each returns the network, so the exit call comes before the value is returned. */
    @Override
    public List<Hook> hooks(String target) {
        Hook fit = epoch("public fit(RDD, JavaRDD or String)", "fit", MethodShape.ANY);
        Hook fitPaths = epoch("public fitPaths(JavaRDD, loader)", "fitPaths", MethodShape.ANY, MethodShape.ANY);
        if (target.equals(GRAPH)) {
            return List.of(fit, fitPaths,
                    epoch("public fitMultiDataSet(RDD, JavaRDD or String)", "fitMultiDataSet", MethodShape.ANY));
        }
        return List.of(fit, fitPaths);
    }

    private static Hook epoch(String what, String method, String... params) {
        return new Hook(what, MethodShape.of(Opcodes.ACC_PUBLIC, Opcodes.ACC_STATIC, method, MethodShape.ANY, params),
                Call.of(EPOCH_ENTER, Arg.self()), Call.of(EPOCH_EXIT, Arg.self(), Arg.thrown()), true);
    }

    /** The {@code version} of the dl4j-spark jar's {@code pom.properties}, for Scala 2.12 or 2.11. */
    @Override
    public String version(ClassLoader loader) {
        String v = FrameworkInstrumentation.pomVersion(loader,
                "META-INF/maven/org.deeplearning4j/dl4j-spark_2.12/pom.properties");
        return v != null ? v : FrameworkInstrumentation.pomVersion(loader,
                "META-INF/maven/org.deeplearning4j/dl4j-spark_2.11/pom.properties");
    }

    @Override
    public boolean accepts(String version) {
        return version != null && version.matches(VERSIONS);
    }

    @Override
    public String eventPrefix() {
        return "dl4jspark.";
    }

    @Override
    public Events events(EpochTracker epochs, Log log) {
        return new Epochs(epochs);
    }

    /** The epochs of the wrappers: the outermost {@code fit} call on each. Thread safe. */
    static final class Epochs extends OutermostEpochs implements Events {

        Epochs(EpochTracker epochs) {
            super(epochs);
        }

        @Override
        public boolean on(String op, Object[] a) {
            switch (op) {
                case EPOCH_ENTER -> enter(a[0]);
                case EPOCH_EXIT -> exit(a[0], (Throwable) a[1]);
                default -> {
                    return false;
                }
            }
            return true;
        }
    }
}
