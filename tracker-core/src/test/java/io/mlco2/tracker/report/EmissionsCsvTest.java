package io.mlco2.tracker.report;

import io.mlco2.tracker.format.Csv;

import io.mlco2.tracker.carbon.GridIntensity;
import io.mlco2.tracker.carbon.Mitigation;
import io.mlco2.tracker.energy.Component;
import io.mlco2.tracker.base.Log;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EmissionsCsvTest {

    final ByteArrayOutputStream err = new ByteArrayOutputStream();
    final Log log = new Log(new PrintStream(err, true, StandardCharsets.UTF_8), Log.Level.DEBUG);

    /** What a run measured and where: the test builds the summary from it and, on its own, the row it expects. */
    record Run(String runId, String project, String experiment, Instant end, double durationSeconds,
               double cpuJoules, double cpuWatts, double cpuUtilization,
               double gpuJoules, double gpuWatts, double gpuUtilization,
               double ramJoules, double ramWatts, double ramUtilization,
               GridIntensity grid, double pue, double emissionsKg, String cpuModel, int cpuCount, int gpuCount,
               String gpuModel, double ramTotalGb, double ramUsedGb, String os, String trackingMode) {
    }

    static final GridIntensity FRANCE = new GridIntensity("FR", "France", "France", "FRA", "", "", "", 50, "test",
            false);
    static final GridIntensity AWS = new GridIntensity("aws:us-east-1", "AWS us-east-1", "United States", "USA",
            "virginia", "aws", "us-east-1", 379, "test", false);

    /** A run in France with one GPU; its energies are 1, 2 and 0.5 kWh, so each expected figure is exact. */
    static Run local(String runId, String project) {
        return new Run(runId, project, "exp", Instant.parse("2026-01-01T10:00:07Z"), 36000,
                3.6e6, 100, 0.5, 7.2e6, 200, 0.75, 1.8e6, 50, 0.25, FRANCE, 1.5, 0.2625,
                "Xeon, 2 sockets", 8, 1, "NVIDIA H200", 64, 12.5, "Linux", "machine");
    }

    /** A run on AWS without a GPU, with unknowns (no duration, no CPU load, no RAM use, no experiment). */
    static Run cloud(String runId) {
        return new Run(runId, "-minus", null, Instant.parse("2026-06-30T23:59:59.750Z"), 0,
                9e5, 25, Double.NaN, 0, 0, Double.NaN, 3.6e5, 2.5, 0.125, AWS, 1.2, 0.0,
                "Intel \"X\" CPU", 2, 0, null, 7.5, Double.NaN, "Linux 6.1", "process");
    }

    static RunSummary summary(Run r) {
        Map<Component, ComponentEnergy> c = new EnumMap<>(Component.class);
        c.put(Component.CPU, new ComponentEnergy(r.cpuJoules(), r.cpuWatts(), "rapl", r.cpuUtilization(), 1));
        c.put(Component.GPU, new ComponentEnergy(r.gpuJoules(), r.gpuWatts(), "nvml-energy-counter",
                r.gpuUtilization(), r.gpuCount()));
        c.put(Component.RAM, new ComponentEnergy(r.ramJoules(), r.ramWatts(), "ram-model", r.ramUtilization(), 1));
        return new RunSummary(r.runId(), r.project(), r.experiment(),
                r.end().minusMillis((long) (r.durationSeconds() * 1000)), r.end(), r.durationSeconds(), c, r.grid(),
                r.pue(), r.emissionsKg(), new TdpEstimate(300, 3.0, 0.15, "cpu x (100 W)"),
                new Mitigation("", "", Double.NaN, Double.NaN, 0, 0), r.cpuModel(), r.cpuCount(), r.gpuCount(),
                r.gpuModel(), false, r.ramTotalGb(), r.ramUsedGb(), r.os(), "host", r.trackingMode(), "0.1",
                Map.of(), List.of(), Map.of());
    }

    static RunSummary summary(String runId, String project) {
        return summary(local(runId, project));
    }

    /**
     * The cells CodeCarbon's columns should hold for {@code r}, as CSV text, worked out here from the run's inputs:
     * energies J / 3.6e6 = kWh, emissions rate kg / s, utilisation fractions as percent, GPU columns empty without
     * a GPU, what the agent cannot know empty, text quoted per RFC 4180 and user text kept from becoming a formula.
     */
    static Map<String, String> expected(Run r) {
        double joulesPerKwh = 3_600_000;
        boolean gpu = r.gpuCount() > 0;
        ZonedDateTime end = r.end().atZone(ZoneId.systemDefault());
        Map<String, String> m = new LinkedHashMap<>();
        m.put("timestamp", String.format(Locale.ROOT, "%04d-%02d-%02dT%02d:%02d:%02d", end.getYear(),
                end.getMonthValue(), end.getDayOfMonth(), end.getHour(), end.getMinute(), end.getSecond()));
        m.put("project_name", userText(r.project()));
        m.put("run_id", userText(r.runId()));
        m.put("experiment_id", userText(r.experiment()));
        m.put("duration", number(r.durationSeconds()));
        m.put("emissions", number(r.emissionsKg()));
        m.put("emissions_rate", r.durationSeconds() > 0 ? number(r.emissionsKg() / r.durationSeconds()) : "");
        m.put("cpu_power", number(r.cpuWatts()));
        m.put("gpu_power", number(r.gpuWatts()));
        m.put("ram_power", number(r.ramWatts()));
        m.put("cpu_energy", number(r.cpuJoules() / joulesPerKwh));
        m.put("gpu_energy", number(r.gpuJoules() / joulesPerKwh));
        m.put("ram_energy", number(r.ramJoules() / joulesPerKwh));
        m.put("energy_consumed", number((r.cpuJoules() + r.gpuJoules() + r.ramJoules()) / joulesPerKwh));
        m.put("water_consumed", "");
        m.put("country_name", quoted(r.grid().countryName()));
        m.put("country_iso_code", quoted(r.grid().countryIsoCode()));
        m.put("region", quoted(r.grid().subRegion()));
        m.put("cloud_provider", quoted(r.grid().cloudProvider()));
        m.put("cloud_region", quoted(r.grid().cloudRegion()));
        m.put("os", quoted(r.os()));
        m.put("python_version", "");
        m.put("codecarbon_version", "");
        m.put("cpu_count", String.valueOf(r.cpuCount()));
        m.put("cpu_model", quoted(r.cpuModel()));
        m.put("gpu_count", gpu ? String.valueOf(r.gpuCount()) : "");
        m.put("gpu_model", gpu ? quoted(r.gpuModel()) : "");
        m.put("longitude", "");
        m.put("latitude", "");
        m.put("ram_total_size", number(r.ramTotalGb()));
        m.put("tracking_mode", r.trackingMode());
        m.put("cpu_utilization_percent", number(100 * r.cpuUtilization()));
        m.put("gpu_utilization_percent", gpu ? number(100 * r.gpuUtilization()) : "");
        m.put("ram_utilization_percent", number(100 * r.ramUtilization()));
        m.put("ram_used_gb", number(r.ramUsedGb()));
        m.put("on_cloud", r.grid().cloudProvider().isEmpty() ? "N" : "Y");
        m.put("pue", number(r.pue()));
        m.put("wue", "");
        return m;
    }

    static String expectedRow(Run r) {
        return String.join(",", expected(r).values());
    }

    /** A number as Java prints a double, exponent in lower case; unknown (NaN) is an empty cell. */
    static String number(double v) {
        return Double.isNaN(v) ? "" : String.valueOf(v).toLowerCase(Locale.ROOT);
    }

    static String quoted(String s) {
        if (s == null) {
            return "";
        }
        return s.contains(",") || s.contains("\"") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }

    static String userText(String s) {
        return s == null || s.isEmpty() ? "" : quoted("=+-@".indexOf(s.charAt(0)) >= 0 ? "'" + s : s);
    }

    static String golden() throws Exception {
        try (var in = EmissionsCsvTest.class.getResourceAsStream("/codecarbon_emissions_valid_headers.csv")) {
            String s = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return s.substring(0, s.indexOf('\n')).trim();
        }
    }

    /** The node id of the test's summaries (this JVM on host {@code host}). */
    static final String NODE = io.mlco2.tracker.base.NodeIdentity.current("host").nodeId();

    @Test
    void headerIsCodeCarbonsThenTheNode(@TempDir Path dir) throws Exception {
        assertEquals(golden(), EmissionsCsv.CODECARBON_HEADER_LINE);
        assertEquals(golden() + ",node_id", EmissionsCsv.HEADER_LINE);
        assertEquals(List.of(golden().split(",")), EmissionsCsv.CODECARBON_HEADER);
        assertEquals(List.of(golden().split(",")), List.copyOf(expected(local("r1", "p")).keySet()),
                "the test's expectation covers every column");
        EmissionsCsv.append(summary("r1", "p"), dir, log);
        assertEquals(golden() + ",node_id", Files.readAllLines(dir.resolve("emissions.csv")).get(0));
    }

    @Test
    void aFileWithCodeCarbonsOwnHeaderGetsRowsOfItsColumns(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("emissions.csv"), golden() + "\n");
        Run a = local("r1", "p");
        EmissionsCsv.append(summary(a), dir, log);
        assertEquals(golden() + "\n" + expectedRow(a) + "\n", Files.readString(dir.resolve("emissions.csv")));
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count(), "no backup: the file was kept");
        }
    }

    @Test
    void eachColumnHoldsItsValue() throws Exception {
        for (Run r : List.of(local("r1", "p"), cloud("r2"))) {
            String row = EmissionsCsv.row(summary(r));
            List<String> cells = Csv.parseLine(row);
            List<String> want = Csv.parseLine(expectedRow(r));
            List<String> columns = List.of(golden().split(","));
            assertEquals(columns.size() + 1, cells.size(), row);
            assertEquals(NODE, cells.get(columns.size()), "node_id");
            for (int i = 0; i < columns.size(); i++) {
                assertEquals(want.get(i), cells.get(i), r.runId() + " " + columns.get(i));
            }
            assertEquals(expectedRow(r) + "," + NODE, row, "quoting");
        }
        Map<String, String> local = expected(local("r1", "p"));
        assertEquals("1.0", local.get("cpu_energy"), "3.6 MJ is 1 kWh");
        assertEquals("3.5", local.get("energy_consumed"));
        assertEquals("\"Xeon, 2 sockets\"", local.get("cpu_model"));
        assertEquals("'-minus", expected(cloud("r2")).get("project_name"));
    }

    @Test
    void appendedRowsFollowEachOtherLineByLine(@TempDir Path dir) throws Exception {
        Run a = local("r1", "p");
        Run b = cloud("r2");
        Run c = local("r3", "q");
        for (Run r : List.of(a, b, c)) {
            EmissionsCsv.append(summary(r), dir, log);
        }
        assertEquals(golden() + ",node_id\n" + expectedRow(a) + "," + NODE + "\n" + expectedRow(b) + "," + NODE + "\n"
                        + expectedRow(c) + "," + NODE + "\n",
                Files.readString(dir.resolve("emissions.csv")));
    }

    @Test
    void aTornLastLineIsClosedBeforeTheNextRow(@TempDir Path dir) throws Exception {
        EmissionsCsv.append(summary(local("r1", "p")), dir, log);
        Path f = dir.resolve("emissions.csv");
        Files.writeString(f, "2026-01-01T00:00:00,p,torn", java.nio.file.StandardOpenOption.APPEND);
        EmissionsCsv.append(summary(cloud("r2")), dir, log);
        assertEquals(golden() + ",node_id\n" + expectedRow(local("r1", "p")) + "," + NODE
                + "\n2026-01-01T00:00:00,p,torn\n" + expectedRow(cloud("r2")) + "," + NODE + "\n", Files.readString(f));
    }

    @Test
    void anotherHeaderIsKeptAsABackupAndANewFileStarted(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("emissions.csv");
        Files.writeString(f, "a,b,c\n1,2,3\n");
        EmissionsCsv.append(summary("r1", "p"), dir, log);
        assertEquals(golden() + ",node_id", Files.readAllLines(f).get(0));
        assertEquals(2, Files.readAllLines(f).size());
        try (var s = Files.list(dir)) {
            Path bak = s.filter(p -> p.getFileName().toString().endsWith(".bak")).findFirst().orElseThrow();
            assertEquals("a,b,c\n1,2,3\n", Files.readString(bak));
        }
        assertTrue(err.toString().contains("had another header"), err.toString());
    }

    @Test
    void userTextCannotBecomeASpreadsheetFormula(@TempDir Path dir) throws Exception {
        EmissionsCsv.append(summary("r1", "=HYPERLINK(\"http://x\",\"y\")"), dir, log);
        List<String> f = Csv.parseLine(Files.readAllLines(dir.resolve("emissions.csv")).get(1));
        assertEquals("'=HYPERLINK(\"http://x\",\"y\")", f.get(1));
        for (String s : List.of("+1", "-1", "@SUM(A1)")) {
            assertTrue(Csv.userText(s).startsWith("'"), s);
        }
        assertEquals("plain", Csv.userText("plain"));
    }

    @Test
    void aSymlinkAtTheReportPathIsRefused(@TempDir Path dir) throws Exception {
        Path target = dir.resolve("elsewhere.txt");
        Files.writeString(target, "keep");
        Files.createSymbolicLink(dir.resolve("emissions.csv"), target);
        assertThrows(java.io.IOException.class, () -> EmissionsCsv.append(summary("r1", "p"), dir, log));
        assertEquals("keep", Files.readString(target));
    }
}
