package io.mlco2.tracker.report.merge;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mlco2.tracker.epochs.EpochsCsv;
import io.mlco2.tracker.timeseries.SamplesCsv;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The executors' energy within the driver's epochs: a driver and two executors on two hosts, written here as the agent
 * writes them (summaries with their {@code host_share} sections, samples and epochs files). Each node draws a power
 * constant over each 10 s sample interval, so its energy within a window is the integral of that power, worked out
 * here interval by interval; each node counts it as its whole energy is counted (its total less its share, over its
 * total, from the figures written here), and emits at the kg per kWh its summary says.
 */
public class EpochEnergyTest {

    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    static final double STEP = 10;
    static final double J_PER_KWH = 3_600_000;

    /** One JVM of the test: its CPU power over each 10 s interval from its start, and a constant RAM power. */
    record Node(String host, long pid, double startSeconds, double[] cpuWatts, double ramWatts) {

        Node(String host, long pid, double[] cpuWatts, double ramWatts) {
            this(host, pid, 0, cpuWatts, ramWatts);
        }

        String id() {
            return host + "-" + pid;
        }

        /** Its energy (J) over [from, to] seconds after T0: the integral of its power, 0 outside its samples. */
        double joules(double from, double to) {
            double j = 0;
            for (int i = 0; i < cpuWatts.length; i++) {
                double overlap = Math.min(to, startSeconds + STEP * (i + 1)) - Math.max(from, startSeconds + STEP * i);
                if (overlap > 0) {
                    j += overlap * (cpuWatts[i] + ramWatts);
                }
            }
            return j;
        }

        double totalJoules() {
            return joules(startSeconds, startSeconds + STEP * cpuWatts.length);
        }
    }

    // Host h1: the driver took the lease over from executor 1 part way (its share: two thirds of what it measured);
    // executor 1 held it, then measured its share. Host h2: executor 2 alone, its samples end at 50 s (then a torn line).
    static final Node DRIVER = new Node("h1", 1, new double[] {1000, 2000, 3000, 4000, 5000, 6000, 7000, 8000, 9000, 10000}, 200);
    static final Node EXEC1 = new Node("h1", 2, new double[] {5000, 2500, 5000, 2500, 5000, 2500, 5000, 2500, 5000, 2500}, 500);
    static final Node EXEC2 = new Node("h2", 3, new double[] {3000, 3500, 4000, 4500, 5000}, 100);
    static final double DRIVER_SHARE = 2.0 / 3;
    static final double EXEC1_SHARE = 0.25;
    /** Executor 2's grid: its own emissions per kWh, not the others'. */
    static final double EXEC2_KG_PER_KWH = 0.4;

    /** Epochs of the driver: [15, 35], [42.5, 72.5] (past executor 2's last sample), [500, 510] (after every sample). */
    static final double[][] EPOCHS = {{15, 20}, {42.5, 30}, {500, 10}};

    /** Writes the run "job" of the three nodes into {@code dir}. */
    public static void writeRun(Path dir) throws Exception {
        writeNode(dir, DRIVER, HostRunsTest.section("held", DRIVER.totalJoules() * (1 - DRIVER_SHARE),
                DRIVER.totalJoules() * DRIVER_SHARE, 0), Double.NaN);
        writeNode(dir, EXEC1, HostRunsTest.section("held", EXEC1.totalJoules() * (1 - EXEC1_SHARE),
                EXEC1.totalJoules() * EXEC1_SHARE, 0), Double.NaN);
        writeNode(dir, EXEC2, HostRunsTest.section("held", EXEC2.totalJoules(), 0, 0), EXEC2_KG_PER_KWH);
        Files.writeString(dir.resolve("job.h2-3.samples.csv"), "2026-01-01T00:01:00Z,60,0,4000,9",
                java.nio.file.StandardOpenOption.APPEND);
        writeEpochs(dir, EPOCHS);
    }

