package io.mlco2.tracker.hardware;

import io.mlco2.tracker.format.Tsv;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Cloud Carbon Footprint's per-vCPU CPU coefficients ({@code ccf-coefficients.tsv}: min and max watts per vCPU
 * per cloud and microarchitecture), its CPU model to microarchitecture lists ({@code cpu-architectures.tsv}), the
 * spread of the SPECpower servers of each architecture ({@code specpower-bands.tsv}) and the threads per package
 * of known server CPUs ({@code cpu-platforms.tsv}); built by {@code scripts/build-data.py}, sources in
 * {@code docs/DATA.md} and {@code docs/MODELS.md}. Loaded at the first use (only where no counter measures the
 * CPU). Immutable.
 */
public final class CcfCoefficients {

    private static final String DATA = "/io/mlco2/tracker/data/";

    /** One coefficient row: watts per vCPU at idle ({@code min}) and at 100 % ({@code max}). */
    public record Row(String cloud, String architecture, double minWattsPerVcpu, double maxWattsPerVcpu) {
    }

    /** The 10th and 90th percentiles of the SPECpower servers' watts per thread, at active idle and at 100 %. */
    public record Band(String architecture, int servers, double idleP10, double idleP90, double fullP10, double fullP90) {
    }

    private static final class Holder {
        static final CcfCoefficients BUNDLED = load();
    }

    private final List<Row> rows;
    /** {@code cpu-architectures.tsv}'s text: "model words TAB architecture" lines, scanned, not parsed. */
    private final String models;
    private final List<Band> bands;
    private final List<String[]> platforms;

    CcfCoefficients(List<Row> rows, String models, List<Band> bands, List<String[]> platforms) {
        this.rows = List.copyOf(rows);
        this.models = models;
        this.bands = List.copyOf(bands);
        this.platforms = List.copyOf(platforms);
    }

    public static CcfCoefficients bundled() {
        return Holder.BUNDLED;
    }

    private static CcfCoefficients load() {
        List<Row> rows = new ArrayList<>();
        for (String[] f : Tsv.rows(Tsv.resourceText(CcfCoefficients.class, DATA + "ccf-coefficients.tsv"), 4,
                "ccf-coefficients.tsv")) {
            rows.add(new Row(f[0], f[1], Double.parseDouble(f[2]), Double.parseDouble(f[3])));
        }
        List<Band> bands = new ArrayList<>();
        for (String[] f : Tsv.rows(Tsv.resourceText(CcfCoefficients.class, DATA + "specpower-bands.tsv"), 6,
                "specpower-bands.tsv")) {
            bands.add(new Band(f[0], Integer.parseInt(f[1]), Double.parseDouble(f[2]), Double.parseDouble(f[3]),
                    Double.parseDouble(f[4]), Double.parseDouble(f[5])));
        }
        return new CcfCoefficients(rows, Tsv.resourceText(CcfCoefficients.class, DATA + "cpu-architectures.tsv"), bands,
                Tsv.rows(Tsv.resourceText(CcfCoefficients.class, DATA + "cpu-platforms.tsv"), 3, "cpu-platforms.tsv"));
    }

    /** Every coefficient row, in file order (aws, gcp, azure). */
    public List<Row> rows() {
        return rows;
    }

    /** The rows of {@code cloud} ({@code aws}, {@code gcp}, {@code azure}); empty for another. */
    public List<Row> rows(String cloud) {
        List<Row> out = new ArrayList<>();
        for (Row r : rows) {
            if (r.cloud().equals(cloud)) {
                out.add(r);
            }
        }
        return out;
    }

    /** The row of {@code architecture} in {@code cloud}'s file, or {@code null}. */
    public Row row(String cloud, String architecture) {
        for (Row r : rows) {
            if (r.cloud().equals(cloud) && r.architecture().equals(architecture)) {
                return r;
            }
        }
        return null;
    }

    /** The SPECpower band of {@code architecture}, or {@code null}. */
    public Band band(String architecture) {
        for (Band b : bands) {
            if (b.architecture().equals(architecture)) {
                return b;
            }
        }
        return null;
    }

