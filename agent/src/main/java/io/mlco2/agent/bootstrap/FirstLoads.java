package io.mlco2.agent.bootstrap;

import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.security.ProtectionDomain;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Internal: notes when a few framework classes are first loaded, from {@code premain} on, until the agent's
 * implementation has woven its own hooks into them. The implementation starts later, on a background thread, and
 * a short job may already be training by then. DJL loads {@code EasyTrain} at its first {@code EasyTrain.fit} call,
 * DL4J its {@code Solver} when a network is set up for training: where such a job's first epoch began.
 *
 * <p>Changes no class, never blocks: one set look-up per class loaded, for the fraction of a second it is installed.
 * Installed only when the application's class path holds one of those classes: while any transformer is registered,
 * the JVM hands every class it loads to Java first (for a class from its shared archive it even reads the class
 * file back from the runtime image), ~9 us per class here, which the agent's own start-up (~1,000 classes) would
 * otherwise pay for nothing (docs/PERFORMANCE.md, start-up). A framework loaded by another loader (a fat jar's)
 * is not seen here; only a job that is already training when the hooks arrive loses its first epoch's start.
 */
public final class FirstLoads implements ClassFileTransformer {

    private static final Set<String> WATCHED = Set.of("ai/djl/training/EasyTrain", "org/deeplearning4j/optimize/Solver");
    private static final Map<String, Long> NANOS = new ConcurrentHashMap<>();
    private static final FirstLoads INSTANCE = new FirstLoads();

    private FirstLoads() {
    }

    /**
     * Installs the watcher if {@code appLoader} (the system class loader) can see one of the watched classes; called
     * on the agent's thread, long before either framework gets to training. Returns whether it did.
     */
    static boolean installIfOnClassPath(Instrumentation inst, ClassLoader appLoader) {
        try {
            for (String c : WATCHED) {
                if (appLoader.getResource(c + ".class") != null) {
                    inst.addTransformer(INSTANCE, false);
                    return true;
                }
            }
        } catch (Throwable ignored) {
            // Without it a short job's first epoch may go unmeasured; nothing else changes.
        }
        return false;
    }

    /** Stops watching (called by the implementation once its hooks are in place). */
    public static void uninstall(Instrumentation inst) {
        inst.removeTransformer(INSTANCE);
    }

    /** {@link System#nanoTime()} when {@code internalName} ({@code a/b/C}) was first loaded, 0 if it was not. */
    public static long nanos(String internalName) {
        Long n = NANOS.get(internalName);
        return n == null ? 0 : n;
    }

    @Override
    public byte[] transform(ClassLoader loader, String className, Class<?> redefined, ProtectionDomain pd,
                            byte[] classfile) {
        if (className != null && WATCHED.contains(className)) {
            NANOS.putIfAbsent(className, System.nanoTime());
        }
        return null;
    }
}
