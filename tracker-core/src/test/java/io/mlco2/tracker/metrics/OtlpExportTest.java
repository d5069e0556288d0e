package io.mlco2.tracker.metrics;

import com.sun.net.httpserver.HttpServer;
import io.micrometer.registry.otlp.OtlpMeterRegistry;
import io.mlco2.tracker.energy.Component;
import io.mlco2.tracker.energy.EnergyAccumulator;
import io.mlco2.tracker.base.Log;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Pushes to a small OTLP/HTTP receiver on loopback that decodes what arrives. */
class OtlpExportTest {

    private static final long S = 1_000_000_000L;

    private HttpServer receiver;
    private final BlockingQueue<ExportMetricsServiceRequest> received = new LinkedBlockingQueue<>();
    private final List<String> contentTypes = new ArrayList<>();
    private final ByteArrayOutputStream logged = new ByteArrayOutputStream();
    private final Log log = new Log(new PrintStream(logged, true, StandardCharsets.UTF_8), Log.Level.INFO);

    @BeforeEach
    void startReceiver() throws Exception {
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/v1/metrics", ex -> {
            try (ex) {
                byte[] body = ex.getRequestBody().readAllBytes();
                if ("gzip".equalsIgnoreCase(ex.getRequestHeaders().getFirst("Content-Encoding"))) {
                    try (InputStream in = new GZIPInputStream(new java.io.ByteArrayInputStream(body))) {
                        body = in.readAllBytes();
                    }
                }
                synchronized (contentTypes) {
                    contentTypes.add(ex.getRequestHeaders().getFirst("Content-Type"));
                }
                received.add(ExportMetricsServiceRequest.parseFrom(body));
                ex.sendResponseHeaders(200, -1);
            }
        });
        receiver.start();
    }

    @AfterEach
    void stopReceiver() {
        receiver.stop(0);
    }

    static Map<String, Double> sums(ExportMetricsServiceRequest req, String metric) {
        Map<String, Double> out = new java.util.TreeMap<>();
        for (ResourceMetrics rm : req.getResourceMetricsList()) {
            for (ScopeMetrics sm : rm.getScopeMetricsList()) {
                for (Metric m : sm.getMetricsList()) {
                    if (!m.getName().equals(metric)) {
                        continue;
                    }
                    List<NumberDataPoint> points = m.hasSum() ? m.getSum().getDataPointsList() : m.getGauge().getDataPointsList();
                    for (NumberDataPoint p : points) {
                        String component = p.getAttributesList().stream().filter(kv -> kv.getKey().equals("component"))
                                .map(kv -> kv.getValue().getStringValue()).findFirst().orElse("");
                        out.put(component, p.hasAsDouble() ? p.getAsDouble() : p.getAsInt());
                    }
                }
            }
        }
        return out;
    }

    @Test
    void pushesDecodableMetricsFromDaemonThreadsAndOnceMoreOnClose() throws Exception {
        EnergyAccumulator cpu = new EnergyAccumulator(new FakeSource(Component.CPU, "0", 40));
        cpu.sample(0);
        cpu.sample(5 * S);
        TrackerMetrics binder = new TrackerMetrics(List.of(cpu), 100, "FR", 1.0,
                TrackerMetrics.commonTags("h", "run-otlp", "proj", "n-1"));
        String url = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/v1/metrics";
        OtlpMeterRegistry registry = Metrics.startOtlp(binder, url, Duration.ofSeconds(1), Duration.ofSeconds(2),
                Map.of("service.name", "proj"), log);
        assertNotNull(registry);
        try {
            ExportMetricsServiceRequest first = received.poll(10, TimeUnit.SECONDS);
            assertNotNull(first, "a periodic push within 10 s");
            assertEquals(200.0, sums(first, "mlco2.energy").get("cpu"), 1e-9);
            assertEquals(40.0, sums(first, "mlco2.power").get("cpu"), 1e-9);
            List<KeyValue> resource = first.getResourceMetrics(0).getResource().getAttributesList();
            assertTrue(resource.stream().anyMatch(kv -> kv.getKey().equals("service.name")
                    && kv.getValue().getStringValue().equals("proj")), resource.toString());
            for (Thread t : Thread.getAllStackTraces().keySet()) {
                if (t.getName().startsWith("mlco2-otlp")) {
                    assertTrue(t.isDaemon(), t.getName());
                }
            }
        } finally {
            cpu.sample(10 * S);
            received.clear();
            registry.close();
        }
        ExportMetricsServiceRequest last = received.poll(5, TimeUnit.SECONDS);
        assertNotNull(last, "close() pushes a last time");
        assertEquals(400.0, sums(last, "mlco2.energy").get("cpu"), 1e-9);
        synchronized (contentTypes) {
            assertTrue(contentTypes.stream().allMatch("application/x-protobuf"::equals), contentTypes.toString());
        }
    }

    @Test
    void anUnreachableEndpointIsOneLineNotAnException() throws Exception {
        EnergyAccumulator cpu = new EnergyAccumulator(new FakeSource(Component.CPU, "0", 40));
        TrackerMetrics binder = new TrackerMetrics(List.of(cpu), 100, "FR", 1.0, TrackerMetrics.commonTags("h", "r", "p", "n-1"));
        int port = receiver.getAddress().getPort();
        receiver.stop(0);
        OtlpMeterRegistry registry = Metrics.startOtlp(binder, "http://127.0.0.1:" + port + "/v1/metrics",
                Duration.ofSeconds(1), Duration.ofMillis(500), Map.of(), log);
        registry.close();
        String out = logged.toString();
        assertEquals(1, out.lines().count(), out);
        assertTrue(out.contains("OTLP push to http://127.0.0.1:" + port + "/v1/metrics failed"), out);
    }

    @Test
    void aUrlThatIsNotHttpIsRefused() {
        EnergyAccumulator cpu = new EnergyAccumulator(new FakeSource(Component.CPU, "0", 40));
        TrackerMetrics binder = new TrackerMetrics(List.of(cpu), 100, "FR", 1.0, TrackerMetrics.commonTags("h", "r", "p", "n-1"));
        assertEquals(null, Metrics.startOtlp(binder, "localhost:4318", Duration.ofSeconds(1), Duration.ofSeconds(1),
                Map.of(), log));
        assertTrue(logged.toString().contains("not an http(s) URL"));
    }
}
