package io.mlco2.tracker.carbon;

import io.mlco2.tracker.format.JsonReader;
import io.mlco2.tracker.hardware.RawCsv;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CarbonIntensitiesTest {

    private final CarbonIntensities ci = CarbonIntensities.bundled();

    static List<String> bundledIds() {
        return CarbonIntensities.bundled().all().stream().map(GridIntensity::region).toList();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("bundledIds")
    void everyBundledRegionResolvesInAnyCase(String id) throws UnknownRegionException {
        assertEquals(id, ci.resolve(id).region());
        assertEquals(id, ci.resolve(" " + id.toLowerCase(Locale.ROOT) + " ").region());
        assertEquals(id, ci.resolve(id.toUpperCase(Locale.ROOT)).region());
        GridIntensity g = ci.resolve(id);
        assertTrue(g.gramsPerKwh() >= 0 && g.gramsPerKwh() < 2000, id + ": " + g.gramsPerKwh());
        assertFalse(g.source().isBlank());
        assertFalse(g.fallback());
    }

    @Test
    void theTabSeparatedPlacesTheAgentReadsAreRegionsJsonsRows() {
        assertEquals(placesFromJson(), CarbonIntensities.bundledPlaces());
        assertEquals(pueFromJson(), CarbonIntensities.bundledPue());
        assertEquals(6, CarbonIntensities.bundledPue().size());
        assertEquals(387, CarbonIntensities.bundledPlaces().size());
        assertThrows(IllegalStateException.class, () -> CarbonIntensities.places("FR\tcountry\tFrance\n"));
        assertEquals(List.of(), CarbonIntensities.places("# only a comment\n\n"));
    }

    @Test
    void namesMatchWhateverTheCaseAndTheWhiteSpace() throws UnknownRegionException {
        GridIntensity us = ci.resolve("United States");
        assertEquals(us, ci.resolve("  united \t\n  STATES "));
        assertEquals(ci.resolve("SE3"), ci.resolve(" se3\r\n"));
        assertThrows(UnknownRegionException.class, () -> ci.resolve("United_States"));
    }

    @Test
    void everyCountryResolvesByAlpha2Alpha3AndName() throws UnknownRegionException {
        List<GridIntensity> countries = ci.all(RegionKind.COUNTRY);
        assertTrue(countries.size() > 200, "countries: " + countries.size());
        for (GridIntensity c : countries) {
            assertEquals(3, c.countryIsoCode().length(), c.toString());
            assertEquals(2, c.region().length(), c.toString());
            assertEquals(c, ci.resolve(c.countryIsoCode()));
            assertEquals(c, ci.resolve(c.countryName().toUpperCase(Locale.ROOT)));
            assertEquals(c.region(), ci.countryIso2(c).orElseThrow());
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            // input          | id                | country_iso_code | country_name  | region (CSV)  | provider | cloud region
            "aws:us-east-1    | aws:us-east-1     | USA | United States  |               | aws      | us-east-1",
            "gcp:europe-west1 | gcp:europe-west1  | BEL | Belgium        |               | gcp      | europe-west1",
            "azure:canadaeast | azure:canadaeast  | CAN | Canada         | quebec        | azure    | canadaeast",
            "AZURE:CanadaEast | azure:canadaeast  | CAN | Canada         | quebec        | azure    | canadaeast",
            "FR               | FR                | FRA | France         |               |          |",
            "FRA              | FR                | FRA | France         |               |          |",
            "france           | FR                | FRA | France         |               |          |",
            "US-CA            | US-CA             | USA | United States  | california    |          |",
            "CA-QC            | CA-QC             | CAN | Canada         | quebec        |          |",
            "SE3              | SE3               | SWE | Sweden         | se3           |          |",
            "gcp:europe-west9 | gcp:europe-west9  | FRA | France         |               | gcp      | europe-west9",
    })
    void oneSyntaxEverywhereFillsTheCsvColumns(String input, String id, String iso3, String country, String sub,
                                               String provider, String cloudRegion) throws UnknownRegionException {
        GridIntensity g = ci.resolve(input);
        assertEquals(id, g.region());
        assertEquals(iso3, g.countryIsoCode());
        assertEquals(country, g.countryName());
        assertEquals(sub == null ? "" : sub, g.subRegion());
        assertEquals(provider == null ? "" : provider, g.cloudProvider());
        assertEquals(cloudRegion == null ? "" : cloudRegion, g.cloudRegion());
    }

    /** Cloud regions carry the calculator's own intensity and offsetRatio, read here from its raw impact.csv. */
    @Test
    void cloudRegionsCarryTheCalculatorsValues() throws UnknownRegionException {
        List<Map<String, String>> raw = RawCsv.read("mlco2-impact-impact.csv");
        for (Map<String, String> r : raw) {
            GridIntensity g = ci.resolve(RawCsv.calculatorRegionId(r));
            assertEquals(Double.parseDouble(r.get("impact")), g.gramsPerKwh(), 0.0, g.region());
            assertEquals(Integer.parseInt(r.get("offsetRatio")), ci.offsetRatioPercent(g), g.region());
        }
        assertEquals(raw.size(), ci.all(RegionKind.CLOUD).stream()
                .filter(g -> g.source().startsWith("ML CO2 Impact calculator")).count());
    }

    @Test
    void nonCloudPlacesClaimNoOffset() throws UnknownRegionException {
        assertEquals(0, ci.offsetRatioPercent(ci.resolve("FR")));
        assertEquals(0, ci.offsetRatioPercent(ci.world()));
    }

    /** eGRID's lbs/MWh converted with 0.45359237: California's 452.541 lbs/MWh (CodeCarbon usa_emissions.json). */
    @Test
    void usStatesAreConvertedFromPoundsPerMegawattHour() throws UnknownRegionException {
        assertEquals(452.541 * 0.45359237, ci.resolve("US-CA").gramsPerKwh(), 1e-3);
        assertEquals(51, ci.all(RegionKind.US_STATE).size(), "50 states and DC");
        assertEquals(13, ci.all(RegionKind.CA_PROVINCE).size());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "us-east-1     | aws:us-east-1",
            "aws:us-east-9 | aws:us-east-1",
            "Frnace        | FR",
            "US-CAL        | US-CA",
            "gcp:europe-west | gcp:europe-west1",
    })
    void unknownRegionNamesItAndSuggestsTheClosest(String input, String expected) {
        UnknownRegionException e = assertThrows(UnknownRegionException.class, () -> ci.resolve(input));
        assertEquals(input, e.region());
        assertTrue(e.suggestions().contains(expected), e.suggestions().toString());
        assertTrue(e.getMessage().contains("'" + input + "'"), e.getMessage());
        assertTrue(e.getMessage().contains("aws:us-east-1"), "says what is accepted: " + e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "mars", "aws:", ":us-east-1"})
    void nonsenseIsUnknown(String input) {
        assertThrows(UnknownRegionException.class, () -> ci.resolve(input));
    }

    @Test
    void cloudMitigationNamesTheProvidersCleanestRegionFromTheCalculatorsData() throws UnknownRegionException {
        List<Map<String, String>> aws = RawCsv.read("mlco2-impact-impact.csv").stream()
                .filter(r -> r.get("provider").equals("aws")).toList();
        Map<String, String> cleanest = aws.stream()
                .min((a, b) -> Double.compare(Double.parseDouble(a.get("impact")), Double.parseDouble(b.get("impact"))))
                .orElseThrow();
        double here = aws.stream().filter(r -> r.get("region").equals("us-east-1"))
                .mapToDouble(r -> Double.parseDouble(r.get("impact"))).findFirst().orElseThrow();
        long cleaner = aws.stream().filter(r -> Double.parseDouble(r.get("impact")) < here).count();

        Mitigation m = ci.mitigation(ci.resolve("aws:us-east-1"), 12.5);

        assertEquals("aws:" + cleanest.get("region"), m.alternativeRegion());
        assertEquals(Double.parseDouble(cleanest.get("impact")), m.alternativeGramsPerKwh(), 0.0);
        assertEquals(12.5 * Double.parseDouble(cleanest.get("impact")) / 1000.0, m.alternativeEmissionsKg(), 1e-12);
        assertEquals(cleaner + 1, m.rank());
        assertEquals(aws.size(), m.rankOutOf());
        assertTrue(m.text().contains("aws:" + cleanest.get("region")), m.text());
        // the figures in the sentence: the cleanest region's intensity, and 12.5 kWh there and here, 3 digits
        double there = Double.parseDouble(cleanest.get("impact"));
        String g = there == Math.rint(there) ? String.valueOf((long) there) : String.format(Locale.ROOT, "%.1f", there);
        assertTrue(m.text().contains("(" + g + " gCO2eq/kWh) the same 12.5 kWh would have emitted "
                + String.format(Locale.ROOT, "%.3g", 12.5 * there / 1000) + " kgCO2eq instead of "
                + String.format(Locale.ROOT, "%.3g", 12.5 * here / 1000) + " kgCO2eq."), m.text());
    }

    @Test
    void theCleanestCloudRegionSaysSo() throws UnknownRegionException {
        GridIntensity best = ci.cleanestCloudRegion("gcp").orElseThrow();
        Mitigation m = ci.mitigation(best, 1.0);
        assertEquals(1, m.rank());
        assertTrue(m.text().contains("cleanest bundled region"), m.text());
    }

    @ParameterizedTest
    @ValueSource(strings = {"FR", "PL", "IS", "US-WV", "CA-AB", "SE3"})
    void placeMitigationRanksAmongItsKind(String id) throws UnknownRegionException {
        GridIntensity g = ci.resolve(id);
        RegionKind kind = ci.kind(g).orElseThrow();
        List<GridIntensity> peers = ci.all(kind);
        long cleaner = peers.stream().filter(p -> p.gramsPerKwh() < g.gramsPerKwh()).count();

        Mitigation m = ci.mitigation(g, 3.0);

        assertEquals(cleaner + 1, m.rank());
        assertEquals(peers.size(), m.rankOutOf());
        assertTrue(m.text().contains(CarbonIntensities.ordinal(m.rank()) + " cleanest of " + peers.size() + " bundled "
                + kind.plural()), m.text());
        assertEquals("", m.alternativeRegion());
        assertTrue(Double.isNaN(m.alternativeEmissionsKg()));
    }

    @Test
    void worldFallbackIsNotRanked() {
        Mitigation m = ci.mitigation(ci.world(), 1.0);
        assertEquals(0, m.rank());
        assertEquals(0, m.rankOutOf());
        assertEquals(475.0, ci.world().gramsPerKwh(), 0.0);
        assertTrue(ci.world().fallback());
    }

    @Test
    void overriddenIntensityIsRankedWithItsOwnValue() throws UnknownRegionException {
        GridIntensity fr = ci.resolve("FR").withOverride(0.0);
        assertEquals(1, ci.mitigation(fr, 1.0).rank());
    }

    @Test
    void pueDefaultsPerProvider() {
        assertTrue(ci.defaultPue("gcp").isPresent());
        assertTrue(ci.defaultPue("aws").getAsDouble() >= 1.0);
        assertTrue(ci.defaultPue("coreweave").isEmpty());
        assertTrue(ci.unknownPue() > ci.defaultPue("gcp").getAsDouble());
    }

    @ParameterizedTest
    @CsvSource({"1,1st", "2,2nd", "3,3rd", "4,4th", "11,11th", "12,12th", "13,13th", "21,21st", "102,102nd", "111,111th"})
    void ordinals(int n, String expected) {
        assertEquals(expected, CarbonIntensities.ordinal(n));
    }

    /** The places as regions.json has them. */
    private static List<CarbonIntensities.Place> placesFromJson() {
        List<CarbonIntensities.Place> places = new java.util.ArrayList<>();
        for (Map<String, Object> r : JsonReader.objects(JsonReader.parseResource(CarbonIntensities.class,
                "/io/mlco2/tracker/data/regions.json"), "regions")) {
            GridIntensity g = new GridIntensity(JsonReader.text(r, "id"), JsonReader.text(r, "display_name"),
                    JsonReader.text(r, "country_name"), JsonReader.text(r, "country_iso3"),
                    JsonReader.text(r, "sub_region"),
                    JsonReader.text(r, "cloud_provider"), JsonReader.text(r, "cloud_region"),
                    JsonReader.number(r, "grams_per_kwh"), JsonReader.text(r, "source"), false);
            places.add(new CarbonIntensities.Place(g, RegionKind.of(JsonReader.text(r, "kind")),
                    JsonReader.text(r, "country_iso2"), (int) JsonReader.number(r, "offset_ratio_percent")));
        }
        return places;
    }

    /** The PUE per provider as pue.json has it. */
    private static Map<String, Double> pueFromJson() {
        Map<String, Double> pue = new java.util.HashMap<>();
        for (Map<String, Object> p : JsonReader.objects(JsonReader.parseResource(CarbonIntensities.class,
                "/io/mlco2/tracker/data/pue.json"), "pue")) {
            pue.put(JsonReader.text(p, "provider"), JsonReader.number(p, "pue"));
        }
        return pue;
    }

    @Test
    void aNameFarFromEveryRegionGetsNoSuggestion() {
        // ten letters allow an edit distance of 10 / 3 = 3; no bundled region is that close to this
        assertEquals(List.of(), ci.suggestions("qqqqqqqqqq"));
    }
}
