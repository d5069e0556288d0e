package io.mlco2.tracker.report.merge;

import io.mlco2.tracker.report.EmissionsCsv;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Reading node reports back: summaries first, emissions.csv rows for the runs without one, problems named. */
class ReportReaderTest {

    static String summary(String runId, String host, double cpu, double gpu, double ram, double kg, double seconds) {
        return "{\"run_id\":\"" + runId + "\",\"project_name\":\"p\",\"hostname\":\"" + host
                + "\",\"start\":\"2026-01-01T00:00:00Z\",\"duration_s\":" + seconds
                + ",\"energy_kwh\":{\"cpu\":" + cpu + ",\"gpu\":" + gpu + ",\"ram\":" + ram + "},"
                + "\"methods\":{\"cpu\":\"rapl\",\"gpu\":\"none\"},\"emissions_kg\":" + kg
                + ",\"region\":\"FR\",\"carbon_intensity_g_per_kwh\":56.0}";
    }

    /** A CodeCarbon row: the columns by name, the others empty. */
    static String row(Map<String, String> values) {
        List<String> v = new ArrayList<>(Collections.nCopies(EmissionsCsv.HEADER.size(), ""));
        values.forEach((k, x) -> v.set(EmissionsCsv.HEADER.indexOf(k), x));
        return String.join(",", v);
    }

    static Map<String, String> csvRun(String runId, String cpu, String gpu, String ram, String kg) {
        return Map.of("run_id", runId, "project_name", "'=p", "cpu_energy", cpu, "gpu_energy", gpu, "ram_energy", ram,
                "emissions", kg, "duration", "60.0", "country_iso_code", "FRA", "timestamp", "2026-01-01T00:00:00");
    }

    @Test
    void summariesWinOverTheirCsvRowsAndRowsWithoutASummaryAreRead(@TempDir Path root) throws Exception {
        Path a = Files.createDirectories(root.resolve("node-a/mlco2-reports"));
        Files.writeString(a.resolve("run-1.json"), summary("run-1", "host-a", 0.5, 1.5, 0.25, 0.1, 3600));
        Files.writeString(a.resolve(".hidden.json"), "{}");
        Files.writeString(a.resolve("notes.txt"), "not a report");
        Files.writeString(a.resolve(EmissionsCsv.FILE_NAME), EmissionsCsv.HEADER_LINE + "\n"
                + row(csvRun("run-1", "9", "9", "9", "9")) + "\n\n"
                + row(csvRun("'-run-0", "0.125", "0", "0.375", "0.02")) + "\n");
        ReportReader.Result r = ReportReader.read(List.of(root));
        assertEquals(List.of(), r.problems());
        assertEquals(2, r.files(), "the summary and the CSV; not the dot file nor the text");
        assertEquals(2, r.runs().size(), r.runs().toString());

        NodeRun s = r.runs().get(0);
        assertEquals("run-1", s.runId());
        assertEquals("host-a", s.host());
        assertEquals(0.5, s.cpuKwh(), 0.0);
        assertEquals(1.5, s.gpuKwh(), 0.0);
        assertEquals(0.25, s.ramKwh(), 0.0);
        assertEquals(0.5 + 1.5 + 0.25, s.totalKwh(), 1e-15);
        assertEquals(0.1, s.emissionsKg(), 0.0);
        assertEquals(3600, s.durationSeconds(), 0.0);
        assertEquals(56.0, s.intensityGramsPerKwh(), 0.0);
        assertEquals("cpu=rapl gpu=none", s.methods());
        assertEquals("FR", s.region());
        assertNull(s.samplesFile());

        NodeRun c = r.runs().get(1);
        assertEquals("-run-0", c.runId(), "the formula guard is undone");
        assertEquals("=p", c.projectName());
        assertEquals("?/mlco2-reports", c.host());
        assertEquals(0.125 + 0.375, c.totalKwh(), 1e-15);
        assertEquals(0.02, c.emissionsKg(), 0.0);
        assertEquals(60.0, c.durationSeconds(), 0.0);
        assertEquals("FRA", c.region());
        assertTrue(Double.isNaN(c.intensityGramsPerKwh()));
    }

