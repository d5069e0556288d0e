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
        assertTrue(r.err().contains("'us-east-1'") && r.err().contains("aws:us-east-1"), r.err());
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
