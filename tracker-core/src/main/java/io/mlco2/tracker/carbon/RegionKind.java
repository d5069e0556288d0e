package io.mlco2.tracker.carbon;

import java.util.Locale;

/** The kinds of bundled places; a place is ranked among places of its kind (cloud regions: of its provider). */
public enum RegionKind {
    COUNTRY("country", "countries"),
    US_STATE("us-state", "US states"),
    CA_PROVINCE("ca-province", "Canadian provinces and territories"),
    NORDIC_ZONE("nordic-zone", "Nordic bidding zones"),
    CLOUD("cloud", "cloud regions");

    private final String id;
    private final String plural;

    RegionKind(String id, String plural) {
        this.id = id;
        this.plural = plural;
    }

    /** The {@code kind} value in {@code regions.json}. */
    public String id() {
        return id;
    }

    /** For sentences: "ranks 3rd cleanest of 51 US states". */
    public String plural() {
        return plural;
    }

    static RegionKind of(String id) {
        for (RegionKind k : values()) {
            if (k.id.equals(id)) {
                return k;
            }
        }
        throw new IllegalStateException("unknown region kind '" + id + "' in bundled regions.json; accepted: "
                + java.util.Arrays.stream(values()).map(RegionKind::id).toList());
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
