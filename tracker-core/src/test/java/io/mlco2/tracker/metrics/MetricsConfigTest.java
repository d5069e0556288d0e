package io.mlco2.tracker.metrics;

import io.mlco2.tracker.base.Log;
import io.mlco2.tracker.config.Config;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Each metrics key alone turns metrics on; nothing set, or only blanks, leaves them off (no Micrometer loaded). */
class MetricsConfigTest {

    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final Log log = new Log(new PrintStream(err, true, StandardCharsets.UTF_8), Log.Level.DEBUG);

    private Config load(String args) {
        return Config.load(args, Map.of(), Map.of(), log);
    }

    @Test
    void anyExporterKeyTurnsMetricsOn() {
        assertFalse(load(null).metricsEnabled());
        assertFalse(load("metrics.pushgateway.url= ;metrics.prometheus.file-sd-dir= ").metricsEnabled());
        assertTrue(load("metrics.prometheus.port=0").metricsEnabled());
        assertTrue(load("metrics.prometheus.file-sd-dir=/tmp/sd").metricsEnabled());
        assertTrue(load("metrics.otlp.endpoint=http://127.0.0.1:4318/v1/metrics").metricsEnabled());
        assertTrue(load("metrics.pushgateway.url=http://127.0.0.1:9091").metricsEnabled());
        Config c = load("metrics.pushgateway.url=http://127.0.0.1:9091;metrics.prometheus.file-sd-dir=/tmp/sd");
        assertEquals("http://127.0.0.1:9091", c.get(Config.PUSHGATEWAY_URL));
        assertEquals("/tmp/sd", c.get(Config.PROMETHEUS_FILE_SD_DIR));
        assertFalse(err.toString(StandardCharsets.UTF_8).contains("unknown"), err.toString(StandardCharsets.UTF_8));
    }
}
