package io.mlco2.tracker.report.merge;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mlco2.tracker.carbon.Emissions;
import io.mlco2.tracker.energy.Component;
import io.mlco2.tracker.energy.Energy;
import io.mlco2.tracker.format.Csv;
import io.mlco2.tracker.report.EmissionsCsv;
import io.mlco2.tracker.timeseries.SamplesCsv;
import io.mlco2.tracker.timeseries.SamplesCsvReader;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Reads the reports of many runs or nodes: every {@code <run_id>.<node_id>.json} summary and {@code emissions.csv}
 * under the given folders (up to {@value #MAX_DEPTH} levels down, symbolic links not followed). In a folder, a run
 * that has a summary is taken from it (it names the host and node); the {@code emissions.csv} rows of other runs or
 * nodes are taken as they are. A summary still marked {@code "complete": false} (its JVM died without its exit hook)
 * is recovered from its samples file: energy up to the last sample, emissions from the summary's intensity and PUE,
 * marked incomplete. A samples file without a summary is named in the problems. A file or row that is malformed or
 * truncated is named in {@link Result#problems()} and skipped; the rest is read.
 *
 * <p>Reads are bounded: a {@code .json} over {@link #MAX_SUMMARY_BYTES} is not a summary of ours and is skipped
 * unread, a CSV record over {@link #MAX_RECORD_CHARS} ends that file's reading; a folder that cannot be listed is one
 * problem, not the end of the report. A file reached twice (the same folder given twice, a folder and its parent) is
 * read once. A quoted field may hold a line break (the agent writes user text that way).
 */
public final class ReportReader {

    static final int MAX_DEPTH = 4;
    /** Our summaries are a few KB; a larger {@code .json} is someone else's (a data set) and is not parsed. */
    static final long MAX_SUMMARY_BYTES = 1 << 20;
    /** Our rows are under 2 KB; one record longer than this is not ours (a sparse or binary file). */
    static final int MAX_RECORD_CHARS = 64 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * @param runs     the node runs found, in folder then file order
     * @param problems one line per skipped file or row: {@code path[:line]: why}
     * @param files    the report files read (including the ones with problems)
     */
    public record Result(List<NodeRun> runs, List<String> problems, int files) {
    }

    private ReportReader() {
    }

    public static Result read(List<Path> dirs) throws IOException {
        List<NodeRun> runs = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        int files = 0;
        Set<Path> seen = new HashSet<>();
        for (Path given : dirs) {
            Path root = given;
            try {
                root = given.toRealPath();
            } catch (IOException e) {
                // Listed below, where its problem is reported.
            }
            Map<Path, List<Path>> byFolder = new TreeMap<>();
            collect(root, byFolder, seen, problems);
            for (Map.Entry<Path, List<Path>> e : byFolder.entrySet()) {
                List<Path> list = e.getValue();
                list.sort(null);
                Set<String> summarised = new HashSet<>();
                Set<Path> jsons = new HashSet<>();
                for (Path f : list) {
                    if (f.getFileName().toString().endsWith(".json")) {
                        files++;
                        jsons.add(f);
                        try {
                            NodeRun r = readSummary(f);
                            runs.add(r);
                            summarised.add(r.runId());
                            summarised.add(r.runId() + '\n' + r.nodeId());
                        } catch (IOException | RuntimeException ex) {
                            problems.add(f + ": " + reason(ex));
                        }
                    }
                }
                for (Path f : list) {
                    String name = f.getFileName().toString();
                    if (name.endsWith(SamplesCsv.SUFFIX)
                            && !jsons.contains(f.resolveSibling(name.substring(0, name.length() - SamplesCsv.SUFFIX.length()) + ".json"))) {
                        problems.add(orphan(f));
                    }
                }
                for (Path f : list) {
                    if (f.getFileName().toString().equals(EmissionsCsv.FILE_NAME)) {
                        files++;
                        readEmissionsCsv(f, summarised, runs, problems);
                    }
                }
            }
        }
        return new Result(runs, problems, files);
    }

    /** The report files under {@code root}, by folder; unreadable folders are problems; files seen before skipped. */
    private static void collect(Path root, Map<Path, List<Path>> byFolder, Set<Path> seen, List<String> problems)
            throws IOException {
        if (!Files.isDirectory(root)) {
            problems.add(root + ": not a folder; skipped");
            return;
        }
        Files.walkFileTree(root, java.util.EnumSet.noneOf(java.nio.file.FileVisitOption.class), MAX_DEPTH,
                new java.nio.file.SimpleFileVisitor<Path>() {
                    @Override
                    public java.nio.file.FileVisitResult visitFile(Path f, java.nio.file.attribute.BasicFileAttributes a) {
                        if (a.isRegularFile() && isReport(f) && seen.add(f.toAbsolutePath().normalize())) {
                            byFolder.computeIfAbsent(f.getParent(), k -> new ArrayList<>()).add(f);
                        }
                        return java.nio.file.FileVisitResult.CONTINUE;
                    }

                    @Override
                    public java.nio.file.FileVisitResult visitFileFailed(Path f, IOException e) {
                        problems.add(f + ": cannot be read (" + reason(e) + "); skipped");
                        return java.nio.file.FileVisitResult.CONTINUE;
                    }
                });
    }

    private static boolean isReport(Path f) {
        String n = f.getFileName().toString();
        return n.equals(EmissionsCsv.FILE_NAME) || (n.endsWith(".json") && !n.startsWith("."))
                || n.endsWith(SamplesCsv.SUFFIX);
    }

    /** The problem line of a samples file whose summary is missing: what it holds, and that it is not counted. */
    static String orphan(Path samples) {
        String what;
        try {
            SamplesCsvReader.Last last = SamplesCsvReader.last(samples);
            what = Csv.num(Energy.kwh(last.totalJoules())) + " kWh up to " + (last.time().isEmpty() ? "its start"
                    : last.time());
        } catch (IOException | RuntimeException e) {
            what = "unreadable: " + reason(e);
        }
        String name = samples.getFileName().toString();
        return samples + ": a time series without its summary ("
                + name.substring(0, name.length() - SamplesCsv.SUFFIX.length()) + ".json missing); its energy ("
                + what + ") is not counted, having no carbon intensity";
    }

    private static String reason(Exception e) {
        String m = e.getMessage();
        if (m != null) {
            int nl = m.indexOf('\n');
            m = nl > 0 ? m.substring(0, nl) : m;
        }
        return e instanceof com.fasterxml.jackson.core.JsonProcessingException
                ? "not valid JSON (truncated?): " + m : m == null ? e.getClass().getSimpleName() : m;
    }

    static NodeRun readSummary(Path f) throws IOException {
        long size = Files.size(f);
        if (size > MAX_SUMMARY_BYTES) {
            throw new IOException(size + " bytes: not an mlco2 run summary (those are a few KB); not read");
        }
        JsonNode n = JSON.readTree(f.toFile());
        if (n == null || !n.isObject() || !n.path("run_id").isTextual() || !n.path("energy_kwh").isObject()) {
            throw new IOException("not an mlco2 run summary (no run_id or energy_kwh)");
        }
        JsonNode e = n.get("energy_kwh");
        String runId = n.get("run_id").asText();
        StringBuilder methods = new StringBuilder();
        n.path("methods").fields().forEachRemaining(m -> methods.append(methods.length() == 0 ? "" : " ")
                .append(m.getKey()).append('=').append(m.getValue().asText()));
        Path samples = sibling(f, SamplesCsv.SUFFIX);
        boolean hasSamples = Files.isRegularFile(samples, java.nio.file.LinkOption.NOFOLLOW_LINKS);
        String host = n.path("hostname").asText("unknown");
        String nodeId = n.path("node").path("id").asText("");
        double intensity = number(n, "carbon_intensity_g_per_kwh", false);
        if (n.path("complete").isBoolean() && !n.get("complete").asBoolean()) {
            // Its JVM died before its exit hook: the energy is in the samples it flushed.
            String why;
            double seconds = 0;
            double[] kwh = new double[3];
            if (!hasSamples) {
                why = "incomplete: JVM ended without its exit hook, and its samples file " + samples.getFileName()
                        + " is missing; energy unknown, counted as 0";
            } else {
                SamplesCsvReader.Last last = SamplesCsvReader.last(samples);
                seconds = last.elapsedSeconds();
                kwh[0] = Energy.kwh(last.energyJoules().get(Component.CPU));
                kwh[1] = Energy.kwh(last.energyJoules().get(Component.GPU));
                kwh[2] = Energy.kwh(last.energyJoules().get(Component.RAM));
                why = "incomplete: JVM ended without its exit hook; energy up to its last sample at "
                        + (last.time().isEmpty() ? "its start (no sample flushed)" : last.time());
            }
            double pue = number(n, "pue", false);
            if (Double.isNaN(intensity) || Double.isNaN(pue)) {
                throw new IOException("an incomplete summary without carbon_intensity_g_per_kwh or pue");
            }
            double kg = Emissions.kg(kwh[0] + kwh[1] + kwh[2], pue, intensity);
            return new NodeRun(runId, n.path("project_name").asText(""), host, n.path("start").asText(""), seconds,
                    kwh[0], kwh[1], kwh[2], kg, n.path("region").asText(""), intensity, methods.toString(), f,
                    hasSamples ? samples : null, nodeId, why);
        }
        return new NodeRun(runId, n.path("project_name").asText(""), host,
                n.path("start").asText(""), number(n, "duration_s", false),
                number(e, "cpu", true), number(e, "gpu", true), number(e, "ram", true),
                number(n, "emissions_kg", true), n.path("region").asText(""),
                intensity, methods.toString(), f, hasSamples ? samples : null, nodeId, "");
    }

    /** The file of the same JVM with {@code suffix}: the JSON's own stem, whatever the run id inside it says. */
    static Path sibling(Path json, String suffix) {
        String name = json.getFileName().toString();
        return json.resolveSibling(name.substring(0, name.length() - ".json".length()) + suffix);
    }

    private static double number(JsonNode n, String field, boolean required) throws IOException {
        JsonNode v = n.get(field);
        if (v == null || !v.isNumber()) {
            if (required) {
                throw new IOException("field " + field + " missing or not a number");
            }
            return Double.NaN;
        }
        double d = v.asDouble();
        if (required && (Double.isNaN(d) || d < 0)) {
            throw new IOException("field " + field + " is negative");
        }
        return d;
    }

    static void readEmissionsCsv(Path f, Set<String> summarised, List<NodeRun> runs, List<String> problems) {
        try (BufferedReader r = Files.newBufferedReader(f, StandardCharsets.UTF_8)) {
            String head = record(r, new int[] {0});
            String h = head == null ? "" : head.replace("\uFEFF", "").trim();
            if (!EmissionsCsv.HEADER_LINE.equals(h) && !EmissionsCsv.CODECARBON_HEADER_LINE.equals(h)) {
                problems.add(f + ": not an emissions.csv with CodeCarbon's header; file skipped");
                return;
            }
            // CodeCarbon's 38 columns, or ours: the same and node_id
            int n = EmissionsCsv.HEADER_LINE.equals(h) ? EmissionsCsv.HEADER.size() : EmissionsCsv.CODECARBON_HEADER.size();
            String folder = f.getParent() == null ? "" : String.valueOf(f.getParent().getFileName());
            String line;
            int[] lineNo = {1}; // the current record's last line, advanced by record()
            while ((line = record(r, lineNo)) != null) {
                if (line.isBlank()) {
                    continue;
                }
                List<String> v = Csv.parseLine(line);
                if (v.size() != n) {
                    problems.add(f + ":" + lineNo[0] + ": " + v.size() + " fields instead of " + n + " (truncated?); row skipped");
                    continue;
                }
                String runId = unformula(v.get(2));
                String nodeId = n > EmissionsCsv.CODECARBON_HEADER.size() ? v.get(n - 1) : "";
                // A row of a node whose summary was read; a row without a node id: of any node of that run
                if (summarised.contains(nodeId.isEmpty() ? runId : runId + '\n' + nodeId)) {
                    continue;
                }
                try {
                    double cpu = Double.parseDouble(v.get(10));
                    double gpu = Double.parseDouble(v.get(11));
                    double ram = Double.parseDouble(v.get(12));
                    double kg = Double.parseDouble(v.get(5));
                    double duration = v.get(4).isEmpty() ? Double.NaN : Double.parseDouble(v.get(4));
                    String region = !v.get(19).isEmpty() ? v.get(18) + ":" + v.get(19)
                            : !v.get(17).isEmpty() ? v.get(17) : v.get(16);
                    runs.add(new NodeRun(runId, unformula(v.get(1)), "?/" + folder, v.get(0), duration, cpu, gpu, ram,
                            kg, region, Double.NaN, "", f, null, nodeId, ""));
                } catch (NumberFormatException e) {
                    problems.add(f + ":" + lineNo[0] + ": a number does not parse (" + e.getMessage() + "); row skipped");
                }
            }
        } catch (IOException | RuntimeException e) {
            problems.add(f + ": " + reason(e));
        }
    }

    /**
     * The next CSV record: a line, and the lines after it while a quoted field is open (user text may hold a line
     * break). {@code lines[0]} is advanced to the record's last line. At most {@link #MAX_RECORD_CHARS} characters.
     */
    static String record(BufferedReader r, int[] lines) throws IOException {
        StringBuilder b = new StringBuilder();
        boolean quoted = false;
        int c;
        boolean any = false;
        while ((c = r.read()) >= 0) {
            any = true;
            if (c == '"') {
                quoted = !quoted; // a doubled quote toggles twice
            } else if (c == '\n' && !quoted) {
                lines[0]++;
                int end = b.length() > 0 && b.charAt(b.length() - 1) == '\r' ? b.length() - 1 : b.length();
                return b.substring(0, end);
            } else if (c == '\n') {
                lines[0]++;
            }
            if (b.length() >= MAX_RECORD_CHARS) {
                throw new IOException("line " + (lines[0] + 1) + " is longer than " + MAX_RECORD_CHARS
                        + " characters: not an emissions.csv of ours from there on; rest of the file skipped");
            }
            b.append((char) c);
        }
        if (!any) {
            return null;
        }
        lines[0]++;
        return b.toString();
    }

    /** Undoes {@link Csv#userText}'s protection of a leading formula character. */
    static String unformula(String s) {
        if (s.length() > 1 && s.charAt(0) == '\'' && "=+-@\t\r".indexOf(s.charAt(1)) >= 0) {
            return s.substring(1);
        }
        return s;
    }
}
