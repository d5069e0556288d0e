package io.mlco2.tracker.format;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * A small JSON writer for the agent's exit path, where loading Jackson (some 450 classes) cost more than the work
 * itself (docs/PERFORMANCE.md, start-up). Jackson stays for the command line.
 *
 * <p>{@link #writePretty} writes maps, collections, strings, booleans, boxed primitives and {@code null} byte for
 * byte as Jackson's {@code ObjectMapper} with {@code INDENT_OUTPUT} does (its default pretty printer: two-space
 * indent, {@code " : "}, arrays on one line, {@code NaN} as a string). It returns {@code null} for any other type,
 * and the caller falls back to Jackson.
 */
public final class Json {

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();
    private static final String EOL = System.lineSeparator();

    private Json() {
    }

    /**
     * {@code value} as Jackson's {@code new ObjectMapper().enable(INDENT_OUTPUT).writeValueAsString(value)} writes
     * it, or {@code null} when {@code value} holds a type this writer leaves to Jackson (records, beans, enums,
     * arrays, maps with keys that are not strings, ...).
     */
    public static String writePretty(Object value) {
        StringBuilder b = new StringBuilder(4096);
        return write(b, value, 0, true) ? b.toString() : null;
    }

    /**
     * {@code value} as Jackson's {@code new ObjectMapper().writeValueAsString(value)} writes it (no white space), or
     * {@code null} when {@code value} holds a type this writer leaves to Jackson.
     */
    public static String writeCompact(Object value) {
        StringBuilder b = new StringBuilder(4096);
        return write(b, value, 0, false) ? b.toString() : null;
    }

    /**
     * {@link #writePretty}, or Jackson's indented output where {@code value} holds a type this writer leaves to it
     * (Jackson is loaded only then).
     */
    public static String prettyOrJackson(Object value) throws IOException {
        String text = writePretty(value);
        return text != null ? text : Jackson.PRETTY.writeValueAsString(value);
    }

    /** {@link #writeCompact}, or Jackson's compact output where {@code value} holds a type left to it. */
    public static String compactOrJackson(Object value) throws IOException {
        String text = writeCompact(value);
        return text != null ? text : Jackson.COMPACT.writeValueAsString(value);
    }

    private static final class Jackson { // loaded only for the fallback
        static final com.fasterxml.jackson.databind.ObjectMapper COMPACT = new com.fasterxml.jackson.databind.ObjectMapper();
        static final com.fasterxml.jackson.databind.ObjectMapper PRETTY = new com.fasterxml.jackson.databind.ObjectMapper()
                .enable(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT);
    }

    private static boolean write(StringBuilder b, Object v, int level, boolean pretty) {
        if (v == null) {
            b.append("null");
        } else if (v instanceof String s) {
            string(b, s);
        } else if (v instanceof Boolean bool) {
            b.append(bool.booleanValue());
        } else if (v instanceof Double d) {
            floating(b, d, Double.toString(d));
        } else if (v instanceof Float f) {
            floating(b, f, Float.toString(f));
        } else if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte
                || v instanceof BigInteger || v instanceof BigDecimal) {
            b.append(v);
        } else if (v instanceof Map<?, ?> m) {
            return object(b, m, level, pretty);
        } else if (v instanceof Collection<?> c) {
            return array(b, c, level, pretty);
        } else if (v instanceof double[] a) {
            List<Double> boxed = new java.util.ArrayList<>(a.length);
            for (double d : a) {
                boxed.add(d);
            }
            return array(b, boxed, level, pretty);
        } else {
            return false;
        }
        return true;
    }

    private static void floating(StringBuilder b, double d, String text) {
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            b.append('"').append(text).append('"'); // Jackson's default: WRITE_NAN_AS_STRINGS
        } else {
            b.append(text);
        }
    }

    private static boolean object(StringBuilder b, Map<?, ?> m, int level, boolean pretty) {
        b.append('{');
        if (m.isEmpty()) {
            b.append(pretty ? " }" : "}");
            return true;
        }
        boolean first = true;
        for (Map.Entry<?, ?> e : m.entrySet()) {
            if (!(e.getKey() instanceof String k)) {
                return false;
            }
            b.append(first ? "" : ",");
            first = false;
            if (pretty) {
                indent(b, level + 1);
            }
            string(b, k);
            b.append(pretty ? " : " : ":");
            if (!write(b, e.getValue(), level + 1, pretty)) {
                return false;
            }
        }
        if (pretty) {
            indent(b, level);
        }
        b.append('}');
        return true;
    }

    private static boolean array(StringBuilder b, Collection<?> c, int level, boolean pretty) {
        b.append('[');
        if (c.isEmpty()) {
            b.append(pretty ? " ]" : "]");
            return true;
        }
        boolean first = true;
        for (Object o : c) {
            b.append(first ? (pretty ? " " : "") : (pretty ? ", " : ","));
            first = false;
            if (!write(b, o, level, pretty)) { // arrays do not indent (Jackson's inline array indenter)
                return false;
            }
        }
        b.append(pretty ? " ]" : "]");
        return true;
    }

    private static void indent(StringBuilder b, int level) {
        b.append(EOL);
        for (int i = 0; i < level; i++) {
            b.append("  ");
        }
    }

    /** A JSON string as Jackson escapes it: quote, backslash and control characters only. */
    static void string(StringBuilder b, String s) {
        b.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 0x20 && c != '"' && c != '\\') {
                b.append(c);
                continue;
            }
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                case '\b' -> b.append("\\b");
                case '\f' -> b.append("\\f");
                default -> b.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 0xF]);
            }
        }
        b.append('"');
    }
}
