package io.mlco2.tracker.cli;

import io.mlco2.tracker.report.merge.HostRunsTest;
import io.mlco2.tracker.report.merge.ReportReader;
import io.mlco2.tracker.timeseries.SamplesCsv;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code report} groups the nodes (JVMs) by host: each host's totals (its machine energy counted once), then each
 * of its nodes with its lease, what it measured, its share and what is counted.
 */
class ReportPerHostTest {

    static String summary(String runId, String host, long pid, double cpuKwh, double kg) {
        String node = host + "-" + pid;
        return "{\"run_id\":\"" + runId + "\",\"project_name\":\"p\",\"hostname\":\"" + host + "\",\"node\":{\"id\":\""
                + node + "\",\"host\":\"" + host + "\",\"pid\":" + pid + "},\"complete\":true,"
                + "\"start\":\"2026-01-01T00:00:00Z\",\"duration_s\":60,\"energy_kwh\":{\"cpu\":" + cpuKwh
                + ",\"gpu\":0,\"ram\":0},\"emissions_kg\":" + kg + ",\"region\":\"FR\",\"carbon_intensity_g_per_kwh\":50}";
    }

    private static String print(Path dir) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ReportCommand.print(ReportReader.read(List.of(dir)), new PrintStream(bytes, true, StandardCharsets.UTF_8));
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private static List<String> hostBlock(String o) {
        List<String> lines = o.lines().toList();
        int at = lines.indexOf("Per host, then each node (JVM) on it; a host's machine energy is counted once:");
        assertTrue(at > 0, o);
        int end = lines.subList(at, lines.size()).indexOf("") + at;
        return lines.subList(at + 2, end);
    }

    @Test
    void eachHostThenItsNodes(@TempDir Path dir) throws Exception {
        // Summaries of agents from before the lease (no host_share section): counted as they measured.
        Files.writeString(dir.resolve("job.host-a-1.json"), summary("job", "host-a", 1, 0.25, 0.01));
        Files.writeString(dir.resolve("job.host-b-7.json"), summary("job", "host-b", 7, 1.0, 0.04));
        Files.writeString(dir.resolve("other.host-a-2.json"), summary("other", "host-a", 2, 0.5, 0.02));
        String o = print(dir);
        assertTrue(o.startsWith("2 run(s), 3 node report(s) on 2 host(s) from 3 file(s); 0 skipped"), o);
        List<String> block = hostBlock(o);
        assertEquals(5, block.size(), o);
        assertTrue(block.get(0).matches("  host-a\\s+2\\s+2\\s+0\\.750000\\s+0\\.750000\\s+0\\.030000"), block.get(0));
        assertTrue(block.get(1).matches("    host-a-1\\s+-\\s+0\\.250000\\s+0\\.000000\\s+0\\.250000\\s+0\\.010000  run job"),
                block.get(1));
        assertTrue(block.get(2).matches("    host-a-2\\s+-\\s+0\\.500000\\s+0\\.000000\\s+0\\.500000\\s+0\\.020000  run other"),
                block.get(2));
        assertTrue(block.get(3).matches("  host-b\\s+1\\s+1\\s+1\\.000000\\s+1\\.000000\\s+0\\.040000"), block.get(3));
        assertTrue(block.get(4).matches("    host-b-7\\s+-\\s+1\\.000000\\s+0\\.000000\\s+1\\.000000\\s+0\\.040000  run job"),
                block.get(4));
        assertTrue(o.contains("Total: 1.750000 kWh (cpu 1.750000, gpu 0.000000, ram 0.000000), 0.070000 kgCO2eq\n"), o);
        assertFalse(o.contains("the JVMs measured"), o);
    }

    @Test
    void aHostsMachineEnergyOnceThenEachJvmWithItsShare(@TempDir Path dir) throws Exception {
        double j = 3_600_000; // 1 kWh
        HostRunsTest.write(dir, "job", "h1", 1, 0.9 * j, 0, 0, HostRunsTest.section("held", 0.9 * j, 0, 0));
        HostRunsTest.write(dir, "job", "h1", 2, 0.2 * j, 0, 0, HostRunsTest.section("shared", 0, 0.2 * j, 0));
        String o = print(dir);
        List<String> block = hostBlock(o);
        assertEquals(4, block.size(), o);
        assertTrue(block.get(0).matches("  h1\\s+1\\s+2\\s+1\\.100000\\s+0\\.900000\\s+"
                + String.format(Locale.ROOT, "%.6f", 0.9 * 1.5 * 50 / 1000).replace(".", "\\.")), block.get(0));
        assertTrue(block.get(1).matches("    h1-1\\s+held\\s+0\\.900000\\s+0\\.000000\\s+0\\.900000\\s+\\S+  run job"),
                block.get(1));
        assertTrue(block.get(2).matches("    h1-2\\s+shared\\s+0\\.200000\\s+0\\.200000\\s+0\\.000000\\s+0\\.000000  run job;"
                + " share included in the host's machine energy"), block.get(2));
        assertEquals("    run job on host h1: machine energy counted once, 0.900000 kWh (host lease held by h1-1); the"
                + " shares of the JVMs without the lease, 0.200000 kWh, are included in it", block.get(3));
        String run = o.lines().filter(l -> l.startsWith("  job ")).findFirst().orElseThrow();
        assertTrue(run.contains(" 0.900000 "), run);
        assertTrue(o.contains("Total: 0.900000 kWh (cpu 0.900000, gpu 0.000000, ram 0.000000)"), o);
        assertTrue(o.contains("  the JVMs measured 1.100000 kWh: 0.200000 kWh of it are process shares inside their"
                + " host's machine energy, counted once\n"), o);
    }

