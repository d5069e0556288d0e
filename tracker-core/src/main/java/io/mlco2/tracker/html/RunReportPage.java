package io.mlco2.tracker.html;

import io.mlco2.tracker.carbon.Emissions;

import io.mlco2.tracker.energy.Energy;
import io.mlco2.tracker.carbon.Mitigation;
import io.mlco2.tracker.cpu.CpuSources;
import io.mlco2.tracker.energy.Component;
import io.mlco2.tracker.report.ComponentEnergy;
import io.mlco2.tracker.report.RunSummary;
import io.mlco2.tracker.report.TdpEstimate;
import io.mlco2.tracker.timeseries.MinMaxSeries;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code <run_id>.html}: one run as a self-contained page: power over time per component, energy and emissions
 * by component, the measurement against the TDP estimate, the grid's intensity and the cleanest-region
 * comparison, the configuration and methods. Every value from the run or the user is escaped.
 */
public final class RunReportPage {


    private RunReportPage() {
    }

    public static String render(RunSummary s, Map<Component, MinMaxSeries> power) {
        return render(s, power, null);
    }

    /** The page, with the grid's intensity over time beside the power when {@code intensity} has samples. */
    public static String render(RunSummary s, Map<Component, MinMaxSeries> power, MinMaxSeries intensity) {
        Page p = new Page("mlco2 report: " + s.projectName() + " / " + s.runId());
        p.raw("<h1>Energy and emissions of run <code>" + Html.esc(s.runId()) + "</code></h1>\n");
        p.raw("<p class=\"muted\">Project <b>" + Html.esc(s.projectName()) + "</b>"
                + (s.experimentId().isEmpty() ? "" : ", experiment <b>" + Html.esc(s.experimentId()) + "</b>")
                + " on <b>" + Html.esc(s.hostname()) + "</b>, " + Html.esc(s.start().toString()) + " to "
                + Html.esc(s.end().toString()) + " (" + Html.esc(Html.duration(s.durationSeconds())) + "). mlco2-agent "
                + Html.esc(s.agentVersion()) + ".</p>\n");

        double gPerKwh = s.intensity().gramsPerKwh();
        p.raw("<div class=\"cards\">"
                + card(Html.sig(s.totalEnergyKwh() * 1000) + " Wh", "energy measured (IT, without PUE)")
                + card(Html.sig(s.emissionsKg() * 1000) + " g", "CO2eq emitted (PUE " + Html.num(s.pue(), 2) + ")")
                + card(Html.num(gPerKwh, 1) + " g/kWh", "grid intensity, " + s.intensity().region())
                + card(Html.num(s.measuredOverEstimate(), 2) + " x", "measured / TDP estimate (CPU+GPU)")
                + "</div>\n");

        p.h2("Power over time");
        p.chart("Power per component (W)", power);
        if (intensity != null && intensity.size() > 0) {
            p.chart("Grid carbon intensity (g CO2eq/kWh)", "g/kWh", Map.of("intensity", intensity), "GRID INTENSITY");
        }

        p.h2("Energy and emissions by component");
        List<List<String>> rows = new ArrayList<>();
        double total = s.totalEnergyJoules();
        for (Component c : Component.values()) {
            ComponentEnergy e = s.component(c);
            double grams = Emissions.grams(e.energyKwh(), s.pue(), gPerKwh);
            rows.add(List.of(c.key().toUpperCase(), Integer.toString(e.devices()), e.method(),
                    Html.sig(e.energyKwh() * 1000), Html.sig(e.meanPowerWatts()), Html.percent(e.meanUtilization()),
                    Html.sig(grams), total > 0 ? Html.percent(e.energyJoules() / total) : "n/a",
                    "\t" + bar(total > 0 ? e.energyJoules() / total : 0, "")));
        }
        rows.add(List.of("Total", "", "", Html.sig(s.totalEnergyKwh() * 1000), "", "",
                Html.sig(s.emissionsKg() * 1000), "100 %", ""));
        p.table(List.of("Component", "Devices", "Method", "Energy (Wh)", "Mean power (W)", "Mean utilisation",
                "Emissions (g CO2eq)", "Share", ""), rows, "num");
        if (s.extra().get("carbon_intensity_over_time") instanceof Map<?, ?> o
                && o.get("min_g_per_kwh") instanceof Double min && o.get("max_g_per_kwh") instanceof Double max
                && !min.equals(max)) {
            p.raw("<p class=\"muted\">" + Html.esc("The intensity changed during the run (" + Html.sig(min) + "-"
                    + Html.sig(max) + " gCO2eq/kWh): the total emissions are integrated over time; those by component"
                    + " apply the energy-weighted mean of the run (" + Html.sig(gPerKwh) + " gCO2eq/kWh) to their energy.")
                    + "</p>\n");
        }
        for (String key : List.of(CpuSources.CPU_SECTION, CpuSources.RAM_SECTION)) {
            if (s.extra().get(key) instanceof Map<?, ?> m && m.get("energy_kwh") instanceof Double kwh
                    && m.get("energy_kwh_low") instanceof Double low && m.get("energy_kwh_high") instanceof Double high) {
                p.raw("<p class=\"muted\">" + Html.esc(key.substring(0, 3).toUpperCase() + " modelled: " + m.get("model")
                        + "; " + Html.sig(kwh * 1000) + " Wh, band " + Html.sig(low * 1000) + "-" + Html.sig(high * 1000)
                        + " Wh (" + m.get("band") + ")") + "</p>\n");
            }
        }

        boolean epochsShown = epochs(p, s.extra().get("epochs"), s.extra().get("forecast"));

        p.h2("Measured against the TDP estimate");
        TdpEstimate est = s.tdpEstimate();
        double measuredKwh = (s.component(Component.CPU).energyJoules() + s.component(Component.GPU).energyJoules())
                / Energy.JOULES_PER_KWH;
        double scale = Math.max(measuredKwh, est.energyKwh());
        p.raw("<p>The ML Emissions Calculator estimates energy as TDP x time; the agent measures it. Memory is left out "
                + "of both sides.</p>\n");
        p.table(List.of("", "Energy (Wh)", "Emissions (g CO2eq, no PUE)", ""), List.of(
                List.of("Measured CPU + GPU", Html.sig(measuredKwh * 1000), Html.sig(Emissions.grams(measuredKwh, 1.0, gPerKwh)),
                        "\t" + bar(scale > 0 ? measuredKwh / scale : 0, "")),
                List.of("TDP estimate (" + Html.num(est.tdpWatts(), 0) + " W)", Html.sig(est.energyKwh() * 1000),
                        Html.sig(est.emissionsKg() * 1000), "\t" + bar(scale > 0 ? est.energyKwh() / scale : 0, "est"))),
                "num");
        if (!est.hardware().isEmpty()) {
            p.raw("<p class=\"muted\">Counted: " + Html.esc(est.hardware()) + "</p>\n");
        }

        p.h2("Where the electricity came from");
        List<List<String>> grid = new ArrayList<>();
        grid.add(List.of("Region", s.intensity().region() + " (" + s.intensity().displayName() + ")"
                + (s.intensity().fallback() ? ": world average, no region configured" : "")));
        grid.add(List.of("Carbon intensity", Html.num(gPerKwh, 1) + " g CO2eq/kWh"));
        grid.add(List.of("Source", s.intensity().source()));
        grid.add(List.of("PUE", Html.num(s.pue(), 2)));
        Mitigation m = s.mitigation();
        if (m.rankOutOf() > 0) {
            grid.add(List.of("Rank", m.rank() + " of " + m.rankOutOf() + " (1 = cleanest)"));
        }
        Object over = s.extra().get("carbon_intensity_over_time");
        if (over instanceof Map<?, ?> o) {
            overTime(grid, o);
        }
        p.table(List.of("", ""), grid, "kv");
        if (over instanceof Map<?, ?> o && o.get("carbon_aware_hint") instanceof Map<?, ?> hint) {
            p.raw("<p><b>Carbon-aware hint (an estimate).</b> " + Html.esc(String.valueOf(hint.get("text"))) + "</p>\n");
        }
        if (!m.text().isEmpty()) {
            p.raw("<p>" + Html.esc(m.text()) + "</p>\n");
        } else {
            p.raw("<p class=\"muted\">No cleanest-region comparison is available for this region.</p>\n");
        }
        if (!m.alternativeRegion().isEmpty() && !Double.isNaN(m.alternativeEmissionsKg())) {
            double hi = Math.max(s.emissionsKg(), m.alternativeEmissionsKg());
            p.table(List.of("Region", "g CO2eq/kWh", "Emissions (g CO2eq)", ""), List.of(
                    List.of(s.intensity().region() + " (this run)", Html.num(gPerKwh, 1), Html.sig(s.emissionsKg() * 1000),
                            "\t" + bar(hi > 0 ? s.emissionsKg() / hi : 0, "")),
                    List.of(m.alternativeRegion() + " (cleanest)", Html.num(m.alternativeGramsPerKwh(), 1),
                            Html.sig(m.alternativeEmissionsKg() * 1000),
                            "\t" + bar(hi > 0 ? m.alternativeEmissionsKg() / hi : 0, "alt"))), "num");
        }

        p.h2("Hardware and methods");
        List<List<String>> hw = new ArrayList<>();
        hw.add(List.of("CPU", s.cpuModel() + " (" + s.cpuCount() + " logical)"));
        hw.add(List.of("GPU", s.gpuCount() == 0 ? "none tracked" : s.gpuCount() + " x " + s.gpuModel()
                + (s.gpuShared() ? " (shared with other processes)" : "")));
        hw.add(List.of("Memory", Html.num(s.ramTotalGb(), 1) + " GB, " + Html.num(s.ramUsedGb(), 1) + " GB used at the end"));
        hw.add(List.of("OS", s.os()));
        hw.add(List.of("Tracking mode", s.trackingMode()));
        for (Component c : Component.values()) {
            hw.add(List.of("Method " + c.key(), s.component(c).method()));
        }
        p.table(List.of("", ""), hw, "kv");

        p.h2("Configuration");
        List<List<String>> cfg = new ArrayList<>();
        for (Map.Entry<String, String> e : s.configuration().entrySet()) {
            cfg.add(List.of(e.getKey(), e.getValue()));
        }
        p.table(List.of("Key", "Value"), cfg, "kv");

        if (!s.notes().isEmpty()) {
            p.h2("Notes");
            StringBuilder b = new StringBuilder("<ul>");
            for (String n : s.notes()) {
                b.append("<li>").append(Html.esc(n)).append("</li>");
            }
            p.raw(b.append("</ul>\n").toString());
        }
        Map<String, Object> more = new java.util.LinkedHashMap<>(s.extra());
        if (epochsShown) {
            more.remove("epochs");
            more.remove("forecast");
        }
        if (!more.isEmpty()) {
            p.h2("More");
            String text;
            try {
                text = io.mlco2.tracker.format.Json.prettyOrJackson(more);
            } catch (Exception e) {
                text = String.valueOf(s.extra());
            }
            p.raw("<pre>" + Html.esc(text) + "</pre>\n");
        }
        return p.render();
    }

