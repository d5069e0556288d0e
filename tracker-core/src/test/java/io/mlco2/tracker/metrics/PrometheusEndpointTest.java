package io.mlco2.tracker.metrics;

import io.mlco2.tracker.energy.Component;
import io.mlco2.tracker.energy.EnergyAccumulator;
import io.mlco2.tracker.base.Log;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PrometheusEndpointTest {

    private static final long S = 1_000_000_000L;

    private final ByteArrayOutputStream logged = new ByteArrayOutputStream();
    private final Log log = new Log(new PrintStream(logged, true, StandardCharsets.UTF_8), Log.Level.INFO);

    private static TrackerMetrics binder(EnergyAccumulator a) {
        return new TrackerMetrics(List.of(a), 100, "FR", 1.0, TrackerMetrics.commonTags("h", "run-1", "p", "h-1"));
    }

    static double value(String body, String metric, String component) {
        Matcher m = Pattern.compile("(?m)^" + metric + "\\{[^}]*component=\"" + component + "\"[^}]*} (\\S+)$").matcher(body);
        assertTrue(m.find(), metric + " for " + component + " in:\n" + body);
        return Double.parseDouble(m.group(1));
    }

    @Test
    void servesMetricsOverHttpOnLoopbackAndNothingElse() throws Exception {
        EnergyAccumulator cpu = new EnergyAccumulator(new FakeSource(Component.CPU, "0", 50));
        cpu.sample(0);
        cpu.sample(2 * S);
        PrometheusEndpoint endpoint = Metrics.startPrometheus(binder(cpu), "127.0.0.1", 0, log);
        assertNotNull(endpoint, logged.toString());
        try {
            assertTrue(endpoint.address().getAddress().isLoopbackAddress());
            assertTrue(logged.toString().contains("Prometheus endpoint on http://127.0.0.1:" + endpoint.port() + "/metrics"));
            HttpClient http = HttpClient.newHttpClient();
            String base = "http://127.0.0.1:" + endpoint.port();
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode());
            assertTrue(r.headers().firstValue("content-type").orElse("").startsWith("text/plain"));
            assertEquals(100.0, value(r.body(), "mlco2_energy_joules_total", "cpu"), 1e-9);
            assertEquals(50.0, value(r.body(), "mlco2_power_watts", "cpu"), 1e-9);
            assertTrue(r.body().contains("# HELP mlco2_emissions_grams_total"));

            cpu.sample(4 * S);
            r = http.send(HttpRequest.newBuilder(URI.create(base + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200.0, value(r.body(), "mlco2_energy_joules_total", "cpu"), 1e-9);

            for (String path : List.of("/", "/metrics/x", "/admin", "/metricsx")) {
                assertEquals(404, http.send(HttpRequest.newBuilder(URI.create(base + path)).build(),
                        HttpResponse.BodyHandlers.ofString()).statusCode(), path);
            }
            assertEquals(405, http.send(HttpRequest.newBuilder(URI.create(base + "/metrics"))
                    .POST(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofString()).statusCode());
        } finally {
            endpoint.close();
        }
    }

    @Test
    void aPortInUseIsOneLineAndNoEndpoint() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            EnergyAccumulator cpu = new EnergyAccumulator(new FakeSource(Component.CPU, "0", 50));
            assertNull(Metrics.startPrometheus(binder(cpu), "127.0.0.1", taken.getLocalPort(), log));
            String out = logged.toString();
            assertEquals(1, out.lines().count(), out);
            assertTrue(out.contains("WARN: Prometheus endpoint not started: 127.0.0.1:" + taken.getLocalPort()
                    + " is in use"), out);
        }
    }

    @Test
    void serverThreadsAreDaemonEvenWhenStartedFromAnApplicationThread() throws Exception {
        EnergyAccumulator cpu = new EnergyAccumulator(new FakeSource(Component.CPU, "0", 50));
        PrometheusEndpoint[] box = new PrometheusEndpoint[1];
        Thread app = new Thread(() -> box[0] = Metrics.startPrometheus(binder(cpu), "127.0.0.1", 0, log));
        app.setDaemon(false);
        app.start();
        app.join();
        try {
            HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + box[0].port()
                    + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
            int seen = 0;
            for (Thread t : Thread.getAllStackTraces().keySet()) {
                if (t.getName().startsWith("HTTP-Dispatcher") || t.getName().startsWith("mlco2-prometheus")) {
                    seen++;
                    assertTrue(t.isDaemon(), t.getName() + " must be a daemon thread");
                }
            }
            assertTrue(seen >= 2, "dispatcher and worker threads seen: " + seen);
        } finally {
            box[0].close();
        }
    }

    /**
     * docs/RELIABILITY.md, "hostile conditions": before, the endpoint had one worker, so a client trickling header
     * bytes held every scrape; now a scrape is answered while three do, and a trickler is cut off.
     */
    @Test
    void slowClientsNeverHoldAScrape() throws Exception {
        EnergyAccumulator cpu = new EnergyAccumulator(new FakeSource(Component.CPU, "0", 50));
        PrometheusEndpoint endpoint = Metrics.startPrometheus(binder(cpu), "127.0.0.1", 0, log);
        List<java.net.Socket> slow = new java.util.ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                java.net.Socket s = new java.net.Socket(InetAddress.getLoopbackAddress(), endpoint.port());
                s.getOutputStream().write("GET /metr".getBytes(StandardCharsets.ISO_8859_1)); // and never the rest
                slow.add(s);
            }
            Thread.sleep(200);
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + endpoint.port() + "/metrics")).timeout(java.time.Duration.ofSeconds(2))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode());
            // The tricklers are cut off once the request deadline has passed: the server closes their connections.
            for (java.net.Socket s : slow) {
                s.setSoTimeout(PrometheusEndpoint.REQUEST_DEADLINE_MILLIS * 3);
                assertEquals(-1, s.getInputStream().read(), "closed without an answer");
            }
        } finally {
            for (java.net.Socket s : slow) {
                s.close();
            }
            endpoint.close();
        }
    }

    /**
     * Before, ~200 idle connections near the file-descriptor limit closed the listener for the rest of the run.
     * Now connections beyond the limit are closed at once, the others when the request deadline passes, and the
     * endpoint still answers afterwards.
     */
    @Test
    void connectionsBeyondTheLimitAreClosedAtOnceAndTheListenerLives() throws Exception {
        EnergyAccumulator cpu = new EnergyAccumulator(new FakeSource(Component.CPU, "0", 50));
        PrometheusEndpoint endpoint = Metrics.startPrometheus(binder(cpu), "127.0.0.1", 0, log);
        List<java.net.Socket> idle = new java.util.ArrayList<>();
        try {
            int n = PrometheusEndpoint.MAX_CONNECTIONS + 24;
            for (int i = 0; i < n; i++) {
                idle.add(new java.net.Socket(InetAddress.getLoopbackAddress(), endpoint.port()));
            }
            int closedAtOnce = 0;
            for (java.net.Socket s : idle) {
                s.setSoTimeout(PrometheusEndpoint.REQUEST_DEADLINE_MILLIS / 3);
                try {
                    if (s.getInputStream().read() == -1) {
                        closedAtOnce++;
                    }
                } catch (java.net.SocketTimeoutException stillOpen) {
                    // held by the server, within the limit
                }
            }
            assertTrue(closedAtOnce >= n - PrometheusEndpoint.MAX_CONNECTIONS, "closed at once: " + closedAtOnce + " of " + n);
            for (java.net.Socket s : idle) {
                s.close();
            }
            HttpResponse<String> r = null;
            for (int attempt = 0; attempt < 20 && (r == null || r.statusCode() != 200); attempt++) {
                try {
                    r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                            + endpoint.port() + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
                } catch (java.io.IOException busy) {
                    Thread.sleep(250); // permits come back as the server notices the closed connections
                }
            }
            assertNotNull(r);
            assertEquals(200, r.statusCode());
            assertTrue(logged.toString().lines().noneMatch(l -> l.contains("stopped listening")), logged.toString());
        } finally {
            for (java.net.Socket s : idle) {
                s.close();
            }
            endpoint.close();
        }
    }
}
