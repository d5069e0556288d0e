package io.mlco2.tracker.format;


import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** {@link Json} writes what Jackson's indented output writes, byte for byte; {@link JsonReader} reads what Jackson reads. */
class JsonTest {

    private static final ObjectMapper JACKSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    static Map<String, Object> sample() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("s", "plain");
        m.put("escapes", "q\" b\\ n\n r\r t\t bs\b ff\f nul\u0000 us\u001f del\u007f é ☃ \u2028 /");
        m.put("int", 3);
        m.put("long", -9_007_199_254_740_993L);
        m.put("d", 0.1);
        m.put("small", 1.2e-7);
        m.put("big", 6.02e23);
        m.put("whole", 2.0);
        m.put("negzero", -0.0);
        m.put("nan", Double.NaN);
        m.put("inf", Double.NEGATIVE_INFINITY);
        m.put("f", 1.5f);
        m.put("t", true);
        m.put("null", null);
        m.put("empty_map", Map.of());
        m.put("empty_list", List.of());
        m.put("list", Arrays.asList("a", 1, null, 2.5, false));
        Map<String, Object> inner = new LinkedHashMap<>();
        inner.put("x", 1);
        inner.put("nested", Map.of("y", List.of(Map.of("z", 1), List.of(), Map.of())));
        m.put("obj", inner);
        List<Object> rows = new ArrayList<>();
        rows.add(new LinkedHashMap<>(Map.of("device", "0")));
        rows.add(new LinkedHashMap<>(Map.of("device", "1")));
        m.put("rows", rows);
        return m;
    }

    @Test
    void writesWhatJacksonWrites() throws Exception {
        Map<String, Object> m = sample();
        assertEquals(JACKSON.writeValueAsString(m), Json.writePretty(m));
        assertEquals(JACKSON.writeValueAsString(List.of()), Json.writePretty(List.of()));
        assertEquals(JACKSON.writeValueAsString("x"), Json.writePretty("x"));
    }

    @Test
    void writesWhatJacksonWritesCompactAndDoubleArraysToo() throws Exception {
        Map<String, Object> m = sample();
        m.put("series", new double[] {0.0, 1.5, Double.NaN, -2e-9, 120.25});
        m.put("no_series", new double[0]);
        ObjectMapper compact = new ObjectMapper();
        assertEquals(compact.writeValueAsString(m), Json.writeCompact(m));
        assertEquals(JACKSON.writeValueAsString(m), Json.writePretty(m));
        assertEquals(compact.writeValueAsString(List.of(Map.of())), Json.writeCompact(List.of(Map.of())));
    }

    @Test
    void leavesOtherTypesToJackson() {
        record R(int a) {
        }
        assertNull(Json.writePretty(Map.of("r", new R(1))));
        assertNull(Json.writePretty(Map.of(1, "non-string key")));
        assertNull(Json.writePretty(Map.of("a", new int[] {1})));
        assertNull(Json.writeCompact(List.of(1, java.time.Instant.EPOCH)), "inside a list");
        assertNull(Json.writePretty(Map.of("a", List.of(List.of(new R(2))))), "deeper");
    }

    /** Where this writer leaves a value to Jackson, the fallbacks give Jackson's text; elsewhere this writer's. */
    @Test
    void theFallbacksGiveJacksonsTextForWhatThisWriterLeaves() throws Exception {
        Map<String, Object> plain = new java.util.LinkedHashMap<>();
        plain.put("a", 1.5);
        plain.put("b", List.of("x", true));
        assertEquals(Json.writePretty(plain), Json.prettyOrJackson(plain));
        assertEquals(Json.writeCompact(plain), Json.compactOrJackson(plain));
        Map<String, Object> other = Map.of("when", List.of(java.math.BigDecimal.ONE, new StringBuilder("sb")));
        assertEquals(JACKSON.writeValueAsString(other), Json.prettyOrJackson(other));
        assertEquals(new ObjectMapper().writeValueAsString(other), Json.compactOrJackson(other));
    }

    @Test
    void readsWhatJacksonReads() throws Exception {
        String text = JACKSON.writeValueAsString(sample()).replace("\"NaN\"", "null").replace("\"-Infinity\"", "null");
        Object ours = JsonReader.parse(text);
        Object theirs = JACKSON.readValue(text, Object.class);
        assertEquals(JACKSON.writeValueAsString(theirs), Json.writePretty(ours));
        assertEquals(List.of(1L, "\u00e9\u2603", Map.of()), JsonReader.parse(" [1, \"\\u00e9\\u2603\", {}] "));
    }

    @Test
    void rejectsBrokenDocuments() {
        for (String bad : List.of("", "{", "[1,]x", "{\"a\" 1}", "\"open", "[1] 2", "tru", "{\"a\":\"\\q\"}")) {
            assertThrows(IllegalStateException.class, () -> JsonReader.parse(bad), bad);
        }
    }
}
