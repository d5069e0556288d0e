package io.mlco2.agent.bootstrap;

/**
 * {@code java -jar mlco2-agent.jar <command>}: runs the command line ({@code version}, {@code estimate},
 * {@code replay}, {@code report}) through the agent's own class loader.
 */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) throws Exception {
        ClassLoader loader = AgentClassLoader.create();
        Thread.currentThread().setContextClassLoader(loader);
        Class<?> cli = Class.forName("io.mlco2.tracker.cli.Cli", true, loader);
        try {
            cli.getMethod("main", String[].class).invoke(null, (Object) args);
        } catch (java.lang.reflect.InvocationTargetException e) {
            throw e.getCause() instanceof Exception ex ? ex : e;
        }
    }
}
