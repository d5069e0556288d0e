package io.mlco2.tracker.html;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.mlco2.tracker.html.Rendered.assertQuantity;
import static io.mlco2.tracker.html.Rendered.bar;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The epochs section of the run's page against the {@code epochs} and {@code forecast} sections it is drawn from:
 * each epoch's duration, energy in Wh (kWh x 1000), emissions in g (kg x 1000) and bar (its part of the largest
 * epoch's 240 px), what fell outside the epochs, the forecasts; folded from {@value RunReportPage#EPOCHS_UNFOLDED}
 * rows on.
 */
class RunReportPageEpochsTest {

    private static Map<String, Object> row(int n, double seconds, double kwh, double kg, boolean complete) {
        return Map.of("phase", "epoch", "number", n, "duration_s", seconds, "energy_kwh", Map.of("total", kwh),
                "emissions_kg", kg, "complete", complete);
    }

    private static Rendered render(Map<String, Object> extra) {
        RunReportPageFiguresTest.Run run = new RunReportPageFiguresTest.Run();
        run.extra.putAll(extra);
        return run.render();
    }

    @Test
    void eachEpochsDurationEnergyEmissionsAndBar() {
        double[] seconds = {12.5, 10, 4};
        double[] kwh = {0.004, 0.0025, 0.00001};
        double[] kg = {0.00152, 0.00095, 0.0000038};
        List<Object> rows = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            rows.add(row(i + 1, seconds[i], kwh[i], kg[i], i < 2));
        }
        rows.add(1, Map.of("phase", "validation", "number", 1, "energy_kwh", Map.of("total", 0.009)));
        Rendered p = render(Map.of("epochs", Map.of("rows", rows, "outside_epochs_energy_kwh", 0.00075)));
        Rendered.Table t = p.table("Epochs", "Energy (Wh)");
        assertEquals(List.of("1", "2", "3 (incomplete: the run ended)"), t.labels(), "epochs only, not other phases");
        double max = kwh[0];
        for (int i = 0; i < 3; i++) {
            String label = t.labels().get(i);
            assertQuantity(seconds[i], "", t.cell(label, "Duration (s)"));
            assertQuantity(kwh[i] * 1000, "", t.cell(label, "Energy (Wh)"));
            assertQuantity(kg[i] * 1000, "", t.cell(label, "Emissions (g CO2eq)"));
            assertEquals(Math.round(240 * kwh[i] / max), bar(t.row(label).get(4), i < 2 ? "" : "est"), label);
        }
        // by hand: 2.5 of 4 Wh is 150 of 240 px; the columns 80 px for the largest, 50 px, and at least 1 px
        assertEquals(150, bar(t.row("2").get(4), ""));
        assertEquals("12.500", t.cell("1", "Duration (s)"));
        assertTrue(p.html.contains("<span style=\"height:80px\" title=\"epoch 1: 4.000 Wh\"></span>"), p.html);
        assertTrue(p.html.contains("<span style=\"height:50px\" title=\"epoch 2: 2.500 Wh\"></span>"), p.html);
        assertTrue(p.html.contains("<span class=\"partial\" style=\"height:1px\" title=\"epoch 3 (incomplete): 0.01000 Wh\">"),
                p.html);
        assertTrue(p.html.contains("3 epoch(s), energy per epoch; outside epochs (start-up, data loading, evaluation): "
                + "0.7500 Wh."), p.html);
        assertQuantity(0.00075 * 1000, " Wh.", p.html.split("evaluation\\): ")[1].split("</p>")[0]);
    }

    @Test
    void epochsWithoutEnergyHaveEmptyBarsAndOnePixelColumns() {
        Rendered p = render(Map.of("epochs", Map.of("rows", List.of(row(1, 5, 0, 0, true), row(2, 5, 0, 0, true)))));
        Rendered.Table t = p.table("Epochs", "Energy (Wh)");
        assertEquals(0, bar(t.row("1").get(4), ""));
        assertEquals("0", t.cell("2", "Energy (Wh)"));
        assertTrue(p.html.contains("<span style=\"height:1px\" title=\"epoch 1: 0 Wh\"></span>"), p.html);
    }

    @Test
    void theForecastsAgainstTheActualTotal() {
        Map<String, Object> forecast = Map.of("actual_energy_kwh", 0.0075, "actual_epochs", 2, "forecasts", List.of(
                Map.of("after_epochs", 1, "basis", "epoch 1", "forecast_energy_kwh", 0.0125, "forecast_error_pct", 66.66),
                Map.of("after_epochs", 2, "basis", "epochs 1-2", "forecast_energy_kwh", 0.0085)));
        Rendered p = render(Map.of("epochs", Map.of("rows", List.of(row(1, 5, 0.004, 0.001, true))), "forecast", forecast));
        Rendered.Table t = p.table("Forecasts against the actual total", "Forecast energy (Wh)");
        assertEquals(List.of("1", "2", "actual"), t.labels());
        assertQuantity(0.0125 * 1000, "", t.cell("1", "Forecast energy (Wh)"));
        assertEquals("epoch 1", t.cell("1", "From"));
        assertEquals("66.7 %", t.cell("1", "Error against the actual"));
        assertQuantity(0.0085 * 1000, "", t.cell("2", "Forecast energy (Wh)"));
        assertEquals("n/a", t.cell("2", "Error against the actual"), "no error given");
        assertQuantity(0.0075 * 1000, "", t.cell("actual", "Forecast energy (Wh)"));
        assertEquals("2 epoch(s) finished", t.cell("actual", "From"));
        assertFalse(p.html.contains("<details>"), p.html);
    }

    /** Up to 30 epochs (and forecasts) the tables are open; from 31 each is folded, closed after its table. */
    @Test
    void thirtyRowsAreShownAndThirtyOneFolded() {
        for (int n : new int[] {30, 31}) {
            List<Object> rows = new ArrayList<>();
            List<Object> forecasts = new ArrayList<>();
            for (int i = 1; i <= n; i++) {
                rows.add(row(i, 1, 0.001, 0.0004, true));
                forecasts.add(Map.of("after_epochs", i, "basis", "mean", "forecast_energy_kwh", 0.001 * n));
            }
            Rendered p = render(Map.of("epochs", Map.of("rows", rows),
                    "forecast", Map.of("actual_energy_kwh", 0.001 * n, "actual_epochs", n, "forecasts", forecasts)));
            assertEquals(n, p.table("Epochs", "Energy (Wh)").rows().size());
            assertEquals(n + 1, p.table("Forecasts against the actual total", "From").rows().size());
            String html = p.html;
            if (n == 30) {
                assertFalse(html.contains("<details>"), "30 rows: open");
                assertFalse(html.contains("</details>"));
            } else {
                int table = html.indexOf("<details><summary>Table of the 31 epochs</summary>");
                int forecastTable = html.indexOf("<details><summary>The 31 forecasts</summary>");
                assertTrue(table > 0 && forecastTable > table, html);
                // each fold closed after its own table, before the next
                assertTrue(html.indexOf("</details>", table) < forecastTable, html);
                assertTrue(html.indexOf("</details>", forecastTable) > html.indexOf("</table>", forecastTable), html);
            }
        }
    }

    /** No epoch row (or no rows at all): no section, and the raw sections stay in "More". */
    @Test
    void withoutEpochRowsTheSectionsStayInMore() {
        Map<String, Object> noEpoch = new LinkedHashMap<>();
        noEpoch.put("epochs", Map.of("rows", List.of(Map.of("phase", "validation", "number", 1))));
        noEpoch.put("forecast", Map.of("forecasts", List.of()));
        for (Map<String, Object> extra : List.of(noEpoch, Map.<String, Object>of("epochs", Map.of("n", 3)),
                Map.<String, Object>of("epochs", "none"))) {
            Rendered p = render(extra);
            assertFalse(p.headings().contains("Epochs"), extra.toString());
            String more = p.html.substring(p.html.indexOf("<h2>More</h2>"));
            assertTrue(more.contains("&quot;epochs&quot;"), more);
        }
    }
}
