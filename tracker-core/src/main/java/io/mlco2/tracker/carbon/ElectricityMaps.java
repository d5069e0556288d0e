package io.mlco2.tracker.carbon;

import com.fasterxml.jackson.databind.JsonNode;
import io.mlco2.tracker.base.Log;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * {@code mlco2.carbon-intensity.source=electricitymaps}: Electricity Maps' API v3. The latest value
 * ({@code GET /carbon-intensity/latest?zone=Z}: {@code {"zone","carbonIntensity","datetime",...}}) at start and every
 * {@code mlco2.carbon-intensity.refresh}; at the end the history of the last 24 h
 * ({@code GET /carbon-intensity/history?zone=Z}: {@code {"zone","history":[{"carbonIntensity","datetime"},...]}})
 * settles the values since the last read. The token travels in the {@code auth-token} header only.
 */
final class ElectricityMaps extends BackgroundProvider {

    static final String DEFAULT_URL = "https://api.electricitymap.org/v3";

    private final String baseUrl;
    private final String zone;
    private final Map<String, String> headers;
    private final Duration timeout;

    ElectricityMaps(String baseUrl, String zone, String token, Duration refresh, Duration timeout, Log log,
                    GridIntensity yearly, Clock clock) {
        super(log, yearly, clock, refresh);
        this.baseUrl = trimSlash(baseUrl == null ? DEFAULT_URL : baseUrl);
        this.zone = zone;
        this.headers = token == null ? Map.of() : Map.of("auth-token", token);
        this.timeout = timeout;
    }

    @Override
    public String name() {
        return "electricitymaps";
    }

    @Override
    public String description() {
        return "Electricity Maps, zone " + zone;
    }

    @Override
    protected void read() throws Exception {
        Instant asked = clock.instant();
        JsonNode n = HttpJson.get(baseUrl + "/carbon-intensity/latest?zone=" + enc(zone), headers, timeout);
        if (!point(n)) {
            throw new ProviderException("json", "no carbonIntensity and datetime in the answer of " + baseUrl
                    + "/carbon-intensity/latest");
        }
        knownUntil = asked;
    }

    @Override
    protected void readToEnd(Instant runEnd) throws Exception {
        Instant asked = clock.instant();
        JsonNode n = HttpJson.get(baseUrl + "/carbon-intensity/history?zone=" + enc(zone), headers, timeout);
        JsonNode h = n.get("history");
        int found = 0;
        if (h != null && h.isArray()) {
            for (JsonNode p : h) {
                if (point(p)) {
                    found++;
                }
            }
        }
        if (found == 0) {
            throw new ProviderException("json", "no history in the answer of " + baseUrl + "/carbon-intensity/history");
        }
        knownUntil = asked;
    }

    private boolean point(JsonNode n) {
        double g = HttpJson.number(n, "carbonIntensity");
        Instant at = HttpJson.time(n, "datetime");
        if (Double.isNaN(g) || at == null || g < 0 || g > 5000) {
            return false;
        }
        series.put(at, g);
        return true;
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    static String trimSlash(String s) {
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }
}
