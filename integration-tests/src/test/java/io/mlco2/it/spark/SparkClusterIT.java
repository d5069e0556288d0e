package io.mlco2.it.spark;

import com.fasterxml.jackson.databind.JsonNode;
import io.mlco2.it.support.ChildJvm;
import io.mlco2.it.support.Reports;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The agent on a real multi-JVM Spark cluster: {@code local-cluster[2,1,512]} (a master and two workers inside the
 * driver JVM, each worker launching a real executor JVM), attached the documented way: {@code -javaagent} on the
 * driver and in {@code spark.executor.extraJavaOptions}, with only {@code mlco2.output.dir} set, one folder for all.
 * One application ({@link io.mlco2.it.jobs.SparkJob}) serves every assertion: while both executors run a task, one
 * is killed with SIGKILL; Spark relaunches it and the job finishes on two executors.
 */
class SparkClusterIT {

    /** Spark's own module options for Java 17 (JavaModuleOptions), which spark-submit would give the driver. */
    static final List<String> ADD_OPENS = List.of("-XX:+IgnoreUnrecognizedVMOptions",
            "--add-opens=java.base/java.lang=ALL-UNNAMED", "--add-opens=java.base/java.lang.invoke=ALL-UNNAMED",
            "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED", "--add-opens=java.base/java.io=ALL-UNNAMED",
            "--add-opens=java.base/java.net=ALL-UNNAMED", "--add-opens=java.base/java.nio=ALL-UNNAMED",
            "--add-opens=java.base/java.util=ALL-UNNAMED", "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
            "--add-opens=java.base/jdk.internal.ref=ALL-UNNAMED", "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-opens=java.base/sun.nio.cs=ALL-UNNAMED", "--add-opens=java.base/sun.security.action=ALL-UNNAMED",
            "--add-opens=java.base/sun.util.calendar=ALL-UNNAMED", "-Djdk.reflect.useDirectMethodHandle=false");

    static Path root;
    static Path reports;
    static Path control;
    static Path sparkHome;
    static int driverExit;
    static String driverOut;
    static String driverErr;
    static double wallSeconds;
    static long killedPid;
    static List<Long> heldPids;
    /** The machine's busy and total CPU jiffies ({@code /proc/stat}) from the driver's start to its executors' end. */
    static long busyJiffies;
    static long totalJiffies;

    /**
     * The driver's class path, which the executors get too: the test classes, Spark's class path
     * (target/spark-classpath.txt, resolved by the pom), then DJL and JNA from this JVM's.
     */
    static String sparkClassPath() throws IOException {
        Path list = Path.of(System.getProperty("mlco2.it.sparkClassPath", "target/spark-classpath.txt"));
        String cp = Files.readString(list, StandardCharsets.UTF_8).trim();
        assertTrue(cp.contains("spark-core_2.12"), "Spark's class path missing in " + list);
        List<String> entries = new ArrayList<>();
        entries.add(Path.of(System.getProperty("mlco2.it.testClasses", "target/test-classes")).toAbsolutePath().toString());
        entries.add(cp);
        for (String e : ChildJvm.testClassPath().split(File.pathSeparator)) {
            String unix = e.replace(File.separatorChar, '/');
            if (unix.contains("/ai/djl/") || unix.contains("/net/java/dev/jna/")) {
                entries.add(e);
            }
        }
        return ChildJvm.join(entries);
    }

