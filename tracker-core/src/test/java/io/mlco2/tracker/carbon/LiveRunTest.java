package io.mlco2.tracker.carbon;

import io.mlco2.tracker.base.Log;
import io.mlco2.tracker.config.Config;
import io.mlco2.tracker.launch.Extensions;
import io.mlco2.tracker.report.RunSummary;
import io.mlco2.tracker.runtime.Tracker;
import io.mlco2.tracker.runtime.Trackers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A whole run with a live source, every report written: the token is in no output file and no log line, and a
 * server that hangs delays the exit by no more than the shutdown budget.
 */
class LiveRunTest {

    static final long S = 1_000_000_000L;
    static final String TOKEN = "tok-SECRET-9f8e7d";

    final AtomicLong clock = new AtomicLong(0);
    final ByteArrayOutputStream err = new ByteArrayOutputStream();
    final Log log = new Log(new PrintStream(err, true, StandardCharsets.UTF_8), Log.Level.DEBUG);

    long stopMillis;

    private RunSummary run(Path out, String url, String shutdown, FakeApi api) throws InterruptedException {
        return run(out, url, shutdown, api, null);
    }

    /** A run that, where {@code awaitLine} is given, stops only once that line was said (or after 10 s). */
    private RunSummary run(Path out, String url, String shutdown, FakeApi api, String awaitLine)
            throws InterruptedException {
        Config config = Config.load("output.dir=" + out + ";run-id=live;carbon-intensity.source=electricitymaps;"
                + "carbon-intensity.zone=DE;carbon-intensity.url=" + url + ";shutdown.timeout=" + shutdown,
                Map.of(), Map.of("MLCO2_CARBON_INTENSITY_TOKEN", TOKEN), log);
        Tracker t = Trackers.of(config, log, List.of(new io.mlco2.tracker.runtime.FakePower.ConstantPower(io.mlco2.tracker.energy.Component.CPU, 30)), clock::get);
        Extensions.install(t, null);
        t.carbon().start();
        long until = System.nanoTime() + 10 * S;
        while (api.requests.isEmpty() && System.nanoTime() < until) {
            Thread.sleep(5); // the first read has begun (in a real run, long before the exit)
        }
        while (awaitLine != null && !err.toString(StandardCharsets.UTF_8).contains(awaitLine)
                && System.nanoTime() < until) {
            Thread.sleep(5); // its answer was handled: on a busy machine that can come after the exit began
        }
        for (int i = 0; i <= 20; i++) {
            t.sample();
            clock.addAndGet(S / 2);
        }
        long t0 = System.nanoTime();
        RunSummary s = t.stop();
        stopMillis = (System.nanoTime() - t0) / 1_000_000;
        return s;
    }

    @Test
    void theTokenIsInNoFileAndNoLine(@TempDir Path out) throws Exception {
        try (FakeApi api = new FakeApi()) {
            api.answer("/v3/carbon-intensity/latest", 401, "{\"message\":\"Invalid token " + TOKEN + "\"}");
            api.answer("/v3/carbon-intensity/history", 200, "{\"zone\":\"DE\",\"history\":["
                    + LiveIntensityTest.emPoint(222, "1969-12-31T23:00:00.000Z") + "]}");
            RunSummary s = run(out, api.url() + "/v3", "5s", api, "HTTP 401");
            assertEquals(222.0, s.intensity().gramsPerKwh(), "the history at the end settled the run: " + err);
            assertTrue(api.requests.stream().allMatch(r -> TOKEN.equals(r.authToken())));
            assertEquals(Config.HIDDEN, s.configuration().get("mlco2.carbon-intensity.token"));
        }
        List<Path> files;
        try (Stream<Path> w = Files.walk(out)) {
            files = w.filter(Files::isRegularFile).toList();
        }
        assertTrue(files.size() >= 4, files.toString()); // summary, emissions.csv, samples, HTML
        for (Path f : files) {
            assertFalse(Files.readString(f, StandardCharsets.ISO_8859_1).contains(TOKEN), f.toString());
        }
        String lines = err.toString(StandardCharsets.UTF_8);
        assertTrue(lines.contains("HTTP 401"), lines);
        assertFalse(lines.contains(TOKEN), lines);
    }

    @Test
    void aServerThatHangsDoesNotHoldTheExitBeyondTheBudget(@TempDir Path out) throws Exception {
        try (FakeApi api = new FakeApi()) {
            api.answer("/", FakeApi.HANG, "");
            RunSummary s = run(out, api.url(), "1s", api);
            // The exit hook's whole budget is 1 s; the source's last read may take 250 ms of it.
            assertTrue(stopMillis < 1000, stopMillis + " ms: " + err);
            assertEquals(100.0, s.intensity().gramsPerKwh());
        }
        try (Stream<Path> w = Files.list(out)) {
            assertTrue(w.anyMatch(f -> f.getFileName().toString().matches("live\\.[^.]+\\.json")), "the summary is written");
        }
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("using the yearly average 100.0"), err.toString());
    }
}
