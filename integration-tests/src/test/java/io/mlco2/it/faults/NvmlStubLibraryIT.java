package io.mlco2.it.faults;

import com.fasterxml.jackson.databind.JsonNode;
import io.mlco2.it.jobs.SleepJob;
import io.mlco2.it.support.ChildJvm;
import io.mlco2.it.support.Reports;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The NVML rows of the fault matrix, end to end: the packaged agent in a child JVM loads a real native
 * {@code libnvidia-ml.so.1} (a stub compiled from {@code src/test/c/nvml_stub.c} by this test) through its own JNA,
 * and the stub plays a GPU that is absent, healthy, lost, without an energy counter, or hung. No GPU needed; the
 * tests are skipped where gcc is missing.
 *
 * <p>The stub reports one "NVIDIA H200" at a constant 120 W whose energy counter advances 120 J per second of
 * CLOCK_MONOTONIC, so a correct agent reports GPU energy ~ 120 W x the run's duration. Its log ({@code NVML_STUB_LOG})
 * shows what the agent actually called: that the fault really happened, and what came after it.
 *
 * <p>Timing: only upper bounds on hangs are asserted, with generous margins for a busy 2-core machine.
 */
class NvmlStubLibraryIT {

    private static final double STUB_WATTS = 120.0;
    private static final String STUB_NAME = "NVIDIA H200";
    private static final String STUB_UUID = "GPU-stub-0000";
    private static final int JOB_EXIT = 7;
    private static final long SHUTDOWN_TIMEOUT_MS = 2000;
    /** Slack on top of the shutdown timeout for the JVM's own exit on a busy machine (the bug it guards is 10 s). */
    private static final long EXIT_SLACK_MS = 4000;
    /**
     * Reads (power or energy calls) that succeed before a fault so that exactly one complete sample precedes it, on any
     * machine: opening the GPU reads the counter and the power field (2), the first sample the power field and the
     * counter (2); read 5 is then the next sample's power field, periodic or the last one at exit, which always comes.
     * (With 5, a busy machine whose agent starts late may take no read after it: the last sample reads the counter
     * only when the periodic sample before it has not already answered the exit's counter request.)
     */
    private static final int COMPLETE_FIRST_SAMPLE = 4;
    /** Long enough that the agent starts (well over 1 s on a busy 2-core machine) and samples before the job ends. */
    private static final long FAULT_JOB_MS = 4000;

    @TempDir
    static Path libDir;

    /** How the child JVM is pointed at the stub: the three ways the binding honours. */
    enum Steering { JNA_LIBRARY_PATH, LD_LIBRARY_PATH, MLCO2_NVML_LIBRARY }

    private static boolean stubBuilt;

    @BeforeAll
    static void compileStub() throws Exception {
        if (!gccAvailable()) {
            return; // each test is then skipped, with the reason (an assumption here would hide it in the reports)
        }
        compile(libDir);
        compile(Files.createDirectories(libDir.resolve("no-field-values")), "-DNVML_STUB_NO_FIELD_VALUES");
        stubBuilt = true;
    }

