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
 * Puts the frameworks' hooks in place only when a framework shows up, so that a job that uses none never loads the
 * weaving code (ASM; before it, Byte Buddy's thousand classes were most of the agent's start-up:
 * docs/PERFORMANCE.md).
 *
 * <p>This plain transformer looks at class names only: each {@link Framework}'s triggers and targets. The first
 * class under a trigger (loaded before, or loading now) starts building the weaving transformer
 * ({@link FrameworkInstrumentation#makeRaw}) on a daemon thread. Then the target classes already loaded are
 * retransformed, and those loaded later are transformed as they load, by this transformer calling the weaving one
 * (which is never registered itself, so no class is woven twice). A thread that loads a target before the
 * transformer is ready waits for it, at most {@link #WAIT_MILLIS} (in practice the few milliseconds the build
 * takes): the hooks are in place before the framework's own code runs. Any failure is one line and leaves the class
 * alone.
 */
final class LazyFrameworkHooks implements ClassFileTransformer {

    /** The frameworks' trigger prefixes (internal form): the first class loaded under one starts the build. */
    private final List<String> triggers;

    /** {@link #triggers} as binary-name prefixes. */
    private final List<String> triggerPackages;

    /**
     * The classes that carry hooks (internal form). Only names, from each framework's {@link Framework#targets}:
     * the hooks themselves (and the weaver's types) are made only once a framework shows up.
     */
    private final Set<String> targets;

    /** {@link #targets} as binary names, to match loaded classes without making an internal name of each. */
    private final Set<String> targetClasses;

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

    /** For {@link Frameworks#ALL}. */
    LazyFrameworkHooks(Instrumentation inst, Supplier<ClassFileTransformer> build, Log log) {
        this(inst, Frameworks.ALL, build, log);
    }

    LazyFrameworkHooks(Instrumentation inst, List<Framework> frameworks, Supplier<ClassFileTransformer> build,
                       Log log) {
        List<String> t = new ArrayList<>();
        List<String> c = new ArrayList<>();
        for (Framework f : frameworks) {
            t.addAll(f.triggers());
            c.addAll(f.targets());
        }
        this.triggers = List.copyOf(t);
        this.triggerPackages = binaryNames(t);
        this.targets = Set.copyOf(c);
        this.targetClasses = Set.copyOf(binaryNames(c));
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

    boolean isFramework(String internalName) {
        for (String p : triggers) {
            if (internalName.startsWith(p)) {
                return true;
            }
        }
        return false;
    }

    /** {@link #isFramework} for a binary name ({@code ai.djl.X}), without making the internal name of each class. */
    boolean isFrameworkBinaryName(String name) {
        for (String p : triggerPackages) {
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
            if (targetClasses.contains(c.getName()) && inst.isModifiableClass(c)) {
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
            if (!targets.contains(className)) {
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
