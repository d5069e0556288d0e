package io.mlco2.tracker.html;

import io.mlco2.tracker.carbon.GridIntensity;
import io.mlco2.tracker.carbon.Mitigation;
import io.mlco2.tracker.energy.Component;
import io.mlco2.tracker.report.ComponentEnergy;
import io.mlco2.tracker.report.RunSummary;
import io.mlco2.tracker.report.TdpEstimate;
import io.mlco2.tracker.timeseries.PowerHistory;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

public class RunReportPageTest {

    static final String EVIL = "<script>alert(1)</script>\"'&";

    public static RunSummary summary(String project, Map<String, String> config) {
        return summary(project, config, Map.of("epochs", Map.of("n", 3)));
    }

    static RunSummary summary(String project, Map<String, String> config, Map<String, Object> extra) {
        Map<Component, ComponentEnergy> c = new EnumMap<>(Component.class);
        c.put(Component.CPU, new ComponentEnergy(3600, 36, "rapl", 0.5, 1));
        c.put(Component.GPU, new ComponentEnergy(7200, 72, "nvml-energy-counter", 0.9, 1));
        c.put(Component.RAM, new ComponentEnergy(360, 3.6, "ram-model", 0.2, 1));
        GridIntensity g = new GridIntensity("aws:us-east-1", "AWS us-east-1", "United States", "USA", "", "aws",
                "us-east-1", 380, "test data", false);
        return new RunSummary("run-" + project.hashCode(), project, EVIL, Instant.parse("2026-01-01T00:00:00Z"),
                Instant.parse("2026-01-01T00:01:40Z"), 100, c, g, 1.2, 0.0015, new TdpEstimate(200, 0.0055, 0.002, "cpu x"),
                new Mitigation("Run in " + EVIL, "aws:ca-central-1", 20, 0.0001, 5, 20), EVIL, 8, 1, EVIL, false, 32, 8,
                "Linux", EVIL, "machine", "0.1.0", config, List.of(EVIL), extra);
    }

