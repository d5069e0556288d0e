package io.mlco2.it.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads the agent's report files back, independently of the agent's own code. */
public final class Reports {

    private Reports() {
    }

    /**
     * The one report file of run {@code runId} with {@code suffix} in {@code dir}: report files are named
     * {@code <run_id>.<node_id><suffix>}, so this is the single file whose name starts with {@code runId.} and ends
     * with {@code suffix} (run ids of these tests need no sanitising). Fails when there is not exactly one.
     */
    public static Path file(Path dir, String runId, String suffix) throws IOException {
        try (var s = Files.list(dir)) {
            List<Path> l = s.filter(p -> p.getFileName().toString().startsWith(runId + ".")
                    && p.getFileName().toString().endsWith(suffix)).toList();
            if (l.size() != 1) {
                throw new AssertionError("expected one " + runId + ".<node>" + suffix + " in " + dir + ", found " + l);
            }
            return l.get(0);
        }
    }

    public static List<String> lines(Path file) throws IOException {
        return Files.readAllLines(file, StandardCharsets.UTF_8);
    }

    /** Splits a CSV line (RFC 4180 quotes). */
    public static List<String> fields(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean q = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (q) {
                if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    cur.append('"');
                    i++;
                } else if (c == '"') {
                    q = false;
                } else {
                    cur.append(c);
                }
            } else if (c == '"') {
                q = true;
            } else if (c == ',') {
                out.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        out.add(cur.toString());
        return out;
    }

    /** Rows of a CSV file as header-keyed maps. */
    public static List<Map<String, String>> rows(Path csv) throws IOException {
        List<String> lines = lines(csv);
        List<String> header = fields(lines.get(0));
        List<Map<String, String>> rows = new ArrayList<>();
        for (String l : lines.subList(1, lines.size())) {
            if (l.isEmpty()) {
                continue;
            }
            List<String> f = fields(l);
            if (f.size() != header.size()) {
                throw new AssertionError("row has " + f.size() + " fields, header " + header.size() + ": " + l);
            }
            Map<String, String> m = new LinkedHashMap<>();
            for (int i = 0; i < header.size(); i++) {
                m.put(header.get(i), f.get(i));
            }
            rows.add(m);
        }
        return rows;
    }

    public static JsonNode json(Path file) throws IOException {
        return new ObjectMapper().readTree(file.toFile());
    }

    /** The golden CodeCarbon header (a byte-identical copy of CodeCarbon's test data). */
    /** CodeCarbon's own 38-column header (the agent's file adds {@code node_id} after it). */
    public static String goldenHeader() throws IOException {
        try (var in = Reports.class.getResourceAsStream("/codecarbon_emissions_valid_headers.csv")) {
            String s = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return s.substring(0, s.indexOf('\n')).trim();
        }
    }
}
