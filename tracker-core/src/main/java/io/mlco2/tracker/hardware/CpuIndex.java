package io.mlco2.tracker.hardware;

import io.mlco2.tracker.format.Tsv;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The bundled CPU table as {@code cpus.tsv} ({@code scripts/build-data.py}: the rows of {@code cpus.json} with each
 * name's tokens and model-number tokens precomputed) and {@code cpus.idx} (the rows filed under one of their
 * model tokens). Matching one CPU name looks its model tokens up and builds rows only for the few that can match,
 * so that the agent's start-up neither parses, tokenises and holds 4,898 rows nor scans them
 * (docs/PERFORMANCE.md, start-up). The result is {@link NameMatcher#best} over the whole table: a row can only win
 * there if it "matches" (its model tokens are all in the query, or it has none and neither has the query), and
 * exactly those rows are kept, in table order.
 */
final class CpuIndex {

    private static final String RESOURCE = "/io/mlco2/tracker/data/cpus.tsv";
    private static final String LOOKUP = "/io/mlco2/tracker/data/cpus.idx";

    private final String text;
    /** {@code cpus.idx}: "token TAB offsets" lines sorted by token; each row of {@link #text} under one of its
     * model tokens (the rarest), rows without one under the empty token. */
    private final String lookup;
    private volatile List<NameMatcher.Row<Double>> all;

    CpuIndex(String text, String lookup) {
        this.text = text;
        this.lookup = lookup;
    }

    static CpuIndex bundled() {
        return new CpuIndex(Tsv.resourceText(CpuIndex.class, RESOURCE), Tsv.resourceText(CpuIndex.class, LOOKUP));
    }

    /** {@link NameMatcher#best}{@code (query, all())}, without building the rows that cannot match. */
    Optional<NameMatcher.Row<Double>> best(String query) {
        List<String> q = NameMatcher.tokens(query);
        if (q.isEmpty()) {
            return Optional.empty();
        }
        Set<String> qs = new LinkedHashSet<>(q);
        boolean hasModel = false;
        for (String t : qs) {
            hasModel |= NameMatcher.isModelToken(t);
        }
        // A row without a model token matches when all its tokens are in the query and the query has no model
        // token; one with model tokens when those are all in the query, so it is filed under one of the query's.
        List<Integer> offsets = new ArrayList<>();
        if (hasModel) {
            for (String t : qs) {
                if (NameMatcher.isModelToken(t)) {
                    lookup(t, offsets);
                }
            }
        } else {
            lookup("", offsets);
        }
        offsets.sort(null); // table order: NameMatcher.best breaks ties by it
        List<NameMatcher.Row<Double>> rows = new ArrayList<>();
        for (int pos : offsets) {
            int eol = text.indexOf('\n', pos);
            if (eol < 0) {
                eol = text.length();
            }
            int t1 = text.indexOf('\t', pos);
            int t2 = text.indexOf('\t', t1 + 1);
            int t3 = text.indexOf('\t', t2 + 1);
            if (t3 + 1 == eol ? !hasModel && allIn(t2 + 1, t3, qs) : allIn(t3 + 1, eol, qs)) {
                rows.add(row(pos, t1, t2, t3));
            }
        }
        return NameMatcher.best(query, rows);
    }

    /** Adds the offsets filed under {@code token} in {@link #lookup} (a binary search over its sorted lines). */
    private void lookup(String token, List<Integer> out) {
        int lo = 0;
        int hi = lookup.length();
        while (lo < hi) {
            int mid = lookup.lastIndexOf('\n', ((lo + hi) >>> 1) - 1) + 1; // start of the line at the middle
            if (mid < lo) {
                mid = lo;
            }
            int tab = lookup.indexOf('\t', mid);
            int eol = lookup.indexOf('\n', mid);
            if (eol < 0) {
                eol = lookup.length();
            }
            if (tab < 0 || tab > eol) {
                throw new IllegalStateException("bundled cpus.idx: a line without a tab at " + mid);
            }
            int c = compare(mid, tab, token);
            if (c == 0) {
                int p = tab + 1;
                while (p < eol) {
                    int sp = lookup.indexOf(' ', p);
                    int end = sp < 0 || sp > eol ? eol : sp;
                    out.add(Integer.parseInt(lookup, p, end, 10));
                    p = end + 1;
                }
                return;
            }
            if (c < 0) {
                lo = eol + 1;
            } else {
                hi = mid;
            }
        }
    }

    /** {@code lookup[from, to)} compared with {@code token}, as {@link String#compareTo} orders them. */
    private int compare(int from, int to, String token) {
        int n = Math.min(to - from, token.length());
        for (int i = 0; i < n; i++) {
            int d = lookup.charAt(from + i) - token.charAt(i);
            if (d != 0) {
                return d;
            }
        }
        return (to - from) - token.length();
    }

    private NameMatcher.Row<Double> row(int pos, int t1, int t2, int t3) {
        return NameMatcher.row(text.substring(pos, t1), text.substring(t2 + 1, t3),
                Double.parseDouble(text.substring(t1 + 1, t2)));
    }

    /** Which lines to build a row for, given the offsets of the line's 2nd and 3rd tab and of its end. */
    private interface LineFilter {
        boolean keep(int tab2, int tab3, int eol);
    }

    /** The rows of the lines {@code filter} keeps, in table order (lines {@code name\ttdp\ttokens\tmodel-tokens}). */
    private List<NameMatcher.Row<Double>> scan(LineFilter filter) {
        List<NameMatcher.Row<Double>> out = new ArrayList<>();
        int pos = 0;
        int n = text.length();
        while (pos < n) {
            int eol = text.indexOf('\n', pos);
            if (eol < 0) {
                eol = n;
            }
            if (text.charAt(pos) != '#') {
                int t1 = text.indexOf('\t', pos);
                int t2 = text.indexOf('\t', t1 + 1);
                int t3 = text.indexOf('\t', t2 + 1);
                if (filter.keep(t2, t3, eol)) {
                    out.add(row(pos, t1, t2, t3));
                }
            }
            pos = eol + 1;
        }
        return out;
    }

    /** Whether every space-separated token of {@code text[from, to)} is in {@code tokens}. */
    private boolean allIn(int from, int to, Set<String> tokens) {
        int p = from;
        while (p < to) {
            int sp = text.indexOf(' ', p);
            int end = sp < 0 || sp > to ? to : sp;
            if (!contains(tokens, p, end)) {
                return false;
            }
            p = end + 1;
        }
        return true;
    }

    private boolean contains(Set<String> tokens, int from, int to) {
        int len = to - from;
        for (String t : tokens) {
            if (t.length() == len && text.regionMatches(from, t, 0, len)) {
                return true;
            }
        }
        return false;
    }

    /** Every row, in table order (built on first use: the command line's suggestions). */
    List<NameMatcher.Row<Double>> all() {
        List<NameMatcher.Row<Double>> rows = all;
        if (rows == null) {
            List<NameMatcher.Row<Double>> out = scan((t2, t3, eol) -> true);
            rows = List.copyOf(out);
            all = rows;
        }
        return rows;
    }
}
