package io.mlco2.tracker.cli;

import io.mlco2.tracker.report.merge.ReportReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code report} groups the nodes (JVMs) by host: each host's totals, then each of its nodes. */
class ReportPerHostTest {

    static String summary(String runId, String host, long pid, double cpuKwh, double kg) {
        String node = host + "-" + pid;
        return "{\"run_id\":\"" + runId + "\",\"project_name\":\"p\",\"hostname\":\"" + host + "\",\"node\":{\"id\":\""
                + node + "\",\"host\":\"" + host + "\",\"pid\":" + pid + "},\"complete\":true,"
                + "\"start\":\"2026-01-01T00:00:00Z\",\"duration_s\":60,\"energy_kwh\":{\"cpu\":" + cpuKwh
                + ",\"gpu\":0,\"ram\":0},\"emissions_kg\":" + kg + ",\"region\":\"FR\",\"carbon_intensity_g_per_kwh\":50}";
    }

    @Test
    void eachHostThenItsNodes(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("job.host-a-1.json"), summary("job", "host-a", 1, 0.25, 0.01));
        Files.writeString(dir.resolve("job.host-b-7.json"), summary("job", "host-b", 7, 1.0, 0.04));
        Files.writeString(dir.resolve("job.host-a-2.json"), summary("job", "host-a", 2, 0.5, 0.02));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ReportCommand.print(ReportReader.read(List.of(dir)), new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String o = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(o.startsWith("1 run(s), 3 node report(s) on 2 host(s) from 3 file(s); 0 skipped"), o);
        List<String> lines = o.lines().toList();
        int at = lines.indexOf("Per host, then each node (JVM) on it:");
        assertTrue(at > 0, o);
        List<String> block = lines.subList(at + 2, at + 7);
        assertTrue(block.get(0).matches("  host-a\\s+1\\s+2\\s+0\\.750000\\s+0\\.030000"), block.get(0));
        assertTrue(block.get(1).matches("    host-a-1\\s+0\\.250000\\s+0\\.010000  run job"), block.get(1));
        assertTrue(block.get(2).matches("    host-a-2\\s+0\\.500000\\s+0\\.020000  run job"), block.get(2));
        assertTrue(block.get(3).matches("  host-b\\s+1\\s+1\\s+1\\.000000\\s+0\\.040000"), block.get(3));
        assertTrue(block.get(4).matches("    host-b-7\\s+1\\.000000\\s+0\\.040000  run job"), block.get(4));
        assertEquals("", lines.get(at + 7), o);
    }
}
