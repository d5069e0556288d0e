package io.mlco2.tracker.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Value parsers for configuration keys. Each throws {@link IllegalArgumentException} on a value it does not accept. */
public final class Parsers {

    private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h)?");

    private Parsers() {
    }

    public static Function<String, String> string() {
        return s -> {
            if (s.isBlank()) {
                throw new IllegalArgumentException("empty");
            }
            return s.trim();
        };
    }

    /** A duration such as {@code 500ms}, {@code 1s}, {@code 2m}, {@code 1h}; a bare number is seconds. */
    public static Function<String, Duration> duration(Duration min) {
        return s -> {
            Matcher m = DURATION.matcher(s.trim().toLowerCase(Locale.ROOT));
            if (!m.matches()) {
                throw new IllegalArgumentException("not a duration");
            }
            double n = Double.parseDouble(m.group(1));
            String unit = m.group(2) == null ? "s" : m.group(2);
            double nanos = switch (unit) {
                case "ms" -> n * 1e6;
                case "s" -> n * 1e9;
                case "m" -> n * 60e9;
                default -> n * 3600e9;
            };
            Duration d = Duration.ofNanos((long) nanos);
            if (d.compareTo(min) < 0) {
                throw new IllegalArgumentException("below the minimum " + format(min));
            }
            return d;
        };
    }

    public static Function<String, Double> doubleIn(double minInclusive, double maxInclusive) {
        return s -> {
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
        };
    }

    public static Function<String, Integer> intIn(int minInclusive, int maxInclusive) {
        return s -> {
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
        };
    }

    public static Function<String, Boolean> bool() {
        return s -> switch (s.trim().toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on", "1" -> true;
            case "false", "no", "off", "0" -> false;
            default -> throw new IllegalArgumentException("not a boolean");
        };
    }

    public static Function<String, String> oneOf(String... choices) {
        List<String> list = Arrays.asList(choices);
        return s -> {
            String v = s.trim().toLowerCase(Locale.ROOT);
            if (!list.contains(v)) {
                throw new IllegalArgumentException("not one of " + list);
            }
            return v;
        };
    }

    /** A comma-separated list of non-empty items. */
    public static Function<String, List<String>> list() {
        return s -> {
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
        };
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
