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
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EmissionsCsvTest {

    final ByteArrayOutputStream err = new ByteArrayOutputStream();
    final Log log = new Log(new PrintStream(err, true, StandardCharsets.UTF_8), Log.Level.DEBUG);

    static RunSummary summary(String runId, String project) {
        Map<Component, ComponentEnergy> c = new EnumMap<>(Component.class);
        c.put(Component.CPU, new ComponentEnergy(3.6e6, 100, "rapl", 0.5, 1));
        c.put(Component.GPU, new ComponentEnergy(7.2e6, 200, "nvml-energy-counter", 0.9, 1));
        c.put(Component.RAM, new ComponentEnergy(0.36e6, 10, "ram-model", 0.25, 1));
        GridIntensity g = new GridIntensity("FR", "France", "France", "FRA", "", "", "", 50, "test", false);
        return new RunSummary(runId, project, "exp", Instant.parse("2026-01-01T00:00:00Z"),
                Instant.parse("2026-01-01T10:00:00Z"), 36000, c, g, 1.5, 11.2 * 1.5 * 50 / 1000,
                new TdpEstimate(300, 3.0, 0.15, "cpu x (100 W)"), new Mitigation("", "", Double.NaN, Double.NaN, 0, 0),
                "Xeon, 2 sockets", 8, 1, "NVIDIA H200", false, 64, 12.5, "Linux", "host", "machine", "0.1",
                Map.of(), List.of(), Map.of());
    }

    static String golden() throws Exception {
        try (var in = EmissionsCsvTest.class.getResourceAsStream("/codecarbon_emissions_valid_headers.csv")) {
            String s = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return s.substring(0, s.indexOf('\n')).trim();
        }
    }

    @Test
    void headerIsCodeCarbonsAndUnitsAreKwhKgWatts(@TempDir Path dir) throws Exception {
        EmissionsCsv.append(summary("r1", "p"), dir, log);
        List<String> lines = Files.readAllLines(dir.resolve("emissions.csv"));
        assertEquals(golden(), lines.get(0));
        List<String> f = Csv.parseLine(lines.get(1));
        assertEquals(38, f.size());
        Map<String, String> row = new java.util.HashMap<>();
        for (int i = 0; i < 38; i++) {
            row.put(EmissionsCsv.HEADER.get(i), f.get(i));
        }
        assertEquals(1.0, Double.parseDouble(row.get("cpu_energy")), 1e-12);
        assertEquals(2.0, Double.parseDouble(row.get("gpu_energy")), 1e-12);
        assertEquals(3.1, Double.parseDouble(row.get("energy_consumed")), 1e-9);
        assertEquals("Xeon, 2 sockets", row.get("cpu_model"), "quoted comma survives");
        assertEquals("90.0", row.get("gpu_utilization_percent"));
        assertEquals("", row.get("codecarbon_version"));
        assertTrue(row.get("timestamp").matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d"), row.get("timestamp"));
        assertEquals(36000.0, Double.parseDouble(row.get("duration")));
        assertEquals(11.2 * 1.5 * 50 / 1000 / 36000, Double.parseDouble(row.get("emissions_rate")), 1e-15);
        assertEquals(100.0, Double.parseDouble(row.get("cpu_power")));
    }

    @Test
    void aTornLastLineIsClosedBeforeTheNextRow(@TempDir Path dir) throws Exception {
        EmissionsCsv.append(summary("r1", "p"), dir, log);
        Path f = dir.resolve("emissions.csv");
        Files.writeString(f, "2026-01-01T00:00:00,p,torn", java.nio.file.StandardOpenOption.APPEND);
        EmissionsCsv.append(summary("r2", "p"), dir, log);
        List<String> lines = Files.readAllLines(f);
        assertEquals(4, lines.size());
        assertTrue(lines.get(3).contains(",r2,"), lines.get(3));
        assertEquals(38, Csv.parseLine(lines.get(3)).size());
    }

    @Test
    void anotherHeaderIsKeptAsABackupAndANewFileStarted(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("emissions.csv");
        Files.writeString(f, "a,b,c\n1,2,3\n");
        EmissionsCsv.append(summary("r1", "p"), dir, log);
        assertEquals(golden(), Files.readAllLines(f).get(0));
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
