package io.mlco2.it.metrics;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A child JVM running a job with the agent jar, as a user would start it; stdout and stderr go to files. */
final class AgentJvm {

    final Process process;
    final Path stdout;
    final Path stderr;

    private AgentJvm(Process process, Path stdout, Path stderr) {
        this.process = process;
        this.stdout = stdout;
        this.stderr = stderr;
    }

    static Path agentJar() {
        String jar = System.getProperty("mlco2.it.agentJar");
        if (jar == null || !Files.isRegularFile(Path.of(jar))) {
            throw new IllegalStateException("mlco2.it.agentJar does not name the built agent jar: " + jar);
        }
        return Path.of(jar).toAbsolutePath();
    }

    static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** Starts {@code mainClass args} in {@code workDir} with {@code -javaagent:<jar>=<agentArgs>}. */
    static AgentJvm start(Path workDir, String agentArgs, String mainClass, String... args) throws IOException {
        Files.createDirectories(workDir);
        List<String> cmd = new ArrayList<>(List.of(java(), "-javaagent:" + agentJar() + "=" + agentArgs, "-cp",
                System.getProperty("java.class.path"), mainClass));
        cmd.addAll(List.of(args));
        Path out = workDir.resolve("stdout.txt");
        Path err = workDir.resolve("stderr.txt");
        Process p = new ProcessBuilder(cmd).directory(workDir.toFile()).redirectOutput(out.toFile())
                .redirectError(err.toFile()).start();
        return new AgentJvm(p, out, err);
    }

    /** Runs {@code java -jar <agent jar> args} in {@code workDir}; returns the exit code. */
    static int cli(Path workDir, Path out, Path err, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(java(), "-jar", agentJar().toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(workDir.toFile()).redirectOutput(out.toFile())
                .redirectError(err.toFile()).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("report command did not finish in 120 s");
        }
        return p.exitValue();
    }

    int await(long seconds) throws Exception {
        if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("child JVM still running after " + seconds + " s; stderr:\n" + stderr());
        }
        return process.exitValue();
    }

    String stderr() throws IOException {
        return Files.exists(stderr) ? Files.readString(stderr, StandardCharsets.UTF_8) : "";
    }

    String stdout() throws IOException {
        return Files.exists(stdout) ? Files.readString(stdout, StandardCharsets.UTF_8) : "";
    }
}
