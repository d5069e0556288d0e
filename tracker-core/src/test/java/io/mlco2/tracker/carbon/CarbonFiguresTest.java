package io.mlco2.tracker.carbon;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The emissions of an energy in joules, and the line of an unknown region with and without suggestions. */
class CarbonFiguresTest {

    @Test
    void emissionsOfJoulesAreTheirKilowattHoursTimesPueTimesIntensity() {
        double energyJoules = 9_000_000; // 2.5 kWh
        double pue = 1.2;
        double gramsPerKwh = 380;
        double grams = energyJoules / 3_600_000 * pue * gramsPerKwh;
        assertEquals(grams, Emissions.gramsOfJoules(energyJoules, pue, gramsPerKwh), 1e-9);
        assertEquals(grams / 1000, Emissions.kgOfJoules(energyJoules, pue, gramsPerKwh), 1e-12);
    }

    @Test
    void anUnknownRegionNamesItTheClosestKnownWhereThereAreAndWhatIsAccepted() {
        String accepted = "; accepted: a country (FR, FRA, France), a zone (US-CA, CA-QC, SE3) or a cloud region "
                + "(aws:us-east-1, gcp:europe-west1, azure:canadaeast)";
        assertEquals("unknown region 'Atlantis'" + accepted,
                new UnknownRegionException("Atlantis", List.of()).getMessage());
        UnknownRegionException e = new UnknownRegionException("Frnce", List.of("FR", "FRA"));
        assertEquals("unknown region 'Frnce'; closest known: FR, FRA" + accepted, e.getMessage());
        assertEquals("Frnce", e.region());
        assertEquals(List.of("FR", "FRA"), e.suggestions());
    }
}
