package io.mlco2.tracker.carbon;

import io.mlco2.tracker.base.Log;
import io.mlco2.tracker.config.Config;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Which provider a configuration gets ({@code mlco2.carbon-intensity.*}), and the one line for each combination that
 * cannot be used: it names the value, what is accepted, and the yearly average used instead. The providers made are
 * read once from a local fake API, to show that the URL, zone, region and token configured are the ones asked.
 */
class IntensityProvidersTest {

    static final GridIntensity DE = new GridIntensity("DE", "Germany", "Germany", "DEU", "", "", "", 381.5, "test",
            false);
    static final GridIntensity AWS = new GridIntensity("aws:eu-central-1", "AWS eu-central-1", "Germany", "DEU", "",
            "aws", "eu-central-1", 311, "test", false);
    static final GridIntensity WORLD = new GridIntensity("world", "World average", "", "", "", "", "", 475, "test",
            true);

    final ByteArrayOutputStream err = new ByteArrayOutputStream();
    final Log log = new Log(new PrintStream(err, true, StandardCharsets.UTF_8), Log.Level.DEBUG);
    FakeApi api;

    @AfterEach
    void close() {
        if (api != null) {
            api.close();
        }
    }

    private IntensityProvider create(String args, GridIntensity yearly) {
        Config c = Config.load(args, Map.of(), Map.of(), log);
        err.reset(); // what the configuration itself says is not this test's
        return IntensityProviders.create(c, yearly, log);
    }

    private List<String> lines() {
        return err.toString(StandardCharsets.UTF_8).lines().toList();
    }

    /** The one line, which ends with the yearly average used instead. */
    private String theOneLine(GridIntensity yearly) {
        List<String> l = lines();
        assertEquals(1, l.size(), l.toString());
        String instead = "; using the yearly average " + yearly.gramsPerKwh() + " gCO2eq/kWh (" + yearly.region() + ")";
        assertTrue(l.get(0).contains("WARN") && l.get(0).endsWith(instead), l.get(0));
        return l.get(0);
    }

    @Test
    void theDefaultAndTheYearlyAverageNamedAreNoProviderAndNoLine() {
        assertNull(create("", DE));
        assertNull(create("carbon-intensity.source=yearly-average", DE));
        assertNull(create("carbon-intensity.source=yearly-average;carbon-intensity.url=ftp://x", DE),
                "the URL of no live source is not checked");
        assertEquals(List.of(), lines());
    }

    @Test
    void aUrlThatIsNotHttpIsOneLineNamingItAndWhatIsAccepted() {
        assertNull(create("carbon-intensity.source=ukgrid;carbon-intensity.url=ftp://example.org", DE));
        String line = theOneLine(DE);
        assertTrue(line.contains("mlco2.carbon-intensity.url=ftp://example.org is not valid: accepted an http(s) URL such as "
                + UkGrid.DEFAULT_URL), line);
        err.reset();
        assertNull(create("carbon-intensity.source=electricitymaps;carbon-intensity.token=t;"
                + "carbon-intensity.url=httpx://example.org", DE));
        assertTrue(theOneLine(DE).contains("mlco2.carbon-intensity.url=httpx://example.org is not valid"));
        err.reset();
        assertInstanceOf(UkGrid.class, create("carbon-intensity.source=ukgrid;carbon-intensity.url=https://example.org", DE));
        assertInstanceOf(UkGrid.class, create("carbon-intensity.source=ukgrid;carbon-intensity.url=http://example.org", DE));
        assertEquals(List.of(), lines(), "an http(s) URL is taken");
    }

    @Test
    void theFileSourceTakesNoUrlAndNeedsAFile() {
        IntensityProvider p = create("carbon-intensity.source=file;carbon-intensity.file=grid.csv;"
                + "carbon-intensity.url=not-a-url", DE);
        assertInstanceOf(FileIntensity.class, p);
        assertEquals("file grid.csv", p.description());
        assertEquals(List.of(), lines());

        assertNull(create("carbon-intensity.source=file", DE));
        String line = theOneLine(DE);
        assertTrue(line.contains("mlco2.carbon-intensity.source=file needs mlco2.carbon-intensity.file (a CSV of "
                + FileIntensity.ACCEPTED + ")"), line);
    }

