package io.mlco2.tracker.cli;

import io.mlco2.tracker.html.MergedReportPage;
import io.mlco2.tracker.report.merge.EpochEnergyTest;
import io.mlco2.tracker.report.merge.HostRunsTest;
import io.mlco2.tracker.report.merge.ReportReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code report} prints, under the runs, a table of the epochs one node of a run recorded with the energy of all the
 * run's nodes within each (the run of {@link EpochEnergyTest}: a driver and two executors on two hosts).
 */
class ReportEpochsTest {

    private static String print(Path dir) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ReportCommand.print(ReportReader.read(List.of(dir)), new PrintStream(bytes, true, StandardCharsets.UTF_8));
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void theEpochTableFollowsTheRuns(@TempDir Path dir) throws Exception {
        EpochEnergyTest.writeRun(dir);
        String o = print(dir);
        List<String> lines = o.lines().toList();
        int at = lines.indexOf("  Epochs of run job, recorded by h1-1; energy of the run's 3 node(s) with samples within"
                + " each, counted as in the totals:");
        assertTrue(at > lines.indexOf("Per run:") && at < lines.indexOf("Per project:"), o);
        assertEquals("", lines.get(at - 1), "a blank line between the runs and each epoch table");
        assertTrue(lines.get(at + 1).matches("\\s+epoch\\s+duration_s\\s+driver_kwh\\s+all_nodes_kwh\\s+emissions_kg"
                + "\\s+samples covering part of it"), lines.get(at + 1));
        // Epoch 1, [15 s, 35 s]: the driver measured 64,000 J (EpochEnergyTest works it out); all three nodes
        // counted 64,000 / 3 + 63,750 + 82,000 J.
        String one = "\\s+1\\s+20\\.0\\s+" + Pattern.quote(String.format(Locale.ROOT, "%.6f", 64_000 / 3.6e6))
                + "\\s+" + Pattern.quote(String.format(Locale.ROOT, "%.6f", (64_000 / 3.0 + 63_750 + 82_000) / 3.6e6))
                + "\\s+\\d+\\.\\d{6}\\s*";
        assertTrue(lines.get(at + 2).matches(one), lines.get(at + 2) + " vs " + one);
        assertTrue(lines.get(at + 3).matches("\\s+2\\s+30\\.0\\s.*  h2-3 25%"), lines.get(at + 3));
        assertTrue(lines.get(at + 4).matches("\\s+3\\s+10\\.0\\s+0\\.000000\\s+0\\.000000\\s+0\\.000000  h1-1 0%, h1-2 0%,"
                + " h2-3 0%"), lines.get(at + 4));
        assertEquals("", lines.get(at + 5));

        String html = MergedReportPage.render(ReportReader.read(List.of(dir)), Map.of());
        assertTrue(html.contains("<h2>Epochs of run job</h2>"), html);
        assertTrue(html.contains("All nodes kWh"), html);
    }

    @Test
    void nothingNewWithoutEpochs(@TempDir Path dir) throws Exception {
        HostRunsTest.write(dir, "job", "h1", 1, 600, 0, 100, HostRunsTest.section("held", 700, 0, 0));
        String o = print(dir);
        assertFalse(o.contains("Epochs of run"), o);
        assertFalse(MergedReportPage.render(ReportReader.read(List.of(dir)), Map.of()).contains("Epochs of run"));
    }

    /** A node of the run without a samples file: its energy is in no epoch, said under the table; 2 nodes counted. */
    @Test
    void aNodeWithoutSamplesIsNamedUnderTheTable(@TempDir Path dir) throws Exception {
        EpochEnergyTest.writeRun(dir);
        java.nio.file.Files.delete(dir.resolve("job.h2-3.samples.csv"));
        List<String> lines = print(dir).lines().toList();
        int at = lines.indexOf("  Epochs of run job, recorded by h1-1; energy of the run's 2 node(s) with samples within"
                + " each, counted as in the totals:");
        assertTrue(at > 0, lines.toString());
        assertTrue(lines.get(at + 4).matches("\\s+3\\s+10\\.0\\s.*"), lines.get(at + 4));
        assertEquals("    h2-3: no samples file; its energy is not in the epochs", lines.get(at + 5));
        assertEquals("", lines.get(at + 6));
    }
}
