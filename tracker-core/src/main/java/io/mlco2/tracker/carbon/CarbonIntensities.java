package io.mlco2.tracker.carbon;

import io.mlco2.tracker.format.Fmt;
import io.mlco2.tracker.format.Tsv;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;

/**
 * Bundled grid carbon intensities: countries, sub-national zones, cloud regions. Loaded once from
 * {@code io/mlco2/tracker/data/regions.tsv} and {@code pue.tsv} in the jar (built by {@code scripts/build-data.py};
 * sources and choices in {@code docs/DATA.md}); nothing is fetched. Thread safe (immutable).
 *
 * <p>One region syntax everywhere, case-insensitive: a cloud region {@code aws:us-east-1}, {@code gcp:europe-west1},
 * {@code azure:canadaeast}; a country {@code FR}, {@code FRA} or {@code France}; a zone {@code US-CA}, {@code CA-QC},
 * {@code SE3}; {@code world} for the world average.
 */
public final class CarbonIntensities {

    public static final double WORLD_AVERAGE_G_PER_KWH = 475.0;

    private static final String DATA = "/io/mlco2/tracker/data/";
    private static final int SUGGESTIONS = 5;

    private static final class Holder {
        static final CarbonIntensities BUNDLED = load();
    }

    /** A bundled place with what {@link GridIntensity} does not carry. */
    record Place(GridIntensity intensity, RegionKind kind, String iso2, int offsetRatioPercent) {
    }

    private final List<Place> places;
    private final Map<String, Place> byKey;
    private final Map<String, Double> pueByProvider;

    private CarbonIntensities(List<Place> places, Map<String, Double> pueByProvider) {
        this.places = List.copyOf(places);
        this.pueByProvider = Map.copyOf(pueByProvider);
        Map<String, Place> keys = new HashMap<>();
        for (Place p : places) {  // ids first so that no name can shadow an id
            keys.putIfAbsent(key(p.intensity().region()), p);
        }
        for (Place p : places) {
            if (p.kind() == RegionKind.COUNTRY) {
                keys.putIfAbsent(key(p.intensity().countryIsoCode()), p);
                keys.putIfAbsent(key(p.intensity().countryName()), p);
            }
        }
        this.byKey = Map.copyOf(keys);
    }

    public static CarbonIntensities bundled() {
        return Holder.BUNDLED;
    }

    /** The world-average fallback (475 g/kWh, IEA 2019 as used by CodeCarbon). */
    public GridIntensity world() {
        return new GridIntensity("world", "World average", "", "", "", "", "", WORLD_AVERAGE_G_PER_KWH,
                "IEA 2019 world average (CodeCarbon carbon_intensity_per_source.json)", true);
    }

    /** Resolves {@code FR}, {@code FRA}, {@code France}, {@code US-CA}, {@code SE3}, {@code aws:us-east-1}, ... */
    public GridIntensity resolve(String region) throws UnknownRegionException {
        if (region == null || region.isBlank()) {
            throw new UnknownRegionException(String.valueOf(region), List.of());
        }
        String k = key(region);
        if (k.equals("world")) {
            return world();
        }
        Place p = byKey.get(k);
        if (p == null) {
            throw new UnknownRegionException(region.trim(), suggestions(region));
        }
        return p.intensity();
    }

    /** Every bundled place (countries, US states, Canadian provinces, Nordic zones, cloud regions). */
    public List<GridIntensity> all() {
        return places.stream().map(Place::intensity).toList();
    }

    /** The bundled places of one kind, in table order. */
    public List<GridIntensity> all(RegionKind kind) {
        List<GridIntensity> out = new ArrayList<>();
        for (Place p : places) {
            if (p.kind() == kind) {
                out.add(p.intensity());
            }
        }
        return List.copyOf(out);
    }

    /** The kind of a bundled place, empty for the world average and for anything not bundled. */
    public Optional<RegionKind> kind(GridIntensity where) {
        return place(where).map(Place::kind);
    }

    /** ISO 3166 alpha-2 of the place's country (the CSV wants alpha-3: {@link GridIntensity#countryIsoCode()}). */
    public Optional<String> countryIso2(GridIntensity where) {
        return place(where).map(Place::iso2).filter(s -> !s.isEmpty());
    }

    /**
     * The share of emissions (0-100 %) the cloud provider claims to offset in this region, as in the ML CO2 Impact
     * calculator's {@code offsetRatio}; 0 for anything that is not a cloud region.
     */
    public int offsetRatioPercent(GridIntensity where) {
        return place(where).map(Place::offsetRatioPercent).orElse(0);
    }