    @BeforeAll
    static void runTheApplication() throws Exception {
        root = Files.createTempDirectory("mlco2-spark-it");
        reports = Files.createDirectories(root.resolve("reports"));
        control = Files.createDirectories(root.resolve("control"));
        sparkHome = Files.createDirectories(root.resolve("spark-home"));
        String agent = "-javaagent:" + ChildJvm.agentJar() + "=mlco2.output.dir=" + reports;

        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add(agent);
        cmd.add("-Xmx768m");
        cmd.addAll(ADD_OPENS);
        cmd.addAll(List.of("-Dspark.master=local-cluster[2,1,512]", "-Dspark.testing=true",
                "-Dspark.test.home=" + sparkHome, "-Dspark.executorEnv.SPARK_TESTING=1",
                "-Dspark.executorEnv.SPARK_SCALA_VERSION=2.12", "-Dspark.executor.memory=512m",
                "-Dspark.ui.enabled=false", "-Dspark.log.level=WARN",
                "-Dspark.executor.extraJavaOptions=" + agent));
        cmd.addAll(List.of("-cp", sparkClassPath(), "io.mlco2.it.jobs.SparkJob", control.toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(root.toFile())
                .redirectOutput(root.resolve("driver.out").toFile()).redirectError(root.resolve("driver.err").toFile());
        pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
        long[] cpu0 = procStatCpu();
        long t0 = System.nanoTime();
        Process driver = pb.start();
        try {
            heldPids = awaitRunning(driver, 2);
            Thread.sleep(2500); // the victim's agent flushes its samples at least every second
            killedPid = heldPids.get(0);
            ProcessHandle victim = ProcessHandle.of(killedPid).orElseThrow();
            assertTrue(commandLine(victim).contains("CoarseGrainedExecutorBackend"),
                    "the task ran in an executor JVM: " + commandLine(victim));
            assertTrue(victim.destroyForcibly(), "SIGKILL " + killedPid);
            victim.onExit().get(30, TimeUnit.SECONDS);
            Files.writeString(control.resolve("release"), "go");
            assertTrue(driver.waitFor(300, TimeUnit.SECONDS), "the Spark driver did not finish in 300 s");
        } finally {
            driver.destroyForcibly();
        }
        wallSeconds = (System.nanoTime() - t0) / 1e9;
        driverExit = driver.exitValue();
        driverOut = Files.readString(root.resolve("driver.out"));
        driverErr = Files.readString(root.resolve("driver.err"));
        awaitNoExecutorLeft();
        long[] cpu1 = procStatCpu();
        busyJiffies = cpu1[0] - cpu0[0];
        totalJiffies = cpu1[1] - cpu0[1];
        System.out.printf("Spark local-cluster[2,1,512] application with the agent: %.1f s wall%n", wallSeconds);
    }

    /** The machine's busy and total jiffies so far: the {@code cpu} line of {@code /proc/stat} (idle = idle + iowait). */
    static long[] procStatCpu() throws IOException {
        String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
        long total = 0;
        for (int i = 1; i < Math.min(f.length, 9); i++) { // user .. steal; guest is inside user
            total += Long.parseLong(f[i]);
        }
        long idle = Long.parseLong(f[4]) + Long.parseLong(f[5]);
        return new long[] {total - idle, total};
    }

    /** The pids of the first {@code n} tasks of the hold stage (files {@code running-<pid>}), waiting at most 180 s. */
    private static List<Long> awaitRunning(Process driver, int n) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        while (System.nanoTime() < end) {
            List<Long> pids = new ArrayList<>();
            try (Stream<Path> s = Files.list(control)) {
                s.map(p -> p.getFileName().toString()).filter(f -> f.startsWith("running-"))
                        .forEach(f -> pids.add(Long.parseLong(f.substring("running-".length()))));
            }
            if (pids.size() >= n) {
                pids.sort(Comparator.naturalOrder());
                return pids;
            }
            if (!driver.isAlive()) {
                throw new AssertionError("driver ended early: " + Files.readString(root.resolve("driver.err")));
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the executors' tasks did not start in 180 s: "
                + Files.readString(root.resolve("driver.err")));
    }

    /** Waits until no executor JVM of this test is left (the workers stop them when the driver ends). */
    private static void awaitNoExecutorLeft() throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < end && ProcessHandle.allProcesses().anyMatch(SparkClusterIT::isOurExecutor)) {
            Thread.sleep(200);
        }
        ProcessHandle.allProcesses().filter(SparkClusterIT::isOurExecutor).forEach(ProcessHandle::destroyForcibly);
    }

