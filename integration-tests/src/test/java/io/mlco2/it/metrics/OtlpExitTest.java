package io.mlco2.it.metrics;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A job that returns from main (no System.exit) with OTLP on: the JVM still exits (the registry's threads are
 * daemon) and the last push arrives at exit. The payload is decoded in tracker-core's OtlpExportTest; here the
 * protobuf bytes are only checked for the metric names.
 */
class OtlpExitTest {

    @TempDir
    Path dir;

    @Test
    void jobExitsAndTheLastPushArrives() throws Exception {
        List<byte[]> bodies = new CopyOnWriteArrayList<>();
        List<Long> times = new CopyOnWriteArrayList<>();
        HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/v1/metrics", ex -> {
            try (ex) {
                bodies.add(ex.getRequestBody().readAllBytes());
                times.add(System.nanoTime());
                ex.sendResponseHeaders(200, -1);
            }
        });
        receiver.start();
        try {
            // A step far longer than the job: only the push at exit can deliver anything.
            AgentJvm jvm = AgentJvm.start(dir, "mlco2.run-id=otlp-exit;mlco2.metrics.otlp.step=1h;"
                    + "mlco2.metrics.otlp.endpoint=http://127.0.0.1:" + receiver.getAddress().getPort() + "/v1/metrics",
                    "io.mlco2.it.metrics.IdleJob", "1500");
            assertEquals(0, jvm.await(120), "JVM held by a non-daemon thread? " + jvm.stderr());
            assertTrue(jvm.stdout().contains("IDLE DONE"));
            assertFalse(bodies.isEmpty(), "the final push at exit arrived; stderr:\n" + jvm.stderr());
            String payload = new String(bodies.get(bodies.size() - 1), StandardCharsets.ISO_8859_1);
            assertTrue(payload.contains("mlco2.energy") && payload.contains("mlco2.emissions")
                    && payload.contains("otlp-exit"), payload);
        } finally {
            receiver.stop(0);
        }
    }
}
