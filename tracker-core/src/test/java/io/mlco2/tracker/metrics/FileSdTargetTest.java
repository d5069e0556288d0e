package io.mlco2.tracker.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mlco2.tracker.base.Log;
import io.mlco2.tracker.base.NodeIdentity;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FileSdTargetTest {

    @TempDir
    Path dir;

    private final ByteArrayOutputStream logged = new ByteArrayOutputStream();
    private final Log log = new Log(new PrintStream(logged, true, StandardCharsets.UTF_8), Log.Level.INFO);

    @Test
    void writesPrometheusFileSdJsonNamedByRunAndNodeAndDeletesItOnClose() throws Exception {
        NodeIdentity node = new NodeIdentity("worker-1", 4242, "app-1", "3");
        Path sd = dir.resolve("targets/nested");
        FileSdTarget target = FileSdTarget.write(sd, "run-7", node, "127.0.0.1", 41234, log);
        assertNotNull(target, logged.toString());
        Path file = sd.resolve("run-7.exec3-worker-1-4242.json");
        assertEquals(file, target.file());
        // Prometheus' file_sd format: a list of target groups, each {"targets": [host:port, ...], "labels": {...}}.
        JsonNode groups = new ObjectMapper().readTree(file.toFile());
        assertTrue(groups.isArray() && groups.size() == 1, groups.toString());
        assertEquals("127.0.0.1:41234", groups.get(0).get("targets").get(0).asText());
        assertEquals(1, groups.get(0).get("targets").size());
        assertEquals("run-7", groups.get(0).get("labels").get("run_id").asText());
        assertEquals("exec3-worker-1-4242", groups.get(0).get("labels").get("node").asText());
        try (Stream<Path> files = Files.list(sd)) {
            assertEquals(List.of(file), files.toList(), "no temporary file left beside it");
        }
        target.close();
        assertFalse(Files.exists(file));
        target.close(); // twice: nothing to delete, nothing said
        assertFalse(logged.toString().contains("WARN") || logged.toString().contains("not removed"), logged.toString());
    }

    @Test
    void twoJvmsOfOneRunWriteTwoFilesInOneFolder() throws Exception {
        FileSdTarget a = FileSdTarget.write(dir, "run", new NodeIdentity("h", 1, null, null), "127.0.0.1", 1001, log);
        FileSdTarget b = FileSdTarget.write(dir, "run", new NodeIdentity("h", 2, null, null), "127.0.0.1", 1002, log);
        assertNotNull(a);
        assertNotNull(b);
        assertTrue(Files.isRegularFile(dir.resolve("run.h-1.json")));
        assertTrue(Files.isRegularFile(dir.resolve("run.h-2.json")));
    }

    @Test
    void aRunIdThatIsNoFileNameIsMadeSafeButKeptAsTheLabel() throws Exception {
        FileSdTarget t = FileSdTarget.write(dir, "../x y", new NodeIdentity("h", 5, null, null), "127.0.0.1", 9, log);
        assertNotNull(t);
        assertEquals(dir, t.file().getParent());
        // the name the run's reports have: <safe run id>.<node id>, here with ".json"
        assertEquals(io.mlco2.tracker.report.ReportFiles.file(dir, "../x y", "h-5", ".json"), t.file());
        assertFalse(t.file().getFileName().toString().contains("/"));
        assertEquals("../x y", new ObjectMapper().readTree(t.file().toFile()).get(0).get("labels").get("run_id").asText());
    }

    @Test
    void theTargetIsTheBoundAddressOrTheHostNameWhenBoundToEveryInterface() {
        assertEquals("127.0.0.1:9464", FileSdTarget.target("127.0.0.1", "worker-1", 9464));
        assertEquals("worker-1:9464", FileSdTarget.target("0.0.0.0", "worker-1", 9464));
        assertEquals("worker-1:9464", FileSdTarget.target("::", "worker-1", 9464));
        assertEquals("[::1]:9464", FileSdTarget.target("::1", "worker-1", 9464));
    }

    @Test
    void aFolderThatCannotBeWrittenIsOneLineAndNoFile() throws Exception {
        Path notADir = Files.writeString(dir.resolve("plain-file"), "x");
        assertNull(FileSdTarget.write(notADir, "run", new NodeIdentity("h", 1, null, null), "127.0.0.1", 1001, log));
        String out = logged.toString();
        assertEquals(1, out.lines().count(), out);
        assertTrue(out.contains("mlco2.metrics.prometheus.file-sd-dir=" + notADir), out);
    }

    @Test
    void aValueThatIsNoPathIsOneLineNamingIt() {
        assertNull(FileSdTarget.write("bad\u0000dir", "run", new NodeIdentity("h", 1, null, null), "127.0.0.1", 1001, log));
        String out = logged.toString();
        assertEquals(1, out.lines().count(), out);
        assertTrue(out.contains("mlco2.metrics.prometheus.file-sd-dir=bad"), out);
    }
}