    /** The whole command line ({@code ProcessHandle.Info} cuts a long one short): /proc's, else the JDK's. */
    static String commandLine(ProcessHandle p) {
        try {
            return Files.readString(Path.of("/proc", Long.toString(p.pid()), "cmdline"), StandardCharsets.UTF_8)
                    .replace('\0', ' ');
        } catch (IOException | RuntimeException e) {
            return p.info().commandLine().orElse("");
        }
    }

    private static boolean isOurExecutor(ProcessHandle p) {
        String c = commandLine(p);
        return c.contains("CoarseGrainedExecutorBackend") && c.contains(reports.toString());
    }

    @AfterAll
    static void keepTheFilesOfAFailure() {
        System.out.println("Spark test files: " + root);
    }

    /** Every summary JSON in the shared folder, by file name. */
    static Map<String, JsonNode> summaries() throws IOException {
        Map<String, JsonNode> out = new TreeMap<>();
        try (Stream<Path> s = Files.list(reports)) {
            for (Path p : (Iterable<Path>) s.filter(f -> f.toString().endsWith(".json")).sorted()::iterator) {
                out.put(p.getFileName().toString(), Reports.json(p));
            }
        }
        return out;
    }

    /** The last row of the samples file beside the summary {@code jsonName}. */
    static Map<String, String> lastSample(String jsonName) throws IOException {
        List<Map<String, String>> rows = Reports.rows(reports.resolve(jsonName.replaceAll("\\.json$", ".samples.csv")));
        return rows.get(rows.size() - 1);
    }

    /** The cumulative energy of every component in a samples row, joules. */
    static double sampleJoules(Map<String, String> row) {
        double joules = 0;
        for (String c : List.of("cpu", "gpu", "ram")) {
            String v = row.get(c + "_energy_j");
            joules += v == null || v.isEmpty() ? 0 : Double.parseDouble(v);
        }
        return joules;
    }

    static String appId() {
        return driverOut.lines().filter(l -> l.startsWith("app-id ")).map(l -> l.substring(7)).findFirst()
                .orElseThrow(() -> new AssertionError("no application id: " + driverOut + driverErr));
    }

    @Test
    void theApplicationRunsToItsEndWithTheAgentOnTheDriverAndEveryExecutor() throws IOException {
        assertEquals(0, driverExit, driverErr);
        assertTrue(appId().startsWith("app-"), appId());
        assertTrue(driverOut.contains("executors 2"), "the killed executor was relaunched: " + driverOut);
        assertTrue(driverOut.contains("trained ["), "DJL trained in the executors: " + driverOut);
        assertTrue(driverErr.contains("[mlco2]"), driverErr);
        Map<String, JsonNode> s = summaries();
        assertTrue(s.size() >= 3, "driver, the surviving and the relaunched executor: " + s.keySet());
    }

    @Test
    void djlTrainingInsideEachExecutorIsMeasuredAsEpochs() throws IOException {
        int trained = 0;
        for (Map.Entry<String, JsonNode> e : summaries().entrySet()) {
            JsonNode epochs = e.getValue().path("epochs");
            if (epochs.path("completed_epochs").asInt() > 0) {
                trained++;
                assertEquals(io.mlco2.it.jobs.SparkJob.EPOCHS, epochs.path("completed_epochs").asInt(), e.getKey());
                assertEquals(io.mlco2.it.jobs.SparkJob.EPOCHS, epochs.path("planned_epochs").asInt(), e.getKey());
                assertTrue(epochs.path("frameworks").toString().contains("DJL"), e.getKey() + ": " + epochs);
                assertTrue(epochs.path("epochs_energy_kwh").asDouble() > 0, e.getKey() + ": " + epochs);
            }
        }
        assertEquals(2, trained, "the two executors of the train stage, each its own epochs: " + summaries().keySet());
    }