    /** Builds {@code dir/libnvidia-ml.so.1} (and the {@code libnvidia-ml.so} link) from the stub's source. */
    private static void compile(Path dir, String... defines) throws Exception {
        Path src = stubSource();
        Path so = dir.resolve("libnvidia-ml.so.1");
        List<String> cmd = new ArrayList<>(List.of("gcc", "-shared", "-fPIC", "-O1", "-Wall", "-Wextra",
                "-Wl,-soname,libnvidia-ml.so.1"));
        cmd.addAll(List.of(defines));
        cmd.addAll(List.of("-o", so.toString(), src.toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "gcc did not finish");
        assertEquals(0, p.exitValue(), String.join(" ", cmd) + " failed:\n" + out);
        // The development name too, so that JNA's "nvidia-ml" finds the stub in this folder before any real driver.
        Files.createSymbolicLink(dir.resolve("libnvidia-ml.so"), so.getFileName());
    }

    /** A real NVIDIA driver library on this machine (the binding's fixed candidates), or null. */
    private static Path realNvml() {
        for (String p : List.of("/usr/lib/x86_64-linux-gnu/libnvidia-ml.so.1",
                "/usr/lib/aarch64-linux-gnu/libnvidia-ml.so.1", "/usr/local/nvidia/lib64/libnvidia-ml.so.1",
                "/usr/lib64/libnvidia-ml.so.1")) {
            if (Files.exists(Path.of(p))) {
                return Path.of(p);
            }
        }
        return null;
    }

    /** Where the binding would fall back to a real driver (after a failing stub, or before LD_LIBRARY_PATH). */
    private static void assumeNoRealNvml() {
        assumeTrue(realNvml() == null, "this machine has a real NVML (" + realNvml() + ") that the agent would "
                + "load instead of or after the stub; this case needs a machine without an NVIDIA driver");
    }

    @BeforeEach
    void needsTheStub() {
        assumeTrue(stubBuilt, "gcc not found on PATH: cannot build the NVML stub library (src/test/c/nvml_stub.c), "
                + "so the NVML fault-matrix test is skipped");
    }

    private static boolean gccAvailable() {
        try {
            Process p = new ProcessBuilder("gcc", "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    private static Path stubSource() {
        String p = System.getProperty("mlco2.it.nvmlStubSource");
        Path src = p != null ? Path.of(p) : Path.of("src", "test", "c", "nvml_stub.c");
        assertTrue(Files.isRegularFile(src), "stub source not found: " + src.toAbsolutePath());
        return src;
    }

    // ---------------------------------------------------------------------------------------------- the rows

    @Test
    void initFailRunsTheJobWithoutGpuEnergyAndSaysWhyOnce(@TempDir Path work) throws Exception {
        assumeNoRealNvml();
        Run r = run(work, "init-fail", 5, 1500, "", Steering.JNA_LIBRARY_PATH);

        r.assertJobRanAndKeptItsExitCode();
        assertTrue(r.stubLog.stream().anyMatch(l -> l.contains("init mode=init-fail")),
                "the agent called the stub's nvmlInit_v2: " + r.stubLog);
        List<String> why = r.stderrLines(l -> l.contains("Driver Not Loaded (nvml stub)"));
        assertEquals(1, why.size(), "exactly one line says why, with the library's own message:\n" + r.stderr);
        assertTrue(why.get(0).contains("DRIVER_NOT_LOADED") && why.get(0).contains("nvmlInit_v2"), why.get(0));
        JsonNode j = r.json();
        assertEquals("none", j.get("methods").get("gpu").asText());
        assertEquals(0.0, j.get("energy_kwh").get("gpu").asDouble());
        assertEquals(0, j.get("hardware").get("gpu_count").asInt());
        assertFalse(j.has("gpu_devices"), "no GPU section without GPUs");
        Map<String, String> row = r.csvRow();
        assertEquals("", row.get("gpu_count"));
        assertEquals("", row.get("gpu_model"));
        assertTrue(r.stderrLines(l -> l.contains("ERROR")).isEmpty(), r.stderr);
    }

    @ParameterizedTest
    @EnumSource(Steering.class)
    void healthyGpuIsMeasuredWithTheEnergyCounter(Steering steering, @TempDir Path work) throws Exception {
        if (steering == Steering.LD_LIBRARY_PATH) {
            assumeNoRealNvml();
        }
        Run r = run(work, "healthy", 5, 1500, "", steering);

        r.assertJobRanAndKeptItsExitCode();
        JsonNode j = r.json();
        assertEquals("nvml-energy-counter", j.get("methods").get("gpu").asText(), r.stderr);
        r.assertGpuEnergyNearStubPower(j, 0.15);
        assertEquals(1, j.get("hardware").get("gpu_count").asInt());
        assertEquals(STUB_NAME, j.get("hardware").get("gpu_model").asText());
        assertFalse(j.get("hardware").get("gpu_shared_with_other_processes").asBoolean(),
                "the stub lists this JVM as the only compute process (nvmlProcessInfo_t layout)");
        JsonNode d = r.onlyGpuDevice(j);
        assertEquals(STUB_UUID, d.get("uuid").asText());
        assertEquals(STUB_NAME, d.get("name").asText());
        assertEquals("nvml-energy-counter", d.get("method").asText());
        assertTrue(d.get("boundary_uncertainty_s").isNull(), "only a power-based method has one: " + d);
        assertFalse(d.get("lost").asBoolean());
        assertFalse(d.get("shared_with_other_processes").asBoolean());
        Map<String, String> row = r.csvRow();
        assertEquals("1", row.get("gpu_count"));
        assertEquals(STUB_NAME, row.get("gpu_model"));
        assertEquals(50.0, Double.parseDouble(row.get("gpu_utilization_percent")), 0.01,
                "the stub's 50 % utilisation (nvmlUtilization_t layout)");
        // Power came from the instant-power field (nvmlFieldValue_t layout): had the agent misread it, it would have
        // fallen back to nvmlDeviceGetPowerUsage.
        String shutdown = r.stubEvent("shutdown");
        assertTrue(shutdown.contains(" power=0 ") && !shutdown.contains(" fields=0 "), shutdown);
        assertTrue(r.stubLog.stream().filter(l -> l.contains(" energy ")).count() >= 2, "counter read: " + r.stubLog);
        assertTrue(r.stderrLines(l -> l.contains("WARN") && l.contains("GPU") || l.contains("ERROR")).isEmpty(),
                r.stderr);
    }

    /**
     * A driver whose library lacks a symbol the binding maps (here {@code nvmlDeviceGetFieldValues}, as before
     * R450): JNA resolves it at its first call and fails that call only; the agent reads power with
     * {@code nvmlDeviceGetPowerUsage} instead, quietly.
     */
    @Test
    void missingSymbolFailsOnlyItsCallAndPowerComesFromPowerUsage(@TempDir Path work) throws Exception {
        Run r = run(work, "healthy", 5, 1500, "", Steering.JNA_LIBRARY_PATH, libDir.resolve("no-field-values"));

        r.assertJobRanAndKeptItsExitCode();
        JsonNode j = r.json();
        assertEquals("nvml-energy-counter", j.get("methods").get("gpu").asText(), r.stderr);
        r.assertGpuEnergyNearStubPower(j, 0.15);
        String shutdown = r.stubEvent("shutdown");
        assertTrue(shutdown.contains(" fields=0 ") && !shutdown.contains(" power=0 "), shutdown);
        assertEquals(STUB_NAME, r.csvRow().get("gpu_model"));
        assertTrue(r.stderrLines(l -> l.contains("WARN") && l.contains("GPU") || l.contains("ERROR")).isEmpty(),
                r.stderr);
    }

    @Test
    void lostGpuStopsBeingReadKeepsItsEnergyAndSaysSoOnce(@TempDir Path work) throws Exception {
        Run r = run(work, "lost-after", COMPLETE_FIRST_SAMPLE, FAULT_JOB_MS, "", Steering.JNA_LIBRARY_PATH);

        r.assertJobRanAndKeptItsExitCode();
        assertNotNull(r.stubEvent("lost "), "the GPU was lost during the run: " + r.stubLog);
        assertEquals(1, r.stubLog.stream().filter(l -> l.contains("lost-call")).count(),
                "after the first GPU_IS_LOST the agent made no further device call: " + r.stubLog);
        List<String> lost = r.stderrLines(l -> l.contains("is lost"));
        assertEquals(1, lost.size(), "exactly one line says the GPU is lost:\n" + r.stderr);
        assertTrue(lost.get(0).contains("GPU_IS_LOST") && lost.get(0).contains(STUB_NAME), lost.get(0));
        JsonNode j = r.json();
        double joules = j.get("energy_kwh").get("gpu").asDouble() * 3.6e6;
        assertTrue(joules > 0, "the energy measured before the loss is kept: " + joules + " J");
        assertTrue(joules <= STUB_WATTS * j.get("duration_s").asDouble() * 1.05,
                "no more than the GPU could have used: " + joules + " J");
        JsonNode d = r.onlyGpuDevice(j);
        assertTrue(d.get("lost").asBoolean(), d.toString());
        assertEquals("nvml-energy-counter", j.get("methods").get("gpu").asText(),
                "the energy kept was measured with the counter, and the report says so");
        assertEquals(1, j.get("hardware").get("gpu_count").asInt());
        assertEquals("1", r.csvRow().get("gpu_count"));
    }

    @Test
    void noEnergyCounterFallsBackToIntegratingPower(@TempDir Path work) throws Exception {
        Run r = run(work, "not-supported-counter", 5, 1500, "", Steering.JNA_LIBRARY_PATH);

        r.assertJobRanAndKeptItsExitCode();
        JsonNode j = r.json();
        // the stub answers the 1 s average field (185): each reading is counted over the second it averages
        assertEquals("nvml-power-average", j.get("methods").get("gpu").asText(), r.stderr);
        r.assertGpuEnergyNearStubPower(j, 0.15);
        assertEquals("nvml-power-average", r.onlyGpuDevice(j).get("method").asText());
        assertTrue(r.onlyGpuDevice(j).get("boundary_uncertainty_s").asDouble() > 0);
        assertFalse(r.stubLog.stream().anyMatch(l -> l.contains(" energy ")), "no counter value was ever given");
        assertEquals(STUB_NAME, r.csvRow().get("gpu_model"));
    }

    /**
     * The stub's power/energy reads block forever after {@code n} reads: 4 hangs the periodic sampler after one
     * complete sample (or the last sample), 2 hangs the very first sample (which ran on the agent's start-up thread
     * until this test found it).
     */
    @ParameterizedTest
    @ValueSource(ints = {COMPLETE_FIRST_SAMPLE, 2})
    void hungDeviceReadNeverHoldsTheExit(int n, @TempDir Path work) throws Exception {
        Run r = run(work, "hang-after", n, FAULT_JOB_MS, "", Steering.JNA_LIBRARY_PATH);

        r.assertJobRanAndKeptItsExitCode();
        assertNotNull(r.stubEvent("hang "), "a device read really hung: " + r.stubLog);
        r.assertExitedWithinShutdownTimeout();
        Path json = r.jsonPath();
        if (json == null) { // the last sample's wait and the writing did not fit in the shutdown timeout
            assertEquals(1, r.stderrLines(l -> l.contains("were not written within mlco2.shutdown.timeout")).size(),
                    "without reports, one line says why:\n" + r.stderr);
            return;
        }
        assertNotNull(r.stubEvent("shutdown"), "NVML was still shut down after the reports: " + r.stubLog);
        List<String> hang = r.stderrLines(l -> l.toLowerCase().contains("hung") || l.toLowerCase().contains("hang"));
        assertEquals(1, hang.size(), "exactly one line mentions the hang:\n" + r.stderr);
        JsonNode j = Reports.json(json);
        double joules = j.get("energy_kwh").get("gpu").asDouble() * 3.6e6;
        if (n >= COMPLETE_FIRST_SAMPLE) { // the first sample completed before the hang
            assertTrue(joules > 0, "energy so far is reported: " + joules + " J");
        }
        assertTrue(joules <= STUB_WATTS * j.get("duration_s").asDouble() * 1.05, joules + " J");
        assertEquals("nvml-energy-counter", j.get("methods").get("gpu").asText());
        assertTrue(j.get("notes").toString().contains("hung"), j.get("notes").toString());
        assertEquals(STUB_NAME, r.csvRow().get("gpu_model"));
    }

    /**
     * A read that hangs while the agent opens the GPU (nvmlInit_v2 itself, or the first counter read of the probe).
     * NVML opens on its own daemon thread; at exit the agent stops waiting for it and reports without the GPU.
     */
    @Test
    void hungDeviceReadWhileOpeningTheGpuNeverHoldsTheExit(@TempDir Path work) throws Exception {
        Run r = run(work, "hang-after", 0, FAULT_JOB_MS, "", Steering.JNA_LIBRARY_PATH);

        r.assertJobRanAndKeptItsExitCode();
        assertNotNull(r.stubEvent("hang "), "a device read really hung: " + r.stubLog);
        r.assertExitedWithinShutdownTimeout();
        assertNotNull(r.jsonPath(), "reports written (without GPU energy):\n" + r.stderr);
    }

    // ---------------------------------------------------------------------------------------------- the child

    private Run run(Path work, String mode, int n, long jobMs, String extraArgs, Steering steering) throws Exception {
        return run(work, mode, n, jobMs, extraArgs, steering, libDir);
    }

    private Run run(Path work, String mode, int n, long jobMs, String extraArgs, Steering steering, Path dir)
            throws Exception {
        Path out = work.resolve("reports");
        Path stubLog = work.resolve("nvml_stub.log");
        ChildJvm child = new ChildJvm()
                .withAgent("mlco2.region=DE;mlco2.cpu.tdp-watts=100;mlco2.output.dir=" + out
                        + ";mlco2.interval=100ms;mlco2.shutdown.timeout=" + SHUTDOWN_TIMEOUT_MS + "ms" + extraArgs)
                .workDir(work)
                .env("NVML_STUB_MODE", mode)
                .env("NVML_STUB_N", Integer.toString(n))
                .env("NVML_STUB_LOG", stubLog.toString());
        switch (steering) {
            case JNA_LIBRARY_PATH -> child.jvmArg("-Djna.library.path=" + dir);
            case LD_LIBRARY_PATH -> {
                String old = System.getenv("LD_LIBRARY_PATH");
                child.env("LD_LIBRARY_PATH", dir + (old == null || old.isEmpty() ? "" : ":" + old));
            }
            case MLCO2_NVML_LIBRARY -> child.jvmArg("-Dmlco2.nvml.library=" + dir.resolve("libnvidia-ml.so.1"));
        }
        return Run.start(child, out, stubLog, jobMs);
    }

    /** One finished child: its output, when the job's own work ended, when the process ended, the reports. */
    private static final class Run {
        final int exitCode;
        final String stdout;
        final String stderr;
        final long jobDoneNanos;
        final long exitNanos;
        final Path out;
        final List<String> stubLog;

        private Run(int exitCode, String stdout, String stderr, long jobDoneNanos, long exitNanos, Path out,
                    List<String> stubLog) {
            this.exitCode = exitCode;
            this.stdout = stdout;
            this.stderr = stderr;
            this.jobDoneNanos = jobDoneNanos;
            this.exitNanos = exitNanos;
            this.out = out;
            this.stubLog = stubLog;
        }

        static Run start(ChildJvm child, Path out, Path stubLog, long jobMs) throws Exception {
            Process p = child.start(SleepJob.class.getName(), Long.toString(jobMs), Integer.toString(JOB_EXIT));
            AtomicLong done = new AtomicLong();
            StringBuilder so = new StringBuilder();
            StringBuilder se = new StringBuilder();
            Thread t1 = pump(p.getInputStream(), so, line -> {
                if (line.startsWith("SLEEP JOB DONE")) {
                    done.compareAndSet(0, System.nanoTime());
                }
            });
            Thread t2 = pump(p.getErrorStream(), se, line -> { });
            if (!p.waitFor(180, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                fail("child JVM did not exit in 180 s\nstdout:\n" + so + "\nstderr:\n" + se);
            }
            long exit = System.nanoTime();
            t1.join(10_000);
            t2.join(10_000);
            List<String> log = Files.exists(stubLog) ? Files.readAllLines(stubLog, StandardCharsets.UTF_8) : List.of();
            synchronized (so) {
                synchronized (se) {
                    return new Run(p.exitValue(), so.toString(), se.toString(), done.get(), exit, out, log);
                }
            }
        }

        private static Thread pump(InputStream in, StringBuilder sink, java.util.function.Consumer<String> onLine) {
            Thread t = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = r.readLine()) != null) {
                        onLine.accept(line);
                        synchronized (sink) {
                            sink.append(line).append('\n');
                        }
                    }
                } catch (IOException ignored) {
                    // the child is gone
                }
            }, "child-output");
            t.setDaemon(true);
            t.start();
            return t;
        }

