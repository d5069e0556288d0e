package io.mlco2.tracker.metrics;

import com.sun.net.httpserver.HttpServer;
import io.mlco2.tracker.base.Log;
import io.mlco2.tracker.energy.Component;
import io.mlco2.tracker.energy.EnergyAccumulator;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The push at exit, received by a small HTTP server on loopback (a real Pushgateway: PushgatewayExitIT). */
class PushgatewayExitTest {

    private static final long S = 1_000_000_000L;

    private final ByteArrayOutputStream logged = new ByteArrayOutputStream();
    private final Log log = new Log(new PrintStream(logged, true, StandardCharsets.UTF_8), Log.Level.INFO);

    private static TrackerMetrics binder(EnergyAccumulator a) {
        return new TrackerMetrics(List.of(a), 100, "FR", 1.0, TrackerMetrics.commonTags("h", "run-1", "proj", "h-42"));
    }

    @Test
    void putsTheFinalValuesUnderJobRunAndNodeOnClose() throws Exception {
        List<String> requests = new CopyOnWriteArrayList<>();
        HttpServer gateway = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        gateway.createContext("/", ex -> {
            try (ex) {
                requests.add(ex.getRequestMethod() + " " + ex.getRequestURI().getRawPath() + "\n"
                        + new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
                ex.sendResponseHeaders(200, -1);
            }
        });
        gateway.start();
        try {
            EnergyAccumulator cpu = new EnergyAccumulator(new FakeSource(Component.CPU, "0", 40));
            cpu.sample(0);
            PushgatewayExit push = PushgatewayExit.create(binder(cpu), "http://127.0.0.1:" + gateway.getAddress().getPort()
                    + "/", "proj", "run-1", "h-42", Duration.ofSeconds(2), log);
            assertNotNull(push, logged.toString());
            assertTrue(requests.isEmpty(), "nothing is sent before the exit");
            cpu.sample(5 * S); // the last sample, taken before the closeables run
            push.close();
            assertEquals(1, requests.size(), requests.toString());
            String request = requests.get(0);
            // The grouping key as the client writes it (labels sorted); the gateway reads it as a set.
            assertTrue(request.startsWith("PUT /metrics/job/proj/node/h-42/run_id/run-1\n"), request);
            // 40 W for 5 s
            assertEquals(200.0, PrometheusEndpointTest.value(request, "mlco2_energy_joules_total", "cpu"), 1e-9);
            assertTrue(request.contains("node=\"h-42\""), request);
            assertEquals("", logged.toString());
        } finally {
            gateway.stop(0);
        }
    }

    @Test
    void aGatewayThatNeverAnswersCostsTheTimeoutAndOneLine() throws Exception {
        // Connections land in the backlog and are never answered.
        try (ServerSocket silent = new ServerSocket(0, 8, InetAddress.getByName("127.0.0.1"))) {
            EnergyAccumulator cpu = new EnergyAccumulator(new FakeSource(Component.CPU, "0", 40));
            PushgatewayExit push = PushgatewayExit.create(binder(cpu), "http://127.0.0.1:" + silent.getLocalPort(),
                    "proj", "run-1", "h-42", Duration.ofMillis(300), log);
            assertNotNull(push);
            long t0 = System.nanoTime();
            push.close();
            long millis = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(millis < 3_000, millis + " ms");
            String out = logged.toString();
            assertEquals(1, out.lines().count(), out);
            assertTrue(out.contains("Push to the Pushgateway http://127.0.0.1:" + silent.getLocalPort()), out);
        }
    }

    @Test
    void aRefusedConnectionIsOneLine() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            port = s.getLocalPort();
        }
        EnergyAccumulator cpu = new EnergyAccumulator(new FakeSource(Component.CPU, "0", 40));
        PushgatewayExit push = PushgatewayExit.create(binder(cpu), "http://127.0.0.1:" + port, "proj", "r", "n",
                Duration.ofSeconds(1), log);
        assertNotNull(push);
        push.close();
        String out = logged.toString();
        assertEquals(1, out.lines().count(), out);
        assertTrue(out.contains("failed"), out);
    }

    @Test
    void aValueThatIsNoHttpUrlIsOneLineNamingIt() {
        EnergyAccumulator cpu = new EnergyAccumulator(new FakeSource(Component.CPU, "0", 40));
        for (String bad : List.of("127.0.0.1:9091", "ftp://h:9091", "http://", "http://h:9091/?x=1")) {
            logged.reset();
            assertNull(PushgatewayExit.create(binder(cpu), bad, "p", "r", "n", Duration.ofSeconds(1), log), bad);
            String out = logged.toString();
            assertEquals(1, out.lines().count(), out);
            assertTrue(out.contains("mlco2.metrics.pushgateway.url=" + bad + " is not an http(s) URL"), out);
        }
    }

    @Test
    void aPathPrefixAndCredentialsInTheUrlAreUsedAndThePasswordNeverShown() throws Exception {
        List<String> requests = new CopyOnWriteArrayList<>();
        HttpServer gateway = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        gateway.createContext("/", ex -> {
            try (ex) {
                requests.add(ex.getRequestURI().getRawPath() + " " + ex.getRequestHeaders().getFirst("Authorization"));
                ex.sendResponseHeaders(500, -1);
            }
        });
        gateway.start();
        try {
            EnergyAccumulator cpu = new EnergyAccumulator(new FakeSource(Component.CPU, "0", 40));
            PushgatewayExit push = PushgatewayExit.create(binder(cpu), "http://me:s3cret@127.0.0.1:"
                    + gateway.getAddress().getPort() + "/gw/", "p", "r", "n", Duration.ofMillis(500), log);
            assertNotNull(push);
            push.close();
            String basic = java.util.Base64.getEncoder().encodeToString("me:s3cret".getBytes(StandardCharsets.UTF_8));
            assertEquals(List.of("/gw/metrics/job/p/node/n/run_id/r Basic " + basic), requests);
            String out = logged.toString();
            assertEquals(1, out.lines().count(), out);
            assertTrue(!out.contains("s3cret") && out.contains("/gw"), out);
        } finally {
            gateway.stop(0);
        }
    }
}
