package io.mlco2.tracker.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mlco2.tracker.base.Log;
import io.mlco2.tracker.base.NodeIdentity;
import io.mlco2.tracker.carbon.GridIntensity;
import io.mlco2.tracker.config.Config;
import io.mlco2.tracker.cpu.HostInfo;
import io.mlco2.tracker.energy.Component;
import io.mlco2.tracker.energy.Method;
import io.mlco2.tracker.energy.SourceGroup;
import io.mlco2.tracker.timeseries.SamplesCsv;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The run id: configured, an executor's application id, or joined later; the start and end summaries. */
class TrackerRunIdTest {

    final ByteArrayOutputStream err = new ByteArrayOutputStream();
    final Log log = new Log(new PrintStream(err, true, StandardCharsets.UTF_8), Log.Level.DEBUG);
    final AtomicLong clock = new AtomicLong(1_000_000_000L);
    static final NodeIdentity EXECUTOR = new NodeIdentity("h", 42, "app-2026-0001", "3");
    static final NodeIdentity DRIVER = new NodeIdentity("h", 43, null, null);

    Tracker tracker(Path out, String args, NodeIdentity node) {
        Config config = Config.load("output.dir=" + out + ";interval=24h;" + args, Map.of(), Map.of(), log);
        GridIntensity g = new GridIntensity("FR", "France", "France", "FRA", "", "", "", 100, "test", false);
        HostInfo host = new HostInfo("Fake CPU", 1, 4, 16_000_000_000L, "Linux", "h", null);
        SourceGroup cpu = SourceGroup.of(List.of(
                new TrackerTest.Fake(Component.CPU, "cpu", Method.CPU_LOAD_MODEL, 50, 100, clock, null)));
        return new Tracker(config, log, host, g, List.of(cpu), clock::get, clock.get(), Instant.EPOCH, List.of(), node);
    }

    static List<String> names(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void anExecutorWithoutARunIdTakesItsApplicationsId(@TempDir Path out) {
        assertEquals("app-2026-0001", tracker(out, "", EXECUTOR).runId());
        assertEquals("mine", tracker(out, "run-id=mine", EXECUTOR).runId());
        String random = tracker(out, "", DRIVER).runId();
        assertEquals(36, random.length(), random);
    }

    @Test
    void joinRunRenamesTheFilesAndLaterReportsTakeTheNewId(@TempDir Path out) throws Exception {
        Tracker t = tracker(out, "", DRIVER);
        String old = t.runId();
        SamplesCsv samples = SamplesCsv.install(t);
        t.start();
        t.sample();
        String node = DRIVER.nodeId();
        assertTrue(names(out).contains(old + "." + node + ".json"), names(out).toString());
        JsonNode start = new ObjectMapper().readTree(out.resolve(old + "." + node + ".json").toFile());
        assertFalse(start.get("complete").asBoolean());
        assertEquals(node, start.get("node").get("id").asText());

        t.joinRun("app-9");
        assertEquals("app-9", t.runId());
        assertEquals(List.of("app-9." + node + ".json", "app-9." + node + ".samples.csv"), names(out));
        assertEquals(out.resolve("app-9." + node + ".samples.csv"), samples.file());
        JsonNode joined = new ObjectMapper().readTree(out.resolve("app-9." + node + ".json").toFile());
        assertEquals("app-9", joined.get("run_id").asText());
        assertFalse(joined.get("complete").asBoolean());

        clock.addAndGet(10_000_000_000L);
        t.stop();
        t.joinRun("too-late"); // after the end: nothing changes
        assertEquals("app-9", t.runId());
        JsonNode end = new ObjectMapper().readTree(out.resolve("app-9." + node + ".json").toFile());
        assertTrue(end.get("complete").asBoolean());
        assertEquals(500, end.get("energy_kwh").get("cpu").asDouble() * 3.6e6, 1e-6); // 50 W x 10 s
        List<String> rows = Files.readAllLines(out.resolve("app-9." + node + ".samples.csv"));
        assertTrue(rows.size() >= 3, "header, the samples before the join and the last one after it: " + rows);
        assertTrue(rows.get(rows.size() - 1).contains(",500.0,"), rows.toString());
        assertTrue(Files.readString(out.resolve("emissions.csv")).contains(",app-9,"));
    }

    @Test
    void joinRunIsANoOpWhenTheRunIdWasConfiguredOrTheIdIsBlank(@TempDir Path out) throws Exception {
        Tracker t = tracker(out, "run-id=fixed", DRIVER);
        t.joinRun("app-9");
        assertEquals("fixed", t.runId());
        Tracker u = tracker(out, "", DRIVER);
        String old = u.runId();
        u.joinRun(null);
        u.joinRun("  ");
        u.joinRun(old);
        assertEquals(old, u.runId());
        assertFalse(err.toString().contains("could not join"), err.toString());
    }
}
