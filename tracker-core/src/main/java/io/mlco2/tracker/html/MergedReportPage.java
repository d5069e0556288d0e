package io.mlco2.tracker.html;

import io.mlco2.tracker.energy.Component;
import io.mlco2.tracker.report.merge.NodeRun;
import io.mlco2.tracker.report.merge.ReportReader;
import io.mlco2.tracker.report.merge.Totals;
import io.mlco2.tracker.timeseries.MinMaxSeries;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The combined report of {@code report DIR...}: totals per run, project and host, every node, a power chart per
 * node that has a samples file, and the files that were skipped. Every value read from the files is escaped.
 */
public final class MergedReportPage {

    /** Most node charts drawn: beyond it the page would be slow to open; the tables still list every node. */
    public static final int MAX_CHARTS = 64;

    private MergedReportPage() {
    }

    /**
     * @param power the power series of the nodes that have a samples file, by node (same order as the runs);
     *              a missing entry means no chart
     */
    public static String render(ReportReader.Result result, Map<NodeRun, Map<Component, MinMaxSeries>> power) {
        List<NodeRun> runs = result.runs();
        Totals.Group all = Totals.all(runs);
        Page p = new Page("mlco2 combined report");
        p.raw("<h1>Energy and emissions of " + Totals.by(runs, NodeRun::runId).size() + " run(s)</h1>\n");
        p.raw("<p class=\"muted\">" + all.nodes + " node report(s) on " + all.hosts.size() + " host(s), read from "
                + result.files() + " file(s)" + (all.incomplete == 0 ? "" : "; <span class=\"warn\">" + all.incomplete
                + " incomplete</span> (JVM ended without its exit hook; counted up to its last sample)")
                + (result.problems().isEmpty() ? "" : "; <span class=\"warn\">"
                + result.problems().size() + " skipped</span> (listed at the end)") + ".</p>\n");
        p.raw("<div class=\"cards\">"
                + RunReportPage.card(Html.sig(all.totalKwh()) + " kWh", "energy (IT, without PUE)")
                + RunReportPage.card(Html.sig(all.emissionsKg) + " kg", "CO2eq emitted")
                + RunReportPage.card(Integer.toString(all.projects.size()), "project(s)")
                + "</div>\n");

        p.h2("Per run");
        Map<String, Totals.Group> byRun = Totals.by(runs, NodeRun::runId);
        double maxKg = byRun.values().stream().mapToDouble(g -> g.emissionsKg).max().orElse(0);
        List<List<String>> rows = new ArrayList<>();
        for (Totals.Group g : byRun.values()) {
            rows.add(List.of(g.key, String.join(", ", g.projects), Integer.toString(g.nodes), String.join(", ", g.hosts),
                    Html.duration(g.longestSeconds), Html.sig(g.cpuKwh), Html.sig(g.gpuKwh), Html.sig(g.ramKwh),
                    Html.sig(g.totalKwh()), Html.sig(g.emissionsKg),
                    "\t" + RunReportPage.bar(maxKg > 0 ? g.emissionsKg / maxKg : 0, "")));
        }
        p.table(List.of("Run", "Project", "Nodes", "Hosts", "Longest node", "CPU kWh", "GPU kWh", "RAM kWh",
                "Energy kWh", "Emissions kg", ""), rows, "num");

        p.h2("Per project");
        p.table(List.of("Project", "Runs", "Nodes", "Energy kWh", "Emissions kg"),
                groupRows(Totals.by(runs, NodeRun::projectName)), "num");
        p.h2("Per host");
        p.table(List.of("Host", "Runs", "Nodes", "Energy kWh", "Emissions kg"),
                groupRows(Totals.by(runs, NodeRun::host)), "num");

        p.h2("Every node, by host");
        List<List<String>> nodes = new ArrayList<>();
        for (Totals.Group h : Totals.by(runs, NodeRun::host).values()) {
            for (NodeRun r : runs) {
                if (r.host().equals(h.key)) {
                    nodes.add(List.of(r.host(), r.nodeName(), r.runId(), r.start(), Html.duration(r.durationSeconds()),
                            r.region(), Html.sig(r.totalKwh()), Html.sig(r.emissionsKg()), r.methods(),
                            r.complete() ? "complete" : r.incomplete(), r.source().toString()));
                }
            }
        }
        p.table(List.of("Host", "Node", "Run", "Start", "Duration", "Region", "Energy kWh", "Emissions kg", "Methods",
                "Status", "File"), nodes, "num");

        if (!power.isEmpty()) {
            p.h2("Power over time, per node");
            int n = 0;
            for (Map.Entry<NodeRun, Map<Component, MinMaxSeries>> e : power.entrySet()) {
                if (n++ >= MAX_CHARTS) {
                    p.raw("<p class=\"muted\">" + (power.size() - MAX_CHARTS) + " more node chart(s) left out.</p>\n");
                    break;
                }
                p.chart(e.getKey().runId() + " on " + e.getKey().nodeName() + " (W)", e.getValue());
            }
        }

        if (!result.problems().isEmpty()) {
            p.h2("Skipped (" + result.problems().size() + ")");
            StringBuilder b = new StringBuilder("<ul class=\"warn\">");
            result.problems().forEach(x -> b.append("<li>").append(Html.esc(x)).append("</li>"));
            p.raw(b.append("</ul>\n").toString());
        }
        return p.render();
    }

    private static List<List<String>> groupRows(Map<String, Totals.Group> groups) {
        List<List<String>> rows = new ArrayList<>();
        for (Totals.Group g : groups.values()) {
            rows.add(List.of(g.key, Integer.toString(g.runIds.size()), Integer.toString(g.nodes),
                    Html.sig(g.totalKwh()), Html.sig(g.emissionsKg)));
        }
        return rows;
    }
}
