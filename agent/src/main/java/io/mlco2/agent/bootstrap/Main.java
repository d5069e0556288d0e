package io.mlco2.agent.bootstrap;

/**
 * {@code java -jar mlco2-agent.jar <command>}: runs the command line ({@code version}, {@code estimate},
 * {@code replay}, {@code report}, {@code list}, {@code attach}) through the agent's own class loader. A failure before
 * the command runs (no writable {@code java.io.tmpdir} to unpack the libraries into) is one line and exit code 2, not
 * a stack trace.
 */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) throws Exception {
        ClassLoader loader;
        Class<?> cli;
        try {
            // The jar that attach loads into another JVM: this one (read by io.mlco2.tracker.cli.RunningJvms).
            System.setProperty("io.mlco2.agent.jar", AgentClassLoader.agentJar().getPath());
            loader = AgentClassLoader.create();
            Thread.currentThread().setContextClassLoader(loader);
            cli = Class.forName("io.mlco2.tracker.cli.Cli", true, loader);
        } catch (Throwable t) {
            String m = t.getMessage();
            System.err.println("mlco2-agent: cannot unpack its libraries into java.io.tmpdir="
                    + System.getProperty("java.io.tmpdir") + " (" + t.getClass().getSimpleName() + (m == null ? "" : ": " + m)
                    + "); accepted: an existing writable folder (java -Djava.io.tmpdir=DIR -jar mlco2-agent.jar ...)");
            System.exit(2);
            return;
        }
        try {
            cli.getMethod("main", String[].class).invoke(null, (Object) args);
        } catch (java.lang.reflect.InvocationTargetException e) {
            throw e.getCause() instanceof Exception ex ? ex : e;
        }
    }
}
