package io.mlco2.tracker.carbon;

import com.fasterxml.jackson.databind.JsonNode;
import io.mlco2.tracker.base.Log;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Map;

/**
 * {@code mlco2.carbon-intensity.source=ukgrid}: the GB Carbon Intensity API of National Grid ESO (no key), half-hourly
 * slots {@code {"from","to","intensity":{"forecast","actual","index"}}}: the actual value where published, else the
 * forecast (regional slots have only the forecast). National ({@code mlco2.carbon-intensity.zone} unset or
 * {@code national}: {@code GET /intensity}, {@code /intensity/{from}/fw24h}, {@code /intensity/{from}/{to}}) or a
 * region id 1 to 17 ({@code /regional/regionid/{id}}, {@code /regional/intensity/{from}/fw24h/regionid/{id}},
 * {@code /regional/intensity/{from}/{to}/regionid/{id}}). The current slot and the next 24 h's forecast at start and
 * every refresh; at the end the slots since the last read.
 */
final class UkGrid extends BackgroundProvider {

    static final String DEFAULT_URL = "https://api.carbonintensity.org.uk";
    private static final DateTimeFormatter MINUTES = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm'Z'")
            .withZone(ZoneOffset.UTC);

    private final String baseUrl;
    private final Integer regionId;
    private final Duration timeout;

    /** @param regionId 1 to 17, {@code null} for Great Britain as a whole */
    UkGrid(String baseUrl, Integer regionId, Duration refresh, Duration timeout, Log log, GridIntensity yearly, Clock clock) {
        super(log, yearly, clock, refresh);
        this.baseUrl = ElectricityMaps.trimSlash(baseUrl == null ? DEFAULT_URL : baseUrl);
        this.regionId = regionId;
        this.timeout = timeout;
    }

    @Override
    public String name() {
        return "ukgrid";
    }

    @Override
    public String description() {
        return "GB Carbon Intensity API, " + (regionId == null ? "national" : "region " + regionId);
    }

    @Override
    protected void read() throws Exception {
        Instant asked = clock.instant();
        String url = regionId == null ? baseUrl + "/intensity" : baseUrl + "/regional/regionid/" + regionId;
        IntensitySeries got = slots(HttpJson.get(url, Map.of(), timeout), url);
        copy(got, series);
        knownUntil = asked;
        String from = MINUTES.format(asked.truncatedTo(ChronoUnit.MINUTES));
        String fw = regionId == null ? baseUrl + "/intensity/" + from + "/fw24h"
                : baseUrl + "/regional/intensity/" + from + "/fw24h/regionid/" + regionId;
        forecast = slots(HttpJson.get(fw, Map.of(), timeout), fw);
    }

    @Override
    protected void readToEnd(Instant runEnd) throws Exception {
        Instant asked = clock.instant();
        Instant since = knownUntil.equals(Instant.MIN) ? runEnd.minus(Duration.ofHours(24)) : knownUntil.minus(Duration.ofHours(1));
        Instant to = runEnd.plus(Duration.ofMinutes(30));
        String a = MINUTES.format(since.truncatedTo(ChronoUnit.MINUTES));
        String b = MINUTES.format(to.truncatedTo(ChronoUnit.MINUTES));
        String url = regionId == null ? baseUrl + "/intensity/" + a + "/" + b
                : baseUrl + "/regional/intensity/" + a + "/" + b + "/regionid/" + regionId;
        copy(slots(HttpJson.get(url, Map.of(), timeout), url), series);
        knownUntil = asked;
    }

    /** The slots anywhere in the answer (national: {@code data[]}; regional: {@code data[].data[]} or {@code data.data[]}). */
    private static IntensitySeries slots(JsonNode n, String url) throws ProviderException {
        IntensitySeries s = new IntensitySeries();
        collect(n == null ? null : n.get("data"), s, 0);
        if (s.isEmpty()) {
            throw new ProviderException("json", "no intensity slot in the answer of " + url);
        }
        return s;
    }

    private static void collect(JsonNode n, IntensitySeries into, int depth) {
        if (n == null || depth > 4) {
            return;
        }
        if (n.isArray()) {
            for (JsonNode e : n) {
                collect(e, into, depth + 1);
            }
            return;
        }
        JsonNode intensity = n.get("intensity");
        Instant from = HttpJson.time(n, "from");
        if (intensity != null && from != null) {
            double g = HttpJson.number(intensity, "actual");
            if (Double.isNaN(g)) {
                g = HttpJson.number(intensity, "forecast");
            }
            if (!Double.isNaN(g) && g >= 0 && g <= 5000) {
                into.put(from, g);
            }
            return;
        }
        collect(n.get("data"), into, depth + 1);
    }

    private static void copy(IntensitySeries from, IntensitySeries to) {
        for (Map.Entry<Instant, Double> e : from.points()) {
            to.put(e.getKey(), e.getValue());
        }
    }
}
