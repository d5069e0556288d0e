package io.mlco2.agent.bootstrap;

import java.lang.instrument.Instrumentation;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * {@code -javaagent:mlco2-agent.jar[=key=value;key=value]}: the agent's entry point.
 *
 * <p>Rules (after the OpenTelemetry agent): do as little as possible on the application's thread, touch no
 * logging framework, catch every {@link Throwable}, and never call {@code System.exit}. {@code premain} records
 * the start time, registers the exit hook and starts one daemon thread that loads the implementation through
 * {@link AgentClassLoader}; then it returns.
 */
public final class AgentMain {

    /** Longest the exit hook waits for a start-up still in progress (a job shorter than the agent's start). */
    private static final long INIT_WAIT_MILLIS = 10_000;

    private AgentMain() {
    }

    /**
     * One line on the JVM's file descriptor 2, never through {@code System.err}: the application may have replaced
     * that stream with one that blocks, throws or is {@code null}, or hold its lock. Never throws.
     */
    static void stderr(String line) {
        try {
            java.io.FileOutputStream fd2 = new java.io.FileOutputStream(java.io.FileDescriptor.err);
            fd2.write((line + System.lineSeparator()).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            fd2.flush(); // not closed: closing would close the JVM's stderr for everyone
        } catch (Throwable ignored) {
            // Nothing left to tell it to.
        }
    }

    public static void premain(String args, Instrumentation inst) {
        start(args, inst);
    }

    public static void agentmain(String args, Instrumentation inst) {
        start(args, inst);
    }

    /**
     * The system property the first copy sets to its start time (epoch milliseconds): what {@code list} and
     * {@code attach} ({@code io.mlco2.tracker.cli.RunningJvms}) read through the Attach API to see that a JVM is
     * already measured. Outside {@code mlco2.}, which names configuration keys.
     */
    static final String RUNNING_PROPERTY = "io.mlco2.agent.since";

    /** The arguments of the copy that started first, or {@code null}: the second copy stands down. */
    private static String attached;

    /** {@code true} for the first copy attached to this JVM; a later one prints one line and does nothing. */
    static synchronized boolean first(String args) {
        if (attached == null) {
            attached = args == null ? "" : args;
            try {
                System.setProperty(RUNNING_PROPERTY, Long.toString(System.currentTimeMillis()));
            } catch (Throwable ignored) {
                // A security manager that refuses it: list and attach then cannot see this copy; it still measures.
            }
            return true;
        }
        stderr("[mlco2] WARN: the agent is attached twice (-javaagent given twice, or also in JAVA_TOOL_OPTIONS); "
                + "the copy with arguments '" + (args == null ? "" : args) + "' stands down, the first copy ('"
                + attached + "') measures the run once");
        return false;
    }

    private static void start(String args, Instrumentation inst) {
        try {
            if (!first(args)) {
                return;
            }
            long startNanos = System.nanoTime();
            long startMillis = System.currentTimeMillis();
            CountDownLatch ready = new CountDownLatch(1);
            Runnable[] stop = new Runnable[1];
            Thread init = new Thread(new Runnable() { // not a lambda: no class spun at start-up (docs/PERFORMANCE.md)
                @Override
                public void run() {
                    try {
                        if (inst != null) {
                            FirstLoads.installIfOnClassPath(inst, ClassLoader.getSystemClassLoader());
                        }
                        ClassLoader loader = AgentClassLoader.create();
                        Thread.currentThread().setContextClassLoader(loader);
                        Class<?> runtime = Class.forName("io.mlco2.tracker.launch.AgentRuntime", true, loader);
                        stop[0] = (Runnable) runtime.getMethod("start", String.class, Instrumentation.class, long.class, long.class)
                                .invoke(null, args, inst, startNanos, startMillis);
                    } catch (Throwable t) {
                        Throwable cause = t instanceof java.lang.reflect.InvocationTargetException && t.getCause() != null ? t.getCause() : t;
                        stderr("[mlco2] ERROR: agent failed to start (" + cause + "); the application runs on without it");
                    } finally {
                        ready.countDown();
                    }
                }
            }, "mlco2-init");
            init.setDaemon(true);
            Thread hook = new Thread(new Runnable() {
                @Override
                public void run() {
                    try {
                        if (!ready.await(INIT_WAIT_MILLIS, TimeUnit.MILLISECONDS)) {
                            stderr("[mlco2] ERROR: agent still starting at exit; no report written");
                            return;
                        }
                        Runnable r = stop[0];
                        if (r != null) {
                            r.run();
                        }
                    } catch (Throwable t) {
                        stderr("[mlco2] ERROR: at exit: " + t);
                    }
                }
            }, "mlco2-exit");
            Runtime.getRuntime().addShutdownHook(hook);
            init.start();
        } catch (Throwable t) {
            stderr("[mlco2] ERROR: agent not started (" + t + "); the application runs on without it");
        }
    }
}
