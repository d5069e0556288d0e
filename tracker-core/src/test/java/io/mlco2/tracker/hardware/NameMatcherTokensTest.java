package io.mlco2.tracker.hardware;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * cpus.tsv carries cpus.json's rows with each name's tokens as scripts/build-data.py computes them, so that start-up
 * runs no JSON parser and no regular expression per row ({@link CpuIndex}). They must be exactly what
 * {@link NameMatcher} computes, and matching through the index must give what matching over every row gives;
 * re-run the script after changing NameMatcher.
 */
class NameMatcherTokensTest {

    private static List<NameMatcher.Row<Double>> jsonRows() throws Exception {
        JsonNode cpus;
        try (InputStream in = TdpTables.class.getResourceAsStream("/io/mlco2/tracker/data/cpus.json")) {
            cpus = new ObjectMapper().readTree(in).get("cpus");
        }
        List<NameMatcher.Row<Double>> rows = new ArrayList<>();
        cpus.forEach(c -> rows.add(NameMatcher.row(c.get("name").asText(), c.get("tdp_watts").asDouble())));
        return rows;
    }

    @Test
    void theTablesAreReadAsTheBuildWritesThem() throws Exception {
        // build-data.py writes ISO-8859-1 and Tsv.resourceText decodes it as such: the CPU names with a registered
        // sign or a no-break space come out as cpus.json has them (UTF-8 bytes read as Latin-1 would be two chars).
        String text = io.mlco2.tracker.format.Tsv.resourceText(TdpTables.class, "/io/mlco2/tracker/data/cpus.tsv");
        List<String> special = new ArrayList<>();
        for (NameMatcher.Row<Double> r : jsonRows()) {
            if (r.name().chars().anyMatch(ch -> ch > 0x7F)) {
                special.add(r.name());
                assertTrue(text.contains("\n" + r.name() + "\t"), r.name());
            }
        }
        assertTrue(special.size() >= 10, "the table has names with non-ASCII characters: " + special);
    }

    @Test
    void trimPunctuationIsTheRegexItReplaces() {
        for (String t : new String[] {"", ".", "+", "./+", "..a..", "+a+", "/a/", "a+", "+.a./", "a.b", "..", "x/"}) {
            assertEquals(t.replaceAll("^[./+]+|[./]+$", ""), NameMatcher.trimPunctuation(t), t);
        }
    }

    @Test
    void theIndexHoldsCpusJsonRowsWithTheTokensNameMatcherComputes() throws Exception {
        List<NameMatcher.Row<Double>> expected = jsonRows();
        List<NameMatcher.Row<Double>> index = CpuIndex.bundled().all();
        assertEquals(4898, expected.size());
        assertEquals(expected.size(), index.size());
        List<String> wrong = new ArrayList<>();
        for (int i = 0; i < expected.size(); i++) {
            if (!expected.get(i).equals(index.get(i))) {
                wrong.add(expected.get(i) + " vs " + index.get(i));
            }
        }
        assertEquals(List.of(), wrong, "cpus.tsv is stale: run scripts/build-data.py");
    }

    @Test
    void matchingThroughTheIndexIsMatchingOverEveryRow() throws Exception {
        List<NameMatcher.Row<Double>> rows = jsonRows();
        CpuIndex index = CpuIndex.bundled();
        List<String> queries = new ArrayList<>(List.of("Intel(R) Xeon(R) Processor", "Intel(R) Xeon(R) Gold 6148 CPU @ 2.40GHz",
                "AMD EPYC 7763 64-Core Processor", "AMD Ryzen 9 5950X 16-Core Processor", "Apple M2 Max",
                "Intel Core i7-8700K", "QEMU Virtual CPU version 2.5+", "", "   ", "(R)", "Intel Aubrey Isle",
                "intel", "xeon", "AMD Ryzen 7 PRO 4750U with Radeon Graphics", "Tesla V100-SXM2-32GB", "80 GB"));
        for (int i = 0; i < rows.size(); i += 5) {
            queries.add(rows.get(i).name());
            queries.add("Intel(R) " + rows.get(i).name() + " CPU @ 3.00GHz");
        }
        for (String q : queries) {
            Optional<NameMatcher.Row<Double>> slow = NameMatcher.best(q, rows);
            assertEquals(slow, index.best(q), q);
        }
    }