    /** {@code json} of a node: with its {@code node.id}, as the agent writes it. */
    static String withNode(String json, String nodeId) {
        return json.replace("{\"run_id\"", "{\"node\":{\"id\":\"" + nodeId + "\"},\"run_id\"");
    }

    static Map<String, String> with(Map<String, String> row, String column, String value) {
        Map<String, String> m = new java.util.HashMap<>(row);
        m.put(column, value);
        return m;
    }

    /** A row in CodeCarbon's own 38 columns, without our node_id. */
    static String codeCarbonRow(Map<String, String> values) {
        List<String> v = List.of(row(values).split(",", -1));
        return String.join(",", v.subList(0, EmissionsCsv.CODECARBON_HEADER.size()));
    }

    @Test
    void aRowIsSkippedOnlyWhereItsNodeOrForARowWithoutNodeItsRunWasSummarised(@TempDir Path root) throws Exception {
        // Folder a: node a-1's summary, and our emissions.csv holding its row and that of node a-2 (no summary of it).
        // Folder b: node b-1's summary, and a file in CodeCarbon's 38 columns (no node id; its last column, wue,
        // filled as CodeCarbon fills it) with a row of the same run and one of a run without a summary.
        Path a = Files.createDirectories(root.resolve("a"));
        Path b = Files.createDirectories(root.resolve("b"));
        Files.writeString(a.resolve("job.a-1.json"), withNode(summary("job", "ha", 1, 0, 0, 0.1, 60), "a-1"));
        Files.writeString(a.resolve(EmissionsCsv.FILE_NAME), EmissionsCsv.HEADER_LINE + "\n"
                + row(with(csvRun("job", "9", "9", "9", "9"), "node_id", "a-1")) + "\n"
                + row(with(csvRun("job", "0.5", "0", "0", "0.05"), "node_id", "a-2")) + "\n");
        Files.writeString(b.resolve("job.b-1.json"), withNode(summary("job", "hb", 2, 0, 0, 0.2, 60), "b-1"));
        Files.writeString(b.resolve(EmissionsCsv.FILE_NAME), EmissionsCsv.CODECARBON_HEADER_LINE + "\n"
                + codeCarbonRow(with(csvRun("job", "9", "9", "9", "9"), "wue", "0.0")) + "\n"
                + codeCarbonRow(with(csvRun("solo", "0.25", "0", "0", "0.025"), "wue", "0.0")) + "\n");
        ReportReader.Result r = ReportReader.read(List.of(root));
        assertEquals(List.of(), r.problems());
        assertEquals(List.of("job a-1", "job a-2", "job b-1", "solo "),
                r.runs().stream().map(n -> n.runId() + " " + n.nodeId()).toList());
        assertEquals(1 + 0.5 + 2 + 0.25, Totals.all(r.runs()).totalKwh(), 1e-12);
    }

    @Test
    void foldersAreReadInOrderAndGroupedTotalsAddUp(@TempDir Path root) throws Exception {
        Path b = Files.createDirectories(root.resolve("b"));
        Path a = Files.createDirectories(root.resolve("a"));
        Files.writeString(b.resolve("run-x.json"), summary("run-x", "hb", 1, 2, 3, 0.4, 100));
        Files.writeString(a.resolve("run-x.json"), summary("run-x", "ha", 0.5, 0, 0.5, 0.1, 250));
        Files.writeString(a.resolve("run-y.json"), summary("run-y", "ha", 2, 0, 0, 0.2, 50));
        ReportReader.Result r = ReportReader.read(List.of(root));
        assertEquals(List.of("ha", "ha", "hb"), r.runs().stream().map(NodeRun::host).toList());
        assertEquals(List.of("run-x", "run-y", "run-x"), r.runs().stream().map(NodeRun::runId).toList());
        assertEquals(3, r.files());

        Map<String, Totals.Group> byRun = Totals.by(r.runs(), NodeRun::runId);
        Totals.Group x = byRun.get("run-x");
        assertEquals(2, x.nodes);
        assertEquals(1 + 0.5, x.cpuKwh, 1e-12);
        assertEquals(2 + 0, x.gpuKwh, 1e-12);
        assertEquals(3 + 0.5, x.ramKwh, 1e-12);
        assertEquals((1 + 2 + 3) + (0.5 + 0 + 0.5), x.totalKwh(), 1e-12);
        assertEquals(0.4 + 0.1, x.emissionsKg, 1e-12);
        assertEquals(250, x.longestSeconds, 0.0);
        assertEquals(List.of("ha", "hb"), List.copyOf(x.hosts));
        Totals.Group all = Totals.all(r.runs());
        assertEquals(3, all.nodes);
        assertEquals(0.4 + 0.1 + 0.2, all.emissionsKg, 1e-12);
        assertEquals(List.of("run-x", "run-y"), List.copyOf(all.runIds));
    }