    /**
     * The microarchitecture of a CPU model string ({@code Intel(R) Xeon(R) Platinum 8275CL CPU @ 3.00GHz} is
     * {@code Cascade Lake}): the longest of CCF's listed models found in it as whole words; {@code null} when none
     * is (a hidden model such as {@code AMD EPYC Processor}).
     */
    public String architecture(String cpuModel) {
        // The lines are scanned in place (no split, no row objects): this runs on the agent's start-up path.
        String q = " " + String.join(" ", tokens(cpuModel)) + " ";
        int bestStart = -1;
        int bestLength = 0;
        int pos = 0;
        while (pos < models.length()) {
            int eol = models.indexOf('\n', pos);
            eol = eol < 0 ? models.length() : eol;
            int tab = models.indexOf('\t', pos);
            if (models.charAt(pos) != '#' && tab > pos && tab < eol && tab - pos > bestLength && wordsIn(q, pos, tab - pos)) {
                bestStart = pos;
                bestLength = tab - pos;
            }
            pos = eol + 1;
        }
        if (bestStart < 0) {
            return null;
        }
        int tab = bestStart + bestLength;
        int eol = models.indexOf('\n', tab);
        return models.substring(tab + 1, eol < 0 ? models.length() : eol);
    }

    /** Whether {@code models[start, start + length)} is in {@code q} (" words ") between spaces. */
    private boolean wordsIn(String q, int start, int length) {
        for (int p = 1; p + length < q.length(); p++) {
            if (q.charAt(p - 1) == ' ' && q.charAt(p + length) == ' ' && q.regionMatches(p, models, start, length)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Threads per package of a server CPU (CCF's AWS platforms: vCPUs per socket; Green Algorithms' table: 2 x
     * cores), as {@code {threads, "source: model"}}, or {@code null} when the CPU is not listed.
     */
    public String[] threadsPerPackage(String cpuModel) {
        List<String[]> lower = new ArrayList<>();
        for (String[] p : platforms) {
            lower.add(new String[] {String.join(" ", tokens(p[0])), p[1] + "\t" + p[2] + ": " + p[0]});
        }
        String[] best = longest(tokens(cpuModel), lower);
        return best == null ? null : best[1].split("\t", 2);
    }

    /**
     * The median threads per package of CCF's AWS platforms: what a VM whose CPU is hidden is taken to share a
     * package with, for the TDP estimate.
     */
    public int medianThreadsPerPackage() {
        List<Integer> t = new ArrayList<>();
        for (String[] p : platforms) {
            if (p[2].startsWith("ccf")) {
                t.add(Integer.parseInt(p[1]));
            }
        }
        t.sort(null);
        return t.isEmpty() ? 1 : t.get((t.size() - 1) / 2);
    }

    /** The row of {@code table} ({@code {tokens, value}}) whose tokens are the longest run found in {@code query}. */
    private static String[] longest(List<String> query, List<String[]> table) {
        String[] best = null;
        for (String[] row : table) {
            String[] t = row[0].split(" ");
            if ((best == null || row[0].length() > best[0].length()) && contains(query, t)) {
                best = row;
            }
        }
        return best;
    }

    private static boolean contains(List<String> query, String[] run) {
        for (int i = 0; i + run.length <= query.size(); i++) {
            boolean all = true;
            for (int j = 0; j < run.length && all; j++) {
                all = query.get(i + j).equals(run[j]);
            }
            if (all) {
                return true;
            }
        }
        return false;
    }

    /**
     * A CPU name's words as the lists are written (scripts/build-data.py {@code cpu_name_tokens}): lower case,
     * without {@code (R)}, {@code (TM)} and what follows {@code @}.
     */
    static List<String> tokens(String name) {
        String s = name == null ? "" : name.toLowerCase(Locale.ROOT).replace("(r)", " ").replace("(tm)", " ");
        int at = s.indexOf('@');
        if (at >= 0) {
            s = s.substring(0, at);
        }
        // split at white space and commas by hand: no regular expression on the agent's start-up path
        List<String> out = new ArrayList<>();
        int from = 0;
        for (int i = 0; i <= s.length(); i++) {
            if (i == s.length() || Character.isWhitespace(s.charAt(i)) || s.charAt(i) == ',') {
                if (i > from) {
                    out.add(s.substring(from, i));
                }
                from = i + 1;
            }
        }
        return out;
    }
}
