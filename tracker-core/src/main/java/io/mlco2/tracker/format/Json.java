package io.mlco2.tracker.format;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small JSON reader and writer for the agent's start-up and exit paths, where loading Jackson (some 450 classes)
 * cost more than the work itself (docs/PERFORMANCE.md, start-up). Jackson stays for the command line.
 *
 * <ul>
 *   <li>{@link #parse} reads a whole document into {@link LinkedHashMap}, {@link ArrayList}, {@link String},
 *       {@link Long} (integers that fit), {@link Double}, {@link Boolean} and {@code null}: enough for the bundled
 *       data files.</li>
 *   <li>{@link #writePretty} writes maps, collections, strings, booleans, boxed primitives and {@code null}
 *       byte for byte as Jackson's {@code ObjectMapper} with {@code INDENT_OUTPUT} does (its default pretty
 *       printer: two-space indent, {@code " : "}, arrays on one line, {@code NaN} as a string). It returns
 *       {@code null} for any other type, and the caller falls back to Jackson.</li>
 * </ul>
 */
public final class Json {

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();
    private static final String EOL = System.lineSeparator();

    private Json() {
    }

    // ---------------------------------------------------------------- reading

    /** Parses a bundled resource (UTF-8). */
    public static Object parseResource(Class<?> owner, String resource) {
        try (InputStream in = owner.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("bundled data file " + resource + " missing from the jar");
            }
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read bundled " + resource, e);
        }
    }

    /** Parses one JSON document. */
    public static Object parse(String text) {
        Reader r = new Reader(text);
        r.skipSpace();
        Object v = r.value();
        r.skipSpace();
        if (r.pos != text.length()) {
            throw r.error("trailing characters");
        }
        return v;
    }

    /** {@code map.get(key)} of an object, as text ({@code ""} when absent or null). */
    public static String text(Map<?, ?> object, String key) {
        Object v = object.get(key);
        return v == null ? "" : v instanceof String s ? s : String.valueOf(v);
    }

    /** {@code map.get(key)} of an object, as a number ({@code 0} when absent or not a number). */
    public static double number(Map<?, ?> object, String key) {
        Object v = object.get(key);
        if (v instanceof Number n) {
            return n.doubleValue();
        }
        if (v instanceof String s) {
            try {
                return Double.parseDouble(s.trim());
            } catch (NumberFormatException e) {
                return 0;
            }
        }
        return 0;
    }

    /** The array under {@code key} of an object. */
    @SuppressWarnings("unchecked")
    public static List<Map<String, Object>> objects(Object document, String key) {
        if (!(document instanceof Map<?, ?> m) || !(m.get(key) instanceof List<?> list)) {
            throw new IllegalStateException("bundled data: no array '" + key + "'");
        }
        return (List<Map<String, Object>>) list;
    }

    private static final class Reader {
        private final String s;
        private int pos;
        /** Position of the next backslash at or after some earlier position (-1: none left); kept to stay linear. */
        private int nextBackslash = -2;

        Reader(String s) {
            this.s = s;
        }

        IllegalStateException error(String what) {
            return new IllegalStateException("bad JSON at offset " + pos + ": " + what);
        }

        void skipSpace() {
            while (pos < s.length()) {
                char c = s.charAt(pos);
                if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
                    return;
                }
                pos++;
            }
        }

        Object value() {
            if (pos >= s.length()) {
                throw error("unexpected end");
            }
            char c = s.charAt(pos);
            switch (c) {
                case '{':
                    return object();
                case '[':
                    return array();
                case '"':
                    return string();
                case 't':
                    return literal("true", Boolean.TRUE);
                case 'f':
                    return literal("false", Boolean.FALSE);
                case 'n':
                    return literal("null", null);
                default:
                    return number();
            }
        }

        private Object literal(String word, Object v) {
            if (!s.startsWith(word, pos)) {
                throw error("expected " + word);
            }
            pos += word.length();
            return v;
        }

        private Map<String, Object> object() {
            Map<String, Object> m = new LinkedHashMap<>();
            pos++;
            skipSpace();
            if (pos < s.length() && s.charAt(pos) == '}') {
                pos++;
                return m;
            }
            while (true) {
                skipSpace();
                if (pos >= s.length() || s.charAt(pos) != '"') {
                    throw error("expected a field name");
                }
                String k = string();
                skipSpace();
                expect(':');
                skipSpace();
                m.put(k, value());
                skipSpace();
                if (pos >= s.length()) {
                    throw error("unterminated object");
                }
                char c = s.charAt(pos++);
                if (c == '}') {
                    return m;
                }
                if (c != ',') {
                    throw error("expected , or }");
                }
            }
        }

        private List<Object> array() {
            List<Object> a = new ArrayList<>();
            pos++;
            skipSpace();
            if (pos < s.length() && s.charAt(pos) == ']') {
                pos++;
                return a;
            }
            while (true) {
                skipSpace();
                a.add(value());
                skipSpace();
                if (pos >= s.length()) {
                    throw error("unterminated array");
                }
                char c = s.charAt(pos++);
                if (c == ']') {
                    return a;
                }
                if (c != ',') {
                    throw error("expected , or ]");
                }
            }
        }

        private void expect(char c) {
            if (pos >= s.length() || s.charAt(pos) != c) {
                throw error("expected " + c);
            }
            pos++;
        }

        private String string() {
            pos++; // opening quote
            int start = pos;
            int end = s.indexOf('"', start);
            if (end < 0) {
                throw error("unterminated string");
            }
            if (nextBackslash != -1 && nextBackslash < start) {
                nextBackslash = s.indexOf('\\', start);
            }
            if (nextBackslash < 0 || nextBackslash > end) { // the common case: no escape
                pos = end + 1;
                return s.substring(start, end);
            }
            StringBuilder b = new StringBuilder();
            while (true) {
                if (pos >= s.length()) {
                    throw error("unterminated string");
                }
                char c = s.charAt(pos++);
                if (c == '"') {
                    return b.toString();
                }
                if (c != '\\') {
                    b.append(c);
                    continue;
                }
                if (pos >= s.length()) {
                    throw error("unterminated escape");
                }
                char e = s.charAt(pos++);
                switch (e) {
                    case '"', '\\', '/' -> b.append(e);
                    case 'b' -> b.append('\b');
                    case 'f' -> b.append('\f');
                    case 'n' -> b.append('\n');
                    case 'r' -> b.append('\r');
                    case 't' -> b.append('\t');
                    case 'u' -> {
                        if (pos + 4 > s.length()) {
                            throw error("short \\u escape");
                        }
                        try {
                            b.append((char) Integer.parseInt(s, pos, pos + 4, 16));
                        } catch (NumberFormatException x) {
                            throw error("bad \\u escape");
                        }
                        pos += 4;
                    }
                    default -> throw error("bad escape \\" + e);
                }
            }
        }

        private Object number() {
            int start = pos;
            boolean integral = true;
            while (pos < s.length()) {
                char c = s.charAt(pos);
                if (c >= '0' && c <= '9' || c == '-' || c == '+') {
                    pos++;
                } else if (c == '.' || c == 'e' || c == 'E') {
                    integral = false;
                    pos++;
                } else {
                    break;
                }
            }
            if (start == pos) {
                throw error("unexpected character '" + s.charAt(pos) + "'");
            }
            String t = s.substring(start, pos);
            try {
                if (integral && t.length() < 19) {
                    return Long.parseLong(t);
                }
                return Double.parseDouble(t);
            } catch (NumberFormatException e) {
                throw error("bad number " + t);
            }
        }
    }

    // ---------------------------------------------------------------- writing

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