    @Test
    void anUnknownDurationDoesNotCountAsTheLongest(@TempDir Path root) throws Exception {
        Files.writeString(root.resolve(EmissionsCsv.FILE_NAME), EmissionsCsv.HEADER_LINE + "\n"
                + row(Map.of("run_id", "r", "cpu_energy", "1", "gpu_energy", "0", "ram_energy", "0", "emissions", "0.1"))
                + "\n");
        ReportReader.Result r = ReportReader.read(List.of(root));
        assertEquals(List.of(), r.problems());
        assertTrue(Double.isNaN(r.runs().get(0).durationSeconds()));
        assertEquals(0.0, Totals.all(r.runs()).longestSeconds, 0.0);
    }

    @Test
    void eachBadFileOrRowIsOneProblemAndTheRestIsRead(@TempDir Path root) throws Exception {
        Files.writeString(root.resolve("truncated.json"), "{\"run_id\": \"r\", \"energy\n");
        Files.writeString(root.resolve("other.json"), "{\"name\": 1}");
        Files.writeString(root.resolve("negative.json"), summary("neg", "h", -1, 0, 0, 0, 1));
        Files.writeString(root.resolve("text.json"), summary("txt", "h", 1, 0, 0, 0, 1).replace("\"ram\":0.0", "\"ram\":\"0\""));
        Files.writeString(root.resolve("zero.json"), summary("zero", "h", 0, 0, 0, 0, 1));
        Files.writeString(root.resolve(EmissionsCsv.FILE_NAME), EmissionsCsv.HEADER_LINE + "\n"
                + "a,b,c\n" + row(csvRun("bad", "x", "0", "0", "0")) + "\n" + row(csvRun("ok", "1", "0", "0", "0")) + "\n");
        Path other = Files.createDirectories(root.resolve("sub"));
        Files.writeString(other.resolve(EmissionsCsv.FILE_NAME), "run,energy\n");
        ReportReader.Result r = ReportReader.read(List.of(root));
        List<String> p = r.problems();
        assertEquals(7, r.files());
        assertEquals(List.of("zero", "ok"), r.runs().stream().map(NodeRun::runId).toList(), p.toString());
        assertEquals(7, p.size(), p.toString());
        assertTrue(p.stream().anyMatch(l -> l.contains("truncated.json: not valid JSON (truncated?)")), p.toString());
        assertTrue(p.stream().noneMatch(l -> l.contains("\n")), "one line each: " + p);
        assertTrue(p.stream().anyMatch(l -> l.endsWith("other.json: not an mlco2 run summary (no run_id or energy_kwh)")), p.toString());
        assertTrue(p.stream().anyMatch(l -> l.endsWith("negative.json: field cpu is negative")), p.toString());
        assertTrue(p.stream().anyMatch(l -> l.endsWith("text.json: field ram missing or not a number")), p.toString());
        assertTrue(p.stream().anyMatch(l -> l.endsWith(":2: 3 fields instead of 39 (truncated?); row skipped")), p.toString());
        assertTrue(p.stream().anyMatch(l -> l.contains(":3: a number does not parse")), p.toString());
        assertTrue(p.stream().anyMatch(l -> l.endsWith("not an emissions.csv with CodeCarbon's header; file skipped")), p.toString());
    }

    @Test
    void onlyAGuardedFormulaCharacterIsUndone() {
        assertEquals("=1+1", ReportReader.unformula("'=1+1"));
        assertEquals("@x", ReportReader.unformula("'@x"));
        assertEquals("'a", ReportReader.unformula("'a"));
        assertEquals("'", ReportReader.unformula("'"));
        assertEquals("x'=", ReportReader.unformula("x'="));
    }
}
