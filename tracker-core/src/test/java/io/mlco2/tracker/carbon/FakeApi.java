package io.mlco2.tracker.carbon;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A local stand-in for an intensity API on 127.0.0.1: answers each path (with its query) as set, and records the
 * requests and their {@code auth-token} headers. A path set to {@link #HANG} never answers (until closed).
 */
final class FakeApi implements AutoCloseable {

    static final int HANG = -1;

    record Answer(int status, String body) {
    }

    record Request(String pathAndQuery, String authToken) {
    }

    private final HttpServer server;
    private final ExecutorService executor;
    private final Map<String, Answer> answers = new ConcurrentHashMap<>();
    final List<Request> requests = new CopyOnWriteArrayList<>();
    private final CountDownLatch released = new CountDownLatch(1);

    FakeApi() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "fake-api");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Answers {@code pathAndQuery} (a prefix of the request's path and query) with {@code status} and {@code body}. */
    void answer(String pathAndQuery, int status, String body) {
        answers.put(pathAndQuery, new Answer(status, body));
    }

    private void handle(HttpExchange x) throws IOException {
        String q = x.getRequestURI().getRawPath() + (x.getRequestURI().getRawQuery() == null ? "" : "?" + x.getRequestURI().getRawQuery());
        requests.add(new Request(q, x.getRequestHeaders().getFirst("auth-token")));
        Answer a = null;
        int longest = -1;
        for (Map.Entry<String, Answer> e : answers.entrySet()) {
            if (q.startsWith(e.getKey()) && e.getKey().length() > longest) {
                a = e.getValue();
                longest = e.getKey().length();
            }
        }
        if (a == null) {
            a = new Answer(404, "{\"error\":\"not found\"}");
        }
        if (a.status() == HANG) {
            try {
                released.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            x.close();
            return;
        }
        byte[] b = a.body().getBytes(StandardCharsets.UTF_8);
        x.getResponseHeaders().set("Content-Type", "application/json");
        x.sendResponseHeaders(a.status(), b.length);
        try (OutputStream o = x.getResponseBody()) {
            o.write(b);
        }
    }

    @Override
    public void close() {
        released.countDown();
        server.stop(0);
        executor.shutdownNow();
    }
}
