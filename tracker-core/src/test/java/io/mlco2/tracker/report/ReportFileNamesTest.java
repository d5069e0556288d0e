package io.mlco2.tracker.report;

import io.mlco2.tracker.base.NodeIdentity;
import io.mlco2.tracker.html.HtmlReportWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One file name per JVM and run: <run_id>.<node_id><suffix>, never shared by two JVMs or two run ids. */
class ReportFileNamesTest {

    /** {@code s} as measured by {@code node}. */
    static RunSummary by(RunSummary s, NodeIdentity node, boolean complete) {
        return new RunSummary(s.runId(), s.projectName(), s.experimentId(), s.start(), s.end(), s.durationSeconds(),
                s.components(), s.intensity(), s.pue(), s.emissionsKg(), s.tdpEstimate(), s.mitigation(), s.cpuModel(),
                s.cpuCount(), s.gpuCount(), s.gpuModel(), s.gpuShared(), s.ramTotalGb(), s.ramUsedGb(), s.os(),
                s.hostname(), s.trackingMode(), s.agentVersion(), s.configuration(), s.notes(), s.extra(), node,
                complete);
    }

    @Test
    void runIdsThatSanitiseAlikeGetDifferentNames() {
        assertEquals("job42", ReportFiles.safeRunId("job42"), "a safe id is kept as it is");
        Set<String> names = new HashSet<>();
        for (String id : List.of("a/b", "a:b", "a b", "a_b", "a\\b")) {
            String safe = ReportFiles.safeRunId(id);
            assertTrue(safe.matches("[A-Za-z0-9._-]+"), safe);
            assertTrue(names.add(safe), id + " -> " + safe + " already taken: " + names);
        }
        assertTrue(ReportFiles.safeRunId("").startsWith("run"));
        assertTrue(ReportFiles.safeRunId("..").startsWith("run"), "never a hidden file or a parent folder");
        assertEquals("r1.exec2-h-7.json", ReportFiles.file(Path.of(""), "r1", "exec2-h-7", ReportFiles.JSON).toString());
    }

    /**
     * The suffix of a replaced id is the 32-bit FNV-1a hash of its UTF-8 bytes in 8 hex digits: worked out here in
     * long arithmetic modulo 2^32, checked first against the published FNV-1a test vectors.
     */
    @Test
    void theSuffixIsTheFnv1aHashOfTheIdsUtf8Bytes() {
        assertEquals(0x811c9dc5L, fnv1a(""));
        assertEquals(0xe40c292cL, fnv1a("a"));
        assertEquals(0xbf9cf968L, fnv1a("foobar"));
        assertEquals("a_b-" + String.format("%08x", fnv1a("a/b")), ReportFiles.safeRunId("a/b"));
        assertEquals("a_b-" + String.format("%08x", fnv1a("a:b")), ReportFiles.safeRunId("a:b"));
        // two UTF-8 bytes, one character: one '_', both bytes hashed
        assertEquals("_x-" + String.format("%08x", fnv1a("\u00e9x")), ReportFiles.safeRunId("\u00e9x"));
    }

    private static long fnv1a(String s) {
        long h = 0x811c9dc5L;
        for (byte b : s.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
            h = ((h ^ (b & 0xff)) * 0x01000193L) & 0xffffffffL;
        }
        return h;
    }

    @Test
    void twoJvmsOfOneRunInOneFolderKeepTheirOwnSummaryAndPage(@TempDir Path dir) throws Exception {
        RunSummary s = EmissionsCsvTest.summary("job42", "p");
        RunSummary a = by(s, new NodeIdentity("h", 100, null, null), true);
        RunSummary b = by(s, new NodeIdentity("h", 101, "app-1", "1"), true);
        Path fa = SummaryJson.write(a, dir);
        Path fb = SummaryJson.write(b, dir);
        assertNotEquals(fa, fb);
        assertEquals("job42.h-100.json", fa.getFileName().toString());
        assertEquals("job42.exec1-h-101.json", fb.getFileName().toString());
        assertTrue(Files.readString(fa).contains("\"pid\" : 100"), Files.readString(fa));
        assertTrue(Files.readString(fb).contains("\"spark_executor_id\" : \"1\""), Files.readString(fb));
        assertNotEquals(HtmlReportWriter.fileFor(dir, a), HtmlReportWriter.fileFor(dir, b));
        RunSummary slash = by(EmissionsCsvTest.summary("a/b", "p"), new NodeIdentity("h", 100, null, null), true);
        RunSummary colon = by(EmissionsCsvTest.summary("a:b", "p"), new NodeIdentity("h", 100, null, null), true);
        assertNotEquals(SummaryJson.write(slash, dir), SummaryJson.write(colon, dir));
        try (var files = Files.list(dir)) {
            assertEquals(4, files.count());
        }
    }
}
