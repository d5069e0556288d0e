package io.mlco2.tracker.carbon;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Map;

/**
 * One GET of a JSON document with short timeouts, on the provider's thread. A failure is a
 * {@link BackgroundProvider.ProviderException} whose message names the URL (never the request's headers, where a
 * token travels) and what was wrong: a status (401, 429, 5xx), a timeout, a body that is not JSON.
 */
final class HttpJson {

    /** The largest answer read: a day of history is a few kB. */
    static final int MAX_BYTES = 4 << 20;
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private HttpJson() {
    }

    static JsonNode get(String url, Map<String, String> headers, Duration timeout) throws BackgroundProvider.ProviderException,
            InterruptedException {
        HttpURLConnection c = null;
        try {
            c = (HttpURLConnection) URI.create(url).toURL().openConnection();
            int ms = (int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis()));
            c.setConnectTimeout(ms);
            c.setReadTimeout(ms);
            c.setInstanceFollowRedirects(false);
            c.setUseCaches(false);
            c.setRequestProperty("Accept", "application/json");
            for (Map.Entry<String, String> h : headers.entrySet()) {
                c.setRequestProperty(h.getKey(), h.getValue());
            }
            int status = c.getResponseCode();
            if (status != 200) {
                throw new BackgroundProvider.ProviderException("http-" + status, "HTTP " + status + " from " + url
                        + explain(status));
            }
            byte[] body;
            try (InputStream in = c.getInputStream()) {
                body = in.readNBytes(MAX_BYTES + 1);
            }
            if (body.length > MAX_BYTES) {
                throw new BackgroundProvider.ProviderException("json", "an answer over " + MAX_BYTES + " bytes from " + url);
            }
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
            try {
                return MAPPER.readTree(body);
            } catch (IOException e) {
                throw new BackgroundProvider.ProviderException("json", "not valid JSON from " + url);
            }
        } catch (SocketTimeoutException e) {
            throw new BackgroundProvider.ProviderException("timeout", "no answer within " + timeout.toMillis()
                    + " ms from " + url);
        } catch (IOException | IllegalArgumentException e) {
            throw new BackgroundProvider.ProviderException("io", url + " could not be read ("
                    + e.getClass().getSimpleName() + ")");
        } finally {
            if (c != null) {
                c.disconnect();
            }
        }
    }

    private static String explain(int status) {
        return switch (status) {
            case 401, 403 -> " (the token was refused: set mlco2.carbon-intensity.token or MLCO2_CARBON_INTENSITY_TOKEN)";
            case 404 -> " (an unknown zone or path? see mlco2.carbon-intensity.zone)";
            case 429 -> " (rate limited: a longer mlco2.carbon-intensity.refresh asks less often)";
            default -> status >= 500 ? " (the service failed)" : "";
        };
    }

    /** A number field, {@code NaN} when absent, null or not a number. */
    static double number(JsonNode n, String field) {
        JsonNode v = n == null ? null : n.get(field);
        return v != null && v.isNumber() ? v.asDouble() : Double.NaN;
    }

    /** An ISO-8601 time field with a zone ({@code 2026-03-01T14:00Z}, {@code ...:00.000Z}), {@code null} when not one. */
    static Instant time(JsonNode n, String field) {
        JsonNode v = n == null ? null : n.get(field);
        if (v == null || !v.isTextual()) {
            return null;
        }
        try {
            return OffsetDateTime.parse(v.asText()).toInstant();
        } catch (RuntimeException e) {
            return null;
        }
    }
}