    /** The driver's (h1-1) epochs file: one row per {start, duration} (seconds after T0), then a validation row. */
    static void writeEpochs(Path dir, double[][] epochs) throws Exception {
        StringBuilder e = new StringBuilder(EpochsCsv.HEADER).append('\n');
        for (int i = 0; i < epochs.length; i++) {
            e.append("job,epoch,").append(i + 1).append(',').append(i + 1).append(',')
                    .append(T0.plusMillis((long) (epochs[i][0] * 1000))).append(',').append(epochs[i][1])
                    .append(",0,0,0,0.001,0.0001,true\n");
        }
        e.append("job,validation,1,1,2026-01-01T00:00:20Z,5,0,0,0,0.001,0.0001,true\n");
        Files.writeString(dir.resolve("job.h1-1.epochs.csv"), e.toString());
    }

    /** What {@link #writeRun}'s three nodes count within [from, to] seconds after T0 (J): each less its share. */
    static double countedJoules(double from, double to) {
        return DRIVER.joules(from, to) * (1 - DRIVER_SHARE) + EXEC1.joules(from, to) * (1 - EXEC1_SHARE)
                + EXEC2.joules(from, to);
    }

    /** The emissions (kg) of {@link #writeRun}'s three nodes within [from, to]: h1's at France's, h2's at its own. */
    static double countedKg(double from, double to) {
        double kgPerKwhFrance = 1.5 * 50 / 1000; // HostRunsTest's PUE and intensity
        return (DRIVER.joules(from, to) * (1 - DRIVER_SHARE) + EXEC1.joules(from, to) * (1 - EXEC1_SHARE)) / J_PER_KWH
                * kgPerKwhFrance + EXEC2.joules(from, to) / J_PER_KWH * EXEC2_KG_PER_KWH;
    }

    /** A node alone on its host holding the lease: its whole energy counted. */
    static void writeAlone(Path dir, Node n) throws Exception {
        writeNode(dir, n, HostRunsTest.section("held", n.totalJoules(), 0, 0), Double.NaN);
    }

    /** A samples file of rows {seconds after T0, elapsed_s, cumulative CPU J}, the other cells empty. */
    static void writeSamples(Path file, double[][] rows) throws Exception {
        StringBuilder s = new StringBuilder(String.join(",", SamplesCsv.HEADER)).append('\n');
        for (double[] r : rows) {
            Map<String, String> v = new HashMap<>();
            v.put("time", T0.plusNanos((long) (r[0] * 1e9)).toString());
            v.put("elapsed_s", Double.toString(r[1]));
            v.put("cpu_energy_j", Double.toString(r[2]));
            StringBuilder row = new StringBuilder();
            for (String c : SamplesCsv.HEADER) {
                row.append(row.length() == 0 ? "" : ",").append(v.getOrDefault(c, ""));
            }
            s.append(row).append('\n');
        }
        Files.writeString(file, s.toString());
    }

    /** The node's summary (its emissions at {@code kgPerKwh} when given) and samples file, one row per 10 s. */
    static void writeNode(Path dir, Node n, Map<String, Object> hostShare, double kgPerKwh) throws Exception {
        double ramJ = n.ramWatts() * STEP * n.cpuWatts().length;
        Path json = HostRunsTest.write(dir, "job", n.host(), n.pid(), n.totalJoules() - ramJ, 0, ramJ, hostShare);
        if (!Double.isNaN(kgPerKwh)) {
            ObjectMapper m = new ObjectMapper();
            ObjectNode o = (ObjectNode) m.readTree(json.toFile());
            o.put("emissions_kg", n.totalJoules() / J_PER_KWH * kgPerKwh);
            m.writeValue(json.toFile(), o);
        }
        StringBuilder s = new StringBuilder(String.join(",", SamplesCsv.HEADER)).append('\n');
        double cpuJ = 0;
        for (int i = 0; i < n.cpuWatts().length; i++) {
            cpuJ += n.cpuWatts()[i] * STEP;
            double t = STEP * (i + 1);
            Map<String, String> v = new HashMap<>();
            v.put("time", T0.plusMillis((long) ((n.startSeconds() + t) * 1000)).toString());
            v.put("elapsed_s", Double.toString(t));
            v.put("epoch", "0");
            v.put("cpu_power_w", Double.toString(n.cpuWatts()[i]));
            v.put("cpu_energy_j", Double.toString(cpuJ));
            v.put("ram_power_w", Double.toString(n.ramWatts()));
            v.put("ram_energy_j", Double.toString(n.ramWatts() * t));
            v.put("gpu_energy_j", "");
            StringBuilder row = new StringBuilder();
            for (String c : SamplesCsv.HEADER) {
                row.append(row.length() == 0 ? "" : ",").append(v.getOrDefault(c, ""));
            }
            s.append(row).append('\n');
        }
        Files.writeString(dir.resolve("job." + n.id() + ".samples.csv"), s.toString());
    }

