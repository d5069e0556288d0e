package io.mlco2.tracker.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mlco2.tracker.carbon.CarbonIntensities;
import io.mlco2.tracker.carbon.GridIntensity;
import io.mlco2.tracker.hardware.RawCsv;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EstimateCommandTest {

    private static final double HOURS = 7.5;

    record Result(int code, String out, String err) {
        JsonNode json() {
            try {
                return new ObjectMapper().readTree(out);
            } catch (IOException e) {
                throw new AssertionError("not JSON: " + out + err, e);
            }
        }
    }

    static Result run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Cli.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    static List<Map<String, String>> calculatorRegions() {
        return RawCsv.read("mlco2-impact-impact.csv");
    }

    /**
     * The calculator's formula on its own data, for every provider region x every hardware row of its table:
     * expected = tdp_watts x hours / 1000 x impact / 1000, offset = that x offsetRatio / 100, all from the raw CSVs.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("calculatorRegions")
    void reproducesTheCalculatorForEveryRegionAndHardware(Map<String, String> region) {
        String regionId = RawCsv.calculatorRegionId(region);
        double impact = Double.parseDouble(region.get("impact"));
        double offsetRatio = Double.parseDouble(region.get("offsetRatio"));
        List<String> failures = new ArrayList<>();
        for (Map<String, String> gpu : RawCsv.read("mlco2-impact-gpus.csv")) {
            double tdp = Double.parseDouble(gpu.get("tdp_watts"));
            double expectedKg = tdp * HOURS / 1000 * impact / 1000;
            Result r = run("estimate", "--hardware", gpu.get("name"), "--hours", String.valueOf(HOURS),
                    "--region", regionId, "--json");
            if (r.code() != 0) {
                failures.add(gpu.get("name") + ": exit " + r.code() + " " + r.err());
                continue;
            }
            JsonNode j = r.json();
            if (Math.abs(j.get("emissions_kg").asDouble() - expectedKg) > 1e-9 * Math.max(1, expectedKg)
                    || Math.abs(j.get("offset_kg").asDouble() - expectedKg * offsetRatio / 100) > 1e-9 * Math.max(1, expectedKg)
                    || j.get("tdp_w").asDouble() != tdp
                    || j.get("carbon_intensity_g_per_kwh").asDouble() != impact
                    || Math.abs(j.get("energy_kwh").asDouble() - tdp * HOURS / 1000) > 1e-12) {
                failures.add(gpu.get("name") + ": " + j);
            }
        }
        assertTrue(failures.isEmpty(), regionId + ": " + failures);
    }

    @Test
    void jsonHasEveryDocumentedField() {
        JsonNode j = run("estimate", "--hardware", "Tesla V100-SXM2-32GB", "--hours", "10", "--region",
                "gcp:europe-west3", "--json").json();
        for (String f : List.of("hardware", "tdp_w", "count", "hours", "region", "carbon_intensity_g_per_kwh", "pue",
                "energy_kwh", "emissions_kg", "offset_kg", "cleanest_region", "equivalents")) {
            assertTrue(j.has(f), "missing " + f + " in " + j);
        }
        for (String f : List.of("region", "carbon_intensity_g_per_kwh", "emissions_kg")) {
            assertTrue(j.get("cleanest_region").has(f), "cleanest_region." + f);
        }
        for (String f : List.of("km_driven", "kg_coal_burned", "tree_seedlings_10y")) {
            assertTrue(j.get("equivalents").has(f), "equivalents." + f);
        }
    }

    @Test
    void cleanestRegionIsTheProvidersLowestIntensity() {
        GridIntensity cleanest = CarbonIntensities.bundled().all().stream()
                .filter(g -> g.cloudProvider().equals("azure"))
                .min((a, b) -> Double.compare(a.gramsPerKwh(), b.gramsPerKwh())).orElseThrow();
        JsonNode j = run("estimate", "--hardware", "T4", "--hours", "3", "--region", "azure:westeurope", "--json").json();
        JsonNode c = j.get("cleanest_region");
        assertEquals(cleanest.region(), c.get("region").asText());
        assertEquals(j.get("energy_kwh").asDouble() * cleanest.gramsPerKwh() / 1000, c.get("emissions_kg").asDouble(), 1e-12);
    }

    @Test
    void countAndPueMultiplyTheEnergy() throws Exception {
        JsonNode one = run("estimate", "--hardware", "NVIDIA H200", "--hours", "2", "--region", "FR", "--json").json();
        JsonNode eight = run("estimate", "--hardware", "NVIDIA H200", "--hours", "2", "--region", "FR", "--count", "8",
                "--pue=1.2", "--json").json();
        double intensity = CarbonIntensities.bundled().resolve("FR").gramsPerKwh();
        assertEquals(700.0 * 2 / 1000, one.get("energy_kwh").asDouble(), 1e-12, "H200 SXM datasheet 700 W");
        assertEquals(700.0 * 2 / 1000 * 8 * 1.2, eight.get("energy_kwh").asDouble(), 1e-12);
        assertEquals(700.0 * 2 / 1000 * 8 * 1.2 * intensity / 1000, eight.get("emissions_kg").asDouble(), 1e-12);
        assertEquals(0.0, eight.get("offset_kg").asDouble(), 0.0, "no offset outside the cloud");
        assertTrue(eight.get("cleanest_region").isNull(), "documented: null for a country");
        assertTrue(eight.get("rank").asInt() >= 1);
    }

    /** EPA factors: 3.98e-4 t CO2/mile, 9.05e-4 t CO2/lb of coal, 0.060 t per seedling grown 10 years. */
    @Test
    void equivalentsUseTheEpaFactors() {
        JsonNode j = run("estimate", "--hardware", "RTX 3090", "--hours", "100", "--region", "US-WV", "--json").json();
        double kg = j.get("emissions_kg").asDouble();
        JsonNode eq = j.get("equivalents");
        assertEquals(kg / 0.398 * 1.609344, eq.get("km_driven").asDouble(), 1e-9);
        assertEquals(kg / 0.905 * 0.45359237, eq.get("kg_coal_burned").asDouble(), 1e-9);
        assertEquals(kg / 60.0, eq.get("tree_seedlings_10y").asDouble(), 1e-9);
    }

    @Test
    void plainTextIsAStatementForAPaper() {
        Result r = run("estimate", "--hardware", "NVIDIA A100-SXM4-80GB", "--hours", "100", "--region", "aws:us-east-1");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("A100 SXM4 80 GB"), r.out());
        assertTrue(r.out().contains("400 W"), r.out());
        assertTrue(r.out().contains("40 kWh"), r.out());
        assertTrue(r.out().contains(String.format(java.util.Locale.ROOT, "%.3g", 40 * 367.8 / 1000)), r.out());
        assertTrue(r.out().contains("Lacoste"), r.out());
    }

    private static Map<String, String> rawRow(String file, String column, String value) {
        return RawCsv.read(file).stream().filter(r -> r.get(column).equals(value)).findFirst().orElseThrow();
    }

    private static String f(String format, double v) {
        return String.format(java.util.Locale.ROOT, format, v);
    }

    /**
     * The whole statement on a cloud region with 8 devices and a PUE: the region's name and country, both multipliers,
     * and the share the provider offsets; numbers from 100 up with one decimal, below with 3 significant digits, whole
     * numbers as they are. TDP, intensity and offset ratio from the calculator's raw CSVs.
     */
    @Test
    void plainTextOnACloudRegionNamesItsCountryTheCountThePueAndTheOffset() throws Exception {
        double tdp = Double.parseDouble(rawRow("mlco2-impact-gpus.csv", "name", "A100 SXM4 80 GB").get("tdp_watts"));
        Map<String, String> raw = rawRow("mlco2-impact-impact.csv", "region", "europe-west3");
        double impact = Double.parseDouble(raw.get("impact"));
        double offsetRatio = Double.parseDouble(raw.get("offsetRatio"));
        GridIntensity region = CarbonIntensities.bundled().resolve("gcp:europe-west3");
        double kwh = tdp * 100 / 1000 * 8 * 1.5;
        double kg = kwh * impact / 1000;
        assertEquals(480.0, kwh, 0.0, "whole: shown as is");
        assertTrue(kg >= 100 && kg / 0.398 * 1.609344 >= 100 && kg / 0.905 * 0.45359237 >= 100 && kg / 60 < 100,
                "one decimal, but 3 significant digits for the seedlings");

        Result r = run("estimate", "--hardware", "A100 SXM4 80 GB", "--hours", "100", "--region", "gcp:europe-west3",
                "--count", "8", "--pue", "1.5");
        assertEquals(0, r.code(), r.err());
        String expected = "Experiments were conducted using " + region.displayName() + " in " + raw.get("country")
                + ", which has a carbon intensity of " + (long) impact
                + " gCO2e/kWh (" + region.source() + "). A cumulative 100 hours of computation on 8 x A100 SXM4 80 GB"
                + " (TDP of " + (long) tdp + " W) at a PUE of 1.50 was performed, using an estimated 480 kWh of"
                + " electricity. Total emissions are estimated to be " + f("%.1f", kg) + " kgCO2e, of which "
                + (long) offsetRatio + "% (" + f("%.1f", kg * offsetRatio / 100) + " kg) were directly offset by the"
                + " cloud provider. This is equivalent to " + f("%.1f", kg / 0.398 * 1.609344) + " km driven by an average"
                + " car, " + f("%.1f", kg / 0.905 * 0.45359237) + " kg of coal burned, or the carbon sequestered by "
                + f("%.3g", kg / 60) + " tree seedlings grown for 10 years (US EPA factors). Estimations were conducted"
                + " using the ML CO2 Impact method (Lacoste et al., 2019) with mlco2-agent.";
        List<String> lines = r.out().lines().toList();
        assertEquals(2, lines.size(), r.out());
        assertEquals(expected, lines.get(0));
        assertEquals(CarbonIntensities.bundled().mitigation(region, kwh).text(), lines.get(1));
    }

    /**
     * Outside the cloud the statement says "infrastructure in" the country, leaves out the count and the PUE when
     * they are 1, and says nothing of offsets; numbers below 100 with 3 significant digits.
     */
    @Test
    void plainTextInACountryHasNoCountPueOrOffset() throws Exception {
        double tdp = Double.parseDouble(rawRow("mlco2-impact-gpus.csv", "name", "RTX 3090").get("tdp_watts"));
        GridIntensity fr = CarbonIntensities.bundled().resolve("FR");
        double kwh = tdp * 3.3 / 1000;
        double kg = kwh * fr.gramsPerKwh() / 1000;
        assertTrue(fr.gramsPerKwh() != Math.rint(fr.gramsPerKwh()) && kwh < 100 && kg < 100, "3 significant digits");

        Result r = run("estimate", "--hardware", "RTX 3090", "--hours", "3.3", "--region", "FR");
        assertEquals(0, r.code(), r.err());
        String expected = "Experiments were conducted using infrastructure in France, which has a carbon intensity of "
                + f("%.3g", fr.gramsPerKwh()) + " gCO2e/kWh (" + fr.source() + "). A cumulative 3.30 hours of"
                + " computation on RTX 3090 (TDP of " + (long) tdp + " W) was performed, using an estimated "
                + f("%.3g", kwh) + " kWh of electricity. Total emissions are estimated to be " + f("%.3g", kg)
                + " kgCO2e. This is equivalent to " + f("%.3g", kg / 0.398 * 1.609344) + " km driven by an average car, "
                + f("%.3g", kg / 0.905 * 0.45359237) + " kg of coal burned, or the carbon sequestered by "
                + f("%.3g", kg / 60) + " tree seedlings grown for 10 years (US EPA factors). Estimations were conducted"
                + " using the ML CO2 Impact method (Lacoste et al., 2019) with mlco2-agent.";
        List<String> lines = r.out().lines().toList();
        assertEquals(2, lines.size(), r.out());
        assertEquals(expected, lines.get(0));
        assertEquals(CarbonIntensities.bundled().mitigation(fr, kwh).text(), lines.get(1));
    }

    /**
     * A whole number is shown as it is below 1e15 only; from 1e15 (where a double's whole numbers grow sparse) with
     * one decimal, as every number from 100 up: the bound, one whole number below it and one above.
     */
    @Test
    void wholeNumbersAreShownAsTheyAreBelow1e15Only() {
        for (double hours : new double[] {999_999_999_999_999.0, 1e15, 1_000_000_000_000_001.0}) {
            String shown = hours < 1e15 ? Long.toString((long) hours) : f("%.1f", hours);
            Result r = run("estimate", "--hardware", "RTX 3090", "--hours", Double.toString(hours), "--region", "FR");
            assertEquals(0, r.code(), r.err());
            assertTrue(r.out().contains(" A cumulative " + shown + " hours of computation on RTX 3090"), shown + ": " + r.out());
        }
        assertEquals("1000000000000000.0", f("%.1f", 1e15));
    }

    /**
     * Hours so large that the energy, or only the emissions (Turkmenistan's grid, over 1000 g/kWh), are no longer a
     * finite number: exit 2 with one line naming the values, nothing on stdout.
     */
    @Test
    void anEnergyOrEmissionsBeyondAFiniteNumberExitTwo() throws Exception {
        double tdp = Double.parseDouble(rawRow("mlco2-impact-gpus.csv", "name", "RTX 3090").get("tdp_watts"));
        double tm = CarbonIntensities.bundled().resolve("TM").gramsPerKwh();
        assertTrue(Double.isInfinite(tdp * 1e308 / 1000));
        assertTrue(Double.isFinite(tdp * 5e305 / 1000) && Double.isInfinite(tdp * 5e305 / 1000 * tm / 1000),
                "finite energy, infinite emissions at " + tm + " g/kWh");
        for (String[] hoursRegion : new String[][] {{"1e308", "FR"}, {"5e305", "TM"}}) {
            Result r = run("estimate", "--hardware", "RTX 3090", "--hours", hoursRegion[0], "--region", hoursRegion[1]);
            assertEquals(2, r.code(), r.out() + r.err());
            assertEquals("", r.out());
            assertEquals(1, r.err().lines().count(), r.err());
            assertTrue(r.err().startsWith("estimate: --hours " + Double.parseDouble(hoursRegion[0]) + " x --count 1 x"
                    + " --pue 1.0 x " + tdp + " W is beyond a finite number of kWh"), r.err());
        }
    }

    @Test
    void unknownHardwareExitsTwoWithSuggestions() {
        Result r = run("estimate", "--hardware", "NVIDIA H300", "--hours", "1", "--region", "FR");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("'NVIDIA H300'") && r.err().contains("H200 SXM"), r.err());
    }

    @Test
    void unknownRegionExitsTwoWithSuggestions() {
        Result r = run("estimate", "--hardware", "T4", "--hours", "1", "--region", "us-east-1");
        assertEquals(2, r.code());
        // The accepted forms name aws:us-east-1 as an example too: the suggestion is what follows "closest known".
        assertTrue(r.err().contains("'us-east-1'") && r.err().contains("; closest known: aws:us-east-1;"), r.err());
    }

    @Test
    void unknownRegionWithNothingCloseHasNoSuggestions() {
        Result r = run("estimate", "--hardware", "T4", "--hours", "1", "--region", "qqqqqqqqqqqqqqqqqqqq");
        assertEquals(2, r.code());
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.err().contains("'qqqqqqqqqqqqqqqqqqqq' is not a known region") && !r.err().contains("closest known"),
                r.err());
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-1", "abc", "NaN", ""})
    void nonPositiveHoursExitTwo(String hours) {
        Result r = run("estimate", "--hardware", "T4", "--hours", hours, "--region", "FR");
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("--hours"), r.err());
    }

    @Test
    void missingHoursExitsTwo() {
        Result r = run("estimate", "--hardware", "T4", "--region", "FR");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("missing --hours"), r.err());
    }

    @ParameterizedTest
    @ValueSource(strings = {"--count=0", "--count=1.5", "--pue=0.9", "--pue=x", "--bogus"})
    void badOptionsExitTwo(String option) {
        Result r = run("estimate", "--hardware", "T4", "--hours", "1", "--region", "FR", option);
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains(option.contains("=") ? option.substring(option.indexOf('=') + 1) : option), r.err());
    }
}
