package io.mlco2.tracker.cli;

import io.mlco2.tracker.base.Log;

import io.mlco2.tracker.energy.Component;
import io.mlco2.tracker.html.MergedReportPage;
import io.mlco2.tracker.report.ReportFiles;
import io.mlco2.tracker.report.merge.EpochEnergy;
import io.mlco2.tracker.report.merge.HostRuns;
import io.mlco2.tracker.report.merge.NodeRun;
import io.mlco2.tracker.report.merge.ReportReader;
import io.mlco2.tracker.report.merge.Totals;
import io.mlco2.tracker.timeseries.MinMaxSeries;
import io.mlco2.tracker.timeseries.SamplesCsvReader;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code report [--html FILE | --no-html] DIR...}: merges the reports of any number of runs or nodes (one folder
 * per node of a distributed job, joined by run id), prints totals per run, project and host, and writes a
 * combined HTML report. Totals count each host's machine energy once ({@link HostRuns}); per host, each node shows
 * what it measured, its process share and what is counted ({@value #DEFAULT_HTML} in the current folder unless {@code --html} says otherwise).
 *
 * <p>Malformed or truncated files are named, skipped and counted. Exit 0 when at least one run was read, 1 when
 * none was (or the HTML could not be written), 2 on bad arguments.
 */
public final class ReportCommand implements Command {

    public static final String DEFAULT_HTML = "mlco2-report.html";

    private final ArgParser parser = new ArgParser("report",
            "merge the reports of several runs or nodes; prints totals and writes a combined HTML report");
    private final ArgParser.Option<Path> htmlOpt = parser.optional("--html", "FILE",
            ArgParser.path(ArgParser.PathCheck.ANY, "a file path"), DEFAULT_HTML, "where the HTML report goes");
    private final ArgParser.Option<Boolean> noHtmlOpt = parser.flag("--no-html", "write no HTML report (instead of --html)");
    private final ArgParser.Operand<Path> dirsArg = parser.operands("DIR",
            ArgParser.path(ArgParser.PathCheck.DIRECTORY, "an existing directory (an mlco2-reports folder, or one above it)"),
            "a folder of reports");

    /** Buckets per node chart in the combined report: smaller than a run's own report, there can be many. */
    static final int CHART_BUCKETS = 500;

    @Override
    public ArgParser parser() {
        return parser;
    }

    @Override
    public int run(ArgParser.Parsed args, PrintStream out, PrintStream err) throws ArgParser.BadArgs {
        if (args.get(noHtmlOpt) && args.has(htmlOpt)) {
            throw new ArgParser.BadArgs("--no-html: given with --html; expected one of them");
        }
        List<Path> dirs = args.all(dirsArg);
        Path html = args.get(noHtmlOpt) ? null : args.get(htmlOpt);
        ReportReader.Result result;
        try {
            result = ReportReader.read(dirs);
        } catch (IOException | RuntimeException e) {
            err.println("cannot read the folders: " + e.getMessage());
            return 1;
        }
        List<EpochEnergy.RunEpochs> epochs = EpochEnergy.of(result.runs());
        print(result, epochs, out);
        for (String p : result.problems()) {
            err.println("skipped " + Log.printable(p));
        }
        int code = result.runs().isEmpty() ? 1 : 0;
        if (result.runs().isEmpty()) {
            err.println("no run found (looked for <run_id>.<node_id>.json and emissions.csv under " + dirs + ")");
        }
        if (html != null) {
            try {
                Path parent = html.toAbsolutePath().getParent();
                if (parent != null) {
                    ReportFiles.ensureDir(parent);
                }
                ReportFiles.writeAtomically(html, MergedReportPage.render(result, charts(result, err), epochs));
                out.println("HTML report: " + html.toAbsolutePath());
            } catch (IOException | RuntimeException e) {
                err.println("could not write " + html + ": " + e.getMessage());
                code = 1;
            }
        }
        return code;
    }

    /**
     * The power series of each node with a samples file, read for the first {@link MergedReportPage#MAX_CHARTS}; the
     * nodes past those are entries without series, not read, which the page counts as charts left out.
     */
    private static Map<NodeRun, Map<Component, MinMaxSeries>> charts(ReportReader.Result result, PrintStream err) {
        Map<NodeRun, Map<Component, MinMaxSeries>> out = new LinkedHashMap<>();
        for (NodeRun r : result.runs()) {
            if (r.samplesFile() == null) {
                continue;
            }
            if (out.size() >= MergedReportPage.MAX_CHARTS) {
                out.put(r, Map.of());
                continue;
            }
            try {
                SamplesCsvReader.Result s = SamplesCsvReader.read(r.samplesFile(), CHART_BUCKETS);
                if (s.badLines() > 0) {
                    err.println("note: " + r.samplesFile() + ": " + s.badLines() + " malformed line(s) left out of the chart");
                }
                out.put(r, s.history().series());
            } catch (IOException | RuntimeException e) {
                err.println("note: " + r.samplesFile() + ": no chart (" + e.getMessage() + ")");
            }
        }
        return out;
    }

    static void print(ReportReader.Result result, PrintStream out) {
        print(result, EpochEnergy.of(result.runs()), out);
    }

    static void print(ReportReader.Result result, List<EpochEnergy.RunEpochs> epochs, PrintStream out) {
        List<NodeRun> runs = result.runs();
        Totals.Group all = Totals.all(runs);
        Map<String, Totals.Group> byRun = Totals.by(runs, NodeRun::runId);
        out.printf(Locale.ROOT, "%d run(s), %d node report(s) on %d host(s) from %d file(s); %s%d skipped%n",
                byRun.size(), all.nodes, all.hosts.size(), result.files(),
                all.incomplete == 0 ? "" : all.incomplete + " incomplete (counted up to their last sample); ",
                result.problems().size());
        out.println();
        out.println("Per run:");
        out.printf(Locale.ROOT, "  %-38s %-16s %5s %12s %14s %14s  %s%n", "run_id", "project", "nodes", "duration_s",
                "energy_kwh", "emissions_kg", "hosts");
        for (Totals.Group g : byRun.values()) {
            out.printf(Locale.ROOT, "  %-38s %-16s %5d %12.1f %14.6f %14.6f  %s%n", Log.printable(g.key),
                    Log.printable(String.join(",", g.projects)), g.nodes, g.longestSeconds, g.totalKwh(), g.emissionsKg,
                    Log.printable(String.join(",", g.hosts)));
        }
        printEpochs(epochs, out);
        out.println();
        out.println("Per project:");
        printGroups(Totals.by(runs, NodeRun::projectName), out);
        out.println();
        out.println("Per host, then each node (JVM) on it; a host's machine energy is counted once:");
        printHosts(runs, out);
        out.println();
        out.printf(Locale.ROOT, "Total: %.6f kWh (cpu %.6f, gpu %.6f, ram %.6f), %.6f kgCO2eq%n", all.totalKwh(),
                all.cpuKwh, all.gpuKwh, all.ramKwh, all.emissionsKg);
        if (all.sharesInsideMachineKwh() > 0) {
            out.printf(Locale.ROOT, "  the JVMs measured %.6f kWh: %.6f kWh of it are process shares inside their host's"
                    + " machine energy, counted once%n", all.measuredKwh, all.sharesInsideMachineKwh());
        }
    }

    /**
     * Each host's totals, then one line per node on it (its lease, what it measured, its process share, what is
     * counted), then the notes of each run on it: the machine energy counted once or not known, overlaps. An
     * incomplete node says so under its line.
     */
    static void printHosts(List<NodeRun> runs, PrintStream out) {
        String columns = "  %-38s %5s %5s %-7s %13s %11s %13s %13s";
        out.printf(Locale.ROOT, columns + "%n", "host / node", "runs", "nodes", "lease", "measured_kwh", "share_kwh",
                "counted_kwh", "emissions_kg");
        List<HostRuns.HostRun> groups = HostRuns.of(runs);
        for (Totals.Group g : Totals.by(runs, NodeRun::host).values()) {
            out.printf(Locale.ROOT, columns + "%n", Log.printable(g.key), g.runIds.size(), g.nodes, "",
                    num(g.measuredKwh), "", num(g.totalKwh()), num(g.emissionsKg));
            for (NodeRun r : runs) {
                if (!r.host().equals(g.key)) {
                    continue;
                }
                out.printf(Locale.ROOT, "  %-38s %5s %5s %-7s %13s %11s %13s %13s  run %s%s%s%n",
                        "  " + Log.printable(r.nodeName()), "", "", r.lease(), num(r.totalKwh()),
                        r.hostShare() == null ? "" : num(r.shareKwh()), num(r.countedKwh()),
                        num(r.countedEmissionsKg()), Log.printable(r.runId()),
                        r.complete() ? "" : "  INCOMPLETE",
                        r.shareIncluded() ? "; share included in the host's machine energy" : "");
                if (!r.complete()) {
                    out.println("      " + Log.printable(r.incomplete()));
                }
            }
            for (HostRuns.HostRun h : groups) {
                if (h.host().equals(g.key)) {
                    for (String note : h.notes()) {
                        out.println("    " + Log.printable(note));
                    }
                }
            }
        }
    }

    /**
     * Per run whose epochs one node recorded (the driver of DL4J on Spark): each epoch's energy of that node and of
     * all the run's nodes within it ({@link EpochEnergy}), then the nodes whose samples do not cover it.
     */
    static void printEpochs(List<EpochEnergy.RunEpochs> epochs, PrintStream out) {
        for (EpochEnergy.RunEpochs e : epochs) {
            out.println();
            out.printf(Locale.ROOT, "  Epochs of run %s, recorded by %s; energy of the run's %d node(s) with samples"
                    + " within each, counted as in the totals:%n", Log.printable(e.runId()), Log.printable(e.driver()),
                    e.nodes());
            String columns = "    %5s %12s %13s %14s %13s";
            out.printf(Locale.ROOT, columns + "  %s%n", "epoch", "duration_s", "driver_kwh", "all_nodes_kwh",
                    "emissions_kg", "samples covering part of it");
            for (EpochEnergy.Row r : e.rows()) {
                String partial = String.join(", ", r.partial()) + (r.complete() ? "" : " (cut short by the run's end)");
                out.printf(Locale.ROOT, columns + "%s%n", r.epoch(), String.format(Locale.ROOT, "%.1f",
                        r.durationSeconds()), num(r.driverKwh()), num(r.allNodesKwh()), num(r.emissionsKg()),
                        partial.isBlank() ? "" : "  " + Log.printable(partial.strip()));
            }
            for (String note : e.notes()) {
                out.println("    " + Log.printable(note));
            }
        }
    }

    private static String num(double v) {
        return String.format(Locale.ROOT, "%.6f", v);
    }

    private static void printGroups(Map<String, Totals.Group> groups, PrintStream out) {
        out.printf(Locale.ROOT, "  %-38s %5s %5s %14s %14s%n", "name", "runs", "nodes", "energy_kwh", "emissions_kg");
        for (Totals.Group g : groups.values()) {
            out.printf(Locale.ROOT, "  %-38s %5d %5d %14.6f %14.6f%n", Log.printable(g.key), g.runIds.size(), g.nodes, g.totalKwh(),
                    g.emissionsKg);
        }
    }
}
