package io.mlco2.it.faults;

import com.fasterxml.jackson.databind.JsonNode;
import io.mlco2.it.jobs.SleepJob;
import io.mlco2.it.support.ChildJvm;
import io.mlco2.it.support.Reports;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * docs/RELIABILITY.md, "Hostile conditions": JVMs sharing one output folder never overwrite each other's reports
 * (the same run id, as the README advises for distributed jobs, or run ids that sanitise alike), and a JVM killed
 * with SIGKILL is recovered by {@code report} from what it flushed.
 */
class SharedFolderIT {

    private static List<Path> files(Path dir, String suffix) throws Exception {
        try (var s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(suffix)).sorted().toList();
        }
    }

    @Test
    void jvmsWithOneRunIdOrIdsThatSanitiseAlikeKeepEveryReport(@TempDir Path work) throws Exception {
        Path out = work.resolve("shared");
        List<String> ids = List.of("job42", "job42", "job42", "a/b", "a:b");
        List<Process> jvms = new ArrayList<>();
        for (int i = 0; i < ids.size(); i++) {
            jvms.add(new ChildJvm().workDir(work).withAgent("interval=100ms;shutdown.timeout=60s;output.dir=" + out + ";run-id=" + ids.get(i))
                    .start(work.resolve("out" + i), work.resolve("err" + i), SleepJob.class.getName(), "800"));
        }
        for (int i = 0; i < jvms.size(); i++) {
            assertTrue(jvms.get(i).waitFor(300, TimeUnit.SECONDS), "JVM " + i + " did not end");
            assertEquals(0, jvms.get(i).exitValue(), Files.readString(work.resolve("err" + i)));
        }
        List<Path> json = files(out, ".json");
        assertEquals(5, json.size(), "one summary per JVM: " + json);
        assertEquals(5, files(out, ".html").size(), files(out, ".html").toString());
        List<Path> samples = files(out, ".samples.csv");
        assertEquals(5, samples.size(), samples.toString());
        for (Path f : samples) {
            long headers = Reports.lines(f).stream().filter(l -> l.startsWith("time,")).count();
            assertEquals(1, headers, f + " holds one JVM's rows under one header");
        }
        List<String> runIds = new ArrayList<>();
        for (Path f : json) {
            JsonNode j = Reports.json(f);
            runIds.add(j.get("run_id").asText());
            assertTrue(j.get("complete").asBoolean(), f.toString());
            assertTrue(f.getFileName().toString().contains("." + j.get("node").get("id").asText() + "."), f.toString());
        }
        runIds.sort(null);
        assertEquals(List.of("a/b", "a:b", "job42", "job42", "job42"), runIds);
        assertEquals(5, Reports.rows(out.resolve("emissions.csv")).size());
    }

    @Test
    void aJvmKilledWithSigkillIsRecoveredByReportUpToItsLastSample(@TempDir Path work) throws Exception {
        Path out = work.resolve("r");
        Process p = new ChildJvm().workDir(work)
                .withAgent("interval=100ms;flush-interval=100ms;output.dir=" + out
                        + ";run-id=killed;region=FR;pue=1.5;cpu.tdp-watts=2000")
                .start(work.resolve("out"), work.resolve("err"), SleepJob.class.getName(), "120000");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        Path samples = null;
        while (System.nanoTime() < deadline) {
            List<Path> l = Files.isDirectory(out) ? files(out, ".samples.csv") : List.of();
            // enough energy for report's 6 decimals of kWh (the power depends on the CPU model and the machine's load)
            if (l.size() == 1 && files(out, ".json").size() == 1 && Reports.lines(l.get(0)).size() > 20
                    && joules(lastRow(l.get(0))) > 540) {
                samples = l.get(0);
                break;
            }
            Thread.sleep(100);
        }
        p.destroyForcibly(); // SIGKILL: no exit hook
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertTrue(samples != null, "no samples after 120 s: " + Files.readString(work.resolve("err")));
        assertFalse(Files.exists(out.resolve("emissions.csv")), "no exit hook ran: no row");
        JsonNode start = Reports.json(Reports.file(out, "killed", ".json"));
        assertFalse(start.get("complete").asBoolean(), "the summary written at start stays");

        // The oracle: the last complete row of the samples file, read here.
        java.util.Map<String, String> last = lastRow(samples);
        double kwh = joules(last) / 3.6e6;
        double kg = kwh * 1.5 * start.get("carbon_intensity_g_per_kwh").asDouble() / 1000;
        assertTrue(kwh > 1e-4, "enough energy for 6 decimals to compare: " + kwh);

        Path rout = work.resolve("report.out");
        Path rerr = work.resolve("report.err");
        Process r = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
                ChildJvm.agentJar().toString(), "report", "--no-html", out.toString())
                .redirectOutput(rout.toFile()).redirectError(rerr.toFile()).start();
        assertTrue(r.waitFor(120, TimeUnit.SECONDS));
        String o = Files.readString(rout, StandardCharsets.UTF_8);
        assertEquals(0, r.exitValue(), o + Files.readString(rerr));
        assertTrue(o.startsWith("1 run(s), 1 node report(s) on 1 host(s) from 1 file(s); 1 incomplete"), o);
        assertTrue(o.contains("; 0 skipped"), o);
        assertTrue(o.contains("INCOMPLETE"), o);
        assertTrue(o.contains("incomplete: JVM ended without its exit hook; energy up to its last sample at "
                + last.get("time")), o);
        Matcher m = Pattern.compile("Total: ([0-9.]+) kWh .*, ([0-9.]+) kgCO2eq").matcher(o);
        assertTrue(m.find(), o);
        assertEquals(String.format(Locale.ROOT, "%.6f", kwh), m.group(1), o);
        assertEquals(String.format(Locale.ROOT, "%.6f", kg), m.group(2), o);
    }

    /** The samples file's last complete row (column name to value), read here. */
    private static java.util.Map<String, String> lastRow(Path samples) throws java.io.IOException {
        List<String> lines = Reports.lines(samples);
        List<String> header = Reports.fields(lines.get(0));
        java.util.Map<String, String> last = new java.util.HashMap<>();
        for (String l : lines.subList(1, lines.size())) {
            List<String> f = Reports.fields(l);
            if (f.size() == header.size()) {
                last.clear();
                for (int i = 0; i < f.size(); i++) {
                    last.put(header.get(i), f.get(i));
                }
            }
        }
        return last;
    }

    /** The cumulative energy (J, CPU + GPU + RAM) of a samples row; 0 for none. */
    private static double joules(java.util.Map<String, String> row) {
        double joules = 0;
        for (String c : List.of("cpu", "gpu", "ram")) {
            String v = row.getOrDefault(c + "_energy_j", "");
            joules += v.isEmpty() ? 0 : Double.parseDouble(v);
        }
        return joules;
    }
}
