package io.mlco2.it.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mlco2.it.support.ChildJvm;
import io.mlco2.it.support.Reports;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A DJL training job started without the agent, measured from the moment {@code java -jar mlco2-agent.jar attach}
 * loads the agent into it (a separate process, as a user would run it), with its report at the job's exit; {@code list}
 * shows the job before the attach without the agent and after it with.
 */
class AttachIT {

    private static final Pattern EPOCH_LINE = Pattern.compile("(?m)^epoch (\\d+) done$");

    /** {@code java -jar mlco2-agent.jar args...} in its own JVM: exit code, stdout, stderr. */
    private record Cli(int code, String out, String err) {
        String describe() {
            return "exit " + code + "\n--- stdout\n" + out + "\n--- stderr\n" + err;
        }
    }

    private static Cli cli(Path dir, String... args) throws Exception {
        return cli(Path.of(System.getProperty("java.home")), dir, args);
    }

    /** As {@link #cli(Path, String...)}, with the {@code java} of the runtime at {@code javaHome}. */
    private static Cli cli(Path javaHome, Path dir, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(javaHome.resolve("bin").resolve("java").toString(),
                "-jar", ChildJvm.agentJar().toString()));
        cmd.addAll(List.of(args));
        Path out = Files.createTempFile(dir, "cli", ".out");
        Path err = Files.createTempFile(dir, "cli", ".err");
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("no answer in 120 s: " + cmd);
        }
        return new Cli(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }

    /** The epochs the job has finished, from its own {@code epoch N done} lines. */
    private static int epochsDone(Path stdout) throws Exception {
        Matcher m = EPOCH_LINE.matcher(Files.readString(stdout, StandardCharsets.UTF_8));
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }

    private static void awaitEpochs(Process job, Path stdout, int epochs) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(240);
        while (epochsDone(stdout) < epochs) {
            if (!job.isAlive() || System.nanoTime() > deadline) {
                job.destroyForcibly();
                throw new AssertionError("the job did not reach epoch " + epochs + ": "
                        + Files.readString(stdout, StandardCharsets.UTF_8));
            }
            Thread.sleep(50);
        }
    }

    /** Waits until the agent's epochs file in {@code reports} holds {@code rows} epoch rows (written as each ends). */
    private static void awaitAgentEpochs(Process job, Path reports, int rows) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(240);
        while (System.nanoTime() < deadline) {
            if (Files.isDirectory(reports)) {
                try (java.util.stream.Stream<Path> files = Files.list(reports)) {
                    for (Path f : (Iterable<Path>) files::iterator) {
                        String name = f.getFileName().toString();
                        if (name.startsWith("attached.") && name.endsWith(".epochs.csv")
                                && Files.readAllLines(f, StandardCharsets.UTF_8).stream().filter(l -> l.contains(",epoch,")).count() >= rows) {
                            return;
                        }
                    }
                }
            }
            assertTrue(job.isAlive(), "the job ended before the agent wrote " + rows + " epoch rows");
            Thread.sleep(100);
        }
        throw new AssertionError("the agent wrote fewer than " + rows + " epoch rows in 240 s into " + reports);
    }

    /** The line of {@code list} whose pid column is {@code pid}. */
    private static String listed(Cli list, long pid) {
        for (String line : list.out().split("\\R")) {
            if (line.startsWith(pid + " ")) {
                return line;
            }
        }
        throw new AssertionError("JVM " + pid + " not listed\n" + list.describe());
    }

    /**
     * On a Java runtime without module jdk.attach (a JRE, made here with jlink), the other commands work as before,
     * and list and attach each say so in one line.
     */
    @Test
    void onARuntimeWithoutJdkAttachTheOtherCommandsWorkAndListAndAttachSayWhy(@TempDir Path dir) throws Exception {
        Path jre = dir.resolve("jre");
        Process jlink = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jlink").toString(),
                "--add-modules", "java.se,jdk.unsupported", "--output", jre.toString(), "--no-header-files",
                "--no-man-pages").redirectErrorStream(true).redirectOutput(dir.resolve("jlink.txt").toFile()).start();
        assertTrue(jlink.waitFor(300, TimeUnit.SECONDS) && jlink.exitValue() == 0, Files.readString(dir.resolve("jlink.txt")));

        Cli version = cli(jre, dir, "version");
        assertEquals(0, version.code(), version.describe());
        assertTrue(version.out().startsWith("mlco2-agent "), version.describe());
        for (String[] args : List.of(new String[] {"list"}, new String[] {"attach", "1"})) {
            Cli r = cli(jre, dir, args);
            assertEquals(1, r.code(), r.describe());
            assertEquals(args[0] + ": this Java runtime (" + jre + ") has no module jdk.attach, which the command needs;"
                    + " run it with a JDK's java\n", r.err(), r.describe());
            assertEquals("", r.out());
        }
    }

    /**
     * A job started with the agent and {@code mlco2.enabled=false}: {@code list} shows the agent loaded but not
     * measuring, and {@code attach} refuses it in one line (a JVM loads the agent once), and the job lives on.
     */
    @Test
    void aJobWhoseAgentIsDisabledIsListedAsNotMeasuredAndAttachSaysWhy(@TempDir Path dir) throws Exception {
        Process job = new ChildJvm().withAgent("mlco2.enabled=false").workDir(dir)
                .start(dir.resolve("job.out"), dir.resolve("job.err"), "io.mlco2.it.jobs.SleepJob", "120000");
        try {
            // Until the JVM has published both the agent's marker and its main class (a JVM just started is listed
            // with the main class "Unknown" for a moment).
            String expected = job.pid() + " +no \\(agent loaded with mlco2\\.enabled=false\\) +io\\.mlco2\\.it\\.jobs\\.SleepJob 120000";
            String row = "";
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!row.matches(expected) && System.nanoTime() < deadline) {
                Cli list = cli(dir, "list");
                assertEquals(0, list.code(), list.describe());
                row = list.out().lines().filter(l -> l.startsWith(job.pid() + " ")).findFirst().orElse("");
            }
            assertTrue(row.matches(expected), row);

            Cli attach = cli(dir, "attach", Long.toString(job.pid()));
            assertEquals(1, attach.code(), attach.describe());
            assertEquals("attach: JVM " + job.pid() + " already has the agent, not measuring (no (agent loaded with"
                    + " mlco2.enabled=false)); a JVM loads it once: restart the job to measure it\n", attach.err(),
                    attach.describe());
            assertTrue(job.isAlive(), "the job lives on");
        } finally {
            job.destroyForcibly();
        }
    }

    @Test
    void attachMeasuresARunningDjlJobFromThenToItsExit(@TempDir Path dir) throws Exception {
        Path stdout = dir.resolve("job.out");
        Path stderr = dir.resolve("job.err");
        Path stop = dir.resolve("stop");
        Path reports = dir.resolve("reports");
        // One epoch, then one more at a time until the file 'stop' exists: the job trains as long as the test needs.
        Process job = new ChildJvm().workDir(dir).start(stdout, stderr, "io.mlco2.it.jobs.DjlTrainingJob", "1", "2048",
                "0", stop.toString());
        Instant attachedAt;
        int epochsBefore;
        try {
            awaitEpochs(job, stdout, 1);

            Cli before = cli(dir, "list");
            assertEquals(0, before.code(), before.describe());
            String row = listed(before, job.pid());
            assertTrue(row.matches(job.pid() + " +no +io\\.mlco2\\.it\\.jobs\\.DjlTrainingJob 1 2048 0 .*"), row);

            attachedAt = Instant.now();
            epochsBefore = epochsDone(stdout);
            Cli attach = cli(dir, "attach", Long.toString(job.pid()),
                    "run-id=attached;output.dir=" + reports + ";interval=250ms");
            assertEquals(0, attach.code(), attach.describe());
            assertEquals("attached to JVM " + job.pid() + " (io.mlco2.it.jobs.DjlTrainingJob 1 2048 0 " + stop
                    + "): measuring from now; the report is written at its exit into " + reports + "/\n", attach.out(),
                    attach.describe());
            assertEquals("", attach.err());

            Cli after = cli(dir, "list");
            assertEquals(0, after.code(), after.describe());
            row = listed(after, job.pid());
            assertTrue(row.matches(job.pid() + " +measuring since \\S+Z +io\\.mlco2\\.it\\.jobs\\.DjlTrainingJob .*"), row);

            Cli again = cli(dir, "attach", Long.toString(job.pid()));
            assertEquals(1, again.code(), again.describe());
            assertTrue(again.err().startsWith("attach: JVM " + job.pid() + " is already measured by the agent"), again.describe());
            assertEquals(1, again.err().split("\\R").length, again.describe());

            // The epoch running at the attach is not the agent's, nor perhaps the next (the hooks arrive while it
            // runs, later on a loaded machine): the job trains on until the agent has written three epoch rows.
            awaitAgentEpochs(job, reports, 3);
            Files.createFile(stop);
            assertTrue(job.waitFor(240, TimeUnit.SECONDS), "the job ends once 'stop' exists");
        } finally {
            job.destroyForcibly();
        }
        String out = Files.readString(stdout, StandardCharsets.UTF_8);
        String err = Files.readString(stderr, StandardCharsets.UTF_8);
        String describe = "--- job stdout\n" + out + "\n--- job stderr\n" + err;
        assertEquals(0, job.exitValue(), describe);
        assertTrue(out.contains("TRAINING DONE"), describe);
        int epochsTrained = epochsDone(stdout);

        JsonNode s = new ObjectMapper().readTree(Reports.file(reports, "attached", ".json").toFile());
        assertTrue(s.get("complete").asBoolean(), describe);
        assertTrue(s.get("energy_kwh").get("total").asDouble() > 0, "energy measured\n" + s);
        Instant start = Instant.parse(s.get("start").asText());
        Instant end = Instant.parse(s.get("end").asText());
        assertFalse(start.isBefore(attachedAt), "the run starts at the attach (" + attachedAt + "), not at " + start);
        assertTrue(end.isAfter(start));

        List<String> csv = Reports.lines(Reports.file(reports, "attached", ".epochs.csv"));
        List<String> header = Reports.fields(csv.get(0));
        int epochsMeasured = 0;
        for (String line : csv.subList(1, csv.size())) {
            List<String> f = Reports.fields(line);
            if (!f.get(header.indexOf("phase")).equals("epoch")) {
                continue;
            }
            epochsMeasured++;
            Instant epochStart = Instant.parse(f.get(header.indexOf("start")));
            assertFalse(epochStart.isBefore(attachedAt), "epoch " + f.get(header.indexOf("number")) + " began after the"
                    + " attach: " + line);
            assertTrue(Double.parseDouble(f.get(header.indexOf("energy_kwh"))) > 0, line);
            assertEquals("true", f.get(header.indexOf("complete")), line);
        }
        // Every epoch that began after the attach, but for the one in which the hooks arrived.
        assertTrue(epochsMeasured >= 3 && epochsMeasured <= epochsTrained - epochsBefore,
                epochsMeasured + " epochs measured of the " + (epochsTrained - epochsBefore) + " trained after the attach\n"
                        + String.join("\n", csv) + "\n" + describe);
        assertEquals(epochsMeasured, s.get("epochs").get("completed_epochs").asInt(), s.get("epochs").toString());
    }
}
