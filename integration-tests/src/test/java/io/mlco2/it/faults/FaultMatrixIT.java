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
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The fault matrix (docs/RELIABILITY.md), the rows that need a real JVM: in each the job keeps running and exits
 * with its own code, and the agent keeps what it measured.
 */
class FaultMatrixIT {

    static final String JOB = SleepJob.class.getName();

    static Path onlyJson(Path dir) throws Exception {
        try (var s = Files.list(dir)) {
            List<Path> l = s.filter(p -> p.toString().endsWith(".json")).toList();
            assertEquals(1, l.size(), l.toString());
            return l.get(0);
        }
    }

    static long count(String text, String needle) {
        return text.lines().filter(l -> l.contains(needle)).count();
    }

    @Test
    void malformedArgumentsAreOneLineEachAndTheJobRunsWithDefaults(@TempDir Path work) throws Exception {
        Path out = work.resolve("r");
        ChildJvm.Result r = new ChildJvm().workDir(work)
                .withAgent("interval=-1;pue=abc;region=Atlantis;bogus=1;novalue;output.dir=" + out)
                .run(JOB, "300", "7");
        assertEquals(7, r.exitCode(), r.all());
        assertEquals("SLEEP JOB DONE true\n", r.stdout());
        String e = r.stderr();
        assertEquals(1, count(e, "mlco2.interval=-1"), e);
        assertTrue(e.contains("accepted a duration from 10ms to 24h"), e);
        assertEquals(1, count(e, "mlco2.pue=abc"), e);
        assertEquals(1, count(e, "unknown region 'Atlantis'"), e);
        assertEquals(1, count(e, "unknown key mlco2.bogus"), e);
        assertEquals(1, count(e, "'novalue' ignored"), e);
        JsonNode j = Reports.json(onlyJson(out));
        assertEquals(1.0, j.get("pue").asDouble());
        assertEquals("world", j.get("region").asText());
        assertEquals(475.0, j.get("carbon_intensity_g_per_kwh").asDouble());
        assertTrue(j.get("notes").toString().contains("Atlantis"), j.toString());
    }

    @Test
    void sigtermWritesTheFinalReportsInBoundedTime(@TempDir Path work) throws Exception {
        Path out = work.resolve("r");
        Process p = new ChildJvm().workDir(work)
                .withAgent("interval=100ms;output.dir=" + out + ";flush-interval=200ms")
                .start(work.resolve("out.txt"), work.resolve("err.txt"), JOB, "60000", "0");
        Thread.sleep(2500);
        p.destroy(); // SIGTERM
        assertTrue(p.waitFor(20, TimeUnit.SECONDS), "the JVM must exit after SIGTERM");
        String err = Files.readString(work.resolve("err.txt"), StandardCharsets.UTF_8);
        assertEquals(143, p.exitValue(), err);
        List<Map<String, String>> rows = Reports.rows(out.resolve("emissions.csv"));
        assertEquals(1, rows.size(), err);
        double duration = Double.parseDouble(rows.get(0).get("duration"));
        assertTrue(duration > 1.5 && duration < 20, "duration " + duration);
        assertTrue(Double.parseDouble(rows.get(0).get("cpu_energy")) > 0);
        assertTrue(err.contains("[mlco2] run "), err);
    }

    @Test
    void sigkillLosesOnlyThatRunAndTheNextRunAppendsCleanly(@TempDir Path work) throws Exception {
        Path out = work.resolve("r");
        ChildJvm.Result first = new ChildJvm().workDir(work).withAgent("output.dir=" + out).run(JOB, "200", "0");
        assertEquals(0, first.exitCode(), first.all());
        Process p = new ChildJvm().workDir(work).withAgent("interval=100ms;output.dir=" + out).start(JOB, "60000", "0");
        Thread.sleep(2000);
        p.destroyForcibly(); // SIGKILL: no hook runs
        assertTrue(p.waitFor(20, TimeUnit.SECONDS));
        // A writer killed mid-row leaves a torn line; simulate the worst case.
        Files.writeString(out.resolve("emissions.csv"), "2026-11-30T00:00:00,mlco2,torn-row", StandardOpenOption.APPEND);
        ChildJvm.Result third = new ChildJvm().workDir(work).withAgent("output.dir=" + out).run(JOB, "200", "0");
        assertEquals(0, third.exitCode(), third.all());
        List<String> lines = Reports.lines(out.resolve("emissions.csv"));
        assertEquals(Reports.goldenHeader() + ",node_id", lines.get(0));
        assertEquals(4, lines.size(), String.join("\n", lines));
        assertEquals(39, Reports.fields(lines.get(1)).size());
        assertEquals(39, Reports.fields(lines.get(3)).size(), "the new row starts on its own line");
    }