    @Test
    void electricityMapsNeedsAToken() {
        assertNull(create("carbon-intensity.source=electricitymaps;carbon-intensity.zone=DE", DE));
        String line = theOneLine(DE);
        assertTrue(line.contains("mlco2.carbon-intensity.source=electricitymaps needs a token: "
                + "mlco2.carbon-intensity.token or MLCO2_CARBON_INTENSITY_TOKEN"), line);
    }

    @Test
    void electricityMapsWithoutAZoneNeedsARegionThatIsACountryOrZone() {
        for (GridIntensity notAZone : new GridIntensity[] {WORLD, AWS}) {
            err.reset();
            assertNull(create("carbon-intensity.source=electricitymaps;carbon-intensity.token=t", notAZone),
                    notAZone.region());
            String line = theOneLine(notAZone);
            assertTrue(line.contains("mlco2.carbon-intensity.source=electricitymaps needs a zone: "
                    + "mlco2.carbon-intensity.zone (such as DE or US-CAL-CISO), or mlco2.region set to a country or zone"),
                    line);
        }
        err.reset();
        IntensityProvider onCloud = create("carbon-intensity.source=electricitymaps;carbon-intensity.token=t;"
                + "carbon-intensity.zone=US-CAL-CISO", AWS);
        assertEquals("Electricity Maps, zone US-CAL-CISO", onCloud.description(), "a zone given: the region does not matter");
        assertEquals("Electricity Maps, zone DE",
                create("carbon-intensity.source=electricitymaps;carbon-intensity.token=t", DE).description());
        assertEquals(List.of(), lines());
    }

    @Test
    void electricityMapsAsksTheConfiguredUrlForTheZoneWithTheToken() throws Exception {
        api = new FakeApi();
        api.answer("/v3/carbon-intensity/latest?zone=FR", 200, LiveIntensityTest.emPoint(42, "2026-03-01T14:00:00.000Z"));
        ElectricityMaps em = (ElectricityMaps) create("carbon-intensity.source=electricitymaps;carbon-intensity.token=tok;"
                + "carbon-intensity.zone=FR;carbon-intensity.url=" + api.url() + "/v3", DE);
        em.read();
        assertEquals(List.of(new FakeApi.Request("/v3/carbon-intensity/latest?zone=FR", "tok")), api.requests);
        assertEquals(42.0, em.series().at(java.time.Instant.parse("2026-03-01T14:00:00Z")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", ";carbon-intensity.zone=national", ";carbon-intensity.zone=NATIONAL",
            ";carbon-intensity.zone=gb", ";carbon-intensity.zone=GB"})
    void ukGridWithoutARegionIdIsNational(String zone) throws Exception {
        api = new FakeApi();
        api.answer("/intensity", 200, "{\"data\":[" + LiveIntensityTest.ukSlot("2026-03-01T14:00Z", "2026-03-01T14:30Z",
                200, null) + "]}");
        UkGrid uk = (UkGrid) create("carbon-intensity.source=ukgrid;carbon-intensity.url=" + api.url() + zone, DE);
        assertEquals("GB Carbon Intensity API, national", uk.description());
        uk.read();
        assertEquals("/intensity", api.requests.get(0).pathAndQuery());
        assertEquals(List.of(), lines());
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 13, 17})
    void ukGridTakesARegionIdFrom1To17(int region) throws Exception {
        api = new FakeApi();
        String answer = "{\"data\":[{\"regionid\":" + region + ",\"data\":["
                + LiveIntensityTest.ukSlot("2026-03-01T14:00Z", "2026-03-01T14:30Z", 200, null) + "]}]}";
        api.answer("/regional/regionid/" + region, 200, answer);
        api.answer("/regional/intensity/", 200, answer); // the forecast
        UkGrid uk = (UkGrid) create("carbon-intensity.source=ukgrid;carbon-intensity.zone=" + region
                + ";carbon-intensity.url=" + api.url(), DE);
        assertEquals("GB Carbon Intensity API, region " + region, uk.description());
        uk.read();
        assertEquals("/regional/regionid/" + region, api.requests.get(0).pathAndQuery());
        assertEquals(List.of(), lines());
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "18", "-1", "London", "DE"})
    void ukGridRefusesAnyOtherZoneInOneLine(String zone) {
        assertNull(create("carbon-intensity.source=ukgrid;carbon-intensity.zone=" + zone, DE));
        String line = theOneLine(DE);
        assertTrue(line.contains("mlco2.carbon-intensity.zone=" + zone + " is not valid for ukgrid: accepted national "
                + "or a region id 1 to 17"), line);
    }
}
