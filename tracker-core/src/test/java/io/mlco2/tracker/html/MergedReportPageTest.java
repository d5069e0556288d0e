package io.mlco2.tracker.html;

import io.mlco2.tracker.energy.Component;
import io.mlco2.tracker.report.merge.EpochEnergy;
import io.mlco2.tracker.report.merge.HostShare;
import io.mlco2.tracker.report.merge.NodeRun;
import io.mlco2.tracker.report.merge.ReportReader;
import io.mlco2.tracker.timeseries.MinMaxSeries;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.mlco2.tracker.html.Rendered.assertQuantity;
import static io.mlco2.tracker.html.Rendered.bar;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The page {@code report} writes, against the node runs it is drawn from: the sums per run, project and host are
 * worked out here from each node's kWh and the part of it that counts (a process share inside its host's machine
 * energy counts once), and read back from the rows that show them.
 */
class MergedReportPageTest {

    static final double J_PER_KWH = 3.6e6;
    static final String CUT = "incomplete: JVM ended without its exit hook; energy up to its last sample";

    static NodeRun node(String run, String project, String host, String nodeId, double seconds, double cpu, double gpu,
                        double ram, double kg, String incomplete, HostShare share, double countedFraction) {
        return new NodeRun(run, project, host, "2026-01-01T00:00:00Z", seconds, cpu, gpu, ram, kg, "aws:us-east-1",
                400, "cpu=rapl gpu=nvml ram=ram-model", Path.of("/reports/" + nodeId + ".json"), null, nodeId,
                incomplete, share, countedFraction);
    }

    /**
     * Run {@code job} of project p1: on h1 the lease holder h1-1 (0.9 kWh) and h1-2, cut short, whose share of
     * 0.06 of its 0.12 kWh is inside h1-1's machine energy (half of it counts); on h2 a CSV row (no host section).
     * Run {@code other} of project p2 on h1, a whole machine without a lease, node id unknown.
     */
    static final NodeRun H1_1 = node("job", "p1", "h1", "h1-1", 3723, 0.3, 0.5, 0.1, 0.36, "",
            new HostShare("held", 0.9 * J_PER_KWH, 0, 0, 3723), 1);
    static final NodeRun H1_2 = node("job", "p1", "h1", "h1-2", 100, 0.1, 0, 0.02, 0.048, CUT,
            new HostShare("shared", 0, 0.06 * J_PER_KWH, 0, 0), 0.5);
    static final NodeRun H2_3 = node("job", "p1", "h2", "h2-3", 50, 0.2, 0, 0.05, 0.1, "", null, 1);
    static final NodeRun OTHER = node("other", "p2", "h1", "", 30, 0.05, 0.01, 0.01, 0.03, "",
            new HostShare("none", 0, 0, 0.07 * J_PER_KWH, 0), 1);
    static final List<NodeRun> RUNS = List.of(H1_1, H1_2, H2_3, OTHER);

    private static Rendered render(List<NodeRun> runs, List<String> problems, Map<NodeRun, Map<Component, MinMaxSeries>> power,
                                   List<EpochEnergy.RunEpochs> epochs) {
        return new Rendered(MergedReportPage.render(new ReportReader.Result(runs, problems, 3), power, epochs));
    }

    private static Rendered render(List<NodeRun> runs) {
        return render(runs, List.of(), Map.of(), List.of());
    }

    private static double counted(List<NodeRun> nodes, java.util.function.ToDoubleFunction<NodeRun> kwh) {
        double sum = 0;
        for (NodeRun r : nodes) {
            sum += kwh.applyAsDouble(r) * r.countedFraction();
        }
        return sum;
    }

    private static double total(NodeRun r) {
        return r.cpuKwh() + r.gpuKwh() + r.ramKwh();
    }

