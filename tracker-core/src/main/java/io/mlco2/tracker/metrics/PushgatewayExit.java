package io.mlco2.tracker.metrics;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.mlco2.tracker.base.Log;
import io.prometheus.metrics.config.PrometheusProperties;
import io.prometheus.metrics.exporter.pushgateway.Format;
import io.prometheus.metrics.exporter.pushgateway.PushGateway;
import io.prometheus.metrics.exporter.pushgateway.Scheme;

import java.net.URI;
import java.time.Duration;

/**
 * Pushes the meters once, at exit ({@link #close}, after the last sample), to a Prometheus Pushgateway with the
 * Prometheus Java client's exporter: an HTTP {@code PUT} to {@code <url>/metrics/job/<job>/run_id/<run>/node/<node>},
 * which replaces that group's metrics. For JVMs that end before a scrape (a short job, an executor Spark stops).
 * Connect and read timeouts are short (a quarter of the shutdown timeout each); a push that fails is one line.
 * Basic authentication comes from the URL's user info ({@code https://user:password@gateway:9091}).
 */
public final class PushgatewayExit implements AutoCloseable {

    private final PushGateway gateway;
    private final PrometheusMeterRegistry registry;
    private final String url;
    private final Log log;

    private PushgatewayExit(PushGateway gateway, PrometheusMeterRegistry registry, String url, Log log) {
        this.gateway = gateway;
        this.registry = registry;
        this.url = url;
        this.log = log;
    }

    /**
     * Prepares the push (nothing is sent before {@link #close}); {@code null} (and one line) when {@code url} is not
     * an http(s) URL with a host.
     *
     * @param job     the Pushgateway's {@code job} label (the project name)
     * @param timeout connect timeout, and read timeout, of the push
     */
    public static PushgatewayExit create(TrackerMetrics binder, String url, String job, String runId, String nodeId,
                                         Duration timeout, Log log) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (Exception e) {
            uri = null;
        }
        String scheme = uri == null ? null : uri.getScheme();
        if (uri == null || uri.getHost() == null || uri.getQuery() != null
                || !("http".equalsIgnoreCase(scheme) || "https".equalsIgnoreCase(scheme))) {
            log.warn("mlco2.metrics.pushgateway.url=" + url + " is not an http(s) URL such as http://127.0.0.1:9091; "
                    + "no push at exit");
            return null;
        }
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        while (path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        String host = uri.getHost().contains(":") && !uri.getHost().startsWith("[") ? "[" + uri.getHost() + "]" : uri.getHost();
        String address = host + (uri.getPort() >= 0 ? ":" + uri.getPort() : "") + path;
        Metrics.quietMicrometerLogging();
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        String shown = scheme.toLowerCase(java.util.Locale.ROOT) + "://" + address; // never the password
        try {
            binder.bindTo(registry);
            // Built from the client's defaults, not PrometheusProperties.get(): the application's
            // prometheus.properties or io.prometheus.* system properties are its own exporters' settings.
            PushGateway.Builder builder = PushGateway.builder(PrometheusProperties.builder().build())
                    .scheme("https".equalsIgnoreCase(scheme) ? Scheme.HTTPS : Scheme.HTTP)
                    .format(Format.PROMETHEUS_TEXT) // the text format every gateway version reads
                    .address(address)
                    .job(job)
                    .groupingKey("run_id", runId)
                    .groupingKey("node", nodeId)
                    .registry(registry.getPrometheusRegistry())
                    .connectionTimeout(timeout)
                    .readTimeout(timeout);
            String userInfo = uri.getUserInfo();
            if (userInfo != null) {
                int colon = userInfo.indexOf(':');
                builder.basicAuth(colon < 0 ? userInfo : userInfo.substring(0, colon),
                        colon < 0 ? "" : userInfo.substring(colon + 1));
            }
            PushGateway gateway = builder.build();
            log.debug("metrics pushed to the Pushgateway " + shown + " at exit");
            return new PushgatewayExit(gateway, registry, shown, log);
        } catch (RuntimeException | LinkageError e) {
            registry.close();
            log.warn("Pushgateway push not set up for " + shown + " (" + Log.describe(e) + "); no push at exit");
            return null;
        }
    }

    /** Pushes the meters' final values, then closes the registry. Never throws. */
    @Override
    public void close() {
        try {
            gateway.push();
            log.debug("metrics pushed to " + url);
        } catch (Throwable t) {
            log.warn("Push to the Pushgateway " + url + " at exit failed (" + Log.describe(t)
                    + "); the gateway lacks this run's final values, the reports have them");
        } finally {
            registry.close();
        }
    }
}
