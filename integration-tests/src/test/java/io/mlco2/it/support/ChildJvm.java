package io.mlco2.it.support;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs a Java main in a child JVM, optionally with the agent, and captures its exit code and output. */
public final class ChildJvm {

    /** The packaged agent jar (set by the integration-tests pom). */
    public static Path agentJar() {
        String p = System.getProperty("mlco2.it.agentJar");
        if (p == null) {
            throw new IllegalStateException("system property mlco2.it.agentJar is not set (run through Maven)");
        }
        Path jar = Path.of(p).toAbsolutePath().normalize();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("agent jar not built: " + jar + " (mvn package first)");
        }
        return jar;
    }

    /** This test JVM's class path (test classes and test dependencies). */
    public static String testClassPath() {
        return System.getProperty("java.class.path");
    }

    public record Result(int exitCode, String stdout, String stderr, long wallNanos) {
        public String all() {
            return stdout + stderr;
        }
    }

    private final List<String> jvmArgs = new ArrayList<>();
    private String classPath = testClassPath();
    private Path workDir;
    private final Map<String, String> env = new java.util.HashMap<>();
    private long timeoutSeconds = 600;
    private String umask;

    /** Starts the child under this umask (through {@code /bin/sh}, which then becomes the JVM by {@code exec}). */
    public ChildJvm umask(String octal) {
        this.umask = octal;
        return this;
    }

    public ChildJvm withAgent(String agentArgs) {
        jvmArgs.add("-javaagent:" + agentJar() + (agentArgs == null || agentArgs.isEmpty() ? "" : "=" + agentArgs));
        return this;
    }

    public ChildJvm jvmArg(String arg) {
        jvmArgs.add(arg);
        return this;
    }

    public ChildJvm classPath(String cp) {
        this.classPath = cp;
        return this;
    }

    public ChildJvm workDir(Path dir) {
        this.workDir = dir;
        return this;
    }

    public ChildJvm env(String k, String v) {
        env.put(k, v);
        return this;
    }

    public ChildJvm timeoutSeconds(long s) {
        this.timeoutSeconds = s;
        return this;
    }

    /** The command line that {@link #run} would start. */
    public List<String> command(String mainClass, String... args) {
        List<String> cmd = new ArrayList<>();
        if (umask != null) {
            cmd.addAll(List.of("/bin/sh", "-c", "umask " + umask + " && exec \"$0\" \"$@\""));
        }
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmArgs);
        cmd.add("-cp");
        cmd.add(classPath);
        cmd.add(mainClass);
        cmd.addAll(List.of(args));
        return cmd;
    }

    /** Starts the child with its stdout and stderr going to files (they survive {@link Process#destroy()}). */
    public Process start(Path stdout, Path stderr, String mainClass, String... args) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command(mainClass, args));
        if (workDir != null) {
            pb.directory(workDir.toFile());
        }
        pb.environment().putAll(env);
        pb.redirectOutput(stdout.toFile());
        pb.redirectError(stderr.toFile());
        return pb.start();
    }

    /** Starts the child with its output on pipes (read them, or keep the output small). */
    public Process start(String mainClass, String... args) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command(mainClass, args));
        if (workDir != null) {
            pb.directory(workDir.toFile());
        }
        pb.environment().putAll(env);
        return pb.start();
    }

    public Result run(String mainClass, String... args) throws Exception {
        Path out = Files.createTempFile("child-out", ".txt");
        Path err = Files.createTempFile("child-err", ".txt");
        try {
            ProcessBuilder pb = new ProcessBuilder(command(mainClass, args));
            if (workDir != null) {
                pb.directory(workDir.toFile());
            }
            pb.environment().putAll(env);
            pb.redirectOutput(out.toFile());
            pb.redirectError(err.toFile());
            long t0 = System.nanoTime();
            Process p = pb.start();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("child JVM did not finish in " + timeoutSeconds + " s: " + command(mainClass, args));
            }
            long wall = System.nanoTime() - t0;
            return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8), wall);
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    /** Joins class path entries. */
    public static String join(List<String> entries) {
        return String.join(File.pathSeparator, entries);
    }
}
