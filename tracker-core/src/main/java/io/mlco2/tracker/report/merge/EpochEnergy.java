package io.mlco2.tracker.report.merge;

import io.mlco2.tracker.energy.Component;
import io.mlco2.tracker.energy.Energy;
import io.mlco2.tracker.epochs.EpochTracker;
import io.mlco2.tracker.epochs.EpochsCsv;
import io.mlco2.tracker.format.Csv;
import io.mlco2.tracker.report.ReportFiles;
import io.mlco2.tracker.timeseries.SamplesCsv;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The energy of all nodes of a run within the epochs one node recorded (docs/DISTRIBUTED.md, "DL4J on Spark"): the
 * driver of a DL4J-on-Spark job records one epoch per {@code fit}, while the executors, which train, record none.
 * For a run whose epoch rows ({@code <run_id>.<node_id>.epochs.csv}, phase {@code epoch}) are on exactly one node,
 * each epoch's window [start, start + duration] is cut out of every node's {@code samples.csv}: its cumulative energy
 * interpolated linearly at the window's ends (from zero at the node's start, as the agent's own epochs do), the
 * part of the window its samples do not cover counted as nothing and reported. Each node's window energy is counted
 * as its whole energy is ({@link HostRuns}: scaled by its counted over its measured energy, so a process share inside
 * its host's machine energy is not counted twice), and its emissions at its own kg per kWh.
 *
 * <p>Samples files are streamed once per node, whatever their length; only the epoch rows are held.
 */
public final class EpochEnergy {

    /** Below this part of the window, a node's samples are said not to cover it. */
    static final double FULL_COVERAGE = 0.999;

    /**
     * One epoch of the run.
     *
     * @param driverKwh   what the node that recorded the epochs measured in the window (its own energy, not counted)
     * @param allNodesKwh the energy of every node in the window, each counted as in the run's totals
     * @param emissionsKg the emissions of {@code allNodesKwh}, each node's at its own kg per kWh
     * @param partial     the nodes whose samples cover less than the window: {@code <node> <percent>%}
     */
    public record Row(int epoch, String start, double durationSeconds, boolean complete, double driverKwh,
                      double allNodesKwh, double emissionsKg, List<String> partial) {
    }

    /**
     * The epochs of one run.
     *
     * @param driver the node that recorded them
     * @param nodes  how many nodes' samples were read
     * @param notes  one line per node left out (no or unreadable samples file)
     */
    public record RunEpochs(String runId, String driver, int nodes, List<Row> rows, List<String> notes) {
    }

    private record Epoch(int epoch, Instant start, double durationSeconds, double energyKwh, boolean complete) {
    }

    /** A node's cumulative energy (J) at each window end, and the span its samples cover (seconds from the origin). */
    private record Cut(double[] joules, double first, double last) {
    }

    private EpochEnergy() {
    }

    /** The runs of {@code runs} (as {@link ReportReader} counted them) with epoch rows on exactly one node. */
    public static List<RunEpochs> of(List<NodeRun> runs) {
        Map<String, List<NodeRun>> byRun = new LinkedHashMap<>();
        for (NodeRun r : runs) {
            byRun.computeIfAbsent(r.runId(), k -> new ArrayList<>()).add(r);
        }
        List<RunEpochs> out = new ArrayList<>();
        for (Map.Entry<String, List<NodeRun>> e : byRun.entrySet()) {
            NodeRun driver = null;
            List<Epoch> epochs = List.of();
            int withEpochs = 0;
            for (NodeRun r : e.getValue()) {
                List<Epoch> found = epochs(r);
                if (!found.isEmpty()) {
                    withEpochs++;
                    driver = r;
                    epochs = found;
                }
            }
            if (withEpochs == 1) {
                out.add(attribute(e.getKey(), driver, epochs, e.getValue()));
            }
        }
        return out;
    }

    private static RunEpochs attribute(String runId, NodeRun driver, List<Epoch> epochs, List<NodeRun> nodes) {
        Instant origin = epochs.get(0).start();
        int n = epochs.size();
        double[] ends = new double[2 * n];
        for (int i = 0; i < n; i++) {
            ends[2 * i] = seconds(origin, epochs.get(i).start());
            ends[2 * i + 1] = ends[2 * i] + epochs.get(i).durationSeconds();
        }
        double[] allKwh = new double[n];
        double[] kg = new double[n];
        double[] driverKwh = new double[n];
        List<List<String>> partial = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            partial.add(new ArrayList<>());
            driverKwh[i] = epochs.get(i).energyKwh();
        }
        List<String> notes = new ArrayList<>();
        int read = 0;
        for (NodeRun r : nodes) {
            if (r.samplesFile() == null) {
                notes.add(r.nodeName() + ": no samples file; its energy is not in the epochs");
                continue;
            }
            Cut cut;
            try {
                cut = cut(r.samplesFile(), origin, ends);
            } catch (IOException | RuntimeException ex) {
                notes.add(r.nodeName() + ": " + r.samplesFile().getFileName() + " unreadable (" + ex.getMessage()
                        + "); its energy is not in the epochs");
                continue;
            }
            read++;
            double kgPerKwh = r.totalKwh() > 0 ? r.emissionsKg() / r.totalKwh() : 0;
            for (int i = 0; i < n; i++) {
                double measuredKwh = Energy.kwh(Math.max(0, cut.joules()[2 * i + 1] - cut.joules()[2 * i]));
                double counted = measuredKwh * r.countedFraction();
                allKwh[i] += counted;
                kg[i] += counted * kgPerKwh;
                if (r == driver) {
                    driverKwh[i] = measuredKwh;
                }
                double length = ends[2 * i + 1] - ends[2 * i];
                double covered = Math.max(0, Math.min(ends[2 * i + 1], cut.last()) - Math.max(ends[2 * i], cut.first()));
                double part = length > 0 ? covered / length : (ends[2 * i] >= cut.first() && ends[2 * i] <= cut.last() ? 1 : 0);
                if (part < FULL_COVERAGE) {
                    // below full coverage, never shown rounded up to 100 %
                    partial.get(i).add(r.nodeName() + " "
                            + String.format(Locale.ROOT, "%.0f%%", Math.min(99, 100 * part)));
                }
            }
        }
        List<Row> rows = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            Epoch ep = epochs.get(i);
            rows.add(new Row(ep.epoch(), ep.start().toString(), ep.durationSeconds(), ep.complete(), driverKwh[i],
                    allKwh[i], kg[i], List.copyOf(partial.get(i))));
        }
        return new RunEpochs(runId, driver.nodeName(), read, List.copyOf(rows), List.copyOf(notes));
    }

    /**
     * The epoch rows of a node's {@code epochs.csv} (beside its summary), in file order; none when it has no such
     * file or it does not read. Rows that do not parse are passed over.
     */
    static List<Epoch> epochs(NodeRun r) {
        String name = r.source().getFileName().toString();
        if (!name.endsWith(ReportFiles.JSON)) {
            return List.of();
        }
        Path f = ReportReader.sibling(r.source(), ReportFiles.EPOCHS);
        if (!Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)) {
            return List.of();
        }
        List<Epoch> out = new ArrayList<>();
        List<String> header = Csv.parseLine(EpochsCsv.HEADER);
        try (BufferedReader in = Files.newBufferedReader(f, StandardCharsets.UTF_8)) {
            String head = in.readLine();
            if (head == null || !Csv.parseLine(head.replace("\uFEFF", "")).equals(header)) {
                return List.of();
            }
            String line;
            while ((line = in.readLine()) != null) {
                List<String> v = Csv.parseLine(line);
                if (v.size() != header.size() || !v.get(1).equals(EpochTracker.EPOCH)) {
                    continue;
                }
                try {
                    double seconds = Double.parseDouble(v.get(5));
                    if (!(seconds >= 0) || Double.isInfinite(seconds)) {
                        continue;
                    }
                    out.add(new Epoch(Integer.parseInt(v.get(3)), Instant.parse(v.get(4)), seconds,
                            Double.parseDouble(v.get(9)), Boolean.parseBoolean(v.get(11))));
                } catch (NumberFormatException | DateTimeParseException e) {
                    // a torn row of a killed JVM: the others stand
                }
            }
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
        return out;
    }

    /**
     * Streams a samples file once: the cumulative energy (all components, J) at each of {@code ends} (seconds from
     * {@code origin}, any order), linear between two rows and from zero at the node's start (the first row's time
     * less its {@code elapsed_s}) to its first row; before the start, zero; after the last row, the last row's.
     */
    static Cut cut(Path samples, Instant origin, double[] ends) throws IOException {
        Integer[] order = new Integer[ends.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Double.compare(ends[a], ends[b]));
        double[] joules = new double[ends.length];
        int k = 0;
        double prevT = Double.NaN;
        double prevJ = 0;
        double first = Double.NaN;
        try (BufferedReader in = Files.newBufferedReader(samples, StandardCharsets.UTF_8)) {
            String head = in.readLine();
            List<String> columns = head == null ? List.of() : Csv.parseLine(head.replace("\uFEFF", ""));
            // Files written before the intensity column have the same header without its last column.
            if (!columns.equals(SamplesCsv.HEADER)
                    && !columns.equals(SamplesCsv.HEADER.subList(0, SamplesCsv.HEADER.size() - 1))) {
                throw new IOException("not a samples file (unexpected header)");
            }
            int energyColumn = SamplesCsv.HEADER.indexOf("cpu_energy_j");
            int components = Component.values().length;
            String line;
            while ((line = in.readLine()) != null) {
                List<String> f = Csv.parseLine(line);
                if (f.size() != columns.size()) {
                    continue;
                }
                double t;
                double j = 0;
                double elapsed;
                try {
                    t = seconds(origin, Instant.parse(f.get(0)));
                    elapsed = Double.parseDouble(f.get(1));
                    for (int c = 0; c < components; c++) {
                        String cell = f.get(energyColumn + 4 * c);
                        j += cell.isEmpty() ? 0 : Double.parseDouble(cell);
                    }
                } catch (NumberFormatException | DateTimeParseException e) {
                    continue; // a torn or foreign line
                }
                if (Double.isNaN(prevT)) {
                    // the node's start, at zero joules
                    prevT = t - Math.max(0, elapsed);
                    prevJ = 0;
                    first = prevT;
                    while (k < order.length && ends[order[k]] < prevT) {
                        joules[order[k++]] = 0;
                    }
                }
                if (!(t >= prevT) || Double.isNaN(j)) {
                    continue; // time going back: not a row of this series
                }
                while (k < order.length && ends[order[k]] <= t) {
                    double at = ends[order[k]];
                    joules[order[k++]] = t > prevT ? prevJ + (j - prevJ) * (at - prevT) / (t - prevT) : j;
                }
                prevT = t;
                prevJ = j;
            }
        }
        while (k < order.length) {
            joules[order[k++]] = prevJ;
        }
        // no row: nothing covered
        return Double.isNaN(first) ? new Cut(joules, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY)
                : new Cut(joules, first, prevT);
    }

    private static double seconds(Instant origin, Instant t) {
        return (t.getEpochSecond() - origin.getEpochSecond()) + (t.getNano() - origin.getNano()) / 1e9;
    }
}