    @Test
    void eachEpochHoldsEveryNodesEnergyWithinItCountedOnce(@TempDir Path dir) throws Exception {
        writeRun(dir);
        List<EpochEnergy.RunEpochs> all = EpochEnergy.of(ReportReader.read(List.of(dir)).runs());
        assertEquals(1, all.size());
        EpochEnergy.RunEpochs run = all.get(0);
        assertEquals("job", run.runId());
        assertEquals("h1-1", run.driver());
        assertEquals(3, run.nodes());
        assertEquals(List.of(), run.notes());
        assertEquals(3, run.rows().size(), "the validation phase is no epoch");

        double kgPerKwhFrance = 1.5 * 50 / 1000; // HostRunsTest's PUE and intensity
        for (int i = 0; i < EPOCHS.length; i++) {
            double from = EPOCHS[i][0];
            double to = from + EPOCHS[i][1];
            double d = DRIVER.joules(from, to) * (1 - DRIVER_SHARE);
            double e1 = EXEC1.joules(from, to) * (1 - EXEC1_SHARE);
            double e2 = EXEC2.joules(from, to);
            EpochEnergy.Row row = run.rows().get(i);
            assertEquals(i + 1, row.epoch());
            assertEquals(EPOCHS[i][1], row.durationSeconds(), 1e-9);
            assertEquals(DRIVER.joules(from, to), row.driverKwh() * J_PER_KWH, 1e-6, "driver, epoch " + (i + 1));
            assertEquals(d + e1 + e2, row.allNodesKwh() * J_PER_KWH, 1e-6, "all nodes, epoch " + (i + 1));
            assertEquals((d + e1) / J_PER_KWH * kgPerKwhFrance + e2 / J_PER_KWH * EXEC2_KG_PER_KWH, row.emissionsKg(),
                    1e-12, "emissions, epoch " + (i + 1));
        }
        // Epoch 1 by hand: driver 5 s x 2200 W + 10 s x 3200 W + 5 s x 4200 W = 64,000 J, a third of it counted;
        // executor 1 (5 s x 3000 + 10 s x 5500 + 5 s x 3000) x 3/4 = 63,750 J; executor 2 5 s x 3600 + 10 s x 4100
        // + 5 s x 4600 = 82,000 J.
        assertEquals(64_000, run.rows().get(0).driverKwh() * J_PER_KWH, 1e-6);
        assertEquals(64_000 / 3.0 + 63_750 + 82_000, run.rows().get(0).allNodesKwh() * J_PER_KWH, 1e-6);

        assertEquals(List.of(), run.rows().get(0).partial());
        // Executor 2's samples end at 50 s: 7.5 s of the 30 s window
        assertEquals(List.of("h2-3 25%"), run.rows().get(1).partial());
        // After every sample: nothing, and no node covers it
        assertEquals(0, run.rows().get(2).allNodesKwh());
        assertEquals(List.of("h1-1 0%", "h1-2 0%", "h2-3 0%"), run.rows().get(2).partial());
    }