    @Test
    void theHeaderAndCardsCountEachHostsMachineEnergyOnce() {
        Rendered p = render(RUNS, List.of("bad.json: unreadable", "x.csv: no header"), Map.of(), List.of());
        assertTrue(p.html.contains("<h1>Energy and emissions of 2 run(s)</h1>"), p.html);
        assertTrue(p.html.contains("4 node report(s) on 2 host(s), read from 3 file(s); <span class=\"warn\">1 incomplete"
                + "</span> (JVM ended without its exit hook; counted up to its last sample); <span class=\"warn\">2 skipped"
                + "</span> (listed at the end)."), p.html);
        double countedKwh = counted(RUNS, MergedReportPageTest::total);
        double measuredKwh = 0;
        for (NodeRun r : RUNS) {
            measuredKwh += total(r);
        }
        assertQuantity(countedKwh, " kWh", p.card("energy (IT, without PUE)"));
        assertQuantity(counted(RUNS, NodeRun::emissionsKg), " kg", p.card("CO2eq emitted"));
        assertEquals("2", p.card("project(s)"));
        // 1.34 kWh measured, 1.28 counted: h1-2's 0.06 kWh share is inside h1-1's machine energy
        assertEquals(1.28, countedKwh, 1e-12);
        String line = p.html.split("<p class=\"muted\">The JVMs measured ")[1].split("</p>")[0];
        assertQuantity(measuredKwh, " kWh", line.split(":")[0]);
        assertQuantity(measuredKwh - countedKwh, " kWh", line.split(": ")[1].split(" of it")[0]);
        assertTrue(line.endsWith("kWh of it are process shares inside their host's machine energy, counted once."), line);
        assertEquals(List.of("bad.json: unreadable", "x.csv: no header"),
                List.of(p.html.split("<h2>Skipped \\(2\\)</h2>\n<ul class=\"warn\">")[1].split("</ul>")[0]
                        .replace("<li>", "").split("</li>")));

        Rendered whole = render(List.of(H1_1, H2_3));
        assertTrue(whole.html.contains("2 node report(s) on 2 host(s), read from 3 file(s).</p>"), whole.html);
        assertFalse(whole.html.contains("The JVMs measured"), "nothing counted twice: no line");
        assertFalse(whole.headings().contains("Skipped (0)"));
    }

    /** The shares line shows from 0.0000005 kWh counted twice (half a mWh: below, it would read 0 in the cards). */
    @Test
    void theSharesLineShowsAboveHalfAMilliwattHour() {
        // 1e-6 kWh measured, half of it counted: 5e-7 kWh counted twice, exactly the bound
        NodeRun atBound = node("r", "p", "h", "n", 1, 1e-6, 0, 0, 0, "", null, 0.5);
        assertFalse(render(List.of(atBound)).html.contains("The JVMs measured"));
        NodeRun above = node("r", "p", "h", "n", 1, 1e-6, 0, 0, 0, "", null, 0.4);
        assertTrue(render(List.of(above)).html.contains("The JVMs measured"));
    }

    @Test
    void perRunSumsWhatEachNodeCountsWithABarOfItsEmissions() {
        Rendered.Table t = render(RUNS).table("Per run", "Energy kWh");
        assertEquals(List.of("job", "other"), t.labels());
        List<NodeRun> job = List.of(H1_1, H1_2, H2_3);
        assertEquals("p1", t.cell("job", "Project"));
        assertEquals("3", t.cell("job", "Nodes"));
        assertEquals("h1, h2", t.cell("job", "Hosts"));
        assertEquals("1 h 02 min 03 s", t.cell("job", "Longest node"));
        assertQuantity(counted(job, NodeRun::cpuKwh), "", t.cell("job", "CPU kWh"));
        assertQuantity(counted(job, NodeRun::gpuKwh), "", t.cell("job", "GPU kWh"));
        assertQuantity(counted(job, NodeRun::ramKwh), "", t.cell("job", "RAM kWh"));
        assertQuantity(counted(job, MergedReportPageTest::total), "", t.cell("job", "Energy kWh"));
        double jobKg = counted(job, NodeRun::emissionsKg);
        assertQuantity(jobKg, "", t.cell("job", "Emissions kg"));
        assertQuantity(OTHER.emissionsKg(), "", t.cell("other", "Emissions kg"));
        assertEquals("30.0 s", t.cell("other", "Longest node"));
        // the run emitting most is the full 240 px; the other its part: 0.03 / 0.484 of it, 15 px
        assertEquals(240, bar(t.row("job").get(10), ""));
        assertEquals(Math.round(240 * OTHER.emissionsKg() / jobKg), bar(t.row("other").get(10), ""));
        assertEquals(15, bar(t.row("other").get(10), ""));

        NodeRun nothing = node("idle", "p", "h", "n", 1, 0, 0, 0, 0, "", null, 1);
        assertEquals(0, bar(render(List.of(nothing)).table("Per run", "Energy kWh").row("idle").get(10), ""),
                "nothing emitted: an empty bar");
    }

