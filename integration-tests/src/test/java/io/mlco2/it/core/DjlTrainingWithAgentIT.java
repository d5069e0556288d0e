package io.mlco2.it.core;

import com.fasterxml.jackson.databind.JsonNode;
import io.mlco2.it.jobs.DjlTrainingJob;
import io.mlco2.it.support.ChildJvm;
import io.mlco2.it.support.Reports;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The agent on a real DJL (PyTorch CPU) training job in a child JVM, as a user runs it: the job's exit code and
 * output are unchanged, and the reports say what the issue asks.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DjlTrainingWithAgentIT {

    static final String JOB = DjlTrainingJob.class.getName();
    static final String[] JOB_ARGS = {"3", "24000", "3"};
    static final double PUE = 1.2;

    @TempDir
    static Path work;
    static ChildJvm.Result plain;
    static ChildJvm.Result first;
    static Path out;

    @BeforeAll
    static void runJobs() throws Exception {
        out = work.resolve("reports");
        plain = new ChildJvm().workDir(work).run(JOB, JOB_ARGS);
        first = new ChildJvm().workDir(work)
                .withAgent("mlco2.region=FR;mlco2.project-name=mnist;mlco2.pue=" + PUE + ";mlco2.output.dir=" + out)
                .jvmArg("-Xlog:class+load=info:file=\"" + work.resolve("classes.log") + "\"") // quoted: a path may hold ':'
                .run(JOB, JOB_ARGS);
    }

    static String stableStdout(ChildJvm.Result r) {
        return r.stdout().replaceAll("wall_ms=\\d+", "wall_ms=*");
    }

    @Test
    @Order(1)
    void exitCodeAndOutputAreTheJobsOwn() {
        assertEquals(3, plain.exitCode(), plain.all());
        assertEquals(3, first.exitCode(), first.all());
        assertEquals(stableStdout(plain), stableStdout(first), "the agent must not write to the job's stdout");
        assertTrue(first.stdout().contains("TRAINING DONE epochs=3"), first.all());
        assertFalse(first.stderr().contains("Exception"), first.stderr());
    }

    /**
     * docs/PERFORMANCE.md: on a training job's first seconds the agent spins no classes of its own through method
     * handles: no lambda or method reference of the agent's, and no record's equals/hashCode/toString (linked through
     * {@code ObjectMethods}, ~50 method-handle classes the first time; the epoch weaver's hook set did it once). DJL
     * itself uses lambdas, but no {@code ObjectMethods}.
     */
    @Test
    @Order(2)
    void theAgentSpinsNoMethodHandleClassesOfItsOwn() throws Exception {
        List<String> loaded = Files.readAllLines(work.resolve("classes.log"));
        assertTrue(loaded.stream().anyMatch(l -> l.contains(" io.mlco2.tracker.epochs.HookWeaver ")),
                "the class log covers the epoch hooks");
        for (String l : loaded) {
            boolean agents = l.contains(" io.mlco2.tracker.") || l.contains(" io.mlco2.agent.")
                    || l.contains(" io.mlco2.nvml."); // not the job's own io.mlco2.it classes
            assertFalse(agents && l.contains("$$Lambda"), "a lambda of the agent's: " + l);
            assertFalse(l.contains(" java.lang.runtime.ObjectMethods "), "a record's equals/hashCode/toString: " + l);
        }
    }

    @Test
    @Order(2)
    void emissionsCsvHasCodeCarbonsHeaderAndOneRow() throws Exception {
        List<String> lines = Reports.lines(out.resolve("emissions.csv"));
        assertEquals(Reports.goldenHeader() + ",node_id", lines.get(0), "CodeCarbon's columns, then the node");
        assertEquals(2, lines.size(), String.join("\n", lines));
        Map<String, String> row = Reports.rows(out.resolve("emissions.csv")).get(0);
        assertEquals("mnist", row.get("project_name"));
        assertEquals("FRA", row.get("country_iso_code"));
        assertEquals("France", row.get("country_name"));

        double duration = Double.parseDouble(row.get("duration"));
        double wallSeconds = first.wallNanos() / 1e9;
        assertTrue(duration <= wallSeconds && duration >= 0.9 * wallSeconds,
                "duration " + duration + " s vs the child's wall time " + wallSeconds + " s");

        double cpuKwh = Double.parseDouble(row.get("cpu_energy"));
        assertTrue(cpuKwh > 0, "CPU energy must be measured: " + row);
        double total = Double.parseDouble(row.get("energy_consumed"));
        double sum = cpuKwh + Double.parseDouble(row.get("gpu_energy")) + Double.parseDouble(row.get("ram_energy"));
        assertEquals(sum, total, total * 1e-9);
        assertEquals(PUE, Double.parseDouble(row.get("pue")));
        assertEquals("N", row.get("on_cloud"));
        assertEquals("", row.get("python_version"), "never invented");
    }

    @Test
    @Order(3)
    void emissionsAreEnergyTimesPueTimesIntensity() throws Exception {
        Map<String, String> row = Reports.rows(out.resolve("emissions.csv")).get(0);
        JsonNode json = Reports.json(Reports.file(out, row.get("run_id"), ".json"));
        double intensity = json.get("carbon_intensity_g_per_kwh").asDouble();
        assertTrue(intensity > 10 && intensity < 150, "France's grid is low-carbon: " + intensity);
        double energyKwh = Double.parseDouble(row.get("energy_consumed"));
        double emissions = Double.parseDouble(row.get("emissions"));
        assertEquals(energyKwh * PUE * intensity / 1000.0, emissions, emissions * 1e-9);
        assertEquals(emissions, json.get("emissions_kg").asDouble(), emissions * 1e-12);
    }

    @Test
    @Order(4)
    void summaryJsonHasTheKeysTheIssueNames() throws Exception {
        Map<String, String> row = Reports.rows(out.resolve("emissions.csv")).get(0);
        JsonNode j = Reports.json(Reports.file(out, row.get("run_id"), ".json"));
        assertTrue(j.get("complete").asBoolean(), "a normal end: " + j);
        assertTrue(j.get("node").get("pid").asLong() > 0, j.toString());
        for (String k : List.of("run_id", "project_name", "duration_s", "energy_kwh", "methods", "region",
                "carbon_intensity_g_per_kwh", "pue", "emissions_kg", "tdp_estimate", "measured_over_estimate")) {
            assertTrue(j.has(k), "missing " + k + " in " + j);
        }
        for (String c : List.of("cpu", "gpu", "ram", "total")) {
            assertTrue(j.get("energy_kwh").has(c), c);
        }
        assertEquals("cpu-load-model", j.get("methods").get("cpu").asText(), "no RAPL on CI machines");
        assertEquals("none", j.get("methods").get("gpu").asText(), "no GPU on CI machines");
        assertEquals("ram-model", j.get("methods").get("ram").asText());
        assertEquals(0.0, j.get("energy_kwh").get("gpu").asDouble());
        assertEquals("FR", j.get("region").asText());
        JsonNode est = j.get("tdp_estimate");
        double estKwh = est.get("energy_kwh").asDouble();
        assertEquals(est.get("tdp_w").asDouble() * j.get("duration_s").asDouble() / 3600 / 1000, estKwh, estKwh * 1e-9);
        assertEquals(estKwh * j.get("carbon_intensity_g_per_kwh").asDouble() / 1000, est.get("emissions_kg").asDouble(), 1e-15);
        assertFalse(est.get("hardware").asText().isEmpty());
        double measuredCpuGpu = j.get("energy_kwh").get("cpu").asDouble() + j.get("energy_kwh").get("gpu").asDouble();
        assertEquals(measuredCpuGpu / estKwh, j.get("measured_over_estimate").asDouble(), 1e-9);
        assertTrue(first.stderr().contains("[mlco2] run " + row.get("run_id")), "summary line on stderr: " + first.stderr());
    }

    @Test
    @Order(5)
    void aSecondRunAppendsASecondRow() throws Exception {
        ChildJvm.Result second = new ChildJvm().workDir(work)
                .withAgent("mlco2.region=FR;mlco2.project-name=mnist;mlco2.output.dir=" + out)
                .run(JOB, "1", "2000", "0");
        assertEquals(0, second.exitCode(), second.all());
        List<Map<String, String>> rows = Reports.rows(out.resolve("emissions.csv"));
        assertEquals(2, rows.size());
        assertFalse(rows.get(0).get("run_id").equals(rows.get(1).get("run_id")));
        assertTrue(Files.exists(Reports.file(out, rows.get(1).get("run_id"), ".json")));
    }
}