    @Test
    void twoJvmsCountingTheWholeMachineWithoutALeaseAreAWarningUnderTheirHost(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("job.host-a-1.json"), summary("job", "host-a", 1, 0.25, 0.01));
        Files.writeString(dir.resolve("job.host-a-2.json"), summary("job", "host-a", 2, 0.5, 0.02));
        List<String> block = hostBlock(print(dir));
        assertEquals(4, block.size(), block.toString());
        assertEquals("    WARN run job on host host-a: machine energy counted 2 times (host-a-1, host-a-2 counted the"
                + " whole machine without one: none could be had, or an agent from before the lease)", block.get(3));
    }

    private static String f6(double v) {
        return Pattern.quote(String.format(Locale.ROOT, "%.6f", v));
    }

    /**
     * Above the hosts: one row per run (its projects, nodes, longest node's duration, kWh, kg and hosts), then one per
     * project, each the sum of its nodes' figures.
     */
    @Test
    void theRunsThenTheProjects(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("job.host-a-1.json"), summary("job", "host-a", 1, 0.25, 0.01)
                .replace("\"project_name\":\"p\"", "\"project_name\":\"vision\""));
        Files.writeString(dir.resolve("job.host-b-7.json"), summary("job", "host-b", 7, 1.0, 0.04)
                .replace("\"project_name\":\"p\"", "\"project_name\":\"vision\"").replace("\"duration_s\":60",
                        "\"duration_s\":75.24"));
        Files.writeString(dir.resolve("other.host-a-2.json"), summary("other", "host-a", 2, 0.5, 0.02)
                .replace("\"project_name\":\"p\"", "\"project_name\":\"nlp\""));
        List<String> lines = print(dir).lines().toList();
        List<String> expected = List.of(
                Pattern.quote("2 run(s), 3 node report(s) on 2 host(s) from 3 file(s); 0 skipped"),
                "",
                "Per run:",
                "  run_id\\s+project\\s+nodes\\s+duration_s\\s+energy_kwh\\s+emissions_kg  hosts",
                "  job\\s+vision\\s+2\\s+" + Pattern.quote(String.format(Locale.ROOT, "%.1f", 75.24)) + "\\s+"
                        + f6(0.25 + 1.0) + "\\s+" + f6(0.01 + 0.04) + "  host-a,host-b",
                "  other\\s+nlp\\s+1\\s+60\\.0\\s+" + f6(0.5) + "\\s+" + f6(0.02) + "  host-a",
                "",
                "Per project:",
                "  name\\s+runs\\s+nodes\\s+energy_kwh\\s+emissions_kg",
                "  vision\\s+1\\s+2\\s+" + f6(0.25 + 1.0) + "\\s+" + f6(0.01 + 0.04),
                "  nlp\\s+1\\s+1\\s+" + f6(0.5) + "\\s+" + f6(0.02),
                "",
                Pattern.quote("Per host, then each node (JVM) on it; a host's machine energy is counted once:"));
        assertTrue(lines.size() > expected.size(), lines.toString());
        for (int i = 0; i < expected.size(); i++) {
            assertTrue(lines.get(i).matches(expected.get(i)), i + ": '" + lines.get(i) + "' vs " + expected.get(i));
        }
    }

    /**
     * A JVM that ended without its exit hook: its line under the host says INCOMPLETE, with the energy up to its last
     * flushed sample (and the summary's intensity x PUE), and the next line says why.
     */
    @Test
    void anIncompleteNodeCountsUpToItsLastSampleAndSaysSo(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("job.host-a-1.json"), summary("job", "host-a", 1, 0.25, 0.01)
                .replace("\"complete\":true", "\"complete\":false,\"pue\":1.25"));
        double cpuJ = 0.3 * 3.6e6;
        double ramJ = 0.1 * 3.6e6;
        StringBuilder csv = new StringBuilder(String.join(",", SamplesCsv.HEADER)).append('\n');
        for (int i = 1; i <= 2; i++) {
            List<String> row = new java.util.ArrayList<>();
            for (String c : SamplesCsv.HEADER) {
                row.add(switch (c) {
                    case "time" -> "2026-01-01T00:00:" + (10 * i) + "Z";
                    case "elapsed_s" -> String.valueOf(10 * i);
                    case "cpu_energy_j" -> String.valueOf(cpuJ * i / 2);
                    case "ram_energy_j" -> String.valueOf(ramJ * i / 2);
                    default -> "";
                });
            }
            csv.append(String.join(",", row)).append('\n');
        }
        Files.writeString(dir.resolve("job.host-a-1" + SamplesCsv.SUFFIX), csv.toString());
        List<String> block = hostBlock(print(dir));
        assertEquals(3, block.size(), block.toString());
        double kwh = (cpuJ + ramJ) / 3.6e6;
        assertTrue(block.get(1).matches("    host-a-1\\s+-\\s+" + f6(kwh) + "\\s+" + f6(0) + "\\s+" + f6(kwh) + "\\s+"
                + f6(kwh * 1.25 * 50 / 1000) + "  run job  INCOMPLETE"), block.get(1));
        assertEquals("      incomplete: JVM ended without its exit hook; energy up to its last sample at"
                + " 2026-01-01T00:00:20Z", block.get(2));
    }
}
