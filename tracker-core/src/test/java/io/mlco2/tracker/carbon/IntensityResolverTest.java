package io.mlco2.tracker.carbon;

import io.mlco2.tracker.base.Log;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A run's grid intensity from mlco2.region and mlco2.carbon-intensity, with the world average as the fallback. */
class IntensityResolverTest {

    /** The world average of the bundled tables (Ember/codecarbon), gCO2eq/kWh: the oracle, written here. */
    static final double WORLD = 475.0;
    /** California, eGRID: 452.541 lb/MWh, converted with 0.45359237 kg per lb. */
    static final double US_CA = 452.541 * 0.45359237;

    private final ByteArrayOutputStream logged = new ByteArrayOutputStream();
    private final Log log = new Log(new PrintStream(logged, true, StandardCharsets.UTF_8), Log.Level.DEBUG);
    private final List<String> notes = new ArrayList<>();

    private String logged() {
        return logged.toString(StandardCharsets.UTF_8);
    }

    @Test
    void noRegionIsTheWorldAverageAndSaysSo() {
        GridIntensity g = IntensityResolver.resolve(null, null, log, notes);
        assertEquals(WORLD, g.gramsPerKwh(), 0.0);
        assertEquals(1, notes.size(), notes.toString());
        assertTrue(notes.get(0).contains("no region configured (mlco2.region)"), notes.get(0));
        assertTrue(notes.get(0).contains("475.0"), notes.get(0));
        assertTrue(logged().contains("DEBUG: no region configured"), "at debug: the summary line says it\n" + logged());
    }

    @Test
    void noRegionWithAnOverrideTakesTheOverrideQuietly() {
        GridIntensity g = IntensityResolver.resolve(null, 123.0, log, notes);
        assertEquals(123.0, g.gramsPerKwh(), 0.0);
        assertEquals(List.of(), notes);
        assertEquals("", logged());
    }

    @Test
    void aKnownRegionIsItsTablesValue() {
        GridIntensity g = IntensityResolver.resolve("us-ca", null, log, notes);
        assertEquals("US-CA", g.region());
        assertEquals(US_CA, g.gramsPerKwh(), 1e-3);
        assertEquals(List.of(), notes);
        assertEquals("", logged());
    }

    @Test
    void aKnownRegionWithAnOverrideKeepsTheRegionAndTakesTheOverride() {
        GridIntensity g = IntensityResolver.resolve("US-CA", 50.0, log, notes);
        assertEquals("US-CA", g.region());
        assertEquals(50.0, g.gramsPerKwh(), 0.0);
        assertEquals(List.of(), notes);
    }

    @Test
    void anUnknownRegionFallsBackToTheWorldAverageNamingIt() {
        GridIntensity g = IntensityResolver.resolve("Atlantis-9", null, log, notes);
        assertEquals(WORLD, g.gramsPerKwh(), 0.0);
        assertEquals(1, notes.size(), notes.toString());
        assertTrue(notes.get(0).startsWith("mlco2.region: "), notes.get(0));
        assertTrue(notes.get(0).contains("Atlantis-9"), notes.get(0));
        assertTrue(notes.get(0).endsWith("using the world average 475.0 gCO2eq/kWh"), notes.get(0));
        assertTrue(logged().contains("Atlantis-9"), logged());
    }

    @Test
    void anUnknownRegionWithAnOverrideTakesTheOverride() {
        GridIntensity g = IntensityResolver.resolve("Atlantis-9", 10.0, log, notes);
        assertEquals(10.0, g.gramsPerKwh(), 0.0);
    }
}
