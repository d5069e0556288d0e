package io.mlco2.tracker.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * Value parsers for configuration keys. Each throws {@link IllegalArgumentException} on a value it does not accept.
 *
 * <p>One class with a switch rather than a lambda per parser, and durations read without a regular expression: the
 * configuration loads on the agent's start-up path, where each lambda is a class spun at its first use and a
 * pattern a compilation, on a cold JVM (docs/PERFORMANCE.md, start-up).
 */
public final class Parsers {

    private Parsers() {
    }

    private enum Kind { STRING, DURATION, DOUBLE, INT, BOOL, ONE_OF, LIST, RANGE }

    /** A parser: its kind and bounds. */
    private static final class Parser<T> implements Function<String, T> {
        private final Kind kind;
        private final Duration minDuration;
        private final double min;
        private final double max;
        private final List<String> choices;

        Parser(Kind kind, Duration minDuration, double min, double max, List<String> choices) {
            this.kind = kind;
            this.minDuration = minDuration;
            this.min = min;
            this.max = max;
            this.choices = choices;
        }

        @Override
        @SuppressWarnings("unchecked")
        public T apply(String s) {
            return (T) switch (kind) {
                case STRING -> string(s);
                case DURATION -> duration(s, minDuration);
                case DOUBLE -> doubleIn(s, min, max);
                case INT -> intIn(s, (int) min, (int) max);
                case BOOL -> bool(s);
                case ONE_OF -> oneOf(s, choices);
                case LIST -> list(s);
                case RANGE -> range(s, min, max);
            };
        }
    }

    public static Function<String, String> string() {
        return new Parser<>(Kind.STRING, null, 0, 0, null);
    }

    private static String string(String s) {
        if (s.isBlank()) {
            throw new IllegalArgumentException("empty");
        }
        return s.trim();
    }

    /** The longest duration any key accepts: a value above it is a typo, not a plan (nanoseconds overflow at ~292 years). */
    public static final Duration MAX_DURATION = Duration.ofHours(24);

    /** A duration such as {@code 500ms}, {@code 1s}, {@code 2m}, {@code 1h}; a bare number is seconds. */
    public static Function<String, Duration> duration(Duration min) {
        return new Parser<>(Kind.DURATION, min, 0, 0, null);
    }

    /**
     * {@code digits[.digits][blanks][ms|s|m|h]} after trimming, case-insensitive: what the regular expression
     * {@code (\d+(?:\.\d+)?)\s*(ms|s|m|h)?} accepted ({@code ConfigTest} compares them).
     */
    private static Duration duration(String text, Duration min) {
        String s = text.trim().toLowerCase(Locale.ROOT);
        int n = s.length();
        int i = digits(s, 0);
        if (i == 0) {
            throw new IllegalArgumentException("not a duration");
        }
        if (i < n && s.charAt(i) == '.') {
            int j = digits(s, i + 1);
            if (j == i + 1) {
                throw new IllegalArgumentException("not a duration");
            }
            i = j;
        }
        double v = Double.parseDouble(s.substring(0, i));
        while (i < n && isRegexSpace(s.charAt(i))) {
            i++;
        }
        String unit = s.substring(i);
        double nanos = switch (unit) {
            case "ms" -> v * 1e6;
            case "", "s" -> v * 1e9;
            case "m" -> v * 60e9;
            case "h" -> v * 3600e9;
            default -> throw new IllegalArgumentException("not a duration");
        };
        if (!(nanos <= MAX_DURATION.toNanos())) {
            throw new IllegalArgumentException("above the maximum " + format(MAX_DURATION));
        }
        Duration d = Duration.ofNanos((long) nanos);
        if (d.compareTo(min) < 0) {
            throw new IllegalArgumentException("below the minimum " + format(min));
        }
        return d;
    }

    /** The end of the ASCII digits of {@code s} from {@code from}. */
    private static int digits(String s, int from) {
        int i = from;
        while (i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
            i++;
        }
        return i;
    }

    /** A regular expression's {@code \s}: space, tab, line feed, vertical tab, form feed, carriage return. */
    private static boolean isRegexSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\u000B' || c == '\f' || c == '\r';
    }

    public static Function<String, Double> doubleIn(double minInclusive, double maxInclusive) {
        return new Parser<>(Kind.DOUBLE, null, minInclusive, maxInclusive, null);
    }

    private static Double doubleIn(String s, double minInclusive, double maxInclusive) {
        double v;
        try {
            v = Double.parseDouble(s.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a number");
        }
        if (!(v >= minInclusive && v <= maxInclusive)) {
            throw new IllegalArgumentException("out of range");
        }
        return v;
    }

    public static Function<String, Integer> intIn(int minInclusive, int maxInclusive) {
        return new Parser<>(Kind.INT, null, minInclusive, maxInclusive, null);
    }

    private static Integer intIn(String s, int minInclusive, int maxInclusive) {
        int v;
        try {
            v = Integer.parseInt(s.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not an integer");
        }
        if (v < minInclusive || v > maxInclusive) {
            throw new IllegalArgumentException("out of range");
        }
        return v;
    }

    public static Function<String, Boolean> bool() {
        return new Parser<>(Kind.BOOL, null, 0, 0, null);
    }

    private static Boolean bool(String s) {
        return switch (s.trim().toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on", "1" -> true;
            case "false", "no", "off", "0" -> false;
            default -> throw new IllegalArgumentException("not a boolean");
        };
    }

    public static Function<String, String> oneOf(String... choices) {
        return new Parser<>(Kind.ONE_OF, null, 0, 0, Arrays.asList(choices));
    }

    private static String oneOf(String s, List<String> choices) {
        String v = s.trim().toLowerCase(Locale.ROOT);
        if (!choices.contains(v)) {
            throw new IllegalArgumentException("not one of " + choices);
        }
        return v;
    }

    /** A comma-separated list of non-empty items. */
    public static Function<String, List<String>> list() {
        return new Parser<>(Kind.LIST, null, 0, 0, null);
    }

    private static List<String> list(String s) {
        List<String> out = new ArrayList<>();
        for (String part : s.split(",")) {
            if (!part.isBlank()) {
                out.add(part.trim());
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("empty list");
        }
        return List.copyOf(out);
    }

    /**
     * Two numbers {@code low,high} with {@code minInclusive <= low <= high <= maxInclusive}, e.g. {@code 0.7,4.1}.
     */
    public static Function<String, List<Double>> range(double minInclusive, double maxInclusive) {
        return new Parser<>(Kind.RANGE, null, minInclusive, maxInclusive, null);
    }

    private static List<Double> range(String s, double minInclusive, double maxInclusive) {
        String[] parts = s.split(",", -1);
        if (parts.length != 2) {
            throw new IllegalArgumentException("not two numbers");
        }
        double low = doubleIn(parts[0], minInclusive, maxInclusive);
        double high = doubleIn(parts[1], minInclusive, maxInclusive);
        if (low > high) {
            throw new IllegalArgumentException("the first is above the second");
        }
        return List.of(low, high);
    }

    public static String format(Duration d) {
        long ms = d.toMillis();
        if (ms % 3_600_000 == 0) {
            return ms / 3_600_000 + "h";
        }
        if (ms % 60_000 == 0) {
            return ms / 60_000 + "m";
        }
        if (ms % 1000 == 0) {
            return ms / 1000 + "s";
        }
        return ms + "ms";
    }
}