    @Test
    void theLookupFilesEveryRowOnceUnderOneOfItsModelTokens() throws Exception {
        String tsv;
        String idx;
        try (InputStream a = TdpTables.class.getResourceAsStream("/io/mlco2/tracker/data/cpus.tsv");
             InputStream b = TdpTables.class.getResourceAsStream("/io/mlco2/tracker/data/cpus.idx")) {
            tsv = new String(a.readAllBytes(), java.nio.charset.StandardCharsets.ISO_8859_1);
            idx = new String(b.readAllBytes(), java.nio.charset.StandardCharsets.ISO_8859_1);
        }
        java.util.Map<Integer, String> filed = new java.util.HashMap<>();
        String previous = null;
        for (String line : idx.split("\n")) {
            String token = line.substring(0, line.indexOf('\t'));
            assertTrue(previous == null || previous.compareTo(token) < 0, "sorted: " + previous + " < " + token);
            previous = token;
            for (String o : line.substring(line.indexOf('\t') + 1).split(" ")) {
                assertEquals(null, filed.put(Integer.parseInt(o), token), "filed once: " + o);
            }
        }
        int rows = 0;
        int pos = 0;
        for (String line : tsv.split("\n", -1)) {
            if (!line.isEmpty() && !line.startsWith("#")) {
                rows++;
                String[] f = line.split("\t", -1);
                List<String> models = f[3].isEmpty() ? List.of() : List.of(f[3].split(" "));
                String token = filed.get(pos);
                assertTrue(token != null && (models.isEmpty() ? token.isEmpty() : models.contains(token)),
                        "row '" + f[0] + "' at " + pos + " filed under '" + token + "'");
            }
            pos += line.length() + 1;
        }
        assertEquals(rows, filed.size());
    }

    @Test
    void lookupFindsTokensAtTheEdgesAndMissesAbsentOnes() {
        String tsv = "# header\nNo Model\t10.0\tno model\t\nA 100\t1.0\ta 100\t100\nB 200\t2.0\tb 200\t200\n"
                + "Z 900\t9.0\tz 900\t900\n";
        int a = tsv.indexOf("A 100");
        int b = tsv.indexOf("B 200");
        int z = tsv.indexOf("Z 900");
        int n = tsv.indexOf("No Model");
        CpuIndex index = new CpuIndex(tsv, "\t" + n + "\n100\t" + a + "\n200\t" + b + "\n900\t" + z + "\n");
        assertEquals("A 100", index.best("a 100").orElseThrow().name());
        assertEquals("B 200", index.best("b 200").orElseThrow().name());
        assertEquals("Z 900", index.best("z 900").orElseThrow().name(), "the last line");
        assertEquals("No Model", index.best("no model").orElseThrow().name(), "the empty token, first line");
        assertTrue(index.best("a 050").isEmpty(), "before the first token");
        assertTrue(index.best("a 150").isEmpty(), "between two tokens");
        assertTrue(index.best("z 999").isEmpty(), "after the last token");
    }

    @Test
    void modelTokensAreTokensWithADigitThatAreNotMemorySizes() {
        for (String t : List.of("6148", "a100", "80gb", "40/80gb", "gb", "1gb", "x80gb", "80gbx", "/80gb", "40/gb",
                "v100", "sxm2", "pcie", "4/8", "0gb", "a/1gb", "8/gb", "1/2/3gb")) {
            boolean regex = t.chars().anyMatch(Character::isDigit) && !NameMatcher.MEMORY_SIZE.matcher(t).matches();
            assertEquals(regex, NameMatcher.isModelToken(t), t);
        }
    }
}
