package io.mlco2.tracker.hardware;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the byte-identical copies of the ML CO2 Impact calculator's CSV files kept under
 * {@code src/test/resources/io/mlco2/tracker/data/raw/} (copied by {@code scripts/build-data.py}), so that tests
 * compute their expectations from the calculator's own data rather than from our generated resources.
 */
public final class RawCsv {

    private RawCsv() {
    }

    /** Rows as header -> cell (header and cells trimmed); rows with fewer cells get empty strings. */
    public static List<Map<String, String>> read(String file) {
        return read(file, false);
    }

    /** As {@link #read(String)}, for a file whose first row is a comment (Green Algorithms' tables: units). */
    public static List<Map<String, String>> readSkippingFirstRow(String file) {
        return read(file, true);
    }

    private static List<Map<String, String>> read(String file, boolean skipFirstRow) {
        String text;
        try (InputStream in = RawCsv.class.getResourceAsStream("/io/mlco2/tracker/data/raw/" + file)) {
            if (in == null) {
                throw new IllegalStateException("test resource raw/" + file + " missing");
            }
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("\uFEFF", "");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<List<String>> rows = parse(text);
        if (skipFirstRow) {
            rows = rows.subList(1, rows.size());
        }
        List<String> header = rows.get(0).stream().map(String::trim).toList();
        List<Map<String, String>> out = new ArrayList<>();
        for (List<String> r : rows.subList(1, rows.size())) {
            if (r.stream().allMatch(String::isBlank)) {
                continue;
            }
            Map<String, String> m = new LinkedHashMap<>();
            for (int i = 0; i < header.size(); i++) {
                m.put(header.get(i), i < r.size() ? r.get(i).trim() : "");
            }
            out.add(m);
        }
        return out;
    }

    static List<List<String>> parse(String text) {
        List<List<String>> rows = new ArrayList<>();
        List<String> row = new ArrayList<>();
        StringBuilder cell = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < text.length() && text.charAt(i + 1) == '"') {
                    cell.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    cell.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                row.add(cell.toString());
                cell.setLength(0);
            } else if (c == '\n') {
                row.add(cell.toString());
                cell.setLength(0);
                rows.add(row);
                row = new ArrayList<>();
            } else if (c != '\r') {
                cell.append(c);
            }
        }
        if (cell.length() > 0 || !row.isEmpty()) {
            row.add(cell.toString());
            rows.add(row);
        }
        return rows;
    }

    /** A row of the calculator's impact.csv as our region id; the calculator leaves Scaleway's id empty, we bundle
     * it as {@code scaleway:fr-par} (docs/DATA.md). */
    public static String calculatorRegionId(Map<String, String> raw) {
        String region = raw.get("region").isEmpty() && raw.get("provider").equals("scaleway") ? "fr-par" : raw.get("region");
        return raw.get("provider") + ":" + region;
    }
}
