package io.mlco2.tracker.epochs;

import io.mlco2.tracker.base.Log;

import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * Puts the DJL and DL4J hooks in place only when a framework shows up, so that a job that uses neither never loads
 * the weaving code (ASM; before it, Byte Buddy's thousand classes were most of the agent's start-up:
 * docs/PERFORMANCE.md).
 *
 * <p>This plain transformer looks at class names only. The first class of DJL, DL4J or ND4J (loaded before, or
 * loading now) starts building the weaving transformer ({@link FrameworkInstrumentation#makeRaw}) on a daemon
 * thread. Then the framework classes that carry hooks and are already loaded are retransformed, and those loaded
 * later are transformed as they load, by this transformer calling the weaving one (which is never registered
 * itself, so no class is woven twice). A thread that loads one of those classes before the transformer is ready
 * waits for it, at most {@link #WAIT_MILLIS} (in practice the few milliseconds the build takes): the hooks are in
 * place before the framework's own code runs. Any failure is one line and leaves the class alone.
 */
final class LazyFrameworkHooks implements ClassFileTransformer {

    /** Class name prefixes (internal form) of the frameworks: the first one loaded starts the build. */
    static final List<String> TRIGGERS = List.of("ai/djl/", "org/deeplearning4j/", "org/nd4j/");

    /** {@link #TRIGGERS} as binary-name prefixes. */
    private static final List<String> TRIGGER_PACKAGES = binaryNames(TRIGGERS);

    /**
     * The classes that carry advice (internal form). From {@link FrameworkInstrumentation}'s constant names but not
     * through its methods: that class (its hooks, patterns and the weaver's types) is initialised only once a
     * framework shows up.
     */
    static final Set<String> TARGETS = Set.of(
            FrameworkInstrumentation.EASY_TRAIN.replace('.', '/'),
            FrameworkInstrumentation.TRAINER.replace('.', '/'),
            FrameworkInstrumentation.MULTI_LAYER_NETWORK.replace('.', '/'),
            FrameworkInstrumentation.COMPUTATION_GRAPH.replace('.', '/'));

    /** {@link #TARGETS} as binary names, to match loaded classes without making an internal name of each. */
    private static final Set<String> TARGET_CLASSES = Set.copyOf(binaryNames(TARGETS));

    private static List<String> binaryNames(java.util.Collection<String> internalNames) {
        List<String> out = new ArrayList<>();
        for (String n : internalNames) {
            out.add(n.replace('/', '.'));
        }
        return List.copyOf(out);
    }

    static final long WAIT_MILLIS = 10_000;

    private final Instrumentation inst;
    private final Supplier<ClassFileTransformer> build;
    private final Log log;
    private final AtomicBoolean started = new AtomicBoolean();
    private final CompletableFuture<ClassFileTransformer> ready = new CompletableFuture<>();
    private volatile Thread builder;

    LazyFrameworkHooks(Instrumentation inst, Supplier<ClassFileTransformer> build, Log log) {
        this.inst = inst;
        this.build = build;
        this.log = log;
    }

    /** Registers this transformer, then starts the build at once if a framework class is already loaded. */
    void register() {
        inst.addTransformer(this, true);
        for (Class<?> c : inst.getAllLoadedClasses()) {
            if (isFrameworkBinaryName(c.getName())) {
                start();
                return;
            }
        }
    }

    static boolean isFramework(String internalName) {
        for (String p : TRIGGERS) {
            if (internalName.startsWith(p)) {
                return true;
            }
        }
        return false;
    }

    /** {@link #isFramework} for a binary name ({@code ai.djl.X}), without making the internal name of each class. */
    static boolean isFrameworkBinaryName(String name) {
        for (String p : TRIGGER_PACKAGES) {
            if (name.startsWith(p)) {
                return true;
            }
        }
        return false;
    }

    boolean started() {
        return started.get();
    }

    /** The weaving transformer once built ({@code null} before, or when building failed), waiting up to {@code millis}. */
    ClassFileTransformer awaitReady(long millis) {
        try {
            return ready.get(millis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } catch (Exception e) {
            return null;
        }
    }

    void start() {
        if (!started.compareAndSet(false, true)) {
            return;
        }
        Thread t = new Thread(new Runnable() { // not a method reference: no class spun when a framework shows up
            @Override
            public void run() {
                buildAndRetransform();
            }
        }, "mlco2-epochs-hooks");
        t.setDaemon(true);
        builder = t;
        try {
            t.start();
        } catch (Throwable e) {
            log.info("epochs: could not start the framework hooks (" + Log.describe(e) + "); Mlco2.phase still works");
            ready.complete(null);
        }
    }

    private void buildAndRetransform() {
        ClassFileTransformer weaving;
        try {
            weaving = build.get();
        } catch (Throwable e) {
            log.info("epochs: framework detection is off (" + Log.describe(e) + "); Mlco2.phase still works");
            ready.complete(null);
            return;
        }
        ready.complete(weaving);
        List<Class<?>> loaded = new ArrayList<>();
        for (Class<?> c : inst.getAllLoadedClasses()) {
            if (TARGET_CLASSES.contains(c.getName()) && inst.isModifiableClass(c)) {
                loaded.add(c);
            }
        }
        for (Class<?> c : loaded) {
            try {
                inst.retransformClasses(c);
            } catch (Throwable e) {
                log.once("epochs:retransform:" + c.getName(), Log.Level.INFO, "epochs: could not instrument "
                        + c.getName() + " (" + Log.describe(e) + "); left alone, its epochs are not detected");
            }
        }
    }

    @Override
    public byte[] transform(Module module, ClassLoader loader, String className, Class<?> redefined,
                            ProtectionDomain pd, byte[] classfile) {
        if (className == null) {
            return null;
        }
        try {
            if (!started.get() && isFramework(className)) {
                start();
            }
            if (!TARGETS.contains(className)) {
                return null;
            }
            ClassFileTransformer weaving = ready.getNow(null);
            if (weaving == null && !ready.isDone()) {
                if (Thread.currentThread() == builder) {
                    return null;
                }
                weaving = awaitReady(WAIT_MILLIS);
                if (weaving == null && !ready.isDone()) {
                    log.once("epochs:wait:" + className, Log.Level.INFO, "epochs: the framework hooks were not ready in "
                            + WAIT_MILLIS / 1000 + " s; " + className.replace('/', '.') + " is left alone");
                    return null;
                }
            }
            return weaving == null ? null : weaving.transform(module, loader, className, redefined, pd, classfile);
        } catch (Throwable e) {
            log.once("epochs:error:" + className, Log.Level.INFO, "epochs: could not instrument "
                    + className.replace('/', '.') + " (" + Log.describe(e) + "); left alone, its epochs are not detected");
            return null;
        }
    }
}
