package io.mlco2.tracker.epochs;

import io.mlco2.tracker.base.Log;
import io.mlco2.tracker.runtime.RunContext;

import java.lang.instrument.Instrumentation;

/**
 * Installs epoch and phase tracking on a run: the {@link EpochTracker} as a sample listener with two summary
 * sections ({@code epochs}, {@code forecast}), the framework advice for DJL and DL4J, and the bridge that the
 * advice and {@code Mlco2.phase} call. The framework hooks are built when DJL or DL4J first shows up
 * ({@link LazyFrameworkHooks}); the bridge goes in after their watcher, so that once {@code Mlco2.attached()} is
 * true, a framework class loaded from then on gets its hooks before its code runs.
 */
public final class EpochsExtension {

    static final String FIRST_LOADS_CLASS = "io.mlco2.agent.bootstrap.FirstLoads";

    private EpochsExtension() {
    }

    /** Called by {@code Extensions.install} before sampling starts. What it throws, {@code Extensions.install} reports as one line. */
    public static EpochTracker install(RunContext run, Instrumentation inst) {
        Log log = run.log();
        EpochTracker epochs = new EpochTracker(EpochTracker.Settings.of(run), log,
                io.mlco2.tracker.base.NanoClock.INSTANCE, new RunEnergy(run));
        run.addListener(epochs);
        java.time.Duration progress = run.config().get(io.mlco2.tracker.config.Config.PROGRESS);
        if (progress != null) {
            run.addListener(new Progress(epochs, log, progress.toNanos(), run.startNanos(), run.intensity().gramsPerKwh(),
                    run.config().get(io.mlco2.tracker.config.Config.PUE)));
        }
        run.addSection("epochs", new Section(run, epochs, "epochs"));
        run.addSection("forecast", new Section(run, epochs, "forecast"));
        run.addRunIdListener(new JoinRun(epochs));
        EpochTracker.activate(epochs);
        SparkFramework.joinFrom(run);
        BridgeHook hook = new BridgeHook(epochs, log);
        if (inst != null) {
            try {
                new LazyFrameworkHooks(inst, new HooksBuild(hook, epochs, log), log).register();
            } catch (Throwable t) {
                log.info("epochs: framework detection is off (" + Log.describe(t) + "); Mlco2.phase still works");
            }
        }
        if (!BridgeHook.register(hook, log)) {
            log.info("epochs: the agent jar is not on the system class path; framework epochs and Mlco2.phase are off");
        }
        if (inst != null) {
            stopFirstLoads(inst);
        }
        return epochs;
    }

    /*
     * Classes rather than lambdas and method references: on the agent's start-up path each of those is a class the
     * JDK spins at its first use (docs/PERFORMANCE.md, start-up).
     */

    /** The run's energy so far, for the epoch tracker. */
    private static final class RunEnergy implements java.util.function.DoubleSupplier {
        private final RunContext run;

        RunEnergy(RunContext run) {
            this.run = run;
        }

        @Override
        public double getAsDouble() {
            return EpochTracker.joulesTotal(run.accumulators());
        }
    }

    /** Renames the epochs file when the run takes another id. */
    private static final class JoinRun implements io.mlco2.tracker.runtime.RunIdListener {
        private final EpochTracker epochs;

        JoinRun(EpochTracker epochs) {
            this.epochs = epochs;
        }

        @Override
        public void runIdChanged(RunContext run, String oldRunId) {
            epochs.joinRun(run.runId());
        }
    }

    /**
     * One of the epoch tracker's summary sections: {@code epochs} or {@code forecast}. Left out of a summary made
     * before the run ends (the one written at start, or again on joining a run): making them closes the epochs still
     * open as cut short by the run's end.
     */
    static final class Section implements java.util.function.Supplier<Object> {
        private final RunContext run;
        private final EpochTracker epochs;
        private final String name;

        Section(RunContext run, EpochTracker epochs, String name) {
            this.run = run;
            this.epochs = epochs;
            this.name = name;
        }

        @Override
        public Object get() {
            if (!run.ending()) {
                return null;
            }
            return name.equals("epochs") ? epochs.epochsSection() : epochs.forecastSection();
        }
    }

    /** Builds the weaving transformer once a framework shows up, on the hooks' thread. */
    private static final class HooksBuild implements java.util.function.Supplier<java.lang.instrument.ClassFileTransformer> {
        private final BridgeHook hook;
        private final EpochTracker epochs;
        private final Log log;

        HooksBuild(BridgeHook hook, EpochTracker epochs, Log log) {
            this.hook = hook;
            this.epochs = epochs;
            this.log = log;
        }

        @Override
        public java.lang.instrument.ClassFileTransformer get() {
            hook.prepare(); // on the hooks' thread, not at the framework's first event on the job's
            return FrameworkInstrumentation.makeRaw(epochs, log);
        }
    }

    /** The bootstrap's note of when {@code internalName} was first loaded; 0 when unknown. */
    static long firstLoadNanos(String internalName) {
        try {
            Class<?> c = Class.forName(FIRST_LOADS_CLASS, true, ClassLoader.getSystemClassLoader());
            return (Long) c.getMethod("nanos", String.class).invoke(null, internalName);
        } catch (Throwable t) {
            return 0;
        }
    }

    private static void stopFirstLoads(Instrumentation inst) {
        try {
            Class<?> c = Class.forName(FIRST_LOADS_CLASS, true, ClassLoader.getSystemClassLoader());
            c.getMethod("uninstall", Instrumentation.class).invoke(null, inst);
        } catch (Throwable ignored) {
            // An older bootstrap without it: nothing to stop.
        }
    }
}
