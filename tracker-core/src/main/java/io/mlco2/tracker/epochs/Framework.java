package io.mlco2.tracker.epochs;

import io.mlco2.tracker.base.Log;
import io.mlco2.tracker.epochs.HookWeaver.Hook;

import java.util.List;

/**
 * One deep-learning framework whose epochs the agent detects: everything about it in one class, found through
 * {@link Frameworks#ALL}. The orchestration ({@link LazyFrameworkHooks}, {@link FrameworkInstrumentation},
 * {@link BridgeHook}) knows frameworks only through this interface.
 *
 * <p>An implementation is made when the agent starts, in every run: its constructor and {@link #triggers},
 * {@link #targets}, {@link #name} and {@link #eventPrefix} must only return constants, and it must initialise no
 * other class (no static {@code Hook}, {@code Pattern} or ASM object; {@code Opcodes} constants are inlined). The
 * other methods run once the framework shows up, on the hooks' thread or the job's: no lambda or method reference
 * there (the JDK spins a class for each at its first use: docs/PERFORMANCE.md).
 */
interface Framework {

    /** How lines and the epochs section name it ({@code DJL}). */
    String name();

    /** Class name prefixes, internal form ({@code ai/djl/}): the first class loaded under one means it is there. */
    List<String> triggers();

    /** The classes the hooks go into, internal form. */
    List<String> targets();

    /** What is woven into {@code target}, one of {@link #targets}: every hook must find its method. */
    List<Hook> hooks(String target);

    /**
     * Its version as {@code loader} sees it (the loader of a target class; {@code null}: the boot loader), {@code null}
     * when unknown.
     */
    String version(ClassLoader loader);

    /** Whether the hooks may go into this version ({@code null}: unknown). */
    boolean accepts(String version);

    /** The start of the operation names its hooks pass to the bridge ({@code djl.}), unique among the frameworks. */
    String eventPrefix();

    /** What its hooks do, for the line that says it was detected ({@code its epochs are measured}). */
    default String measures() {
        return "its epochs are measured";
    }

    /** A new state that turns its hooks' events into epochs (made when a framework shows up, once per run). */
    Events events(EpochTracker epochs, Log log);

    /** A framework's handling of its hooks' events, called by {@link BridgeHook} on the job's threads. */
    interface Events {

        /** Handles {@code op} (which starts with the framework's {@link #eventPrefix}); {@code false} when unknown. */
        boolean on(String op, Object[] args) throws Exception;
    }

    /** When the bootstrap saw {@code internalName} first loaded (a class, not a lambda: none spun). */
    final class FirstLoad implements java.util.function.LongSupplier {
        private final String internalName;

        FirstLoad(String internalName) {
            this.internalName = internalName;
        }

        @Override
        public long getAsLong() {
            return EpochsExtension.firstLoadNanos(internalName);
        }
    }
}