    @Test
    void everyUserValueIsEscapedAndNothingIsFetched() {
        PowerHistory h = new PowerHistory(10);
        for (int i = 0; i < 100; i++) {
            h.add(Component.CPU, i, 30 + i % 7);
        }
        String html = RunReportPage.render(summary(EVIL, Map.of("mlco2.project-name", EVIL)), h.series());
        assertFalse(html.contains("<script>alert"), "raw script from a user value");
        assertFalse(html.contains("\"'&<"), "unescaped text");
        assertTrue(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&amp;"));
        assertFalse(html.matches("(?s).*(src|href)\\s*=\\s*[\"']?(https?:)?//.*"), "no external resource");
        assertTrue(html.contains("Content-Security-Policy"));
        assertTrue(html.contains("id=\"chart-0\""));
        assertTrue(html.contains("aws:ca-central-1"));
        assertTrue(html.contains("nvml-energy-counter"));
        // Exactly our two script elements (data and code).
        assertTrue(html.split("<script", -1).length - 1 == 2, "two script elements");
    }

    /**
     * docs/RELIABILITY.md, security: the policy allows the page's own script by its hash, not {@code 'unsafe-inline'}
     * (before, escaping was the only defence against an injected script). The hash is computed here from the
     * script element the page holds, as a browser computes it.
     */
    @Test
    void thePolicyAllowsOnlyThePageScriptByItsHash() throws Exception {
        String html = RunReportPage.render(summary("r", Map.of()), new PowerHistory(10).series());
        java.util.regex.Matcher csp = java.util.regex.Pattern.compile("content=\"([^\"]*script-src[^\"]*)\"").matcher(html);
        assertTrue(csp.find(), html.substring(0, 400));
        String policy = csp.group(1);
        assertFalse(policy.contains("script-src 'unsafe-inline'"), policy);
        int open = html.lastIndexOf("<script>") + "<script>".length();
        String script = html.substring(open, html.indexOf("</script>", open));
        String expected = "sha256-" + java.util.Base64.getEncoder().encodeToString(java.security.MessageDigest
                .getInstance("SHA-256").digest(script.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        assertTrue(policy.contains("script-src '" + expected + "'"), policy + " vs " + expected);
    }

    @Test
    void aModelledComponentGetsOneLineWithItsDataShareAndBand() {
        RunSummary base = summary("m", Map.of());
        Map<String, Object> cpu = new java.util.LinkedHashMap<>();
        cpu.put("method", "cpu-load-model");
        cpu.put("model", "ccf:aws:Cascade Lake, 2 vCPUs of a VM, 0.69-4.06 W/vCPU");
        cpu.put("energy_kwh", 0.002);
        cpu.put("energy_kwh_low", 0.001);
        cpu.put("energy_kwh_high", 0.004);
        cpu.put("band", "SPECpower: 75 Cascade Lake servers");
        RunSummary s = summary("m", Map.of(), Map.of(io.mlco2.tracker.cpu.CpuSources.CPU_SECTION, cpu));
        String html = RunReportPage.render(s, new PowerHistory(10).series());
        assertTrue(html.contains("CPU modelled: ccf:aws:Cascade Lake, 2 vCPUs of a VM, 0.69-4.06 W/vCPU; "
                + "2.000 Wh, band 1.000-4.000 Wh (SPECpower: 75 Cascade Lake servers)"), html);
        assertFalse(RunReportPage.render(base, new PowerHistory(10).series()).contains("modelled:"), "measured: no line");
    }

    private static Map<String, Object> epochRow(int n, double seconds, double kwh, boolean complete) {
        return Map.of("phase", "epoch", "number", n, "epoch", n, "duration_s", seconds,
                "energy_kwh", Map.of("total", kwh), "emissions_kg", kwh * 0.38, "complete", complete);
    }

    /** The epochs section: a column per epoch (the incomplete one marked), the table, the forecasts and their errors. */
    @Test
    void theEpochsAreAChartATableAndTheForecastsAgainstTheActual() {
        Map<String, Object> epochs = Map.of("rows", List.of(epochRow(1, 12.5, 0.004, true),
                Map.of("phase", "validation", "number", 1, "energy_kwh", Map.of("total", 0.001)),
                epochRow(2, 10, 0.002, true), epochRow(3, 4, 0.001, false)), "outside_epochs_energy_kwh", 0.0005);
        Map<String, Object> forecast = Map.of("actual_energy_kwh", 0.0075, "actual_epochs", 2, "forecasts", List.of(
                Map.of("after_epochs", 1, "basis", "epoch 1", "forecast_energy_kwh", 0.0125, "forecast_error_pct", 66.66),
                Map.of("after_epochs", 2, "basis", "epoch 2", "forecast_energy_kwh", 0.0085, "forecast_error_pct", 13.33)));
        String html = RunReportPage.render(summary("p", Map.of(), Map.of("epochs", epochs, "forecast", forecast,
                "other", Map.of("k", "v"))), new PowerHistory(10).series());
        assertTrue(html.contains("<h2>Epochs</h2>"), html);
        int from = html.indexOf("<div class=\"epochbars\"");
        String chart = html.substring(from, html.indexOf("</div>", from));
        assertEquals(3, chart.split("<span", -1).length - 1, "one column per epoch, not per phase: " + chart);
        // heights in proportion to the largest epoch (0.004 kWh = 80 px)
        assertTrue(chart.contains("style=\"height:80px\" title=\"epoch 1: 4.000 Wh\""), chart);
        assertTrue(chart.contains("style=\"height:40px\""), chart);
        assertTrue(chart.contains("<span class=\"partial\" style=\"height:20px\" title=\"epoch 3 (incomplete): 1.000 Wh\""), chart);
        assertTrue(html.contains("<td>3 (incomplete: the run ended)</td>"), html);
        assertTrue(html.contains("<td>66.7 %</td>") && html.contains("<td>13.3 %</td>"), html);
        assertTrue(html.contains("<td>actual</td>"), html);
        String more = html.substring(html.indexOf("<h2>More</h2>"));
        assertFalse(more.contains("outside_epochs_energy_kwh"), "the epochs are not repeated as raw JSON");
        assertTrue(more.contains("other"), "other sections still are");
        assertFalse(html.contains("<details>"), "a short run's table is not folded");
    }

    @Test
    void aLongRunsEpochTableIsFolded() {
        List<Object> rows = new java.util.ArrayList<>();
        for (int i = 1; i <= 200; i++) {
            rows.add(epochRow(i, 1, 0.001, true));
        }
        String html = RunReportPage.render(summary("p", Map.of(), Map.of("epochs", Map.of("rows", rows))),
                new PowerHistory(10).series());
        assertTrue(html.contains("<details><summary>Table of the 200 epochs</summary>"), html);
        assertFalse(html.contains("<h2>More</h2>"));
    }
}