    @Test
    void noEpochsOrEpochsOnSeveralNodesGiveNothing(@TempDir Path dir) throws Exception {
        writeNode(dir, EXEC2, HostRunsTest.section("held", EXEC2.totalJoules(), 0, 0), Double.NaN);
        assertEquals(List.of(), EpochEnergy.of(ReportReader.read(List.of(dir)).runs()));

        writeRun(dir);
        Files.copy(dir.resolve("job.h1-1.epochs.csv"), dir.resolve("job.h2-3.epochs.csv"));
        assertEquals(List.of(), EpochEnergy.of(ReportReader.read(List.of(dir)).runs()));
    }

    @Test
    void aNodeWithoutSamplesIsNamed(@TempDir Path dir) throws Exception {
        writeRun(dir);
        Files.delete(dir.resolve("job.h1-2.samples.csv"));
        EpochEnergy.RunEpochs run = EpochEnergy.of(ReportReader.read(List.of(dir)).runs()).get(0);
        assertEquals(2, run.nodes());
        assertEquals(List.of("h1-2: no samples file; its energy is not in the epochs"), run.notes());
        double d = DRIVER.joules(15, 35) / 3;
        assertEquals(d + EXEC2.joules(15, 35), run.rows().get(0).allNodesKwh() * J_PER_KWH, 1e-6);
    }

    @Test
    void aNodeThatStartedLateCountsFromItsStart(@TempDir Path dir) throws Exception {
        writeRun(dir);
        // A third executor on host h3, started 20 s after T0: 15 s of epoch 1 [15, 35], from zero at its start
        Node late = new Node("h3", 4, 20, new double[] {4000, 6000, 8000}, 500);
        writeNode(dir, late, HostRunsTest.section("held", late.totalJoules(), 0, 0), Double.NaN);
        EpochEnergy.RunEpochs run = EpochEnergy.of(ReportReader.read(List.of(dir)).runs()).get(0);
        assertEquals(4, run.nodes());
        double before = DRIVER.joules(15, 35) / 3 + EXEC1.joules(15, 35) * 0.75 + EXEC2.joules(15, 35);
        assertEquals(10 * 4500 + 5 * 6500, late.joules(15, 35), 1e-9);
        assertEquals(before + 10 * 4500 + 5 * 6500, run.rows().get(0).allNodesKwh() * J_PER_KWH, 1e-6);
        assertEquals(List.of("h3-4 75%"), run.rows().get(0).partial());
    }

    /** Asserts each row's driver, all-nodes and emissions figures against {@link #writeRun}'s three nodes. */
    static void assertRowsOfTheRun(double[][] epochs, List<EpochEnergy.Row> rows, double[] extraNodeJoules) {
        assertEquals(epochs.length, rows.size());
        for (int i = 0; i < epochs.length; i++) {
            double from = epochs[i][0];
            double to = from + epochs[i][1];
            EpochEnergy.Row row = rows.get(i);
            assertEquals(i + 1, row.epoch());
            assertEquals(T0.plusMillis((long) (from * 1000)).toString(), row.start());
            assertEquals(epochs[i][1], row.durationSeconds(), 1e-9);
            assertEquals(DRIVER.joules(from, to), row.driverKwh() * J_PER_KWH, 1e-6, "driver, epoch " + (i + 1));
            assertEquals(countedJoules(from, to) + extraNodeJoules[i], row.allNodesKwh() * J_PER_KWH, 1e-6,
                    "all nodes, epoch " + (i + 1));
        }
    }

    @Test
    void epochsOutOfTimeOrderAreEachCutAtTheirOwnTimes(@TempDir Path dir) throws Exception {
        // Rows are read in file order: the first row's start is the origin, the second epoch lies before it.
        writeRun(dir);
        double[][] epochs = {{42.5, 30}, {15, 20}};
        writeEpochs(dir, epochs);
        EpochEnergy.RunEpochs run = EpochEnergy.of(ReportReader.read(List.of(dir)).runs()).get(0);
        assertEquals(List.of(), run.notes());
        assertRowsOfTheRun(epochs, run.rows(), new double[2]);
        for (int i = 0; i < epochs.length; i++) {
            double from = epochs[i][0];
            assertEquals(countedKg(from, from + epochs[i][1]), run.rows().get(i).emissionsKg(), 1e-12);
        }
        assertEquals(List.of("h2-3 25%"), run.rows().get(0).partial());
        assertEquals(List.of(), run.rows().get(1).partial());
    }

