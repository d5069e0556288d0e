package io.mlco2.tracker.timeseries;

import io.mlco2.tracker.energy.Component;
import io.mlco2.tracker.format.Csv;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a {@code <run_id>.samples.csv} back into a {@link PowerHistory}, streaming (constant memory whatever the
 * file's size). A line that does not parse (the torn last line of a killed run) is counted and skipped.
 */
public final class SamplesCsvReader {

    /** What a read found. */
    public record Result(PowerHistory history, long rows, long badLines) {
    }

    /**
     * The last row that parses: its wall time, seconds since the run's start, and each component's cumulative energy
     * (J) up to it; {@code rows} counts the rows that parsed. {@code time} is empty when no row parsed.
     */
    public record Last(String time, double elapsedSeconds, Map<Component, Double> energyJoules, long rows) {

        public double totalJoules() {
            double sum = 0;
            for (double j : energyJoules.values()) {
                sum += j;
            }
            return sum;
        }
    }

    private SamplesCsvReader() {
    }

    /**
     * The last complete row of a samples file (a killed JVM's last line may be torn: it is passed over), read
     * streaming; a file written before the intensity column is read too. @throws IOException when the file cannot
     * be read or its header is not a samples header
     */
    public static Last last(Path file) throws IOException {
        Map<Component, Double> energy = new EnumMap<>(Component.class);
        for (Component c : Component.values()) {
            energy.put(c, 0.0);
        }
        Last last = new Last("", 0, Map.copyOf(energy), 0);
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            int n = columns(r);
            long rows = 0;
            String line;
            while ((line = r.readLine()) != null) {
                List<String> f = Csv.parseLine(line);
                if (f.size() != n) {
                    continue;
                }
                try {
                    double t = Double.parseDouble(f.get(1));
                    int i = SamplesCsv.HEADER.indexOf("cpu_energy_j");
                    for (Component c : Component.values()) {
                        String j = f.get(i);
                        energy.put(c, j.isEmpty() ? 0.0 : Double.parseDouble(j));
                        i += 4;
                    }
                    rows++;
                    last = new Last(f.get(0), t, Map.copyOf(energy), rows);
                } catch (NumberFormatException e) {
                    // A torn or foreign line: the previous row stands.
                }
            }
        }
        return last;
    }

    /** @throws IOException when the file cannot be read or its header is not a samples header */
    public static Result read(Path file, int buckets) throws IOException {
        PowerHistory h = new PowerHistory(buckets);
        long rows = 0;
        long bad = 0;
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            int n = columns(r);
            String line;
            while ((line = r.readLine()) != null) {
                if (line.isBlank()) {
                    continue;
                }
                List<String> f = Csv.parseLine(line);
                if (f.size() != n) {
                    bad++;
                    continue;
                }
                try {
                    double t = Double.parseDouble(f.get(1));
                    int i = SamplesCsv.HEADER.indexOf("cpu_power_w");
                    for (Component c : Component.values()) {
                        String p = f.get(i);
                        if (!p.isEmpty()) {
                            h.add(c, t, Double.parseDouble(p));
                        }
                        i += 4;
                    }
                    rows++;
                } catch (NumberFormatException e) {
                    bad++;
                }
            }
        }
        return new Result(h, rows, bad);
    }

    /**
     * Reads the header and returns its number of columns, which every row has. Files written before the intensity
     * column have the same header without its last column. @throws IOException for any other header
     */
    private static int columns(BufferedReader r) throws IOException {
        String head = r.readLine();
        List<String> columns = head == null ? List.of() : Csv.parseLine(head.replace("\uFEFF", ""));
        if (!columns.equals(SamplesCsv.HEADER)
                && !columns.equals(SamplesCsv.HEADER.subList(0, SamplesCsv.HEADER.size() - 1))) {
            throw new IOException("not a samples file (unexpected header)");
        }
        return columns.size();
    }
}