    @Test
    void oneRunAcrossTheDriverAndEveryExecutorEachInFilesOfItsOwn() throws IOException {
        String app = appId();
        Map<String, JsonNode> s = summaries();
        assertEquals(4, s.size(), "the driver, the two first executors and the relaunched one: " + s.keySet());
        Set<String> nodes = new HashSet<>();
        Set<Long> pids = new HashSet<>();
        Set<String> executorIds = new HashSet<>();
        int drivers = 0;
        for (Map.Entry<String, JsonNode> e : s.entrySet()) {
            JsonNode j = e.getValue();
            JsonNode node = j.path("node");
            assertEquals(app, j.path("run_id").asText(), e.getKey() + " is in the application's run");
            assertTrue(nodes.add(node.path("id").asText()), "a node of its own: " + e.getKey());
            assertEquals(app + "." + node.path("id").asText() + ".json", e.getKey());
            pids.add(node.path("pid").asLong());
            String exec = node.path("spark_executor_id").asText("");
            if (node.path("spark_executor_id").isNull() || exec.isEmpty()) {
                drivers++;
            } else {
                assertTrue(executorIds.add(exec), "executor ids are distinct: " + exec);
                assertEquals(app, node.path("spark_app_id").asText(), e.getKey());
                assertTrue(node.path("id").asText().startsWith("exec" + exec + "-"), node.toString());
            }
            boolean killed = node.path("pid").asLong() == killedPid;
            assertEquals(!killed, j.path("complete").asBoolean(), e.getKey() + (killed ? " was killed" : " ended normally"));
        }
        assertEquals(1, drivers, "the driver joined the application's run: " + s.keySet());
        assertEquals(3, executorIds.size(), "three executors (one relaunched): " + s.keySet());
        assertTrue(pids.containsAll(heldPids), "both executors of the hold stage: " + pids + " vs " + heldPids);
    }