    @Test
    void aZeroLengthEpochIsCoveredByTheNodesWhoseSamplesSpanItsInstant(@TempDir Path dir) throws Exception {
        // The nodes' samples span [0, 100] s, executor 2's [0, 50] s. Instants: 0 (every node's start), 50 (executor
        // 2's last sample), 100 (the others' last), 150 (after all); and one epoch of 10 s.
        writeRun(dir);
        double[][] epochs = {{0, 0}, {20, 10}, {50, 0}, {100, 0}, {150, 0}};
        writeEpochs(dir, epochs);
        EpochEnergy.RunEpochs run = EpochEnergy.of(ReportReader.read(List.of(dir)).runs()).get(0);
        assertEquals(List.of(), run.notes());
        assertRowsOfTheRun(epochs, run.rows(), new double[5]);
        assertEquals(0, run.rows().get(0).allNodesKwh());
        assertEquals(List.of(), run.rows().get(0).partial());
        assertEquals(List.of(), run.rows().get(1).partial());
        assertEquals(List.of(), run.rows().get(2).partial());
        assertEquals(List.of("h2-3 0%"), run.rows().get(3).partial());
        assertEquals(List.of("h1-1 0%", "h1-2 0%", "h2-3 0%"), run.rows().get(4).partial());
    }

    @Test
    void nodesStartingAfterOrRunningPastEveryEpochAreReadToo(@TempDir Path dir) throws Exception {
        writeRun(dir); // epochs up to 510 s
        Node late = new Node("h3", 4, 600, new double[] {1000, 1000}, 0);
        double[] watts = new double[60];
        java.util.Arrays.fill(watts, 2000);
        Node long_ = new Node("h4", 5, watts, 100); // [0, 600] s
        writeAlone(dir, late);
        writeAlone(dir, long_);
        EpochEnergy.RunEpochs run = EpochEnergy.of(ReportReader.read(List.of(dir)).runs()).get(0);
        assertEquals(List.of(), run.notes());
        assertEquals(5, run.nodes());
        double[] longJoules = new double[EPOCHS.length];
        for (int i = 0; i < EPOCHS.length; i++) {
            longJoules[i] = long_.joules(EPOCHS[i][0], EPOCHS[i][0] + EPOCHS[i][1]);
            assertEquals(0, late.joules(EPOCHS[i][0], EPOCHS[i][0] + EPOCHS[i][1]));
        }
        assertEquals(2100 * 10, longJoules[2], 1e-9, "epoch 3: 10 s at 2100 W");
        assertRowsOfTheRun(EPOCHS, run.rows(), longJoules);
        assertEquals(List.of("h3-4 0%"), run.rows().get(0).partial());
        assertEquals(List.of("h2-3 25%", "h3-4 0%"), run.rows().get(1).partial());
        assertEquals(List.of("h1-1 0%", "h1-2 0%", "h2-3 0%", "h3-4 0%"), run.rows().get(2).partial());
    }