    @Test
    void perProjectAndPerHostSumWhatCounts() {
        Rendered p = render(RUNS);
        Rendered.Table projects = p.table("Per project", "Energy kWh");
        assertEquals(List.of("p1", "p2"), projects.labels());
        List<NodeRun> p1 = List.of(H1_1, H1_2, H2_3);
        assertEquals("1", projects.cell("p1", "Runs"));
        assertEquals("3", projects.cell("p1", "Nodes"));
        assertQuantity(counted(p1, MergedReportPageTest::total), "", projects.cell("p1", "Energy kWh"));
        assertQuantity(counted(p1, NodeRun::emissionsKg), "", projects.cell("p1", "Emissions kg"));
        assertQuantity(total(OTHER), "", projects.cell("p2", "Energy kWh"));

        Rendered.Table hosts = p.table("Per host", "Counted kWh");
        assertEquals(List.of("h1", "h2"), hosts.labels());
        List<NodeRun> h1 = List.of(H1_1, H1_2, OTHER);
        assertEquals("2", hosts.cell("h1", "Runs"));
        assertEquals("3", hosts.cell("h1", "Nodes"));
        assertQuantity(total(H1_1) + total(H1_2) + total(OTHER), "", hosts.cell("h1", "Measured kWh"));
        assertQuantity(counted(h1, MergedReportPageTest::total), "", hosts.cell("h1", "Counted kWh"));
        assertQuantity(counted(h1, NodeRun::emissionsKg), "", hosts.cell("h1", "Emissions kg"));
        assertQuantity(total(H2_3), "", hosts.cell("h2", "Counted kWh"));
        // the host's note: the machine energy counted once, h1-2's share inside it
        assertTrue(p.html.contains("<ul><li>run job on host h1: machine energy counted once, 0.900000 kWh (host lease held"
                + " by h1-1); the shares of the JVMs without the lease, 0.060000 kWh, are included in it</li></ul>"), p.html);
    }

    @Test
    void aHostWhoseMachineIsCountedTwiceIsAWarning() {
        NodeRun a = node("r", "p", "h", "a", 10, 0.1, 0, 0, 0.04, "", new HostShare("none", 0, 0, 0.1 * J_PER_KWH, 0), 1);
        NodeRun b = node("r", "p", "h", "b", 10, 0.1, 0, 0, 0.04, "", new HostShare("none", 0, 0, 0.1 * J_PER_KWH, 0), 1);
        String html = render(List.of(a, b)).html;
        assertTrue(html.contains("<ul><li class=\"warn\">WARN run r on host h: machine energy counted 2 times ("), html);
        assertFalse(render(List.of(a)).html.contains("<ul><li"), "one node: no note");
    }

    @Test
    void everyNodeWithWhatItMeasuredItsShareWhatCountsAndItsStatus() {
        Rendered p = render(RUNS);
        Rendered.Table t = p.table("Every node, by host", "Share kWh");
        assertEquals(List.of("h1-1", "h1-2", "h1", "h2-3"), t.column("Node"), "grouped by host, in the order read");
        assertEquals(List.of("h1", "h1", "h1", "h2"), t.column("Host"));
        List<String> h12 = t.rowWhere("Node", "h1-2");
        assertEquals("job", t.get(h12, "Run"));
        assertEquals("shared", t.get(h12, "Lease"));
        assertQuantity(total(H1_2), "", t.get(h12, "Measured kWh"));
        assertQuantity(0.06, "", t.get(h12, "Share kWh"));
        assertQuantity(total(H1_2) * 0.5, "", t.get(h12, "Counted kWh"));
        assertQuantity(H1_2.emissionsKg() * 0.5, "", t.get(h12, "Emissions kg"));
        assertEquals(CUT + "; share included in the host's machine energy", t.get(h12, "Status"));
        List<String> h11 = t.rowWhere("Node", "h1-1");
        assertEquals("held", t.get(h11, "Lease"));
        assertEquals("0", t.get(h11, "Share kWh"));
        assertQuantity(total(H1_1), "", t.get(h11, "Counted kWh"));
        assertEquals("complete", t.get(h11, "Status"));
        List<String> csv = t.rowWhere("Node", "h2-3");
        assertEquals("-", t.get(csv, "Lease"), "a CSV row: lease unknown");
        assertEquals("", t.get(csv, "Share kWh"), "a CSV row: share unknown");
        assertEquals("complete", t.get(csv, "Status"));

        Rendered.Table d = p.table("Node details", "Duration");
        assertEquals(List.of("1 h 02 min 03 s", "1 min 40 s", "30.0 s", "50.0 s"), d.column("Duration"));
        assertEquals("/reports/h1-2.json", d.get(d.rowWhere("Node", "h1-2"), "File"));
        assertEquals("cpu=rapl gpu=nvml ram=ram-model", d.get(d.rowWhere("Node", "h1-2"), "Methods"));
    }

