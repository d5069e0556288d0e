package io.mlco2.tracker.html;

import com.fasterxml.jackson.databind.JsonNode;
import io.mlco2.tracker.carbon.GridIntensity;
import io.mlco2.tracker.carbon.Mitigation;
import io.mlco2.tracker.energy.Component;
import io.mlco2.tracker.report.ComponentEnergy;
import io.mlco2.tracker.report.RunSummary;
import io.mlco2.tracker.report.TdpEstimate;
import io.mlco2.tracker.timeseries.MinMaxSeries;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.mlco2.tracker.html.Rendered.assertQuantity;
import static io.mlco2.tracker.html.Rendered.bar;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every figure of the run's page against the summary it is drawn from: the expected values are worked out here from
 * the joules, the PUE and the intensity the test puts in (1 Wh = 3,600 J; g = kWh x PUE x g/kWh), and read back
 * from the table row or card that shows them.
 */
class RunReportPageFiguresTest {

    static final double CPU_J = 5_400;
    static final double GPU_J = 9_000;
    static final double RAM_J = 1_800;
    static final double PUE = 1.5;
    static final double G_PER_KWH = 400;

    /** A summary with every field the page reads; tests change one field and build. */
    static final class Run {
        String experiment = "exp-7";
        double durationSeconds = 3723;
        Map<Component, ComponentEnergy> components = new EnumMap<>(Map.of(
                Component.CPU, new ComponentEnergy(CPU_J, 45, "rapl", 0.5, 2),
                Component.GPU, new ComponentEnergy(GPU_J, 75, "nvml-energy-counter", 0.875, 1),
                Component.RAM, new ComponentEnergy(RAM_J, 15, "ram-model", Double.NaN, 1)));
        boolean fallback = false;
        double emissionsKg = (CPU_J + GPU_J + RAM_J) / 3.6e6 * PUE * G_PER_KWH / 1000;
        TdpEstimate tdp = new TdpEstimate(300, 0.005, 0.002, "2 x Xeon (150 W, cpu table)");
        Mitigation mitigation = new Mitigation("Run in aws:ca-central-1.", "aws:ca-central-1", 30,
                (CPU_J + GPU_J + RAM_J) / 3.6e6 * PUE * 30 / 1000, 5, 20);
        int gpuCount = 1;
        boolean gpuShared = false;
        List<String> notes = List.of("a note");
        Map<String, Object> extra = new LinkedHashMap<>();

        RunSummary build() {
            GridIntensity g = new GridIntensity("aws:us-east-1", "AWS us-east-1", "United States", "USA", "", "aws",
                    "us-east-1", G_PER_KWH, "test data", fallback);
            return new RunSummary("run-1", "proj", experiment, Instant.parse("2026-01-01T00:00:00Z"),
                    Instant.parse("2026-01-01T01:02:03Z"), durationSeconds, components, g, PUE, emissionsKg, tdp,
                    mitigation, "Xeon", 8, gpuCount, "A100", gpuShared, 32, 8, "Linux", "host-a", "machine", "0.1.0",
                    Map.of("mlco2.pue", "1.5"), notes, extra);
        }

        Rendered render() {
            return new Rendered(RunReportPage.render(build(), Map.of()));
        }
    }

    @Test
    void theCardsShowTheEnergyInWhTheEmissionsInGramsAndTheRatioToTheEstimate() {
        Run run = new Run();
        Rendered p = run.render();
        double totalWh = (CPU_J + GPU_J + RAM_J) / 3600;
        assertQuantity(totalWh, " Wh", p.card("energy measured (IT, without PUE)"));
        assertEquals("4.500 Wh", p.card("energy measured (IT, without PUE)"));
        assertQuantity(run.emissionsKg * 1000, " g", p.card("CO2eq emitted (PUE 1.50)"));
        assertEquals("400.0 g/kWh", p.card("grid intensity, aws:us-east-1"));
        // measured CPU + GPU (4 Wh) over the estimate's 5 Wh
        assertEquals(((CPU_J + GPU_J) / 3.6e6) / 0.005, Rendered.number(p.card("measured / TDP estimate (CPU+GPU)")), 0.005);
        assertEquals("0.80 x", p.card("measured / TDP estimate (CPU+GPU)"));
        assertTrue(p.html.contains("(1 h 02 min 03 s)"), "the run's duration under the title");
    }

