package io.mlco2.tracker.timeseries;

import io.mlco2.tracker.energy.Component;
import io.mlco2.tracker.format.Csv;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Reads a {@code <run_id>.samples.csv} back into a {@link PowerHistory}, streaming (constant memory whatever the
 * file's size). A line that does not parse (the torn last line of a killed run) is counted and skipped.
 */
public final class SamplesCsvReader {

    /** What a read found. */
    public record Result(PowerHistory history, long rows, long badLines) {
    }

    private SamplesCsvReader() {
    }

    /** @throws IOException when the file cannot be read or its header is not a samples header */
    public static Result read(Path file, int buckets) throws IOException {
        PowerHistory h = new PowerHistory(buckets);
        long rows = 0;
        long bad = 0;
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String head = r.readLine();
            List<String> columns = head == null ? List.of() : Csv.parseLine(head.replace("\uFEFF", ""));
            // Files written before the intensity column have the same header without its last column.
            if (!columns.equals(SamplesCsv.HEADER)
                    && !columns.equals(SamplesCsv.HEADER.subList(0, SamplesCsv.HEADER.size() - 1))) {
                throw new IOException("not a samples file (unexpected header)");
            }
            int n = columns.size();
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
}