    /** The rows of the intensity over time: its source, the time it covered, the energy per source, the yearly average. */
    private static void overTime(List<List<String>> grid, Map<?, ?> o) {
        grid.add(List.of("Intensity over time", "energy-weighted mean of " + o.get("source") + ", "
                + Html.num(number(o.get("min_g_per_kwh")), 1) + " to " + Html.num(number(o.get("max_g_per_kwh")), 1)
                + " g CO2eq/kWh"));
        grid.add(List.of("Time covered by the source", Html.percent(number(o.get("time_coverage")))));
        if (o.get("energy_share") instanceof Map<?, ?> share) {
            StringBuilder b = new StringBuilder();
            for (Map.Entry<?, ?> e : share.entrySet()) {
                b.append(b.length() == 0 ? "" : ", ").append(e.getKey()).append(' ').append(Html.percent(number(e.getValue())));
            }
            grid.add(List.of("Energy by source", b.toString()));
        }
        if (o.get("yearly_average") instanceof Map<?, ?> y) {
            grid.add(List.of("At the yearly average", Html.num(number(y.get("g_per_kwh")), 1) + " g CO2eq/kWh: "
                    + Html.sig(number(y.get("emissions_kg")) * 1000) + " g CO2eq"));
        }
    }

    /** Epochs shown in full in the table; a longer run's table is folded (the chart shows every epoch). */
    static final int EPOCHS_UNFOLDED = 30;

