package io.mlco2.tracker.format;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small JSON reader for the tests: reads a whole document into {@link LinkedHashMap}, {@link ArrayList},
 * {@link String}, {@link Long} (integers that fit), {@link Double}, {@link Boolean} and {@code null}, enough for
 * the data tables' JSON files (test resources) the tests compare the agent's tab-separated tables with.
 */
public final class JsonReader {

    private JsonReader() {
    }

    /** Parses a class-path resource (UTF-8). */
    public static Object parseResource(Class<?> owner, String resource) {
        try (InputStream in = owner.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("resource " + resource + " missing from the test class path");
            }
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + resource, e);
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
            throw new IllegalStateException("no array '" + key + "'");
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
}