    /** The provider's bundled region with the lowest intensity (the first in table order on a tie). */
    public Optional<GridIntensity> cleanestCloudRegion(String provider) {
        GridIntensity cleanest = null;
        for (Place p : places) {
            if (p.kind() == RegionKind.CLOUD && p.intensity().cloudProvider().equalsIgnoreCase(provider)
                    && (cleanest == null || p.intensity().gramsPerKwh() < cleanest.gramsPerKwh())) {
                cleanest = p.intensity();
            }
        }
        return Optional.ofNullable(cleanest);
    }

    /**
     * The provider's default power usage effectiveness (Green Algorithms {@code defaults_PUE.csv}): {@code gcp},
     * {@code aws}, {@code azure}, {@code ovh}, {@code oracle}; empty for other providers (see {@link #unknownPue()}).
     */
    public OptionalDouble defaultPue(String provider) {
        Double pue = pueByProvider.get(provider.toLowerCase(Locale.ROOT));
        return pue == null || provider.equalsIgnoreCase("unknown") ? OptionalDouble.empty() : OptionalDouble.of(pue);
    }

    /** Green Algorithms' PUE for a data centre of unknown provider (1.56, Uptime Institute 2024). */
    public double unknownPue() {
        return pueByProvider.getOrDefault("unknown", 1.0);
    }

    /**
     * The paper's mitigation for a run of {@code energyKwh} (PUE applied) in {@code where}: for a cloud region, the
     * provider's cleanest bundled region and what the run would have emitted there; for a country or zone, where
     * its intensity ranks among the bundled places of its kind. Data only, no advice.
     */
    public Mitigation mitigation(GridIntensity where, double energyKwh) {
        if (where.fallback()) {
            return new Mitigation("No region was given, so the world average (" + grams(where.gramsPerKwh())
                    + " gCO2eq/kWh) was used; set mlco2.region to rank the run's location.", "", Double.NaN,
                    Double.NaN, 0, 0);
        }
        Optional<Place> place = place(where);
        if (place.isEmpty()) {
            return new Mitigation(where.region() + " is not a bundled region; no ranking.", "", Double.NaN,
                    Double.NaN, 0, 0);
        }
        RegionKind kind = place.get().kind();
        List<GridIntensity> peers = new ArrayList<>();
        for (GridIntensity g : all(kind)) {
            if (kind != RegionKind.CLOUD || g.cloudProvider().equals(where.cloudProvider())) {
                peers.add(g);
            }
        }
        int rank = 1;
        for (GridIntensity g : peers) {
            if (g.gramsPerKwh() < where.gramsPerKwh()) {
                rank++;
            }
        }
        String ranked = where.region() + " (" + grams(where.gramsPerKwh()) + " gCO2eq/kWh) ranks " + ordinal(rank)
                + " cleanest of " + peers.size() + " bundled "
                + (kind == RegionKind.CLOUD ? where.cloudProvider() + " regions" : kind.plural());
        if (kind != RegionKind.CLOUD) {
            return new Mitigation(ranked + ".", "", Double.NaN, Double.NaN, rank, peers.size());
        }
        GridIntensity cleanest = cleanestCloudRegion(where.cloudProvider()).orElseThrow();
        double hereKg = Emissions.kg(energyKwh, 1.0, where.gramsPerKwh());
        double thereKg = Emissions.kg(energyKwh, 1.0, cleanest.gramsPerKwh());
        if (cleanest.gramsPerKwh() >= where.gramsPerKwh()) {
            return new Mitigation(ranked + "; it is the provider's cleanest bundled region.", cleanest.region(),
                    cleanest.gramsPerKwh(), thereKg, rank, peers.size());
        }
        String text = ranked + "; in " + cleanest.region() + " (" + grams(cleanest.gramsPerKwh())
                + " gCO2eq/kWh) the same " + Fmt.general(energyKwh, 3) + " kWh would have emitted "
                + kg(thereKg) + " kgCO2eq instead of " + kg(hereKg) + " kgCO2eq.";
        return new Mitigation(text, cleanest.region(), cleanest.gramsPerKwh(), thereKg, rank, peers.size());
    }

