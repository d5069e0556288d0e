package io.mlco2.agent.bootstrap;

import java.util.function.BiFunction;

/**
 * Internal: the one channel between code the application's class loaders define (the {@link Mlco2} API, advice
 * woven into DJL and DL4J) and the agent's implementation, which lives in its own isolated class loader.
 *
 * <p>The agent jar is always on the system class path while the agent is attached, so this class is looked up
 * there ({@link #hook()} works from any class loader, child-first ones included). The implementation registers a
 * {@code BiFunction<String, Object[], Object>}: a JDK type, so neither side needs the other's classes. The first
 * argument names the operation ({@code phase.begin}, {@code djl.fit.enter}, ...), the second carries its arguments.
 * Not part of the public API.
 */
public final class Bridge {

    static final String NAME = "io.mlco2.agent.bootstrap.Bridge";

    private static volatile BiFunction<String, Object[], Object> hook;

    private Bridge() {
    }

    /** Called by the agent's implementation once it runs. */
    public static void install(BiFunction<String, Object[], Object> h) {
        hook = h;
    }

    /**
     * Called by the calls woven into DJL's and DL4J's classes ({@code tracker-core}'s {@code epochs.HookWeaver}):
     * the operation and one argument. Never throws, so the framework's method runs on unchanged whatever happens.
     */
    public static void event(String op, Object a) {
        call(op, new Object[] {a});
    }

    /** As {@link #event(String, Object)}, with two arguments. */
    public static void event(String op, Object a, Object b) {
        call(op, new Object[] {a, b});
    }

    /** As {@link #event(String, Object)}, with an object and an {@code int} (passed on as an {@link Integer}). */
    public static void event(String op, Object a, int n) {
        call(op, new Object[] {a, n});
    }

    private static void call(String op, Object[] args) {
        try {
            BiFunction<String, Object[], Object> h = hook();
            if (h != null) {
                h.apply(op, args);
            }
        } catch (Throwable t) {
            // Never into the framework's method: the hook reports its own failures.
        }
    }

    /** The registered hook of the system class loader's copy of this class, or {@code null}. Never throws. */
    @SuppressWarnings("unchecked")
    public static BiFunction<String, Object[], Object> hook() {
        try {
            ClassLoader system = ClassLoader.getSystemClassLoader();
            if (Bridge.class.getClassLoader() == system) {
                return hook;
            }
            // This copy was loaded by another loader (a child-first one): ask the system loader's copy.
            Class<?> c = Class.forName(NAME, true, system);
            return c == Bridge.class ? hook : (BiFunction<String, Object[], Object>) c.getMethod("hook").invoke(null);
        } catch (Throwable t) {
            return null;
        }
    }
}