    @Test
    void aRowAtTheStartAndTwoSamplesInOneMillisecondAreReadAsWritten(@TempDir Path dir) throws Exception {
        // Executor h3-4 starts at 15 s, epoch 1's start, with a row at elapsed 0 (0 J). The samples' time is cut to the
        // millisecond: at 25 s two samples share it (the exit hook's right after a periodic one), the later one
        // holding the newer reading.
        writeRun(dir);
        double[][] rows = {{15, 0, 0}, {25, 10, 2000}, {25, 10.0004, 2500}, {45, 30, 6500}};
        HostRunsTest.write(dir, "job", "h3", 4, 6500, 0, 0, HostRunsTest.section("held", 6500, 0, 0));
        writeSamples(dir.resolve("job.h3-4.samples.csv"), rows);
        // Epoch 1 [15, 35]: from 0 J at the first row to halfway from the newer reading at 25 s to the row at 45 s.
        double epoch1 = (rows[2][2] + (rows[3][2] - rows[2][2]) * (35 - 25) / (45 - 25)) - rows[0][2];
        // Epoch 2 [42.5, 72.5]: from 17.5 of the 20 s after 25 s up to the last row; 2.5 s of 30 covered.
        double epoch2 = rows[3][2] - (rows[2][2] + (rows[3][2] - rows[2][2]) * (42.5 - 25) / (45 - 25));
        assertEquals(4500, epoch1, 1e-9);
        assertEquals(500, epoch2, 1e-9);

        EpochEnergy.RunEpochs run = EpochEnergy.of(ReportReader.read(List.of(dir)).runs()).get(0);
        assertEquals(List.of(), run.notes());
        assertEquals(4, run.nodes());
        assertRowsOfTheRun(EPOCHS, run.rows(), new double[] {epoch1, epoch2, 0});
        assertEquals(List.of(), run.rows().get(0).partial());
        assertEquals(List.of("h2-3 25%", "h3-4 8%"), run.rows().get(1).partial());
    }

    @Test
    void aSamplesFileFromBeforeTheIntensityColumnIsRead(@TempDir Path dir) throws Exception {
        writeRun(dir);
        Path f = dir.resolve("job.h1-2.samples.csv");
        StringBuilder old = new StringBuilder();
        for (String line : Files.readAllLines(f)) {
            old.append(line, 0, line.lastIndexOf(',')).append('\n'); // without its last column
        }
        Files.writeString(f, old.toString());
        assertEquals(SamplesCsv.HEADER.subList(0, SamplesCsv.HEADER.size() - 1),
                List.of(Files.readAllLines(f).get(0).split(",")));
        EpochEnergy.RunEpochs run = EpochEnergy.of(ReportReader.read(List.of(dir)).runs()).get(0);
        assertEquals(List.of(), run.notes());
        assertEquals(3, run.nodes());
        assertRowsOfTheRun(EPOCHS, run.rows(), new double[3]);
    }

    @Test
    void anIdleNodeAddsNoEnergyAndNoEmissions(@TempDir Path dir) throws Exception {
        writeRun(dir);
        writeAlone(dir, new Node("h3", 4, new double[10], 0)); // 0 J in its summary and samples
        EpochEnergy.RunEpochs run = EpochEnergy.of(ReportReader.read(List.of(dir)).runs()).get(0);
        assertEquals(4, run.nodes());
        assertRowsOfTheRun(EPOCHS, run.rows(), new double[3]);
        for (int i = 0; i < EPOCHS.length; i++) {
            double from = EPOCHS[i][0];
            assertEquals(countedKg(from, from + EPOCHS[i][1]), run.rows().get(i).emissionsKg(), 1e-12);
        }
    }

    @Test
    void samplesCoveringNinetyNinePointNinePercentOfTheWindowCoverIt(@TempDir Path dir) throws Exception {
        double[] watts = new double[100];
        java.util.Arrays.fill(watts, 300);
        Node driver = new Node("h1", 1, watts, 0); // [0, 1000] s
        Node n2 = new Node("h2", 2, 1, watts, 0); // [1, 1001] s: 999 s of the window
        Node n3 = new Node("h3", 3, 1.5, watts, 0); // [1.5, 1001.5] s: 998.5 s
        for (Node n : List.of(driver, n2, n3)) {
            writeAlone(dir, n);
        }
        writeEpochs(dir, new double[][] {{0, 1000}});
        EpochEnergy.RunEpochs run = EpochEnergy.of(ReportReader.read(List.of(dir)).runs()).get(0);
        EpochEnergy.Row row = run.rows().get(0);
        assertEquals(driver.joules(0, 1000) + n2.joules(0, 1000) + n3.joules(0, 1000), row.allNodesKwh() * J_PER_KWH,
                1e-6);
        // 99.85 % is below full coverage: not shown rounded up to 100 %
        assertEquals(List.of("h3-3 99%"), row.partial());
    }
}