    /** Up to five bundled region ids closest to {@code region}: same cloud region id, prefix, then edit distance. */
    public List<String> suggestions(String region) {
        String k = key(region);
        Set<String> out = new LinkedHashSet<>();
        for (Place p : places) {  // "us-east-1" -> "aws:us-east-1"
            if (key(p.intensity().cloudRegion()).equals(k) && !k.isEmpty()) {
                out.add(p.intensity().region());
            }
        }
        Map<String, Integer> scored = new LinkedHashMap<>();
        for (Map.Entry<String, Place> e : byKey.entrySet()) {
            String id = e.getValue().intensity().region();
            int d = e.getKey().startsWith(k) || (k.length() >= 3 && k.startsWith(e.getKey()) && e.getKey().length() >= 3)
                    ? 0 : io.mlco2.tracker.config.Levenshtein.distance(k, e.getKey());
            scored.merge(id, d, Math::min);
        }
        int limit = Math.max(2, k.length() / 3);
        scored.entrySet().stream()
                .filter(e -> e.getValue() <= limit)
                .sorted(Map.Entry.<String, Integer>comparingByValue().thenComparing(Map.Entry.comparingByKey()))
                .forEach(e -> out.add(e.getKey()));
        return out.stream().limit(SUGGESTIONS).toList();
    }

    private Optional<Place> place(GridIntensity where) {
        if (where == null || where.fallback()) {
            return Optional.empty();
        }
        Place p = byKey.get(key(where.region()));
        return p != null && p.intensity().region().equals(where.region()) ? Optional.of(p) : Optional.empty();
    }

    private static String key(String s) {
        if (s == null) {
            return "";
        }
        // trim, lower case, each run of white space (regex \\s) as one space; written out because
        // String.replaceAll compiles its pattern at each call, and this runs three times per bundled place
        String t = s.trim().toLowerCase(Locale.ROOT);
        StringBuilder b = null;
        for (int i = 0; i < t.length(); i++) {
            char c = t.charAt(i);
            if (c == ' ' || c == '\t' || c == '\n' || c == '\013' || c == '\f' || c == '\r') {
                if (b == null) {
                    b = new StringBuilder(t.length()).append(t, 0, i);
                }
                if (b.charAt(b.length() - 1) != ' ') {
                    b.append(' ');
                }
            } else if (b != null) {
                b.append(c);
            }
        }
        return b == null ? t : b.toString();
    }

    static String ordinal(int n) {
        int mod100 = n % 100;
        String suffix = mod100 >= 11 && mod100 <= 13 ? "th"
                : switch (n % 10) {
                    case 1 -> "st";
                    case 2 -> "nd";
                    case 3 -> "rd";
                    default -> "th";
                };
        return n + suffix;
    }

    private static String grams(double g) {
        return g == Math.rint(g) ? String.valueOf((long) g) : Fmt.fixed(g, 1);
    }

    private static String kg(double kg) {
        return Fmt.general(kg, 3);
    }

    /**
     * Reads the bundled tables without Jackson (this runs on the agent's start-up path): the places from
     * {@code regions.tsv} (regions.json's rows as tab-separated lines, written by {@code scripts/build-data.py};
     * {@code CarbonIntensitiesTest} checks both agree) and the PUE table from {@code pue.tsv} (likewise).
     */
    private static CarbonIntensities load() {
        return new CarbonIntensities(places(Tsv.resourceText(CarbonIntensities.class, DATA + "regions.tsv")),
                pue(Tsv.resourceText(CarbonIntensities.class, DATA + "pue.tsv")));
    }

    /** The places of a {@code regions.tsv} text: {@code id, kind, display_name, country_name, country_iso2,
     * country_iso3, sub_region, cloud_provider, cloud_region, grams_per_kwh, offset_ratio_percent, source}. */
    static List<Place> places(String tsv) {
        List<Place> places = new ArrayList<>();
        for (String[] f : Tsv.rows(tsv, 12, "regions.tsv")) {
            GridIntensity g = new GridIntensity(f[0], f[2], f[3], f[5], f[6], f[7], f[8],
                    Double.parseDouble(f[9]), f[11], false);
            places.add(new Place(g, RegionKind.of(f[1]), f[4], Integer.parseInt(f[10])));
        }
        return places;
    }


    static List<Place> bundledPlaces() {
        return bundled().places;
    }

    /** The PUE per provider of a {@code pue.tsv} text ({@code provider, pue}). */
    static Map<String, Double> pue(String tsv) {
        Map<String, Double> pue = new HashMap<>();
        for (String[] f : Tsv.rows(tsv, 2, "pue.tsv")) {
            pue.put(f[0], Double.parseDouble(f[1]));
        }
        return pue;
    }


    static Map<String, Double> bundledPue() {
        return bundled().pueByProvider;
    }
}
