package io.mlco2.tracker.html;

import io.mlco2.tracker.energy.Component;
import io.mlco2.tracker.report.merge.EpochEnergy;
import io.mlco2.tracker.report.merge.HostRuns;
import io.mlco2.tracker.report.merge.NodeRun;
import io.mlco2.tracker.report.merge.ReportReader;
import io.mlco2.tracker.report.merge.Totals;
import io.mlco2.tracker.timeseries.MinMaxSeries;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The combined report of {@code report DIR...}: totals per run, project and host (each host's machine energy counted
 * once, {@link HostRuns}), every node with what it measured, its process share and what is counted, a power chart
 * per node that has a samples file, and the files that were skipped. Every value read from the files is escaped.
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
        return render(result, power, EpochEnergy.of(result.runs()));
    }

    /** @param epochs the runs whose epochs one node recorded, with all nodes' energy in each ({@link EpochEnergy}) */
    public static String render(ReportReader.Result result, Map<NodeRun, Map<Component, MinMaxSeries>> power,
                                List<EpochEnergy.RunEpochs> epochs) {
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
        if (all.sharesInsideMachineKwh() > 0) {
            p.raw("<p class=\"muted\">The JVMs measured " + Html.sig(all.measuredKwh) + " kWh: "
                    + Html.sig(all.sharesInsideMachineKwh()) + " kWh of it are process shares inside their host's"
                    + " machine energy, counted once.</p>\n");
        }

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
        epochTables(p, epochs);

        p.h2("Per project");
        p.table(List.of("Project", "Runs", "Nodes", "Energy kWh", "Emissions kg"),
                groupRows(Totals.by(runs, NodeRun::projectName)), "num");
        p.h2("Per host");
        List<List<String>> hosts = new ArrayList<>();
        for (Totals.Group g : Totals.by(runs, NodeRun::host).values()) {
            hosts.add(List.of(g.key, Integer.toString(g.runIds.size()), Integer.toString(g.nodes),
                    Html.sig(g.measuredKwh), Html.sig(g.totalKwh()), Html.sig(g.emissionsKg)));
        }
        p.table(List.of("Host", "Runs", "Nodes", "Measured kWh", "Counted kWh", "Emissions kg"), hosts, "num");
        StringBuilder notes = new StringBuilder();
        for (HostRuns.HostRun h : HostRuns.of(runs)) {
            for (String note : h.notes()) {
                notes.append(note.startsWith("WARN") ? "<li class=\"warn\">" : "<li>").append(Html.esc(note))
                        .append("</li>");
            }
        }
        if (notes.length() > 0) {
            p.raw("<ul>" + notes + "</ul>\n");
        }

        p.h2("Every node, by host");
        p.raw("<p class=\"muted\">Of the JVMs of one run on one host, the one holding the host lease measures the"
                + " machine; the others measure their process share, counted inside the holder's machine energy.</p>\n");
        List<List<String>> nodes = new ArrayList<>();
        List<List<String>> details = new ArrayList<>();
        for (Totals.Group h : Totals.by(runs, NodeRun::host).values()) {
            for (NodeRun r : runs) {
                if (r.host().equals(h.key)) {
                    nodes.add(List.of(r.host(), r.nodeName(), r.runId(), r.lease(), Html.sig(r.totalKwh()),
                            r.hostShare() == null ? "" : Html.sig(r.shareKwh()), Html.sig(r.countedKwh()),
                            Html.sig(r.countedEmissionsKg()), (r.complete() ? "complete" : r.incomplete())
                                    + (r.shareIncluded() ? "; share included in the host's machine energy" : "")));
                    details.add(List.of(r.nodeName(), r.runId(), r.start(), Html.duration(r.durationSeconds()),
                            r.region(), r.methods(), r.source().toString()));
                }
            }
        }
        p.table(List.of("Host", "Node", "Run", "Lease", "Measured kWh", "Share kWh", "Counted kWh", "Emissions kg",
                "Status"), nodes, "num");
        p.h2("Node details");
        p.table(List.of("Node", "Run", "Start", "Duration", "Region", "Methods", "File"), details, "num");

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

    /** Per run whose epochs one node recorded: each epoch's energy of that node and of all the run's nodes. */
    private static void epochTables(Page p, List<EpochEnergy.RunEpochs> epochs) {
        for (EpochEnergy.RunEpochs e : epochs) {
            p.h2("Epochs of run " + e.runId());
            p.raw("<p class=\"muted\">Recorded by " + Html.esc(e.driver()) + "; the energy of the run's " + e.nodes()
                    + " node(s) with samples within each epoch, counted as in the totals (a process share inside its"
                    + " host's machine energy is not counted twice).</p>\n");
            List<List<String>> rows = new ArrayList<>();
            for (EpochEnergy.Row r : e.rows()) {
                rows.add(List.of(Integer.toString(r.epoch()), r.start(), Html.duration(r.durationSeconds()),
                        Html.sig(r.driverKwh()), Html.sig(r.allNodesKwh()), Html.sig(r.emissionsKg()),
                        String.join(", ", r.partial()) + (r.complete() ? "" : " (cut short by the run's end)")));
            }
            p.table(List.of("Epoch", "Start", "Duration", "Driver kWh", "All nodes kWh", "Emissions kg",
                    "Samples covering part of it"), rows, "num");
            if (!e.notes().isEmpty()) {
                StringBuilder b = new StringBuilder("<ul>");
                for (String note : e.notes()) {
                    b.append("<li>").append(Html.esc(note)).append("</li>");
                }
                p.raw(b.append("</ul>\n").toString());
            }
        }
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