    @Test
    void theComponentTableShowsEachComponentsEnergyEmissionsAndShareOfTheTotal() {
        Run run = new Run();
        Rendered.Table t = run.render().table("Energy and emissions by component", "Share");
        assertEquals(List.of("CPU", "GPU", "RAM", "Total"), t.labels());
        double total = CPU_J + GPU_J + RAM_J;
        Map<String, Double> joules = Map.of("CPU", CPU_J, "GPU", GPU_J, "RAM", RAM_J);
        for (Map.Entry<String, Double> e : joules.entrySet()) {
            String c = e.getKey();
            double j = e.getValue();
            assertQuantity(j / 3600, "", t.cell(c, "Energy (Wh)"));
            assertQuantity(j / 3.6e6 * PUE * G_PER_KWH, "", t.cell(c, "Emissions (g CO2eq)"));
            assertQuantity(100 * j / total, " %", t.cell(c, "Share"));
            assertEquals(Math.round(240 * j / total), bar(t.row(c).get(8), ""), c + " bar");
        }
        assertEquals("2", t.cell("CPU", "Devices"));
        assertEquals("rapl", t.cell("CPU", "Method"));
        assertEquals("45.000", t.cell("CPU", "Mean power (W)"));
        assertEquals("87.5 %", t.cell("GPU", "Mean utilisation"));
        assertEquals("n/a", t.cell("RAM", "Mean utilisation"));
        // by hand: 1/3, 5/9, 1/9 of the total; bars of 80, 133 and 27 px
        assertEquals("33.3 %", t.cell("CPU", "Share"));
        assertEquals(133, bar(t.row("GPU").get(8), ""));
        assertEquals("0.3000", t.cell("RAM", "Emissions (g CO2eq)"));
        assertQuantity(total / 3600, "", t.cell("Total", "Energy (Wh)"));
        assertQuantity(run.emissionsKg * 1000, "", t.cell("Total", "Emissions (g CO2eq)"));
        assertEquals("100 %", t.cell("Total", "Share"));
    }

    @Test
    void withNoEnergyTheSharesAreNotAvailableAndTheBarsEmpty() {
        Run run = new Run();
        run.components = new EnumMap<>(Map.of(Component.CPU, new ComponentEnergy(0, 0, "rapl", 0, 1),
                Component.GPU, new ComponentEnergy(0, 0, "none", Double.NaN, 0),
                Component.RAM, new ComponentEnergy(0, 0, "ram-model", Double.NaN, 1)));
        run.emissionsKg = 0;
        run.tdp = new TdpEstimate(0, 0, 0, "");
        run.mitigation = new Mitigation("", "", Double.NaN, Double.NaN, 0, 0);
        Rendered p = run.render();
        Rendered.Table t = p.table("Energy and emissions by component", "Share");
        assertEquals("n/a", t.cell("CPU", "Share"));
        assertEquals(0, bar(t.row("CPU").get(8), ""));
        Rendered.Table tdp = p.table("Measured against the TDP estimate", "Energy (Wh)");
        assertEquals(0, bar(tdp.row("Measured CPU + GPU").get(3), ""));
        assertEquals(0, bar(tdp.row("TDP estimate (0 W)").get(3), "est"));
        assertEquals("n/a x", p.card("measured / TDP estimate (CPU+GPU)"));
        assertFalse(p.html.contains("Counted:"), "no hardware counted: no line");
    }

    @Test
    void theTdpTableComparesTheMeasuredCpuAndGpuWithTheEstimate() {
        Run run = new Run();
        Rendered p = run.render();
        Rendered.Table t = p.table("Measured against the TDP estimate", "Energy (Wh)");
        double measuredKwh = (CPU_J + GPU_J) / 3.6e6;
        assertQuantity(measuredKwh * 1000, "", t.cell("Measured CPU + GPU", "Energy (Wh)"));
        assertQuantity(measuredKwh * G_PER_KWH, "", t.cell("Measured CPU + GPU", "Emissions (g CO2eq, no PUE)"));
        assertQuantity(run.tdp.energyKwh() * 1000, "", t.cell("TDP estimate (300 W)", "Energy (Wh)"));
        assertQuantity(run.tdp.emissionsKg() * 1000, "", t.cell("TDP estimate (300 W)", "Emissions (g CO2eq, no PUE)"));
        // the larger of the two is the full 240 px: the estimate; the measured 4 of its 5 Wh
        assertEquals(Math.round(240 * measuredKwh / run.tdp.energyKwh()), bar(t.row("Measured CPU + GPU").get(3), ""));
        assertEquals(192, bar(t.row("Measured CPU + GPU").get(3), ""));
        assertEquals(240, bar(t.row("TDP estimate (300 W)").get(3), "est"));
        assertTrue(p.html.contains("Counted: 2 x Xeon (150 W, cpu table)"), p.html);

        run.tdp = new TdpEstimate(100, 0.002, 0.0008, "1 x Xeon");
        t = run.render().table("Measured against the TDP estimate", "Energy (Wh)");
        assertEquals(240, bar(t.row("Measured CPU + GPU").get(3), ""), "the measured is the larger");
        assertEquals(Math.round(240 * 0.002 / measuredKwh), bar(t.row("TDP estimate (100 W)").get(3), "est"));
    }