    /**
     * The epochs section: energy per epoch as a column chart (an incomplete epoch in grey), a table of each epoch's
     * duration, energy and emissions, and the forecasts against the actual total. {@code false} when the run had
     * no epoch row (nothing shown).
     */
    static boolean epochs(Page p, Object epochsSection, Object forecastSection) {
        if (!(epochsSection instanceof Map<?, ?> e) || !(e.get("rows") instanceof List<?> all)) {
            return false;
        }
        List<Map<?, ?>> rows = new ArrayList<>();
        double maxKwh = 0;
        for (Object o : all) {
            if (o instanceof Map<?, ?> r && "epoch".equals(r.get("phase"))) {
                rows.add(r);
                maxKwh = Math.max(maxKwh, kwh(r));
            }
        }
        if (rows.isEmpty()) {
            return false;
        }
        p.h2("Epochs");
        StringBuilder chart = new StringBuilder("<div class=\"epochbars\" role=\"img\" aria-label=\"energy per epoch\">");
        List<List<String>> table = new ArrayList<>();
        for (Map<?, ?> r : rows) {
            boolean complete = !Boolean.FALSE.equals(r.get("complete"));
            double k = kwh(r);
            String label = "epoch " + r.get("number") + (complete ? "" : " (incomplete)") + ": " + Html.sig(k * 1000) + " Wh";
            chart.append(complete ? "<span" : "<span class=\"partial\"").append(" style=\"height:")
                    .append(maxKwh > 0 ? Math.max(1, Math.round(80 * k / maxKwh)) : 1).append("px\" title=\"")
                    .append(Html.esc(label)).append("\"></span>");
            table.add(List.of(String.valueOf(r.get("number")) + (complete ? "" : " (incomplete: the run ended)"),
                    Html.sig(number(r.get("duration_s"))), Html.sig(k * 1000),
                    Html.sig(number(r.get("emissions_kg")) * 1000),
                    "\t" + bar(maxKwh > 0 ? k / maxKwh : 0, complete ? "" : "est")));
        }
        p.raw(chart.append("</div>\n").toString());
        p.raw("<p class=\"muted\">" + Html.esc(rows.size() + " epoch(s), energy per epoch; outside epochs (start-up,"
                + " data loading, evaluation): " + Html.sig(number(e.get("outside_epochs_energy_kwh")) * 1000) + " Wh.")
                + "</p>\n");
        boolean fold = rows.size() > EPOCHS_UNFOLDED;
        if (fold) {
            p.raw("<details><summary>Table of the " + rows.size() + " epochs</summary>\n");
        }
        p.table(List.of("Epoch", "Duration (s)", "Energy (Wh)", "Emissions (g CO2eq)", ""), table, "num");
        if (fold) {
            p.raw("</details>\n");
        }
        if (forecastSection instanceof Map<?, ?> f && f.get("forecasts") instanceof List<?> forecasts) {
            p.raw("<h3>Forecasts against the actual total</h3>\n");
            List<List<String>> ft = new ArrayList<>();
            for (Object o : forecasts) {
                if (o instanceof Map<?, ?> one) {
                    Object err = one.get("forecast_error_pct");
                    ft.add(List.of(String.valueOf(one.get("after_epochs")), String.valueOf(one.get("basis")),
                            Html.sig(number(one.get("forecast_energy_kwh")) * 1000),
                            err instanceof Number n ? Html.num(n.doubleValue(), 1) + " %" : "n/a"));
                }
            }
            ft.add(List.of("actual", f.get("actual_epochs") + " epoch(s) finished",
                    Html.sig(number(f.get("actual_energy_kwh")) * 1000), ""));
            if (forecasts.size() > EPOCHS_UNFOLDED) {
                p.raw("<details><summary>The " + forecasts.size() + " forecasts</summary>\n");
            }
            p.table(List.of("After epoch", "From", "Forecast energy (Wh)", "Error against the actual"), ft, "num");
            if (forecasts.size() > EPOCHS_UNFOLDED) {
                p.raw("</details>\n");
            }
        }
        return true;
    }

    private static double kwh(Map<?, ?> row) {
        return row.get("energy_kwh") instanceof Map<?, ?> m ? number(m.get("total")) : 0;
    }

    private static double number(Object o) {
        return o instanceof Number n ? n.doubleValue() : Double.NaN;
    }

    static String card(String value, String label) {
        return "<div class=\"card\"><div class=\"v\">" + Html.esc(value) + "</div><div class=\"k\">" + Html.esc(label)
                + "</div></div>";
    }

    /** A horizontal bar of {@code ratio} (0-1) of 240 px; only numbers and a constant class go in. */
    static String bar(double ratio, String cls) {
        double r = Double.isNaN(ratio) ? 0 : Math.max(0, Math.min(1, ratio));
        return "<span class=\"bar " + cls + "\" style=\"width:" + Math.round(r * 240) + "px\"></span>";
    }
}
