package io.mlco2.tracker.report.merge;

import io.mlco2.tracker.base.Log;
import io.mlco2.tracker.base.NodeIdentity;
import io.mlco2.tracker.energy.Component;
import io.mlco2.tracker.carbon.GridIntensity;
import io.mlco2.tracker.carbon.Mitigation;
import io.mlco2.tracker.report.ComponentEnergy;
import io.mlco2.tracker.report.TdpEstimate;
import io.mlco2.tracker.report.ReportFiles;
import io.mlco2.tracker.report.RunSummary;
import io.mlco2.tracker.report.SummaryJson;
import io.mlco2.tracker.timeseries.ComponentPower;
import io.mlco2.tracker.timeseries.SamplesCsv;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A JVM killed before its exit hook leaves the summary written at its start ({@code "complete": false}) and its
 * samples up to the last flush: {@code report} counts it from the samples, marked incomplete. The files are made
 * the way the agent makes them (SummaryJson, SamplesCsv); the expected figures are read here from the CSV text.
 */
class ReportRecoveryTest {

    static final NodeIdentity NODE = new NodeIdentity("worker-1", 4242, "app-7", "2");
    final Log log = new Log(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), Log.Level.DEBUG);

    static final GridIntensity SWEDEN = new GridIntensity("SE", "Sweden", "Sweden", "SWE", "", "", "", 40, "test", false);

    /** A summary of {@code runId} with {@code cpuJoules}; at start (as Tracker writes it) {@code complete} is false. */
    static RunSummary summary(String runId, double cpuJoules, boolean complete) {
        Map<Component, ComponentEnergy> c = new EnumMap<>(Component.class);
        c.put(Component.CPU, new ComponentEnergy(cpuJoules, 0, "rapl", 0.5, 1));
        c.put(Component.GPU, new ComponentEnergy(0, 0, "nvml-energy-counter", 0.5, 1));
        c.put(Component.RAM, new ComponentEnergy(0, 0, "ram-model", 0.5, 1));
        double kwh = cpuJoules / 3.6e6;
        return new RunSummary(runId, "p", "", Instant.parse("2026-01-01T00:00:00Z"),
                Instant.parse("2026-01-01T00:00:00Z"), 0, c, SWEDEN, 1.25, kwh * 1.25 * 40 / 1000,
                new TdpEstimate(0, 0, 0, ""), new Mitigation("", "", Double.NaN, Double.NaN, 0, 0), "cpu", 4, 1,
                "gpu", false, 16, 4, "Linux", NODE.host(), "machine", "0.1", Map.of(), List.of(), Map.of(), NODE,
                complete);
    }

    static RunSummary atStart(String runId) {
        return summary(runId, 0, false);
    }

    /** Writes {@code n} samples of a run drawing {@code watts} per component, each flushed, then a torn line. */
    static Path killedSamples(Path dir, String runId, int n, double cpuW, double gpuW, double ramW, Log log) throws Exception {
        Path f = SamplesCsv.fileFor(dir, runId, NODE.nodeId());
        SamplesCsv csv = SamplesCsv.open(f, Duration.ofMillis(1), Duration.ofSeconds(1), Instant.parse("2026-01-01T00:00:00Z"),
                0, log);
        for (int i = 0; i < n; i++) {
            Map<Component, ComponentPower> m = new EnumMap<>(Component.class);
            m.put(Component.CPU, new ComponentPower(cpuW, cpuW * i, 0.5, "rapl"));
            m.put(Component.GPU, new ComponentPower(gpuW, gpuW * i, 0.5, "nvml-energy-counter"));
            m.put(Component.RAM, new ComponentPower(ramW, ramW * i, Double.NaN, "ram-model"));
            csv.append(i * 1_000_000_000L, m);
        }
        // SIGKILL: no write() at exit; the last write was cut short.
        Files.writeString(f, "2026-01-01T00:01:00Z,60.0,0,99", StandardOpenOption.APPEND);
        return f;
    }

    @Test
    void aKilledJvmIsCountedUpToItsLastFlushedSampleAndMarked(@TempDir Path dir) throws Exception {
        RunSummary start = atStart("job");
        Path json = SummaryJson.write(start, dir);
        Path samples = killedSamples(dir, "job", 31, 120, 300, 6, log);
        assertEquals(ReportFiles.file(dir, "job", NODE.nodeId(), ".samples.csv"), samples);

        // The oracle: the last complete row of the CSV text.
        List<String> lines = Files.readAllLines(samples);
        List<String> header = Arrays.asList(lines.get(0).split(","));
        String[] last = lines.get(lines.size() - 2).split(",", -1);
        double joules = Double.parseDouble(last[header.indexOf("cpu_energy_j")])
                + Double.parseDouble(last[header.indexOf("gpu_energy_j")])
                + Double.parseDouble(last[header.indexOf("ram_energy_j")]);
        assertEquals(426 * 30, joules, 1e-9, "30 s at 426 W");
        double kwh = joules / 3.6e6;
        double kg = kwh * start.pue() * start.intensity().gramsPerKwh() / 1000;

        ReportReader.Result r = ReportReader.read(List.of(dir));
        assertEquals(1, r.runs().size(), r.toString());
        assertTrue(r.problems().isEmpty(), r.problems().toString());
        NodeRun n = r.runs().get(0);
        assertEquals(json, n.source());
        assertEquals(samples, n.samplesFile());
        assertEquals(NODE.nodeId(), n.nodeId());
        assertFalse(n.complete());
        assertEquals("incomplete: JVM ended without its exit hook; energy up to its last sample at " + last[0],
                n.incomplete());
        assertEquals(kwh, n.totalKwh(), 1e-15);
        assertEquals(120 * 30 / 3.6e6, n.cpuKwh(), 1e-15);
        assertEquals(kg, n.emissionsKg(), 1e-15);
        assertEquals(30, n.durationSeconds(), 1e-9);
        assertEquals(1, Totals.all(r.runs()).incomplete);
        assertEquals(kwh, Totals.all(r.runs()).totalKwh(), 1e-15);
        // Its summary at start has no host_share section: the recovered energy is a whole-machine measurement.
        assertEquals(joules, HostRuns.of(r.runs()).get(0).sum().machineJoulesCountedOnce(), 1e-6);
    }

    @Test
    void aSamplesFileWithoutItsSummaryIsAProblemNamingIt(@TempDir Path dir) throws Exception {
        Path samples = killedSamples(dir, "lost", 11, 100, 0, 0, log);
        ReportReader.Result r = ReportReader.read(List.of(dir));
        assertTrue(r.runs().isEmpty());
        assertEquals(1, r.problems().size(), r.problems().toString());
        String p = r.problems().get(0);
        assertTrue(p.startsWith(samples + ": a time series without its summary"), p);
        assertTrue(p.contains(Double.toString(1000 / 3.6e6)) || p.contains("kWh up to 2026-01-01T00:00:10Z"), p);
    }

    @Test
    void anIncompleteSummaryWithoutSamplesIsCountedAsZeroAndSaysSo(@TempDir Path dir) throws Exception {
        SummaryJson.write(atStart("early"), dir);
        ReportReader.Result r = ReportReader.read(List.of(dir));
        assertEquals(1, r.runs().size());
        assertEquals(0, r.runs().get(0).totalKwh());
        assertTrue(r.runs().get(0).incomplete().contains("samples file early." + NODE.nodeId()
                + ".samples.csv is missing"), r.runs().get(0).incomplete());
    }

    @Test
    void aCompleteSummaryKeepsItsOwnFigures(@TempDir Path dir) throws Exception {
        RunSummary s = summary("done", 7200, true);
        SummaryJson.write(s, dir);
        killedSamples(dir, "ignored", 3, 1, 1, 1, log); // another JVM's stray samples: a problem, not this run's
        ReportReader.Result r = ReportReader.read(List.of(dir));
        assertEquals(1, r.runs().size());
        assertTrue(r.runs().get(0).complete());
        assertEquals(s.totalEnergyKwh(), r.runs().get(0).totalKwh(), 1e-12);
        assertEquals(1, r.problems().size(), r.problems().toString());
    }
}
