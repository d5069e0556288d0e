package io.mlco2.tracker.hardware;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Matches a device name as the hardware reports it to a table row name. Both are reduced to tokens without vendor
 * noise ({@code (R)}, {@code CPU @ 2.40GHz}, {@code NVIDIA}, {@code 64-Core Processor}). A row matches when every
 * model-number token of the row (a token with a digit that is not a memory size) is in the query; a row without
 * one must have all its tokens in the query and the query must carry no model number. Among matches the row
 * sharing the most tokens wins, then the one with the fewest tokens the query lacks.
 */
final class NameMatcher {

    private static final Pattern NOISE = Pattern.compile(
            "\\((r|tm|c)\\)|®|™|@\\s*[0-9.]+\\s*[gm]hz|\\b[0-9]+-core\\b|\\bwith radeon[a-z0-9 ]*graphics\\b"
                    + "|\\b(cpu|processor|nvidia|geforce|tesla|corporation|inc)\\b");
    private static final Pattern SEPARATORS = Pattern.compile("[^a-z0-9./+]+");
    /** What {@link #isMemorySize} matches. */
    static final Pattern MEMORY_SIZE = Pattern.compile("[0-9]+(/[0-9]+)?gb");
    private static final Pattern SPACED_GB = Pattern.compile("([0-9])\\s+gb\\b");

    record Row<T>(String name, List<String> tokens, Set<String> modelTokens, T value) {
    }

    private NameMatcher() {
    }

    static String normalize(String name) {
        String s = name.toLowerCase(Locale.ROOT);
        s = NOISE.matcher(s).replaceAll(" ");
        s = SPACED_GB.matcher(s).replaceAll("$1gb");
        return SEPARATORS.matcher(s).replaceAll(" ").trim();
    }

    static List<String> tokens(String name) {
        String n = normalize(name);
        if (n.isEmpty()) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (String t : n.split(" ")) {
            String trimmed = trimPunctuation(t);
            if (!trimmed.isEmpty()) {
                out.add(trimmed);
            }
        }
        return out;
    }

    /**
     * {@code t.replaceAll("^[./+]+|[./]+$", "")}, written out: this runs per token of every GPU row at start-up,
     * and {@code String.replaceAll} compiles its pattern at each call.
     */
    static String trimPunctuation(String t) {
        int start = 0;
        int end = t.length();
        while (start < end && (t.charAt(start) == '.' || t.charAt(start) == '/' || t.charAt(start) == '+')) {
            start++;
        }
        while (end > start && (t.charAt(end - 1) == '.' || t.charAt(end - 1) == '/')) {
            end--;
        }
        return t.substring(start, end);
    }

    static <T> Row<T> row(String name, T value) {
        List<String> tokens = tokens(name);
        Set<String> model = new LinkedHashSet<>();
        for (String t : tokens) {
            if (isModelToken(t)) {
                model.add(t);
            }
        }
        return new Row<>(name, List.copyOf(tokens), Set.copyOf(model), value);
    }

    /**
     * A row whose tokens were computed ahead of time ({@code scripts/build-data.py}, space-separated, checked
     * against {@link #tokens} by a test): no regular expression runs.
     */
    static <T> Row<T> row(String name, String precomputedTokens, T value) {
        List<String> tokens = precomputedTokens.isEmpty() ? List.of() : List.of(precomputedTokens.split(" "));
        Set<String> model = new LinkedHashSet<>();
        for (String t : tokens) {
            if (isModelToken(t)) {
                model.add(t);
            }
        }
        return new Row<>(name, tokens, Set.copyOf(model), value);
    }

    /** A token with a digit that is not a memory size ({@link #MEMORY_SIZE}, written out: this runs per row). */
    static boolean isModelToken(String t) {
        boolean digit = false;
        for (int i = 0; i < t.length() && !digit; i++) {
            digit = Character.isDigit(t.charAt(i));
        }
        return digit && !isMemorySize(t);
    }

    /** {@code [0-9]+(/[0-9]+)?gb}, the whole token. */
    private static boolean isMemorySize(String t) {
        int end = t.length() - 2;
        if (end < 1 || !t.startsWith("gb", end)) {
            return false;
        }
        int i = digits(t, 0, end);
        if (i == 0) {
            return false;
        }
        if (i == end) {
            return true;
        }
        if (t.charAt(i) != '/') {
            return false;
        }
        int j = digits(t, i + 1, end);
        return j > i + 1 && j == end;
    }

    private static int digits(String t, int from, int end) {
        int i = from;
        while (i < end && t.charAt(i) >= '0' && t.charAt(i) <= '9') {
            i++;
        }
        return i;
    }

    static <T> Optional<Row<T>> best(String query, List<Row<T>> rows) {
        List<String> q = tokens(query);
        if (q.isEmpty()) {
            return Optional.empty();
        }
        String joined = String.join(" ", q);
        for (Row<T> r : rows) {
            if (String.join(" ", r.tokens()).equals(joined)) {
                return Optional.of(r);
            }
        }
        Set<String> qs = new LinkedHashSet<>(q);
        boolean queryHasModel = false;
        for (String t : qs) {
            queryHasModel |= isModelToken(t);
        }
        Row<T> best = null;
        int bestShared = -1;
        int bestMissing = Integer.MAX_VALUE;
        for (Row<T> r : rows) {
            boolean matches = r.modelTokens().isEmpty()
                    ? !queryHasModel && qs.containsAll(r.tokens())
                    : qs.containsAll(r.modelTokens());
            if (!matches) {
                continue;
            }
            int shared = 0;
            for (String t : r.tokens()) {
                if (qs.contains(t)) {
                    shared++;
                }
            }
            int missing = r.tokens().size() - shared;
            if (shared > bestShared || (shared == bestShared && missing < bestMissing)) {
                best = r;
                bestShared = shared;
                bestMissing = missing;
            }
        }
        return Optional.ofNullable(best);
    }

    /**
     * Up to {@code limit} row names closest to {@code query}: the sum over the query's tokens of the edit distance to
     * the nearest row token ({@code H300} is near {@code H200 SXM}), then the distance between the whole names.
     */
    static <T> List<String> closest(String query, List<Row<T>> rows, int limit) {
        List<String> q = tokens(query);
        String joined = String.join(" ", q);
        record Scored(String name, int tokens, int whole) {
        }
        return rows.stream()
                .map(r -> new Scored(r.name(), q.stream().mapToInt(t -> r.tokens().stream()
                        .mapToInt(rt -> distance(t, rt)).min().orElse(t.length())).sum(),
                        distance(joined, String.join(" ", r.tokens()))))
                .sorted(Comparator.comparingInt(Scored::tokens).thenComparingInt(Scored::whole))
                .limit(limit)
                .map(Scored::name)
                .toList();
    }

    static int distance(String a, String b) {
        return io.mlco2.tracker.config.Levenshtein.distance(a, b);
    }

}