        String describe() {
            return "exit " + exitCode + "\nstdout:\n" + stdout + "\nstderr:\n" + stderr + "\nstub log:\n"
                    + String.join("\n", stubLog);
        }

        void assertJobRanAndKeptItsExitCode() {
            assertTrue(stdout.contains("SLEEP JOB DONE true"), describe());
            assertEquals(JOB_EXIT, exitCode, describe());
        }

        void assertExitedWithinShutdownTimeout() {
            assertTrue(jobDoneNanos > 0, describe());
            long exitDelayMs = (exitNanos - jobDoneNanos) / 1_000_000;
            assertTrue(exitDelayMs < SHUTDOWN_TIMEOUT_MS + EXIT_SLACK_MS, "the JVM exited " + exitDelayMs
                    + " ms after the job's work ended (shutdown timeout " + SHUTDOWN_TIMEOUT_MS + " ms)\n"
                    + describe());
        }

        List<String> stderrLines(java.util.function.Predicate<String> p) {
            return stderr.lines().filter(p).collect(Collectors.toList());
        }

        /** The first stub log line whose event starts with {@code prefix}, or null. */
        String stubEvent(String prefix) {
            for (String l : stubLog) {
                int sp = l.indexOf(' ');
                if (sp > 0 && l.substring(sp + 1).startsWith(prefix)) {
                    return l;
                }
            }
            return null;
        }

