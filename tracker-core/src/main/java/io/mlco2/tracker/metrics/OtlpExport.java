package io.mlco2.tracker.metrics;

import io.micrometer.core.instrument.Clock;
import io.micrometer.core.ipc.http.HttpUrlConnectionSender;
import io.micrometer.registry.otlp.OtlpConfig;
import io.micrometer.registry.otlp.OtlpHttpMetricsSender;
import io.micrometer.registry.otlp.OtlpMeterRegistry;
import io.micrometer.registry.otlp.OtlpMetricsSender;
import io.mlco2.tracker.base.Log;

import java.time.Duration;
import java.util.Map;

/**
 * Micrometer's OTLP registry set up for the agent: pushes every {@code step} over OTLP/HTTP (protobuf) from a
 * daemon thread; a failed push is one line (once), never an exception to the job. Closing it pushes once more.
 */
final class OtlpExport {

    private OtlpExport() {
    }

    /**
     * @param timeout connect and read timeout of one push; kept under the shutdown timeout so that the final
     *                push at exit cannot hold the exit hook past it
     */
    static OtlpMeterRegistry create(String url, Duration step, Duration timeout, Map<String, String> resource, Log log) {
        OtlpConfig config = new OtlpConfig() {
            @Override
            public String get(String key) {
                return null;
            }

            @Override
            public String url() {
                return url;
            }

            @Override
            public Duration step() {
                return step;
            }

            @Override
            public Map<String, String> resourceAttributes() {
                return resource;
            }

            @Override
            @SuppressWarnings("deprecation")
            public Duration connectTimeout() {
                return timeout;
            }

            @Override
            @SuppressWarnings("deprecation")
            public Duration readTimeout() {
                return timeout;
            }
        };
        OtlpMetricsSender http = new OtlpHttpMetricsSender(new HttpUrlConnectionSender(timeout, timeout));
        OtlpMetricsSender sender = request -> {
            try {
                http.send(request);
            } catch (Exception e) {
                log.once("otlp-push", Log.Level.WARN, "OTLP push to " + url + " failed (" + Log.describe(e)
                        + "); retrying every " + step.toSeconds() + "s, reported once");
                throw e;
            }
        };
        return OtlpMeterRegistry.builder(config).clock(Clock.SYSTEM).threadFactory(DaemonThreads.factory("mlco2-otlp"))
                .metricsSender(sender).build();
    }
}