    @Test
    void theEpochsOfARunWithAllItsNodesEnergy() {
        EpochEnergy.RunEpochs e = new EpochEnergy.RunEpochs("job", "h1-1", 3, List.of(
                new EpochEnergy.Row(1, "2026-01-01T00:00:15Z", 20, true, 0.0178, 0.0468, 0.0187, List.of()),
                new EpochEnergy.Row(2, "2026-01-01T00:00:35Z", 75, false, 0.002, 0.00375, 0.0015, List.of("h2-3 25%"))),
                List.of("h9: no samples file"));
        Rendered p = render(RUNS, List.of(), Map.of(), List.of(e));
        List<String> h = p.headings();
        int at = h.indexOf("Epochs of run job");
        assertTrue(at > h.indexOf("Per run") && at < h.indexOf("Per project"), h.toString());
        Rendered.Table t = p.table("Epochs of run job", "All nodes kWh");
        assertEquals(List.of("1", "2"), t.labels());
        assertEquals("20.0 s", t.cell("1", "Duration"));
        assertEquals("1 min 15 s", t.cell("2", "Duration"));
        assertQuantity(0.0178, "", t.cell("1", "Driver kWh"));
        assertQuantity(0.0468, "", t.cell("1", "All nodes kWh"));
        assertQuantity(0.0187, "", t.cell("1", "Emissions kg"));
        assertEquals("", t.cell("1", "Samples covering part of it"));
        assertEquals("h2-3 25% (cut short by the run's end)", t.cell("2", "Samples covering part of it"));
        assertTrue(p.html.contains("Recorded by h1-1; the energy of the run's 3 node(s)"), p.html);
        assertTrue(p.html.contains("<ul><li>h9: no samples file</li></ul>"), p.html);

        e = new EpochEnergy.RunEpochs("job", "h1-1", 3, e.rows(), List.of());
        assertFalse(render(List.of(H1_1), List.of(), Map.of(), List.of(e)).html.contains("<ul>"), "no notes: no list");
    }

    /** A chart per node with a samples file, at most {@value MergedReportPage#MAX_CHARTS}: the rest are counted. */
    @Test
    void atMostSixtyFourNodeCharts() {
        for (int n : new int[] {0, MergedReportPage.MAX_CHARTS, MergedReportPage.MAX_CHARTS + 2}) {
            Map<NodeRun, Map<Component, MinMaxSeries>> power = new LinkedHashMap<>();
            for (int i = 0; i < n; i++) {
                MinMaxSeries s = new MinMaxSeries(2);
                s.add(0, i);
                power.put(node("job", "p", "h", "n" + i, 1, 0, 0, 0, 0, "", null, 1), Map.of(Component.CPU, s));
            }
            Rendered p = render(RUNS, List.of(), power, List.of());
            assertEquals(Math.min(n, MergedReportPage.MAX_CHARTS), p.charts().size(), n + " nodes");
            assertEquals(n > 0, p.headings().contains("Power over time, per node"));
            assertEquals(n > MergedReportPage.MAX_CHARTS, p.html.contains("<p class=\"muted\">2 more node chart(s) left out.</p>"));
            if (n > 0) {
                assertEquals("job on n0 (W)", p.charts().get(0).get("title").asText());
                assertEquals("job on n63 (W)", p.charts().get(63).get("title").asText());
                assertEquals(63.0, p.charts().get(63).get("series").get(0).get("max").get(0).asDouble());
            }
        }
    }
}