        Path jsonPath() throws IOException {
            if (!Files.isDirectory(out)) {
                return null;
            }
            try (Stream<Path> s = Files.list(out)) {
                List<Path> js = s.filter(f -> f.getFileName().toString().endsWith(".json"))
                        .collect(Collectors.toList());
                assertTrue(js.size() <= 1, js.toString());
                return js.isEmpty() ? null : js.get(0);
            }
        }

        JsonNode json() throws IOException {
            Path p = jsonPath();
            assertNotNull(p, "no JSON report in " + out + "\n" + describe());
            return Reports.json(p);
        }

        Map<String, String> csvRow() throws IOException {
            List<Map<String, String>> rows = Reports.rows(out.resolve("emissions.csv"));
            assertEquals(1, rows.size(), rows.toString());
            return rows.get(0);
        }

        JsonNode onlyGpuDevice(JsonNode j) {
            JsonNode devs = j.get("gpu_devices");
            assertNotNull(devs, j.toString());
            assertEquals(1, devs.size(), devs.toString());
            return devs.get(0);
        }

        /** GPU energy within {@code tolerance} of the stub's 120 W x the tracked duration. */
        void assertGpuEnergyNearStubPower(JsonNode j, double tolerance) {
            double joules = j.get("energy_kwh").get("gpu").asDouble() * 3.6e6;
            double expected = STUB_WATTS * j.get("duration_s").asDouble();
            System.out.printf(java.util.Locale.ROOT, "GPU energy %.1f J vs 120 W x %.3f s = %.1f J (ratio %.3f)%n",
                    joules, j.get("duration_s").asDouble(), expected, joules / expected);
            assertTrue(Math.abs(joules - expected) <= tolerance * expected, String.format(java.util.Locale.ROOT,
                    "GPU energy %.1f J, expected %.1f J (120 W x %.3f s) +-%.0f %%%n%s", joules, expected,
                    j.get("duration_s").asDouble(), tolerance * 100, describe()));
        }
    }
}
