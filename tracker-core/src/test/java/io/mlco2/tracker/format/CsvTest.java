package io.mlco2.tracker.format;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** RFC 4180 quoting of the agent's own text and reading it back, at the edges: a special character first or last. */
class CsvTest {

    @Test
    void aFieldWithACommaQuoteOrLineBreakAnywhereIsQuoted() {
        for (String special : List.of(",", "\"", "\n", "\r")) {
            for (String s : List.of(special + "x", "x" + special, "a" + special + "b", special)) {
                String quoted = '"' + s.replace("\"", "\"\"") + '"';
                assertEquals(quoted, Csv.text(s), "[" + s + "]");
            }
        }
        assertEquals("plain text", Csv.text("plain text"));
        assertEquals("", Csv.text(null));
    }

    @Test
    void whatIsWrittenReadsBackWhereverTheQuotesAre() {
        List<String> fields = List.of("\"", "a\"", "\"b", "\"\"", "", "x,y", "end\"");
        String line = String.join(",", fields.stream().map(Csv::text).toList());
        assertEquals(fields, Csv.parseLine(line));
        assertEquals(List.of("a\""), Csv.parseLine("\"a\"\"\""), "a doubled quote as the line's last characters");
        assertEquals(List.of("a", ""), Csv.parseLine("a,"));
    }
}