    @Test
    void theGridTableShowsTheRegionIntensityPueAndRank() {
        Run run = new Run();
        Rendered p = run.render();
        Rendered.Table t = p.kv("Where the electricity came from");
        assertEquals("aws:us-east-1 (AWS us-east-1)", t.value("Region"));
        assertEquals("400.0 g CO2eq/kWh", t.value("Carbon intensity"));
        assertEquals("1.50", t.value("PUE"));
        assertEquals("5 of 20 (1 = cleanest)", t.value("Rank"));
        assertTrue(p.html.contains("<p>Run in aws:ca-central-1.</p>"), p.html);
        assertFalse(p.html.contains("No cleanest-region comparison"));
        assertFalse(t.labels().contains("Intensity over time"), "no intensity over time: no rows of it");

        run.fallback = true;
        run.mitigation = new Mitigation("", "", Double.NaN, Double.NaN, 0, 0);
        p = run.render();
        t = p.kv("Where the electricity came from");
        assertEquals("aws:us-east-1 (AWS us-east-1): world average, no region configured", t.value("Region"));
        assertFalse(t.labels().contains("Rank"), "not ranked: no rank row");
        assertTrue(p.html.contains("No cleanest-region comparison is available for this region."));
        assertFalse(p.html.contains("(cleanest)"), "no cleaner region: no comparison table");
    }

    @Test
    void theCleanestRegionTableShowsWhatTheRunWouldHaveEmittedThere() {
        Run run = new Run();
        Rendered.Table t = run.render().table("Where the electricity came from", "g CO2eq/kWh");
        double kwh = (CPU_J + GPU_J + RAM_J) / 3.6e6;
        assertEquals("400.0", t.cell("aws:us-east-1 (this run)", "g CO2eq/kWh"));
        assertQuantity(run.emissionsKg * 1000, "", t.cell("aws:us-east-1 (this run)", "Emissions (g CO2eq)"));
        assertEquals("30.0", t.cell("aws:ca-central-1 (cleanest)", "g CO2eq/kWh"));
        assertQuantity(kwh * PUE * 30, "", t.cell("aws:ca-central-1 (cleanest)", "Emissions (g CO2eq)"));
        // this run is the full bar; the cleanest region 30/400 of it: 18 px
        assertEquals(240, bar(t.row("aws:us-east-1 (this run)").get(3), ""));
        assertEquals(Math.round(240 * 30 / G_PER_KWH), bar(t.row("aws:ca-central-1 (cleanest)").get(3), "alt"));
        assertEquals(18, bar(t.row("aws:ca-central-1 (cleanest)").get(3), "alt"));

        run.mitigation = new Mitigation("Cleaner nowhere.", "aws:x", 30, Double.NaN, 0, 0);
        assertFalse(run.render().html.contains("(cleanest)"), "no emissions there: no table");
        run.emissionsKg = 0;
        run.mitigation = new Mitigation("Cleaner.", "aws:x", 0, 0, 0, 0);
        t = run.render().table("Where the electricity came from", "g CO2eq/kWh");
        assertEquals(0, bar(t.row("aws:x (cleanest)").get(3), "alt"), "nothing emitted: empty bars");
    }

    @Test
    void theIntensityOverTimeAddsItsRowsTheRangeLineAndTheHint() {
        Run run = new Run();
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("source", "electricitymaps");
        o.put("min_g_per_kwh", 310.25);
        o.put("max_g_per_kwh", 455.5);
        o.put("time_coverage", 0.75);
        Map<String, Object> share = new LinkedHashMap<>();
        share.put("electricitymaps", 0.9);
        share.put("yearly", 0.1);
        o.put("energy_share", share);
        o.put("yearly_average", Map.of("g_per_kwh", 380.0, "emissions_kg", 0.00275));
        o.put("carbon_aware_hint", Map.of("text", "Start at 02:00 <UTC>."));
        run.extra.put("carbon_intensity_over_time", o);
        Rendered p = run.render();
        Rendered.Table t = p.kv("Where the electricity came from");
        assertEquals("energy-weighted mean of electricitymaps, 310.3 to 455.5 g CO2eq/kWh",
                t.value("Intensity over time"));
        assertEquals("75.0 %", t.value("Time covered by the source"));
        assertEquals("electricitymaps 90.0 %, yearly 10.0 %", t.value("Energy by source"));
        assertEquals("380.0 g CO2eq/kWh: 2.750 g CO2eq", t.value("At the yearly average"));
        assertTrue(p.html.contains("<p><b>Carbon-aware hint (an estimate).</b> Start at 02:00 &lt;UTC&gt;.</p>"), p.html);
        assertTrue(p.html.contains("The intensity changed during the run (310.3-455.5 gCO2eq/kWh): the total emissions"
                + " are integrated over time; those by component apply the energy-weighted mean of the run (400.0"
                + " gCO2eq/kWh) to their energy."), p.html);

        // a constant intensity: no range line; no share, yearly average nor hint: none of their rows
        run.extra.put("carbon_intensity_over_time", Map.of("source", "s", "min_g_per_kwh", 400.0, "max_g_per_kwh", 400.0));
        p = run.render();
        t = p.kv("Where the electricity came from");
        assertFalse(p.html.contains("The intensity changed"), p.html);
        assertEquals("n/a", t.value("Time covered by the source"));
        assertFalse(t.labels().contains("Energy by source"));
        assertFalse(t.labels().contains("At the yearly average"));
        assertFalse(p.html.contains("Carbon-aware hint"));
    }

