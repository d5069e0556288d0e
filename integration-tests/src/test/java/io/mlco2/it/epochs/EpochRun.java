package io.mlco2.it.epochs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One child JVM run of a job, with or without the agent, and its epoch reports. */
final class EpochRun {

    final int exitCode;
    final String stdout;
    final String stderr;
    final Path reports;
    final String runId;

    private EpochRun(int exitCode, String stdout, String stderr, Path reports, String runId) {
        this.exitCode = exitCode;
        this.stdout = stdout;
        this.stderr = stderr;
        this.reports = reports;
        this.runId = runId;
    }

    static Path agentJar() {
        Path jar = Path.of(System.getProperty("mlco2.it.agentJar", "../agent/target/mlco2-agent.jar")).toAbsolutePath();
        assertTrue(Files.isRegularFile(jar), "agent jar not built: " + jar);
        return jar;
    }

    static String testClasses() {
        return Path.of(System.getProperty("mlco2.it.testClasses", "target/test-classes")).toAbsolutePath().toString();
    }

    /** The DJL job's class path: this JVM's (test classes and DJL). */
    static String djlClassPath() {
        return System.getProperty("java.class.path");
    }

    /** The DL4J job's class path: the test classes and target/dl4j-libs, nothing of DJL. */
    static String dl4jClassPath() throws IOException {
        Path libs = Path.of(System.getProperty("mlco2.it.dl4jLibs", "target/dl4j-libs"));
        List<String> cp = new ArrayList<>();
        cp.add(testClasses());
        try (var files = Files.list(libs)) {
            cp.addAll(files.filter(p -> p.toString().endsWith(".jar")).map(Path::toString).sorted().collect(Collectors.toList()));
        }
        assertTrue(cp.size() > 30, "DL4J libraries missing in " + libs);
        return String.join(File.pathSeparator, cp);
    }

    /**
     * Runs {@code mainClass} in a child JVM in {@code dir}; with the agent when {@code agentArgs} is not null (the
     * run id, output folder and a short interval are added).
     */
    static EpochRun run(Path dir, String runId, String agentArgs, String classPath, String mainClass, String... args)
            throws Exception {
        List<String> cmd = command(dir, runId, agentArgs, classPath, mainClass, args);
        return finish(dir, runId, cmd, start(dir, cmd));
    }

    /**
     * As {@link #run}, and once the job has printed {@code line} on stdout and {@code afterMillis} more have passed,
     * the job is sent SIGTERM (as {@code kill} or a scheduler does).
     */
    static EpochRun runAndTerminate(Path dir, String runId, String agentArgs, String classPath, String mainClass,
                                    String line, long afterMillis, String... args) throws Exception {
        List<String> cmd = command(dir, runId, agentArgs, classPath, mainClass, args);
        Process p = start(dir, cmd);
        Path out = dir.resolve("stdout.txt");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(300);
        while (p.isAlive() && !Files.readString(out, StandardCharsets.UTF_8).contains(line)) {
            if (System.nanoTime() > deadline) {
                p.destroyForcibly();
                throw new AssertionError("no '" + line + "' on stdout in 300 s: " + cmd);
            }
            Thread.sleep(20);
        }
        Thread.sleep(afterMillis);
        p.destroy(); // SIGTERM on Linux: the JVM runs its shutdown hooks, the agent's included
        return finish(dir, runId, cmd, p);
    }

    /**
     * As {@link #run}, on a pseudo-terminal ({@code script}): the job's stdout and stderr both go to the terminal,
     * and {@link #stdout} holds what the terminal showed (stderr is empty).
     */
    static EpochRun runOnTerminal(Path dir, String runId, String agentArgs, String classPath, String mainClass,
                                  String... args) throws Exception {
        List<String> cmd = command(dir, runId, agentArgs, classPath, mainClass, args);
        StringBuilder shell = new StringBuilder();
        for (String c : cmd) {
            shell.append(shell.length() == 0 ? "" : " ").append('\'').append(c.replace("'", "'\\''")).append('\'');
        }
        return finish(dir, runId, cmd, start(dir, List.of("script", "-qec", shell.toString(), "/dev/null")));
    }

    private static List<String> command(Path dir, String runId, String agentArgs, String classPath, String mainClass,
                                        String... args) {
        Path reports = dir.resolve("reports");
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        if (agentArgs != null) {
            cmd.add("-javaagent:" + agentJar() + "=mlco2.run-id=" + runId + ";mlco2.output.dir=" + reports
                    + ";mlco2.interval=250ms" + (agentArgs.isEmpty() ? "" : ";" + agentArgs));
        }
        cmd.add("-cp");
        cmd.add(classPath);
        cmd.add(mainClass);
        cmd.addAll(Arrays.asList(args));
        return cmd;
    }

    private static Process start(Path dir, List<String> cmd) throws IOException {
        return new ProcessBuilder(cmd).directory(dir.toFile()).redirectOutput(dir.resolve("stdout.txt").toFile())
                .redirectError(dir.resolve("stderr.txt").toFile()).start();
    }

    private static EpochRun finish(Path dir, String runId, List<String> cmd, Process p) throws Exception {
        Path reports = dir.resolve("reports");
        Path out = dir.resolve("stdout.txt");
        Path err = dir.resolve("stderr.txt");
        if (!p.waitFor(600, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("child JVM did not finish in 600 s: " + cmd);
        }
        return new EpochRun(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8), reports, runId);
    }

