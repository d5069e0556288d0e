package io.mlco2.tracker.runtime;

import io.mlco2.tracker.base.Log;
import io.mlco2.tracker.carbon.GridIntensity;
import io.mlco2.tracker.config.Config;
import io.mlco2.tracker.cpu.HostInfo;
import io.mlco2.tracker.energy.Component;
import io.mlco2.tracker.energy.EnergySource;
import io.mlco2.tracker.energy.Method;
import io.mlco2.tracker.energy.Reading;
import io.mlco2.tracker.energy.SourceGroup;
import io.mlco2.tracker.report.ComponentEnergy;
import io.mlco2.tracker.report.RunSummary;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The run summary's derived numbers (mean power, GPU count, utilisation in percent) through the public outputs:
 * {@link Tracker#summary()} / {@link RunSummary} and the emissions.csv row, with fake sources on a virtual clock.
 */
class RunSummaryNumbersTest {

    static final long S = 1_000_000_000L;
    final AtomicLong clock = new AtomicLong(7 * S);
    final Log log = new Log(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), Log.Level.WARN);

    /** Constant power and utilisation; GPUs as an energy counter growing at {@code watts}. */
    record Source(Component component, String deviceId, double watts, double utilization) implements EnergySource {
        @Override
        public Method method() {
            return component == Component.GPU ? Method.NVML_ENERGY_COUNTER
                    : component == Component.CPU ? Method.CPU_LOAD_MODEL : Method.RAM_MODEL;
        }

        @Override
        public String hardwareName() {
            return "Fake " + component.key();
        }

        @Override
        public double tdpWatts() {
            return component == Component.RAM ? Double.NaN : 2 * watts;
        }

        @Override
        public String tdpSource() {
            return "test";
        }

        @Override
        public Reading read(long monotonicNanos) {
            return method() == Method.NVML_ENERGY_COUNTER
                    ? Reading.counter(watts * monotonicNanos / 1e9, Double.POSITIVE_INFINITY, watts, utilization)
                    : Reading.power(watts, utilization);
        }
    }

    @Test
    void meanPowerGpuCountAndUtilisationPercentFollowFromTheReadings(@TempDir Path out) throws Exception {
        double cpuW = 40;
        double gpu0W = 200;
        double gpu1W = 100;
        double ramW = 6;
        double cpuUtil = 0.25;
        double gpu0Util = 0.5;
        double gpu1Util = 0.9;
        double ramUtil = 0.3;
        int seconds = 100;
        List<EnergySource> sources = List.of(new Source(Component.CPU, "cpu", cpuW, cpuUtil),
                new Source(Component.GPU, "0", gpu0W, gpu0Util), new Source(Component.GPU, "1", gpu1W, gpu1Util),
                new Source(Component.RAM, "machine", ramW, ramUtil));
        Config config = Config.load("output.dir=" + out + ";project-name=t;run-id=run-n;report.html=false",
                Map.of(), Map.of(), log);
        GridIntensity g = new GridIntensity("FR", "France", "France", "FRA", "", "", "", 100, "test", false);
        HostInfo host = new HostInfo("Fake CPU", 1, 4, 16_000_000_000L, "Linux", "h", null);
        Tracker t = new Tracker(config, log, host, g, List.of(SourceGroup.of(sources)), clock::get, clock.get(), Instant.EPOCH, List.of());
        t.addSection("forecast", () -> Map.of("planned_epochs", 7));
        for (int i = 0; i <= seconds; i++) {
            t.sample();
            clock.addAndGet(S);
        }
        clock.addAndGet(-S);
        RunSummary s = t.stop();

        assertEquals(seconds, s.durationSeconds(), 1e-9);
        ComponentEnergy cpu = s.component(Component.CPU);
        ComponentEnergy gpu = s.component(Component.GPU);
        ComponentEnergy ram = s.component(Component.RAM);
        assertEquals(cpuW * seconds, cpu.energyJoules(), 1e-6);
        assertEquals((gpu0W + gpu1W) * seconds, gpu.energyJoules(), 1e-6);
        // mean power = energy / duration
        assertEquals(cpuW, cpu.meanPowerWatts(), 1e-9);
        assertEquals(gpu0W + gpu1W, gpu.meanPowerWatts(), 1e-9);
        assertEquals(ramW, ram.meanPowerWatts(), 1e-9);
        assertEquals(2, s.gpuCount());
        assertEquals(2, gpu.devices());
        assertEquals(1, cpu.devices());
        assertEquals("Fake gpu", s.gpuModel());
        org.junit.jupiter.api.Assertions.assertFalse(s.gpuShared(), "no source says it shares its GPUs");
        assertEquals(cpuUtil, cpu.meanUtilization(), 1e-12);
        assertEquals((gpu0Util + gpu1Util) / 2, gpu.meanUtilization(), 1e-12);

        List<String> lines = Files.readAllLines(out.resolve("emissions.csv"));
        assertEquals(2, lines.size(), String.join("\n", lines));
        String[] header = lines.get(0).split(",", -1);
        String[] row = lines.get(1).split(",", -1);
        assertEquals(header.length, row.length, lines.get(1));
        Map<String, String> col = new HashMap<>();
        for (int i = 0; i < header.length; i++) {
            col.put(header[i], row[i]);
        }
        assertEquals(cpuW, Double.parseDouble(col.get("cpu_power")), 1e-9);
        assertEquals(gpu0W + gpu1W, Double.parseDouble(col.get("gpu_power")), 1e-9);
        assertEquals(ramW, Double.parseDouble(col.get("ram_power")), 1e-9);
        assertEquals("2", col.get("gpu_count"));
        assertEquals("Fake gpu", col.get("gpu_model"));
        assertEquals(cpuUtil * 100, Double.parseDouble(col.get("cpu_utilization_percent")), 1e-9);
        assertEquals((gpu0Util + gpu1Util) / 2 * 100, Double.parseDouble(col.get("gpu_utilization_percent")), 1e-9);
        assertEquals(ramUtil * 100, Double.parseDouble(col.get("ram_utilization_percent")), 1e-9);
        double kwh = (cpuW + gpu0W + gpu1W + ramW) * seconds / 3.6e6;
        assertEquals(kwh, Double.parseDouble(col.get("energy_consumed")), 1e-12);
        assertEquals(kwh * 100 / 1000 / seconds, Double.parseDouble(col.get("emissions_rate")), 1e-15);

        com.fasterxml.jackson.databind.JsonNode j = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(io.mlco2.tracker.report.ReportFiles.file(out, "run-n", io.mlco2.tracker.base.NodeIdentity.current("h").nodeId(), ".json").toFile());
        assertEquals(cpuW, j.get("mean_power_w").get("cpu").asDouble(), 1e-9);
        assertEquals(gpu0W + gpu1W, j.get("mean_power_w").get("gpu").asDouble(), 1e-9);
        assertEquals(2, j.get("hardware").get("gpu_count").asInt());
        assertEquals(7, j.get("forecast").get("planned_epochs").asInt(), "sections added by other parts are written");
        assertEquals(kwh, j.get("energy_kwh").get("total").asDouble(), 1e-12);
        // the calculator's estimate: TDP (2 x each source's power here, memory excluded) x hours
        double estimateKwh = 2 * (cpuW + gpu0W + gpu1W) * seconds / 3.6e6;
        assertEquals(estimateKwh, j.get("tdp_estimate").get("energy_kwh").asDouble(), 1e-12);
        assertEquals((cpuW + gpu0W + gpu1W) * seconds / 3.6e6 / estimateKwh,
                j.get("measured_over_estimate").asDouble(), 1e-12);
    }

    /** A part of the summary that fails is one line and left out; the rest is written. No experiment id is empty. */
    @Test
    void aSectionThatThrowsIsOneLineAndTheSummaryIsWritten(@TempDir Path out) throws Exception {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Log warn = new Log(new PrintStream(err, true, StandardCharsets.UTF_8), Log.Level.WARN);
        Config config = Config.load("output.dir=" + out + ";project-name=t;run-id=run-s;report.html=false",
                Map.of(), Map.of(), warn);
        GridIntensity g = new GridIntensity("FR", "France", "France", "FRA", "", "", "", 100, "test", false);
        HostInfo host = new HostInfo("Fake CPU", 1, 4, 16_000_000_000L, "Linux", "h", null);
        Tracker t = new Tracker(config, warn, host, g, List.of(SourceGroup.of(List.of(new Source(Component.CPU, "cpu", 10, 0.5)))),
                clock::get, clock.get(), Instant.EPOCH, List.of());
        t.addSection("broken", () -> {
            throw new IllegalStateException("a section that fails");
        });
        t.addSection("fine", () -> Map.of("k", 1));
        t.sample();
        clock.addAndGet(S);
        t.sample();
        RunSummary s = t.stop();
        assertEquals(10, s.totalEnergyKwh() * 3.6e6, 1e-9);
        org.junit.jupiter.api.Assertions.assertFalse(s.extra().containsKey("broken"));
        assertEquals(Map.of("k", 1), s.extra().get("fine"));
        assertEquals("", s.experimentId());
        String lines = err.toString(StandardCharsets.UTF_8);
        org.junit.jupiter.api.Assertions.assertTrue(lines.contains("internal error (") && lines.contains("a section that fails")
                && lines.contains("going on without it"), lines);
        org.junit.jupiter.api.Assertions.assertTrue(Files.exists(out.resolve("emissions.csv")));
    }

    @Test
    void aRunWithoutGpusLeavesTheGpuColumnsEmpty(@TempDir Path out) throws Exception {
        Config config = Config.load("output.dir=" + out + ";project-name=t;run-id=run-c;report.html=false",
                Map.of(), Map.of(), log);
        GridIntensity g = new GridIntensity("FR", "France", "France", "FRA", "", "", "", 100, "test", false);
        HostInfo host = new HostInfo("Fake CPU", 1, 4, 16_000_000_000L, "Linux", "h", null);
        Tracker t = new Tracker(config, log, host, g, List.of(SourceGroup.of(List.of(new Source(Component.CPU, "cpu", 10, 0.5)))),
                clock::get, clock.get(), Instant.EPOCH, List.of());
        t.sample();
        clock.addAndGet(S);
        t.sample();
        RunSummary s = t.stop();
        assertEquals(0, s.gpuCount());
        List<String> lines = Files.readAllLines(out.resolve("emissions.csv"));
        String[] header = lines.get(0).split(",", -1);
        String[] row = lines.get(1).split(",", -1);
        Map<String, String> col = new HashMap<>();
        for (int i = 0; i < header.length; i++) {
            col.put(header[i], row[i]);
        }
        assertEquals("", col.get("gpu_count"));
        assertEquals("", col.get("gpu_model"));
        assertEquals("", col.get("gpu_utilization_percent"));
        assertEquals("N", col.get("on_cloud"), "FR is a country, not a cloud region");
        assertEquals(50.0, Double.parseDouble(col.get("cpu_utilization_percent")), 1e-9);
    }
    /**
     * The ranking's "would have emitted" applies the PUE like the run's own emissions; the stderr line names a world
     * average only where one was used, and a mean over time only with a source over time; memory in use is the
     * process's resident set in process mode, the machine's (total - free) otherwise, each read here from /proc
     * (within a factor of 2: other processes come and go).
     */
    @Test
    void theRankingAppliesThePueAndTheLineAndMemoryFollowTheSettings(@TempDir Path out) throws Exception {
        double pue = 1.5;
        double watts = 100;
        int seconds = 36; // 3600 J: 0.001 kWh
        io.mlco2.tracker.carbon.CarbonIntensities tables = io.mlco2.tracker.carbon.CarbonIntensities.bundled();
        GridIntensity here = tables.resolve("aws:ap-south-1");
        GridIntensity cleanest = tables.cleanestCloudRegion("aws").orElseThrow();
        org.junit.jupiter.api.Assumptions.assumeTrue(cleanest.gramsPerKwh() < here.gramsPerKwh(), "a dirtier region");
        for (String mode : List.of("process", "machine")) {
            Path dir = out.resolve(mode);
            Config config = Config.load("output.dir=" + dir + ";project-name=t;run-id=run-m;report.html=false;pue=" + pue
                    + ";tracking-mode=" + mode, Map.of(), Map.of(), log);
            HostInfo host = new HostInfo("Fake CPU", 1, 4, 16_000_000_000L, "Linux", "h", null);
            GridIntensity g = mode.equals("process") ? here : tables.world();
            Tracker t = new Tracker(config, log, host, g,
                    List.of(SourceGroup.of(List.of(new Source(Component.CPU, "cpu", watts, 0.5)))), clock::get,
                    clock.get(), Instant.EPOCH, List.of());
            for (int i = 0; i <= seconds; i++) {
                t.sample();
                clock.addAndGet(S);
            }
            clock.addAndGet(-S);
            double[] memoryGbAround = new double[2];
            memoryGbAround[0] = memoryInUseGb(mode);
            RunSummary s = t.stop();
            memoryGbAround[1] = memoryInUseGb(mode);
            double kwh = watts * seconds / 3.6e6;
            assertEquals(kwh, s.totalEnergyKwh(), 1e-15);
            String line = RunSummaryBuilder.line(s);
            org.junit.jupiter.api.Assertions.assertFalse(line.contains("mean over time"), line);
            org.junit.jupiter.api.Assertions.assertFalse(s.extra().containsKey("carbon_intensity_over_time"));
            if (mode.equals("process")) {
                assertEquals(kwh * pue * cleanest.gramsPerKwh() / 1000, s.mitigation().alternativeEmissionsKg(), 1e-15);
                org.junit.jupiter.api.Assertions.assertTrue(s.mitigation().text().contains(
                        "the same " + io.mlco2.tracker.format.Fmt.general(kwh * pue, 3) + " kWh"), s.mitigation().text());
                org.junit.jupiter.api.Assertions.assertFalse(line.contains("world average"), line);
            } else {
                org.junit.jupiter.api.Assertions.assertTrue(line.contains("(world, world average)"), line);
            }
            if (!Double.isNaN(memoryGbAround[0])) {
                double lo = Math.min(memoryGbAround[0], memoryGbAround[1]);
                double hi = Math.max(memoryGbAround[0], memoryGbAround[1]);
                org.junit.jupiter.api.Assertions.assertTrue(s.ramUsedGb() >= lo * 0.5 && s.ramUsedGb() <= hi * 2,
                        mode + ": " + s.ramUsedGb() + " GB, /proc said " + lo + "-" + hi);
            }
        }
    }

    /** The process's resident set (VmRSS) or the machine's MemTotal - MemFree, in GB; NaN without /proc. */
    private static double memoryInUseGb(String mode) throws java.io.IOException {
        Path file = Path.of(mode.equals("process") ? "/proc/self/status" : "/proc/meminfo");
        if (!Files.isReadable(file)) {
            return Double.NaN;
        }
        Map<String, Long> kb = new HashMap<>();
        for (String l : Files.readAllLines(file)) {
            String[] f = l.trim().split("\\s+");
            if (f.length >= 2 && f[1].matches("\\d+")) {
                kb.put(f[0], Long.parseLong(f[1]));
            }
        }
        long used = mode.equals("process") ? kb.get("VmRSS:") : kb.get("MemTotal:") - kb.get("MemFree:");
        return used * 1024 / 1e9;
    }
}
