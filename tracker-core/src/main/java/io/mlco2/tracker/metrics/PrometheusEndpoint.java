package io.mlco2.tracker.metrics;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.mlco2.tracker.base.Log;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * A scrape endpoint serving only {@code GET /metrics} (Prometheus text format); every other path is 404, every other
 * method 405. A small HTTP/1.0-style server of its own (one request per connection, then close) rather than the
 * JDK's {@code HttpServer}, whose single worker one slow client could hold, and whose limits are JVM-wide system
 * properties the application may rely on:
 * <ul>
 *   <li>at most {@link #MAX_CONNECTIONS} connections at once: one more is closed at once, never queued;</li>
 *   <li>{@link #WORKERS} daemon workers;</li>
 *   <li>a request must arrive whole within {@link #REQUEST_DEADLINE_MILLIS} and {@link #MAX_REQUEST_BYTES}: a client
 *       trickling header bytes is cut off, it never holds a worker for long;</li>
 *   <li>an {@code accept} that fails (no file descriptor left) is one line and retried; if the listener ever stops,
 *       that is one line too.</li>
 * </ul>
 */
public final class PrometheusEndpoint implements AutoCloseable {

    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
    static final int MAX_CONNECTIONS = 16;
    static final int WORKERS = 4;
    static final int REQUEST_DEADLINE_MILLIS = 3_000;
    static final int MAX_REQUEST_BYTES = 8 * 1024;

    private final ServerSocket server;
    private final ThreadPoolExecutor workers;
    private final Semaphore connections = new Semaphore(MAX_CONNECTIONS);
    private final PrometheusMeterRegistry registry;
    private final Log log;
    private final Runnable onClose;
    private volatile boolean closed;

    private PrometheusEndpoint(ServerSocket server, PrometheusMeterRegistry registry, Log log, Runnable onClose) {
        this.server = server;
        this.registry = registry;
        this.log = log;
        this.onClose = onClose;
        this.workers = new ThreadPoolExecutor(WORKERS, WORKERS, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                DaemonThreads.factory("mlco2-prometheus-worker"));
        this.workers.allowCoreThreadTimeOut(true);
    }

    /**
     * Binds {@code host:port} (port 0: any free port) and starts serving on daemon threads.
     *
     * @param onClose run by {@link #close} after the server stopped (closes the registry)
     * @throws IOException when the address cannot be bound (a port in use: {@link BindException})
     */
    public static PrometheusEndpoint start(PrometheusMeterRegistry registry, String host, int port, Log log,
                                           Runnable onClose) throws IOException {
        ServerSocket s = new ServerSocket();
        try {
            s.setReuseAddress(false);
            s.bind(new InetSocketAddress(InetAddress.getByName(host), port), 16);
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
        PrometheusEndpoint endpoint = new PrometheusEndpoint(s, registry, log, onClose);
        Thread acceptor = DaemonThreads.factory("mlco2-prometheus").newThread(endpoint::acceptLoop);
        acceptor.start();
        return endpoint;
    }

    private void acceptLoop() {
        try {
            while (!closed) {
                Socket c;
                try {
                    c = server.accept();
                } catch (IOException e) {
                    if (closed || server.isClosed()) {
                        return;
                    }
                    // EMFILE and the like: say it once, wait a little, go on listening.
                    log.once("prometheus-accept", Log.Level.WARN, "Prometheus endpoint: accepting a connection failed ("
                            + Log.describe(e) + "); still listening");
                    sleepQuietly(100);
                    continue;
                }
                if (!connections.tryAcquire()) {
                    closeQuietly(c); // over the limit: closed at once
                    continue;
                }
                try {
                    workers.execute(new Connection(c));
                } catch (RejectedExecutionException e) {
                    connections.release();
                    closeQuietly(c);
                }
            }
        } catch (Throwable t) {
            if (!closed) {
                log.warn("Prometheus endpoint stopped listening (" + Log.describe(t) + "); no more scrapes this run");
            }
        }
    }

    /** One request on one connection, then close. */
    private final class Connection implements Runnable {
        private final Socket socket;

        Connection(Socket socket) {
            this.socket = socket;
        }

        @Override
        public void run() {
            try (socket) {
                String requestLine = readRequest(socket);
                if (requestLine == null) {
                    return; // too slow, too large, or closed: no answer
                }
                String[] parts = requestLine.split(" ");
                String method = parts.length > 0 ? parts[0] : "";
                String target = parts.length > 1 ? parts[1] : "";
                int q = target.indexOf('?');
                String path = q >= 0 ? target.substring(0, q) : target;
                OutputStream out = socket.getOutputStream();
                if (!"/metrics".equals(path)) {
                    respond(out, 404, "Not Found", "text/plain; charset=utf-8", "not found: only /metrics is served\n",
                            method, null);
                } else if (!"GET".equals(method) && !"HEAD".equals(method)) {
                    respond(out, 405, "Method Not Allowed", "text/plain; charset=utf-8", "method not allowed\n", method,
                            "Allow: GET, HEAD\r\n");
                } else {
                    String body;
                    try {
                        body = registry.scrape();
                    } catch (Throwable t) {
                        log.once("prometheus-scrape", Log.Level.WARN, "Prometheus scrape failed: " + Log.describe(t));
                        respond(out, 500, "Internal Server Error", "text/plain; charset=utf-8", "scrape failed\n", method, null);
                        return;
                    }
                    respond(out, 200, "OK", CONTENT_TYPE, body, method, null);
                }
            } catch (Throwable ignored) {
                // A client that went away costs its own answer only.
            } finally {
                connections.release();
            }
        }
    }

    /**
     * The request line, once the whole head (up to the blank line) has arrived within the deadline and the size
     * limit; {@code null} otherwise.
     */
    static String readRequest(Socket socket) throws IOException {
        long deadline = System.nanoTime() + REQUEST_DEADLINE_MILLIS * 1_000_000L;
        InputStream in = socket.getInputStream();
        byte[] head = new byte[MAX_REQUEST_BYTES];
        int n = 0;
        while (true) {
            long left = (deadline - System.nanoTime()) / 1_000_000L;
            if (left <= 0) {
                return null;
            }
            socket.setSoTimeout((int) Math.max(1, left));
            int b;
            try {
                b = in.read();
            } catch (SocketTimeoutException e) {
                return null;
            }
            if (b < 0 || n == head.length) {
                return null;
            }
            head[n++] = (byte) b;
            if (n >= 2 && head[n - 1] == '\n' && (head[n - 2] == '\n' || (n >= 4 && head[n - 2] == '\r'
                    && head[n - 3] == '\n'))) {
                String text = new String(head, 0, n, StandardCharsets.ISO_8859_1);
                int eol = text.indexOf('\n');
                return text.substring(0, eol).trim();
            }
        }
    }

    private static void respond(OutputStream out, int status, String reason, String contentType, String body,
                                String method, String extraHeaders) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        String head = "HTTP/1.1 " + status + " " + reason + "\r\nContent-Type: " + contentType + "\r\nContent-Length: "
                + bytes.length + "\r\nConnection: close\r\n" + (extraHeaders == null ? "" : extraHeaders) + "\r\n";
        out.write(head.getBytes(StandardCharsets.ISO_8859_1));
        if (!"HEAD".equals(method)) {
            out.write(bytes);
        }
        out.flush();
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // Nothing to do.
        }
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The bound port (the actual one when 0 was asked). */
    public int port() {
        return server.getLocalPort();
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) server.getLocalSocketAddress();
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException ignored) {
            // Already closed.
        }
        workers.shutdownNow();
        onClose.run();
    }
}