    JsonNode summary() throws IOException {
        return new ObjectMapper().readTree(io.mlco2.it.support.Reports.file(reports, runId, ".json").toFile());
    }

    /** The rows of {@code <run_id>.<node_id>.epochs.csv}, header first, split on commas (our values hold none). */
    List<String[]> epochsCsv() throws IOException {
        List<String[]> rows = new ArrayList<>();
        for (String line : Files.readAllLines(io.mlco2.it.support.Reports.file(reports, runId, ".epochs.csv"), StandardCharsets.UTF_8)) {
            rows.add(line.split(",", -1));
        }
        return rows;
    }

    String describe() {
        return "exit " + exitCode + "\n--- stdout\n" + stdout + "\n--- stderr\n" + stderr;
    }

    /**
     * The checks common to every framework: {@code epochs} rows numbered 1..n, each with a duration and energy; the
     * CSV and the JSON agree; the epochs plus the energy outside epochs make the run's total.
     */
    void assertEpochRows(int epochs) throws IOException {
        assertEquals(0, exitCode, describe());
        List<String[]> csv = epochsCsv();
        List<String> header = List.of(csv.get(0));
        int phase = header.indexOf("phase");
        int number = header.indexOf("number");
        int energy = header.indexOf("energy_kwh");
        int duration = header.indexOf("duration_s");
        int complete = header.indexOf("complete");
        double sumKwh = 0;
        int n = 0;
        for (String[] row : csv.subList(1, csv.size())) {
            if (!row[phase].equals("epoch")) {
                continue;
            }
            n++;
            assertEquals(Integer.toString(n), row[number], "epoch numbers in order\n" + describe());
            assertTrue(Double.parseDouble(row[duration]) > 0, "epoch " + n + " has a duration");
            assertTrue(Double.parseDouble(row[energy]) > 0, "epoch " + n + " has energy");
            assertEquals("true", row[complete], "epoch " + n + " ran to its end\n" + describe());
            sumKwh += Double.parseDouble(row[energy]);
        }
        assertEquals(epochs, n, "epoch rows\n" + describe());

        JsonNode s = summary();
        JsonNode e = s.get("epochs");
        assertEquals(epochs, e.get("completed_epochs").asInt());
        assertEquals(sumKwh, e.get("epochs_energy_kwh").asDouble(), 1e-12, "CSV and JSON agree");
        double totalKwh = s.get("energy_kwh").get("total").asDouble();
        double outsideKwh = e.get("outside_epochs_energy_kwh").asDouble();
        assertTrue(sumKwh <= totalKwh * (1 + 1e-9), "epochs " + sumKwh + " within the run's " + totalKwh);
        assertEquals(totalKwh, sumKwh + outsideKwh, totalKwh * 1e-6,
                "the epochs and the samples outside epochs make the run's total");
    }

    /**
     * At the default level (info) on a machine without a GPU, the agent's stderr is at most 3 lines besides the
     * forecasts and the summary line (the GPU, the CPU method, and the first time on a machine its CPU missing from
     * the TDP table), each short.
     */
    void assertQuietStderr() {
        List<String> others = new ArrayList<>();
        for (String line : stderr.split("\n")) {
            if (line.startsWith("[mlco2] ") && !line.startsWith("[mlco2] forecast after ")
                    && !line.startsWith("[mlco2] run " + runId + " ")) {
                others.add(line);
                assertTrue(line.length() <= 200, "a short line: " + line);
            }
        }
        assertTrue(others.size() <= 3, "at most 3 lines besides the forecasts and the summary\n" + describe());
    }

    /**
     * A forecast was printed once after {@code after} epochs, on a line of its own; one was made after each epoch
     * from then on ({@code epochs} in all), each kept with its error against the actual total.
     */
    void assertForecast(int after, int planned, String plannedSource, int epochs) throws IOException {
        String line = "forecast after " + after + " of " + planned + " epochs";
        assertEquals(1, stderr.split(line, -1).length - 1, "printed once: " + line + "\n" + describe());
        assertTrue(stderr.contains("\n[mlco2] " + line) || stderr.startsWith("[mlco2] " + line), "at column 0\n" + describe());
        JsonNode f = summary().get("forecast");
        assertEquals(epochs, f.get("after_epochs").asInt(), "the latest forecast");
        assertEquals(planned, f.get("planned_epochs").asInt());
        assertEquals(plannedSource, f.get("planned_epochs_source").asText());
        assertTrue(f.get("forecast_energy_kwh").asDouble() > 0);
        double actual = summary().get("energy_kwh").get("total").asDouble();
        assertEquals(actual, f.get("actual_energy_kwh").asDouble(), 1e-15);
        JsonNode all = f.get("forecasts");
        assertEquals(epochs - after + 1, all.size(), "one forecast per epoch\n" + f);
        for (int i = 0; i < all.size(); i++) {
            JsonNode one = all.get(i);
            assertEquals(after + i, one.get("after_epochs").asInt());
            double forecast = one.get("forecast_energy_kwh").asDouble();
            assertEquals(100 * (forecast - actual) / actual, one.get("forecast_error_pct").asDouble(), 1e-6,
                    "its error against the actual");
        }
    }
}
