package io.mlco2.tracker.report.merge;

import io.mlco2.tracker.base.NodeIdentity;
import io.mlco2.tracker.carbon.GridIntensity;
import io.mlco2.tracker.carbon.Mitigation;
import io.mlco2.tracker.energy.Component;
import io.mlco2.tracker.report.ComponentEnergy;
import io.mlco2.tracker.report.EmissionsCsv;
import io.mlco2.tracker.report.RunSummary;
import io.mlco2.tracker.report.SummaryJson;
import io.mlco2.tracker.report.TdpEstimate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The nodes of one run on one host counted together: summaries written here as the agent writes them
 * ({@link SummaryJson}, with the {@code host_share} section its host lease gives), the expected figures worked out
 * from the joules each JVM was given.
 */
public class HostRunsTest {

    static final double PUE = 1.5;
    static final double GRAMS_PER_KWH = 50;
    static final double J_PER_KWH = 3_600_000;

    /** Emissions of {@code joules} at this test's intensity and PUE. */
    static double kg(double joules) {
        return joules / J_PER_KWH * PUE * GRAMS_PER_KWH / 1000;
    }

    /** A host_share section as the agent writes it; {@code null} for none (an agent from before the lease). */
    public static Map<String, Object> section(String lease, double machineWith, double share, double machineWithout) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("lease", lease);
        m.put("machine_energy_joules_with_lease", machineWith);
        m.put("share_energy_joules_without_lease", share);
        m.put("machine_energy_joules_without_lease", machineWithout);
        m.put("lease_seconds", 0.0);
        m.put("lease_dir", null);
        return m;
    }

    /**
     * Writes the summary of one JVM into {@code dir}: {@code cpuJ + gpuJ + ramJ} joules, emissions at 50 g/kWh and
     * PUE 1.5, the given section (none when {@code null}).
     */
    public static Path write(Path dir, String runId, String host, long pid, double cpuJ, double gpuJ, double ramJ,
                             Map<String, Object> hostShare) throws Exception {
        Files.createDirectories(dir);
        return SummaryJson.write(summary(runId, host, pid, cpuJ, gpuJ, ramJ, hostShare), dir);
    }

    static RunSummary summary(String runId, String host, long pid, double cpuJ, double gpuJ, double ramJ,
                              Map<String, Object> hostShare) {
        Map<Component, ComponentEnergy> c = new EnumMap<>(Component.class);
        c.put(Component.CPU, new ComponentEnergy(cpuJ, cpuJ / 60, "rapl", 0.5, 1));
        c.put(Component.GPU, new ComponentEnergy(gpuJ, gpuJ / 60, "nvml-energy-counter", 0.5, 1));
        c.put(Component.RAM, new ComponentEnergy(ramJ, ramJ / 60, "ram-model", Double.NaN, 1));
        GridIntensity g = new GridIntensity("FR", "France", "France", "FRA", "", "", "", GRAMS_PER_KWH, "test", false);
        Map<String, Object> extra = hostShare == null ? Map.of() : Map.of("host_share", hostShare);
        return new RunSummary(runId, "p", "", Instant.parse("2026-01-01T00:00:00Z"),
                Instant.parse("2026-01-01T00:01:00Z"), 60, c, g, PUE, kg(cpuJ + gpuJ + ramJ),
                new TdpEstimate(100, 0, 0, "cpu"), new Mitigation("", "", Double.NaN, Double.NaN, 0, 0), "cpu", 8, 1,
                "gpu", false, 32, 4, "Linux", host, "machine", "0.1.0", Map.of(), List.of(), extra,
                new NodeIdentity(host, pid, null, null), true);
    }

    private static NodeRun node(List<NodeRun> runs, String host, long pid) {
        return runs.stream().filter(r -> r.nodeId().equals(host + "-" + pid)).findFirst().orElseThrow();
    }

    @Test
    void aHolderAndTwoSharersCountTheHolderMachineEnergyAndNothingElse(@TempDir Path dir) throws Exception {
        // The driver held the lease all along: 900 J of machine. Executor 1: 120 J of share, then took the lease
        // over: 300 J of machine. Executor 2: 80 J of share only. Another host of the run: 500 J, its own machine.
        write(dir, "job", "h1", 1, 600, 200, 100, section("held", 900, 0, 0));
        write(dir, "job", "h1", 2, 280, 100, 40, section("held", 300, 120, 0));
        write(dir, "job", "h1", 3, 60, 0, 20, section("shared", 0, 80, 0));
        write(dir, "job", "h2", 4, 400, 0, 100, section("held", 500, 0, 0));
        List<NodeRun> runs = ReportReader.read(List.of(dir)).runs();

        Totals.Group all = Totals.all(runs);
        assertEquals(900 + 300 + 500, all.totalKwh() * J_PER_KWH, 1e-6);
        assertEquals(kg(900 + 300 + 500), all.emissionsKg, 1e-12);
        assertEquals(900 + 420 + 80 + 500, all.measuredKwh * J_PER_KWH, 1e-6);
        assertEquals(kg(900 + 420 + 80 + 500), all.measuredEmissionsKg, 1e-12);
        assertEquals(120 + 80, all.sharesInsideMachineKwh() * J_PER_KWH, 1e-6, "the executors' shares");
        Map<String, Totals.Group> byHost = Totals.by(runs, NodeRun::host);
        assertEquals(1200, byHost.get("h1").totalKwh() * J_PER_KWH, 1e-6);
        assertEquals(1400, byHost.get("h1").measuredKwh * J_PER_KWH, 1e-6);
        assertEquals(500, byHost.get("h2").totalKwh() * J_PER_KWH, 1e-6);
        assertEquals(1700, Totals.by(runs, NodeRun::runId).get("job").totalKwh() * J_PER_KWH, 1e-6);
        assertEquals(1700, Totals.by(runs, NodeRun::projectName).get("p").totalKwh() * J_PER_KWH, 1e-6);

        NodeRun exec1 = node(runs, "h1", 2);
        assertEquals(420, exec1.totalKwh() * J_PER_KWH, 1e-6, "measured as it was");
        assertEquals(120, exec1.shareKwh() * J_PER_KWH, 1e-6);
        assertEquals(300, exec1.countedKwh() * J_PER_KWH, 1e-6);
        assertEquals(280 * 300 / 420.0, exec1.countedCpuKwh() * J_PER_KWH, 1e-6, "components scaled alike");
        assertEquals(kg(300), exec1.countedEmissionsKg(), 1e-12);
        assertTrue(exec1.shareIncluded());
        assertEquals(0, node(runs, "h1", 3).countedKwh());
        assertFalse(node(runs, "h1", 1).shareIncluded());

        List<HostRuns.HostRun> groups = HostRuns.of(runs);
        assertEquals(2, groups.size());
        assertEquals(List.of("run job on host h1: machine energy counted once, "
                + String.format(java.util.Locale.ROOT, "%.6f", 1200 / J_PER_KWH) + " kWh (host lease held by h1-1, h1-2);"
                + " the shares of the JVMs without the lease, "
                + String.format(java.util.Locale.ROOT, "%.6f", 200 / J_PER_KWH) + " kWh, are included in it"),
                groups.get(0).notes());
        assertEquals(List.of(), groups.get(1).notes(), "a lone JVM on its host: nothing to say");
    }

    @Test
    void withoutTheHoldersReportTheSharesCountAndTheMachineEnergyIsNotKnown(@TempDir Path dir) throws Exception {
        write(dir, "job", "h1", 2, 100, 0, 20, section("shared", 0, 120, 0));
        write(dir, "job", "h1", 3, 60, 0, 20, section("shared", 0, 80, 0));
        List<NodeRun> runs = ReportReader.read(List.of(dir)).runs();
        Totals.Group all = Totals.all(runs);
        assertEquals(200, all.totalKwh() * J_PER_KWH, 1e-6);
        assertEquals(kg(200), all.emissionsKg, 1e-12);
        assertEquals(0, all.sharesInsideMachineKwh(), "the shares are what is counted");
        List<String> notes = HostRuns.of(runs).get(0).notes();
        assertEquals(1, notes.size(), notes.toString());
        assertTrue(notes.get(0).startsWith("run job on host h1: machine energy not known (no report of the JVM that"
                + " held the host lease); the JVMs' process shares, "
                + String.format(java.util.Locale.ROOT, "%.6f", 200 / J_PER_KWH) + " kWh, are counted"), notes.get(0));
    }

    @Test
    void twoJvmsWithoutALeaseOverlapAndAreWarnedOf(@TempDir Path dir) throws Exception {
        write(dir, "job", "h1", 1, 1000, 0, 100, section("none", 0, 0, 1100));
        write(dir, "job", "h1", 2, 800, 0, 100, null); // an agent from before the lease
        write(dir, "job", "h2", 3, 800, 0, 100, null); // alone on its host: no overlap
        write(dir, "other", "h1", 4, 800, 0, 100, null); // another run on h1: not this run's overlap
        List<NodeRun> runs = ReportReader.read(List.of(dir)).runs();
        assertEquals(1100 + 900 + 900 + 900, Totals.all(runs).totalKwh() * J_PER_KWH, 1e-6, "counted as measured");
        List<HostRuns.HostRun> groups = HostRuns.of(runs);
        assertEquals(List.of("WARN run job on host h1: machine energy counted 2 times (h1-1, h1-2 counted the whole"
                + " machine without one: none could be had, or an agent from before the lease)"), groups.get(0).notes());
        for (HostRuns.HostRun g : groups.subList(1, groups.size())) {
            assertEquals(List.of(), g.notes(), g.runId() + " on " + g.host());
        }
    }

    @Test
    void aJvmWithoutALeaseBesideAHolderOverlapsItsMachineEnergy(@TempDir Path dir) throws Exception {
        write(dir, "job", "h1", 1, 1000, 0, 0, section("held", 1000, 0, 0));
        write(dir, "job", "h1", 2, 900, 0, 0, section("none", 0, 0, 900));
        List<String> notes = HostRuns.of(ReportReader.read(List.of(dir)).runs()).get(0).notes();
        assertTrue(notes.get(0).startsWith("WARN run job on host h1: machine energy counted 2 times (h1-1 held the"
                + " host lease; h1-2 counted the whole machine without one"), notes.toString());
        assertEquals(1, notes.size(), "not also 'counted once': " + notes);
    }

    @Test
    void aLoneJvmCountsExactlyWhatItMeasuredWithOrWithoutTheSection(@TempDir Path dir) throws Exception {
        Path withSection = dir.resolve("a");
        Path without = dir.resolve("b");
        write(withSection, "solo", "h1", 1, 3600, 7200, 360, section("held", 11160, 0, 0));
        write(without, "solo", "h1", 1, 3600, 7200, 360, null);
        for (Path d : List.of(withSection, without)) {
            List<NodeRun> runs = ReportReader.read(List.of(d)).runs();
            NodeRun r = runs.get(0);
            Totals.Group all = Totals.all(runs);
            assertEquals(r.cpuKwh(), all.cpuKwh, 0.0);
            assertEquals(r.gpuKwh(), all.gpuKwh, 0.0);
            assertEquals(r.ramKwh(), all.ramKwh, 0.0);
            assertEquals(r.emissionsKg(), all.emissionsKg, 0.0);
            assertEquals(11160 / J_PER_KWH, all.totalKwh(), 1e-15);
            assertEquals(kg(11160), all.emissionsKg, 1e-15);
            assertEquals(List.of(), HostRuns.of(runs).get(0).notes());
            assertEquals(11160, HostRuns.of(runs).get(0).sum().machineJoulesCountedOnce(), 1e-6, d.toString());
        }
    }

    @Test
    void anIdleJvmBesideTheHolderCountsNothing(@TempDir Path dir) throws Exception {
        write(dir, "job", "h1", 1, 1000, 0, 0, section("held", 1000, 0, 0));
        write(dir, "job", "h1", 2, 0, 0, 0, section("shared", 0, 0, 0)); // started, measured nothing
        List<NodeRun> runs = ReportReader.read(List.of(dir)).runs();
        assertEquals(0, node(runs, "h1", 2).countedKwh(), 0.0);
        assertEquals(0, node(runs, "h1", 2).countedEmissionsKg(), 0.0);
        assertEquals(1000, Totals.all(runs).totalKwh() * J_PER_KWH, 1e-6);
        assertEquals(kg(1000), Totals.all(runs).emissionsKg, 1e-12);
    }

    @Test
    void emissionsCsvRowsNameNoHostAndCountAsMeasured(@TempDir Path dir) throws Exception {
        // Two JVMs of one run on one host that left only their rows (no summary): nothing says which held the lease.
        Files.writeString(dir.resolve(EmissionsCsv.FILE_NAME), EmissionsCsv.HEADER_LINE + "\n"
                + EmissionsCsv.row(summary("job", "h1", 1, 900, 0, 0, null)) + "\n"
                + EmissionsCsv.row(summary("job", "h1", 2, 80, 0, 0, null)) + "\n");
        List<NodeRun> runs = ReportReader.read(List.of(dir)).runs();
        assertEquals(2, runs.size());
        assertEquals(980, Totals.all(runs).totalKwh() * J_PER_KWH, 1e-6);
        assertEquals(Totals.all(runs).measuredKwh, Totals.all(runs).totalKwh(), 0.0);
        for (HostRuns.HostRun g : HostRuns.of(runs)) {
            assertEquals(List.of(), g.notes());
        }
    }
}
