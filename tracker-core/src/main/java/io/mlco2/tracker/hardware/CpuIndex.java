package io.mlco2.tracker.hardware;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The bundled CPU table as {@code cpus.tsv} ({@code scripts/build-data.py}: the rows of {@code cpus.json} with each
 * name's tokens and model-number tokens precomputed). Matching one CPU name scans the text and builds rows only
 * for the few that can match, so that the agent's start-up does not parse, tokenise and hold 4,898 rows
 * (docs/PERFORMANCE.md, start-up). The result is {@link NameMatcher#best} over the whole table: a row can only win
 * there if it "matches" (its model tokens are all in the query, or it has none and neither has the query), and
 * exactly those rows are kept, in table order.
 */
final class CpuIndex {

    private static final String RESOURCE = "/io/mlco2/tracker/data/cpus.tsv";

    private final String text;
    private volatile List<NameMatcher.Row<Double>> all;

    private CpuIndex(String text) {
        this.text = text;
    }

    static CpuIndex bundled() {
        try (InputStream in = CpuIndex.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("bundled data file " + RESOURCE + " missing from the jar");
            }
            return new CpuIndex(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read bundled " + RESOURCE, e);
        }
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
        boolean queryHasModel = hasModel;
        // A row without a model token matches when all its tokens are in the query; one with model tokens when
        // those are.
        return NameMatcher.best(query, scan((t2, t3, eol) -> t3 + 1 == eol
                ? !queryHasModel && allIn(t2 + 1, t3, qs)
                : allIn(t3 + 1, eol, qs)));
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
                    out.add(NameMatcher.row(text.substring(pos, t1), text.substring(t2 + 1, t3),
                            Double.parseDouble(text.substring(t1 + 1, t2))));
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