    /**
     * {@code report} over the shared folder: one run of four nodes on one host, the killed one incomplete and
     * counted up to its last flushed sample; the run's total is the host's energy counted once, computed here from
     * the files as docs/DISTRIBUTED.md says: with a lease holder among them, each JVM counts its total less its
     * process share (the share is inside the holder's machine energy); the killed JVM's energy, recovered from its
     * samples, counts under the lease its summary had at its start (held: counted; shared: inside the holder's).
     */
    @Test
    void reportCountsEveryNodeAndTheKilledOneUpToItsLastSample() throws Exception {
        String app = appId();
        double countedJoules = 0;
        double shareJoules = 0;
        boolean holderReported = false;
        for (Map.Entry<String, JsonNode> e : summaries().entrySet()) {
            JsonNode j = e.getValue();
            JsonNode h = j.path("host_share");
            if (j.path("complete").asBoolean()) {
                double share = h.path("share_energy_joules_without_lease").asDouble();
                countedJoules += j.path("energy_kwh").path("total").asDouble() * 3.6e6 - share;
                shareJoules += share;
                holderReported |= h.path("machine_energy_joules_with_lease").asDouble() > 0;
            } else {
                Map<String, String> last = lastSample(e.getKey());
                double joules = sampleJoules(last);
                assertTrue(joules > 0, "the killed executor flushed samples before it died: " + e.getKey());
                if ("held".equals(h.path("lease").asText())) {
                    countedJoules += joules;
                    holderReported = true;
                } else {
                    shareJoules += joules;
                }
            }
        }
        double expectedKwh = (countedJoules + (holderReported ? 0 : shareJoules)) / 3.6e6;
        Path out = root.resolve("report.out");
        Path err = root.resolve("report.err");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
                ChildJvm.agentJar().toString(), "report", "--no-html", reports.toString())
                .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "report did not finish in 120 s");
        String o = Files.readString(out);
        assertEquals(0, p.exitValue(), o + Files.readString(err));
        assertTrue(o.startsWith("1 run(s), 4 node report(s) on 1 host(s)"), o);
        assertTrue(o.contains("1 incomplete") && o.contains("0 skipped"), o);
        String runLine = o.lines().filter(l -> l.trim().startsWith(app + " ")).findFirst().orElseThrow(() -> new AssertionError(o));
        String[] f = runLine.trim().split("\\s+");
        assertEquals("4", f[2], runLine);
        assertEquals(expectedKwh, Double.parseDouble(f[4]), 1.5e-6, "the run's total counts the host once: " + runLine);
        String killedLine = o.lines().filter(l -> l.contains("INCOMPLETE")).findFirst().orElseThrow(() -> new AssertionError(o));
        assertTrue(killedLine.contains("-" + killedPid), killedLine + " is the killed executor " + killedPid);
    }

    /**
     * The host's machine-level energy is counted once: the JVMs' holding windows of the run's host lease never
     * overlap, and the machine energy they counted with it adds up to one machine-mode measurement of the
     * application's window, computed here from {@code /proc/stat} with the same CPU load and memory model (TDP x the
     * machine's utilisation + 0.3725 W per GB installed), within 5 % and two sample intervals of the model's power per
     * holder. The plain sum of the JVMs' totals counts more.
     */
    @Test
    void theHostsMachineEnergyIsCountedOnce() throws IOException {
        Map<String, JsonNode> s = summaries();
        double machineJoules = 0;
        double naiveJoules = 0;
        double leaseSeconds = 0;
        int holders = 0;
        java.time.Instant first = null;
        java.time.Instant last = null;
        for (Map.Entry<String, JsonNode> e : s.entrySet()) {
            JsonNode j = e.getValue();
            JsonNode h = j.path("host_share");
            assertTrue(h.isObject(), e.getKey() + " has host_share: " + j);
            assertTrue(List.of("held", "shared").contains(h.path("lease").asText()), e.getKey() + ": " + h);
            if (!j.path("complete").asBoolean()) {
                // the killed executor: what it counted is in its samples, up to its last flushed sample
                Map<String, String> lastRow = lastSample(e.getKey());
                naiveJoules += sampleJoules(lastRow);
                if ("held".equals(h.path("lease").asText())) {
                    // it held the lease (it can win it before the driver joins the application's run): the
                    // machine's energy from its start to its last sample
                    machineJoules += sampleJoules(lastRow);
                    leaseSeconds += Double.parseDouble(lastRow.get("elapsed_s"));
                    holders++;
                }
                continue;
            }
            machineJoules += h.path("machine_energy_joules_with_lease").asDouble();
            leaseSeconds += h.path("lease_seconds").asDouble();
            holders += h.path("lease_seconds").asDouble() > 0 ? 1 : 0;
            if (j.path("complete").asBoolean()) {
                naiveJoules += j.path("energy_kwh").path("total").asDouble() * 3.6e6;
                java.time.Instant a = java.time.Instant.parse(j.path("start").asText());
                java.time.Instant b = java.time.Instant.parse(j.path("end").asText());
                first = first == null || a.isBefore(first) ? a : first;
                last = last == null || b.isAfter(last) ? b : last;
            }
        }
        double windowSeconds = java.time.Duration.between(first, last).toNanos() / 1e9;
        assertTrue(leaseSeconds <= windowSeconds + 1, "one holder at a time: " + leaseSeconds + " s held in a "
                + windowSeconds + " s window");
        JsonNode any = s.values().iterator().next();
        double tdpWatts = any.path("tdp_estimate").path("tdp_w").asDouble();
        double ramWatts = 0.3725 * any.path("hardware").path("ram_total_gb").asDouble();
        double utilisation = (double) busyJiffies / totalJiffies;
        double oracle = (tdpWatts * utilisation + ramWatts) * windowSeconds;
        double tolerance = 0.05 * oracle + 2 * (tdpWatts + ramWatts) * Math.max(1, holders);
        System.out.printf("Spark host energy: machine counted once %.0f J (%d holder(s), %.1f s held of %.1f s),"
                        + " machine-mode oracle %.0f J (utilisation %.3f), plain sum of the JVMs %.0f J%n",
                machineJoules, holders, leaseSeconds, windowSeconds, oracle, utilisation, naiveJoules);
        assertEquals(oracle, machineJoules, tolerance, "the machine's energy over the application's window, once");
        assertTrue(naiveJoules > machineJoules, "the plain sum counts the executors' shares again: " + naiveJoules);
    }
}
