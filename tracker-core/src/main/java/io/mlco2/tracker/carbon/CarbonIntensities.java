package io.mlco2.tracker.carbon;

import java.util.List;
import java.util.Locale;

/**
 * Bundled grid carbon intensities: countries, sub-national zones, cloud regions. Loaded once from resources in
 * the jar; nothing is fetched. Thread safe.
 *
 * <p>TEMPORARY minimal table (issue 4 replaces it with the full bundled data).
 */
public final class CarbonIntensities {

    public static final double WORLD_AVERAGE_G_PER_KWH = 475.0;

    private static final CarbonIntensities BUNDLED = new CarbonIntensities();

    public static CarbonIntensities bundled() {
        return BUNDLED;
    }

    /** The world-average fallback (475 g/kWh, IEA 2019 as used by CodeCarbon). */
    public GridIntensity world() {
        return new GridIntensity("world", "World average", "", "", "", "", "", WORLD_AVERAGE_G_PER_KWH,
                "IEA 2019 world average (CodeCarbon carbon_intensity_per_source.json)", true);
    }

    /** Resolves {@code FR}, {@code FRA}, {@code France}, {@code US-CA}, {@code aws:us-east-1}, ... */
    public GridIntensity resolve(String region) throws UnknownRegionException {
        String r = region.trim().toUpperCase(Locale.ROOT);
        if (r.equals("FR") || r.equals("FRA") || r.equals("FRANCE")) {
            return new GridIntensity("FR", "France", "France", "FRA", "", "", "", 56.039, "Ember/OWID 2022", false);
        }
        throw new UnknownRegionException(region, List.of("FR"));
    }

    /** The paper's mitigation for a run of {@code energyKwh} (PUE applied) in {@code where}. */
    public Mitigation mitigation(GridIntensity where, double energyKwh) {
        return new Mitigation("", "", Double.NaN, Double.NaN, 0, 0);
    }
}
