package io.mlco2.tracker.epochs;

import io.mlco2.tracker.base.Log;
import io.mlco2.tracker.epochs.HookWeaver.Arg;
import io.mlco2.tracker.epochs.HookWeaver.Call;
import io.mlco2.tracker.epochs.HookWeaver.Hook;
import io.mlco2.tracker.runtime.RunContext;
import org.objectweb.asm.Opcodes;

import java.util.List;

/**
 * Apache Spark's driver: once its {@code SparkContext} knows the application id, the driver JVM joins that
 * application's run ({@link RunContext#joinRun}), the run its executors are in by default, so a Spark job is one run
 * with nothing configured. One hook: after {@code SparkContext.postApplicationStart()}, the private method the
 * constructor calls once the scheduler has given the application its id; the id is read with the public
 * {@code applicationId()}. Only the first context of a JVM is joined. No epochs come from Spark itself.
 */
final class SparkFramework implements Framework {

    static final String SPARK_CONTEXT = "org/apache/spark/SparkContext";

    /** Spark 3.x (tested on 3.5.9) and 4.x; the hook's method must be there with its signature, or nothing is woven. */
    private static final String VERSIONS = "[34]\\.\\d+\\.\\d+.*";

    static final String STARTED = "spark.started";

    /** The run that the driver's first context joins: the latest run whose epochs extension was installed. */
    private static volatile RunContext run;

    /** Called by {@link EpochsExtension#install}. */
    static void joinFrom(RunContext r) {
        run = r;
    }

    @Override
    public String name() {
        return "Spark";
    }

    @Override
    public String measures() {
        return "the driver joins its application's run";
    }

    @Override
    public List<String> triggers() {
        return List.of("org/apache/spark/");
    }

    @Override
    public List<String> targets() {
        return List.of(SPARK_CONTEXT);
    }

    @Override
    public List<Hook> hooks(String target) {
        // private void SparkContext.postApplicationStart(): after it
        return List.of(new Hook("private void postApplicationStart()",
                MethodShape.of(Opcodes.ACC_PRIVATE, Opcodes.ACC_STATIC, "postApplicationStart", "V"),
                null, Call.of(STARTED, Arg.self()), false));
    }

    /** {@code version} of {@code spark-version-info.properties} (spark-common-utils in 3.5 and 4.x, spark-core before). */
    @Override
    public String version(ClassLoader loader) {
        return FrameworkInstrumentation.pomVersion(loader, "spark-version-info.properties");
    }

    @Override
    public boolean accepts(String version) {
        return version != null && version.matches(VERSIONS);
    }

    @Override
    public String eventPrefix() {
        return "spark.";
    }

    @Override
    public Events events(EpochTracker epochs, Log log) {
        return new Join(run, log);
    }

    /** Joins the first context's application run. Thread safe. */
    static final class Join implements Events {

        private final RunContext run;
        private final Log log;
        private String joined;

        Join(RunContext run, Log log) {
            this.run = run;
            this.log = log;
        }

        @Override
        public boolean on(String op, Object[] a) throws ReflectiveOperationException {
            if (!op.equals(STARTED)) {
                return false;
            }
            started(a[0]);
            return true;
        }

        void started(Object sparkContext) throws ReflectiveOperationException {
            if (sparkContext == null || run == null) {
                return;
            }
            Object id = sparkContext.getClass().getMethod("applicationId").invoke(sparkContext);
            if (!(id instanceof String appId) || appId.isEmpty()) {
                return;
            }
            synchronized (this) {
                if (joined != null) {
                    if (!joined.equals(appId)) {
                        log.once("spark:second-context", Log.Level.INFO, "spark: another SparkContext (" + appId
                                + ") started in this JVM; its run stays that of the first (" + joined + ")");
                    }
                    return;
                }
                joined = appId;
            }
            run.joinRun(appId);
            log.debug("spark: the driver joins the run of application " + appId);
        }
    }
}