    @Test
    void fourJvmsAppendingToOneFileLeaveFourIntactRows(@TempDir Path work) throws Exception {
        Path out = work.resolve("shared");
        List<Process> ps = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            ps.add(new ChildJvm().workDir(work).withAgent("output.dir=" + out + ";project-name=p" + i).start(JOB, "500", "0"));
        }
        for (Process p : ps) {
            assertTrue(p.waitFor(60, TimeUnit.SECONDS));
            assertEquals(0, p.exitValue());
        }
        List<Map<String, String>> rows = Reports.rows(out.resolve("emissions.csv"));
        assertEquals(4, rows.size());
        assertEquals(List.of("p0", "p1", "p2", "p3"), rows.stream().map(r -> r.get("project_name")).sorted().toList());
        assertEquals(1, Reports.lines(out.resolve("emissions.csv")).stream().filter(l -> l.startsWith("timestamp,")).count());
    }

    @Test
    void systemExitFromAnotherThreadAndAThrowingMainStillWriteReports(@TempDir Path work) throws Exception {
        Path a = work.resolve("a");
        ChildJvm.Result exit = new ChildJvm().workDir(work).withAgent("output.dir=" + a).run(JOB, "300", "5", "thread-exit");
        assertEquals(5, exit.exitCode(), exit.all());
        assertEquals(1, Reports.rows(a.resolve("emissions.csv")).size());

        Path b = work.resolve("b");
        ChildJvm.Result thrown = new ChildJvm().workDir(work).withAgent("output.dir=" + b).run(JOB, "300", "0", "throw");
        assertEquals(1, thrown.exitCode(), thrown.all());
        assertTrue(thrown.stderr().contains("IllegalStateException: job failed on purpose"), thrown.stderr());
        assertEquals(1, Reports.rows(b.resolve("emissions.csv")).size());
    }

    @Test
    void anUnwritableOutputFolderIsOneLineAndTheSummaryStillReachesStderr(@TempDir Path work) throws Exception {
        Path file = work.resolve("plain-file");
        Files.writeString(file, "not a folder");
        ChildJvm.Result r = new ChildJvm().workDir(work).withAgent("output.dir=" + file.resolve("reports")).run(JOB, "300", "3");
        assertEquals(3, r.exitCode(), r.all());
        assertEquals(1, count(r.stderr(), "cannot create the output folder"), r.stderr());
        assertTrue(r.stderr().contains("[mlco2] run "), r.stderr());
        assertFalse(r.stderr().contains("Exception in thread"), r.stderr());
    }

    @Test
    void aMissingOutputFolderIsCreatedAndFilesAreNoWiderThanTheUmask(@TempDir Path work) throws Exception {
        Path out = work.resolve("deep/er/reports");
        ChildJvm.Result r = new ChildJvm().workDir(work).umask("077").withAgent("output.dir=" + out).run(JOB, "200", "0");
        assertEquals(0, r.exitCode(), r.all());
        var ownerOnly = java.util.EnumSet.of(java.nio.file.attribute.PosixFilePermission.OWNER_READ,
                java.nio.file.attribute.PosixFilePermission.OWNER_WRITE,
                java.nio.file.attribute.PosixFilePermission.OWNER_EXECUTE);
        List<Path> made = new java.util.ArrayList<>(List.of(work.resolve("deep"), work.resolve("deep/er"), out));
        try (var files = Files.list(out)) {
            files.forEach(made::add);
        }
        assertTrue(made.size() >= 6, "folders, emissions.csv, the summary and more: " + made);
        assertTrue(made.contains(out.resolve("emissions.csv")), made.toString());
        for (Path f : made) {
            var perms = Files.getPosixFilePermissions(f, java.nio.file.LinkOption.NOFOLLOW_LINKS);
            assertTrue(ownerOnly.containsAll(perms), "umask 077: nothing for group or others on " + f + " " + perms);
            if (Files.isRegularFile(f)) {
                assertFalse(perms.contains(java.nio.file.attribute.PosixFilePermission.OWNER_EXECUTE), f + " " + perms);
            }
        }
    }

    @Test
    void theAgentDisabledLeavesNoThreadAndNoFile(@TempDir Path work) throws Exception {
        ChildJvm.Result r = new ChildJvm().workDir(work).withAgent("enabled=false").run(JOB, "200", "4");
        assertEquals(4, r.exitCode());
        assertFalse(Files.exists(work.resolve("mlco2-reports")));
    }
}
