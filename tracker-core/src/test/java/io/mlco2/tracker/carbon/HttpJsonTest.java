package io.mlco2.tracker.carbon;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * One GET of a JSON document, against a local server: the line of each status (what it means where that is known),
 * the size bound (the bound itself read, one byte more refused), a URL that is no URL, and a redirect, which is not
 * followed (the token would travel to wherever it points).
 */
class HttpJsonTest {

    static final Duration TIMEOUT = Duration.ofSeconds(2);
    FakeApi api;
    HttpServer server;

    @AfterEach
    void close() {
        if (api != null) {
            api.close();
        }
        if (server != null) {
            server.stop(0);
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "401|' (the token was refused: set mlco2.carbon-intensity.token or MLCO2_CARBON_INTENSITY_TOKEN)'",
            "403|' (the token was refused: set mlco2.carbon-intensity.token or MLCO2_CARBON_INTENSITY_TOKEN)'",
            "404|' (an unknown zone or path? see mlco2.carbon-intensity.zone)'",
            "429|' (rate limited: a longer mlco2.carbon-intensity.refresh asks less often)'",
            "499|",
            "500|' (the service failed)'",
            "599|' (the service failed)'",
            "418|",
    })
    void eachStatusIsOneLineSayingWhatItMeansWhereThatIsKnown(int status, String meaning) throws Exception {
        api = new FakeApi();
        api.answer("/x", status, "{}");
        String url = api.url() + "/x";
        BackgroundProvider.ProviderException e = assertThrows(BackgroundProvider.ProviderException.class,
                () -> HttpJson.get(url, Map.of(), TIMEOUT));
        assertEquals("HTTP " + status + " from " + url + (meaning == null ? "" : meaning), e.getMessage());
        assertEquals("http-" + status, e.kind());
    }

    /** A JSON document of exactly {@code bytes} bytes: a string field padded to the length. */
    static String jsonOfBytes(int bytes) {
        String head = "{\"a\":\"";
        String tail = "\"}";
        return head + "x".repeat(bytes - head.length() - tail.length()) + tail;
    }

    @Test
    void anAnswerOfTheBoundIsReadAndOneByteMoreIsRefused() throws Exception {
        api = new FakeApi();
        api.answer("/max", 200, jsonOfBytes(HttpJson.MAX_BYTES));
        api.answer("/over", 200, jsonOfBytes(HttpJson.MAX_BYTES + 1));
        JsonNode n = HttpJson.get(api.url() + "/max", Map.of(), TIMEOUT);
        assertEquals(HttpJson.MAX_BYTES - "{\"a\":\"\"}".length(), n.get("a").asText().length());
        String over = api.url() + "/over";
        BackgroundProvider.ProviderException e = assertThrows(BackgroundProvider.ProviderException.class,
                () -> HttpJson.get(over, Map.of(), TIMEOUT));
        assertEquals("an answer over " + HttpJson.MAX_BYTES + " bytes from " + over, e.getMessage());
        assertEquals("json", e.kind());
    }

    @Test
    void aUrlThatIsNoUrlIsOneLineNamingIt() {
        String url = "http://bad host/v3";
        BackgroundProvider.ProviderException e = assertThrows(BackgroundProvider.ProviderException.class,
                () -> HttpJson.get(url, Map.of(), TIMEOUT));
        assertEquals(url + " could not be read (IllegalArgumentException)", e.getMessage());
        assertEquals("io", e.kind());
    }

    @Test
    void aRedirectIsNotFollowedAndTheRequestAsksForJson() throws Exception {
        List<String> asked = new CopyOnWriteArrayList<>();
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", x -> {
            asked.add(x.getRequestURI().getPath() + " " + x.getRequestHeaders().getFirst("Accept") + " "
                    + x.getRequestHeaders().getFirst("auth-token"));
            boolean moved = x.getRequestURI().getPath().equals("/moved");
            byte[] b = "{\"a\":1}".getBytes(StandardCharsets.UTF_8);
            if (moved) {
                x.getResponseHeaders().set("Location", "/json");
            }
            x.sendResponseHeaders(moved ? 302 : 200, b.length);
            try (OutputStream o = x.getResponseBody()) {
                o.write(b);
            }
        });
        server.start();
        String base = "http://127.0.0.1:" + server.getAddress().getPort();
        assertEquals(1, HttpJson.get(base + "/json", Map.of("auth-token", "t"), TIMEOUT).get("a").asInt());
        BackgroundProvider.ProviderException e = assertThrows(BackgroundProvider.ProviderException.class,
                () -> HttpJson.get(base + "/moved", Map.of("auth-token", "t"), TIMEOUT));
        assertEquals("HTTP 302 from " + base + "/moved", e.getMessage());
        assertEquals(List.of("/json application/json t", "/moved application/json t"), asked);
    }
}
