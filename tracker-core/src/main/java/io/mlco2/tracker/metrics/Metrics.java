package io.mlco2.tracker.metrics;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.micrometer.registry.otlp.OtlpMeterRegistry;
import io.mlco2.tracker.config.Config;
import io.mlco2.tracker.base.Log;
import io.mlco2.tracker.epochs.EpochTracker;
import io.mlco2.tracker.runtime.RunContext;

import java.io.IOException;
import java.net.BindException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Starts the metrics exporters the configuration asks for, both off by default: a Prometheus scrape endpoint
 * ({@code mlco2.metrics.prometheus.port}, bound to {@code mlco2.metrics.prometheus.host}) and an OTLP push
 * ({@code mlco2.metrics.otlp.endpoint} every {@code mlco2.metrics.otlp.step}). Each is started on its own: one
 * that fails is one line and the job and the other go on. Both are closed when the tracker stops (the OTLP
 * registry pushes a last time then).
 */
public final class Metrics {

    private Metrics() {
    }

    /**
     * Micrometer logs through JUL when SLF4J has no provider, and JUL is the application's (one per JVM): give its
     * internal loggers a silent one instead. Failures reach the user through {@link Log} only.
     */
    @SuppressWarnings("deprecation")
    static void quietMicrometerLogging() {
        io.micrometer.common.util.internal.logging.InternalLoggerFactory.setDefaultFactory(
                new io.micrometer.common.util.internal.logging.InternalLoggerFactory() {
                    @Override
                    protected io.micrometer.common.util.internal.logging.InternalLogger newInstance(String name) {
                        return silent(io.micrometer.common.util.internal.logging.InternalLogger.class, name);
                    }
                });
        io.micrometer.core.util.internal.logging.InternalLoggerFactory.setDefaultFactory(
                new io.micrometer.core.util.internal.logging.InternalLoggerFactory() {
                    @Override
                    protected io.micrometer.core.util.internal.logging.InternalLogger newInstance(String name) {
                        return silent(io.micrometer.core.util.internal.logging.InternalLogger.class, name);
                    }
                });
    }

    /** A logger that is disabled at every level and says nothing. */
    private static <T> T silent(Class<T> type, String name) {
        return type.cast(java.lang.reflect.Proxy.newProxyInstance(Metrics.class.getClassLoader(), new Class<?>[] {type},
                (proxy, method, args) -> switch (method.getName()) {
                    case "name", "toString" -> name;
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    default -> method.getReturnType() == boolean.class ? Boolean.FALSE : null;
                }));
    }

    /**
     * Starts the exporters of {@code run}; with {@code epochs} (the run's epoch tracker, {@code null} when epoch
     * tracking is off) the meters follow the epochs too.
     */
    public static void install(RunContext run, EpochTracker epochs) {
        Config config = run.config();
        Integer port = config.get(Config.PROMETHEUS_PORT);
        String otlp = config.get(Config.OTLP_ENDPOINT);
        if (!config.metricsEnabled()) {
            return;
        }
        Log log = run.log();
        TrackerMetrics binder = new TrackerMetrics(run.accumulators(), run.intensity().gramsPerKwh(),
                run.intensity().region(), config.get(Config.PUE),
                TrackerMetrics.commonTags(run.host().hostname(), run.runId(), config.get(Config.PROJECT_NAME)),
                epochs == null ? null : epochs::epochInProgress);
        if (epochs != null) {
            epochs.addRowListener(row -> {
                if (EpochTracker.EPOCH.equals(row.phase())) {
                    binder.epochEnded(row.number(), row.durationSeconds(), row.joulesByComponent(),
                            row.emissionsKg() * 1000);
                }
            });
        }
        if (port != null) {
            PrometheusEndpoint endpoint = startPrometheus(binder, config.get(Config.PROMETHEUS_HOST), port, log);
            if (endpoint != null) {
                run.addCloseable(endpoint);
            }
        }
        if (otlp != null && !otlp.isBlank()) {
            Map<String, String> resource = new LinkedHashMap<>();
            resource.put("service.name", config.get(Config.PROJECT_NAME));
            resource.put("service.instance.id", run.runId());
            resource.put("host.name", run.host().hostname());
            OtlpMeterRegistry registry = startOtlp(binder, otlp.trim(), config.get(Config.OTLP_STEP),
                    config.get(Config.SHUTDOWN_TIMEOUT).dividedBy(2), resource, log);
            if (registry != null) {
                run.addCloseable(registry::close);
            }
        }
    }

    /** Starts the scrape endpoint; {@code null} (and one line) when it cannot. Closing it closes its registry. */
    public static PrometheusEndpoint startPrometheus(TrackerMetrics binder, String host, int port, Log log) {
        quietMicrometerLogging();
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        binder.bindTo(registry);
        PrometheusEndpoint endpoint;
        try {
            endpoint = PrometheusEndpoint.start(registry, host, port, log, registry::close);
        } catch (BindException e) {
            log.warn("Prometheus endpoint not started: " + host + ":" + port + " is in use or not bindable ("
                    + e.getMessage() + "); set mlco2.metrics.prometheus.port to a free port (0: any). The job runs on.");
            registry.close();
            return null;
        } catch (IOException | RuntimeException e) {
            log.warn("Prometheus endpoint not started on " + host + ":" + port + " (" + Log.describe(e)
                    + "); the job runs on");
            registry.close();
            return null;
        }
        String shown = host.contains(":") ? "[" + host + "]" : host;
        log.info("Prometheus endpoint on http://" + shown + ":" + endpoint.port() + "/metrics");
        return endpoint;
    }

    /**
     * Starts the OTLP push; {@code null} (and one line) when the URL is not http(s).
     *
     * @param timeout connect and read timeout of one push, below the shutdown timeout so that the last push at
     *                exit cannot hold the exit hook past it
     */
    public static OtlpMeterRegistry startOtlp(TrackerMetrics binder, String url, Duration step, Duration timeout,
                                              Map<String, String> resource, Log log) {
        if (!url.startsWith("http://") && !url.startsWith("https://")) {
            log.warn("mlco2.metrics.otlp.endpoint=" + url + " is not an http(s) URL (e.g. "
                    + "http://localhost:4318/v1/metrics); OTLP export off");
            return null;
        }
        quietMicrometerLogging();
        OtlpMeterRegistry registry = OtlpExport.create(url, step, timeout, resource, log);
        binder.bindTo(registry);
        log.debug("OTLP metrics to " + url + " every " + step);
        return registry;
    }
}
