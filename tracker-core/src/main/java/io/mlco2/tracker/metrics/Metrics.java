package io.mlco2.tracker.metrics;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.micrometer.registry.otlp.OtlpMeterRegistry;
import io.mlco2.tracker.config.Config;
import io.mlco2.tracker.base.Log;
import io.mlco2.tracker.base.NodeIdentity;
import io.mlco2.tracker.epochs.EpochTracker;
import io.mlco2.tracker.runtime.RunContext;

import java.io.IOException;
import java.net.BindException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Starts the metrics exporters the configuration asks for, all off by default: a Prometheus scrape endpoint
 * ({@code mlco2.metrics.prometheus.port}, bound to {@code mlco2.metrics.prometheus.host}; with
 * {@code mlco2.metrics.prometheus.file-sd-dir} on a free port unless a port is set, and announced in a
 * {@code file_sd} target file there), an OTLP push ({@code mlco2.metrics.otlp.endpoint} every
 * {@code mlco2.metrics.otlp.step}) and a push at exit to a Pushgateway ({@code mlco2.metrics.pushgateway.url}).
 * Each is started on its own: one that fails is one line and the job and the others go on. All are closed when the
 * tracker stops (the target file is deleted, the OTLP registry and the Pushgateway push a last time then).
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
        String fileSdDir = config.get(Config.PROMETHEUS_FILE_SD_DIR);
        String otlp = config.get(Config.OTLP_ENDPOINT);
        String pushgateway = config.get(Config.PUSHGATEWAY_URL);
        if (!config.metricsEnabled()) {
            return;
        }
        Log log = run.log();
        String project = config.get(Config.PROJECT_NAME);
        NodeIdentity node = NodeIdentity.current(run.host().hostname());
        TrackerMetrics binder = new TrackerMetrics(run.accumulators(), run.intensity().gramsPerKwh(),
                run.intensity().region(), config.get(Config.PUE),
                TrackerMetrics.commonTags(run.host().hostname(), run.runId(), project, node.nodeId()),
                epochs == null ? null : epochs::epochInProgress, run.carbon());
        if (run.carbon() != null && run.carbon().overTime()) {
            run.addListener(binder); // the emissions integrated over the intensity's changes
        }
        if (epochs != null) {
            epochs.addRowListener(row -> {
                if (EpochTracker.EPOCH.equals(row.phase())) {
                    binder.epochEnded(row.number(), row.durationSeconds(), row.joulesByComponent(),
                            row.emissionsKg() * 1000);
                }
            });
        }
        boolean fileSd = fileSdDir != null && !fileSdDir.isBlank();
        if (port != null || fileSd) {
            String host = config.get(Config.PROMETHEUS_HOST);
            PrometheusEndpoint endpoint = startPrometheus(binder, host, port == null ? 0 : port, log);
            if (endpoint != null) {
                if (fileSd) {
                    FileSdTarget target = FileSdTarget.write(fileSdDir, run.runId(), node, host,
                            endpoint.port(), log);
                    if (target != null) {
                        run.addCloseable(target); // before the endpoint: deleted first at exit
                    }
                }
                run.addCloseable(endpoint);
            }
        }
        Duration shutdown = config.get(Config.SHUTDOWN_TIMEOUT);
        if (pushgateway != null && !pushgateway.isBlank()) {
            PushgatewayExit push = PushgatewayExit.create(binder, pushgateway.trim(), project, run.runId(),
                    node.nodeId(), shutdown.dividedBy(4), log);
            if (push != null) {
                run.addCloseable(push); // before the OTLP registry's last push, which may take longer
            }
        }
        if (otlp != null && !otlp.isBlank()) {
            OtlpMeterRegistry registry = startOtlp(binder, otlp.trim(), config.get(Config.OTLP_STEP),
                    shutdown.dividedBy(2), resourceAttributes(project, node), log);
            if (registry != null) {
                run.addCloseable(registry::close);
            }
        }
    }

    /**
     * The OTLP resource: {@code service.name} (the project), {@code service.instance.id} (the node id, unique per
     * JVM), {@code host.name}, {@code process.pid}, and on a Spark executor {@code spark.app.id} and
     * {@code spark.executor.id}. The run id is a tag of every meter.
     */
    static Map<String, String> resourceAttributes(String project, NodeIdentity node) {
        Map<String, String> resource = new LinkedHashMap<>();
        resource.put("service.name", project);
        resource.put("service.instance.id", node.nodeId());
        resource.put("host.name", node.host());
        resource.put("process.pid", Long.toString(node.pid()));
        if (node.sparkAppId() != null) {
            resource.put("spark.app.id", node.sparkAppId());
        }
        if (node.sparkExecutorId() != null) {
            resource.put("spark.executor.id", node.sparkExecutorId());
        }
        return resource;
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
