package io.mlco2.tracker.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.mlco2.tracker.base.Log;

import java.io.IOException;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A scrape endpoint serving only {@code GET /metrics} (Prometheus text format) through the JDK's
 * {@code com.sun.net.httpserver}, with one daemon worker thread. Every other path is 404, every other method 405.
 */
public final class PrometheusEndpoint implements AutoCloseable {

    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final HttpServer server;
    private final ExecutorService executor;
    private final Runnable onClose;

    private PrometheusEndpoint(HttpServer server, ExecutorService executor, Runnable onClose) {
        this.server = server;
        this.executor = executor;
        this.onClose = onClose;
    }

    /**
     * Binds {@code host:port} (port 0: any free port) and starts serving. The server's dispatcher thread inherits
     * its daemon flag from the thread that starts it, so it is started from a daemon thread of ours.
     *
     * @param onClose run by {@link #close} after the server stopped (closes the registry)
     * @throws IOException when the address cannot be bound (a port in use: {@link BindException})
     */
    public static PrometheusEndpoint start(PrometheusMeterRegistry registry, String host, int port, Log log,
                                           Runnable onClose) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 16);
        ExecutorService executor = Executors.newSingleThreadExecutor(DaemonThreads.factory("mlco2-prometheus"));
        server.setExecutor(executor);
        server.createContext("/", exchange -> handle(exchange, registry, log));
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread starter = DaemonThreads.factory("mlco2-prometheus-start").newThread(() -> {
            try {
                server.start();
            } catch (Throwable t) {
                failure.set(t);
            }
        });
        starter.start();
        try {
            starter.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (failure.get() != null) {
            executor.shutdownNow();
            throw new IOException("endpoint did not start: " + Log.describe(failure.get()));
        }
        return new PrometheusEndpoint(server, executor, onClose);
    }

    private static void handle(HttpExchange exchange, PrometheusMeterRegistry registry, Log log) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            String method = exchange.getRequestMethod();
            if (!"/metrics".equals(path)) {
                send(exchange, 404, "not found: only /metrics is served\n", method);
                return;
            }
            if (!"GET".equals(method) && !"HEAD".equals(method)) {
                exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                send(exchange, 405, "method not allowed\n", method);
                return;
            }
            String body;
            try {
                body = registry.scrape();
            } catch (Throwable t) {
                log.once("prometheus-scrape", Log.Level.WARN, "Prometheus scrape failed: " + Log.describe(t));
                send(exchange, 500, "scrape failed\n", method);
                return;
            }
            exchange.getResponseHeaders().set("Content-Type", CONTENT_TYPE);
            send(exchange, 200, body, method);
        }
    }

    private static void send(HttpExchange exchange, int status, String body, String method) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        if (status != 200) {
            exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        }
        if ("HEAD".equals(method)) {
            exchange.sendResponseHeaders(status, -1);
            return;
        }
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** The bound port (the actual one when 0 was asked). */
    public int port() {
        return server.getAddress().getPort();
    }

    public InetSocketAddress address() {
        return server.getAddress();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
        onClose.run();
    }
}
