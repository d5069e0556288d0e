package io.mlco2.tracker.carbon;

import org.junit.jupiter.api.Test;

import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The tab-separated tables' parsing, the world and unbundled places, region kinds and prefix suggestions. */
class CarbonIntensitiesTablesTest {

    final CarbonIntensities ci = CarbonIntensities.bundled();

    @Test
    void aRegionsRowBecomesAPlace() {
        List<CarbonIntensities.Place> places = CarbonIntensities.places("# a comment\n"
                + "aws:eu-west-3\tcloud\tAWS Paris\tFrance\tFR\tFRA\tIle-de-France\taws\teu-west-3\t56.5\t20\tsrc\n");
        assertEquals(1, places.size());
        CarbonIntensities.Place p = places.get(0);
        assertEquals(new GridIntensity("aws:eu-west-3", "AWS Paris", "France", "FRA", "Ile-de-France", "aws",
                "eu-west-3", 56.5, "src", false), p.intensity());
        assertEquals(RegionKind.CLOUD, p.kind());
        assertEquals("FR", p.iso2());
        assertEquals(20, p.offsetRatioPercent());
    }

    @Test
    void aPueRowBecomesAnEntry() {
        assertEquals(Map.of("gcp", 1.1, "unknown", 1.5), CarbonIntensities.pue("# c\ngcp\t1.1\nunknown\t1.5\n"));
    }

    @Test
    void worldInAnyCaseIsTheFallbackAverage() throws UnknownRegionException {
        for (String s : List.of("world", " World ", "WORLD")) {
            GridIntensity g = ci.resolve(s);
            assertEquals("world", g.region(), s);
            assertEquals(475.0, g.gramsPerKwh(), 0.0, s);
            assertTrue(g.fallback(), s);
        }
    }

    @Test
    void anUnbundledPlaceIsNotRanked() {
        GridIntensity elsewhere = new GridIntensity("XX-1", "Nowhere", "", "", "", "", "", 300, "user", false);
        Mitigation m = ci.mitigation(elsewhere, 2.0);
        assertEquals("XX-1 is not a bundled region; no ranking.", m.text());
        assertEquals(0, m.rank());
        assertEquals(0, m.rankOutOf());
    }

    @Test
    void aPlaceIsRankedAmongItsKindNamedInThePlural() throws UnknownRegionException {
        assertTrue(ci.mitigation(ci.resolve("FR"), 1.0).text().contains(" bundled countries."),
                ci.mitigation(ci.resolve("FR"), 1.0).text());
        assertTrue(ci.mitigation(ci.resolve("US-CA"), 1.0).text().endsWith(" cleanest of 51 bundled US states."),
                ci.mitigation(ci.resolve("US-CA"), 1.0).text());
    }

    @Test
    void kindIdsAreTheTablesKindValues() {
        Set<String> inTable = new TreeSet<>();
        for (CarbonIntensities.Place p : CarbonIntensities.bundledPlaces()) {
            inTable.add(p.kind().id());
        }
        // the kind column of regions.json, written out here
        assertEquals(new TreeSet<>(List.of("country", "us-state", "ca-province", "nordic-zone", "cloud")), inTable);
        for (RegionKind k : EnumSet.allOf(RegionKind.class)) {
            assertEquals(k, RegionKind.of(k.id()));
        }
        assertEquals("us_state", RegionKind.US_STATE.toString());
        assertEquals("nordic_zone", RegionKind.NORDIC_ZONE.toString());
        assertEquals("Nordic bidding zones", RegionKind.NORDIC_ZONE.plural());
    }

    @Test
    void aNameStartingWithAThreeLetterCodeSuggestsThatCountryOnly() {
        // CHL is Chile (CL); CH, Switzerland's two-letter code, is too short to count as a prefix
        List<String> s = ci.suggestions("chlqqqqqq");
        assertTrue(s.contains("CL"), s.toString());
        assertFalse(s.contains("CH"), s.toString());
    }
}