    @Test
    void theHeaderAndHardwareSayWhatWasTracked() {
        Run run = new Run();
        Rendered p = run.render();
        assertTrue(p.html.contains("Project <b>proj</b>, experiment <b>exp-7</b> on <b>host-a</b>"), p.html);
        Rendered.Table hw = p.kv("Hardware and methods");
        assertEquals("1 x A100", hw.value("GPU"));
        assertEquals("Xeon (8 logical)", hw.value("CPU"));
        assertEquals("32.0 GB, 8.0 GB used at the end", hw.value("Memory"));
        assertEquals("nvml-energy-counter", hw.value("Method gpu"));
        assertTrue(p.headings().contains("Notes"));
        assertTrue(p.html.contains("<ul><li>a note</li></ul>"), p.html);

        run.experiment = "";
        run.gpuShared = true;
        run.notes = List.of();
        p = run.render();
        assertTrue(p.html.contains("Project <b>proj</b> on <b>host-a</b>"), p.html);
        assertEquals("1 x A100 (shared with other processes)", p.kv("Hardware and methods").value("GPU"));
        assertFalse(p.headings().contains("Notes"));

        run.gpuCount = 0;
        assertEquals("none tracked", run.render().kv("Hardware and methods").value("GPU"));
    }

    /**
     * The power chart's data: each bucket at its middle, its min, max and mean to 3 decimals; the intensity's chart
     * beside it only when it has samples.
     */
    @Test
    void theChartsHoldEachBucketsMiddleAndItsValuesRoundedToAThousandth() {
        Run run = new Run();
        // 2 buckets: the third sample halves them; bucket 0 is then [0 s, 1 s] of 10.00004 and 20.1238 W
        MinMaxSeries cpu = new MinMaxSeries(2);
        cpu.add(0, 10.00004);
        cpu.add(1, 20.1238);
        cpu.add(3, 5);
        MinMaxSeries intensity = new MinMaxSeries(4);
        intensity.add(2, 412.3456);
        Map<Component, MinMaxSeries> power = new EnumMap<>(Component.class);
        power.put(Component.CPU, cpu);
        power.put(Component.GPU, new MinMaxSeries(2));
        Rendered p = new Rendered(RunReportPage.render(run.build(), power, intensity));
        JsonNode charts = p.charts();
        assertEquals(2, charts.size());
        JsonNode w = charts.get(0);
        assertEquals("W", w.get("unit").asText());
        assertEquals(1, w.get("series").size(), "the GPU has no sample: no series");
        JsonNode s = w.get("series").get(0);
        assertEquals("cpu", s.get("name").asText());
        assertFalse(s.has("label"), "a component's series is named by its key");
        assertEquals(List.of(0.5, 3.0), doubles(s.get("t")));
        assertEquals(List.of(10.0, 5.0), doubles(s.get("min")));
        assertEquals(List.of(20.124, 5.0), doubles(s.get("max")));
        assertEquals(List.of(15.062, 5.0), doubles(s.get("mean")), "(10.00004 + 20.1238) / 2 = 15.06192");
        JsonNode g = charts.get(1);
        assertEquals("g/kWh", g.get("unit").asText());
        assertEquals("GRID INTENSITY", g.get("series").get(0).get("label").asText());
        assertEquals(List.of(412.346), doubles(g.get("series").get(0).get("mean")));
        assertFalse(p.html.contains("No samples recorded."));
        assertTrue(p.html.contains("<figcaption>Grid carbon intensity (g CO2eq/kWh)</figcaption>"));

        p = new Rendered(RunReportPage.render(run.build(), Map.of(Component.CPU, new MinMaxSeries(2)), new MinMaxSeries(2)));
        assertEquals(1, p.charts().size(), "an intensity without samples: no chart of it");
        assertEquals(0, p.charts().get(0).get("series").size());
        assertTrue(p.html.contains("No samples recorded."));
        assertEquals(1, new Rendered(RunReportPage.render(run.build(), Map.of())).charts().size());
    }

    private static List<Double> doubles(JsonNode a) {
        List<Double> out = new java.util.ArrayList<>();
        a.forEach(n -> out.add(n.asDouble()));
        return out;
    }
}
