package io.mlco2.tracker.report.merge;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** emissions.csv records (quoted line breaks, CRLF, the length cap) and summaries at the size cap or without optionals. */
class ReportReaderRecordTest {

    static BufferedReader reader(String s) {
        return new BufferedReader(new StringReader(s));
    }

    @Test
    void aQuotedLineBreakStaysInItsRecordAndCountsAsALine() throws IOException {
        BufferedReader r = reader("\"a\nb\",c\nnext\n");
        int[] lines = {0};
        assertEquals("\"a\nb\",c", ReportReader.record(r, lines));
        assertEquals(2, lines[0]);
        assertEquals("next", ReportReader.record(r, lines));
        assertEquals(3, lines[0]);
        assertNull(ReportReader.record(r, lines));
    }

    @Test
    void aCarriageReturnBeforeTheLineBreakIsDropped() throws IOException {
        BufferedReader r = reader("abc\r\n\r\nx");
        int[] lines = {0};
        assertEquals("abc", ReportReader.record(r, lines));
        assertEquals("", ReportReader.record(r, lines));
        assertEquals("x", ReportReader.record(r, lines));
        assertEquals(3, lines[0]);
    }

    @Test
    void aNulCharacterIsTextNotTheEnd() throws IOException {
        int[] lines = {0};
        assertEquals("a\0b", ReportReader.record(reader("a\0b\n"), lines));
    }

    @Test
    void aRecordAtTheCapIsReadAndOneCharacterMoreIsNot() throws IOException {
        String atCap = "x".repeat(ReportReader.MAX_RECORD_CHARS);
        assertEquals(atCap, ReportReader.record(reader(atCap + "\n"), new int[] {0}));
        BufferedReader r = reader("one\ntwo\n" + atCap + "y\n");
        int[] lines = {0};
        ReportReader.record(r, lines);
        ReportReader.record(r, lines);
        IOException e = assertThrows(IOException.class, () -> ReportReader.record(r, lines));
        assertTrue(e.getMessage().startsWith("line 3 is longer than " + ReportReader.MAX_RECORD_CHARS + " characters"),
                e.getMessage());
    }

    @Test
    void optionalSummaryFieldsMissingAreUnknownNotZero(@TempDir Path dir) throws IOException {
        Path f = Files.writeString(dir.resolve("r.json"),
                "{\"run_id\":\"r\",\"energy_kwh\":{\"cpu\":1.5,\"gpu\":0,\"ram\":0.25},\"emissions_kg\":0.1}");
        NodeRun n = ReportReader.readSummary(f);
        assertTrue(Double.isNaN(n.durationSeconds()), String.valueOf(n.durationSeconds()));
        assertTrue(Double.isNaN(n.intensityGramsPerKwh()), String.valueOf(n.intensityGramsPerKwh()));
        assertEquals(1.5, n.cpuKwh(), 0.0);
        assertEquals(0.25, n.ramKwh(), 0.0);
        assertEquals("unknown", n.host());
    }

    @Test
    void aSummaryOfExactlyTheCapIsReadAndOneByteMoreIsNot(@TempDir Path dir) throws IOException {
        String json = ReportReaderTest.summary("r", "h", 1, 2, 3, 4, 5);
        int cap = (int) ReportReader.MAX_SUMMARY_BYTES;
        Path f = Files.writeString(dir.resolve("r.json"), json + " ".repeat(cap - json.length()));
        assertEquals(cap, Files.size(f));
        assertEquals("r", ReportReader.readSummary(f).runId());
        Path g = Files.writeString(dir.resolve("s.json"), json + " ".repeat(cap + 1 - json.length()));
        IOException e = assertThrows(IOException.class, () -> ReportReader.readSummary(g));
        assertEquals((cap + 1) + " bytes: not an mlco2 run summary (those are a few KB); not read", e.getMessage());
    }

    @Test
    void summariesOfAFolderAreReadInFileNameOrder(@TempDir Path dir) throws IOException {
        List<String> expected = new ArrayList<>();
        // written in reverse, with names the file system's hashed order is unlikely to sort
        for (int i = 29; i >= 0; i--) {
            String id = String.format("run-%02d", i);
            Files.writeString(dir.resolve(id + ".json"), ReportReaderTest.summary(id, "h", 1, 0, 0, 0.1, 60));
        }
        for (int i = 0; i < 30; i++) {
            expected.add(String.format("run-%02d", i));
        }
        ReportReader.Result res = ReportReader.read(List.of(dir));
        List<String> ids = new ArrayList<>();
        for (NodeRun n : res.runs()) {
            ids.add(n.runId());
        }
        assertEquals(expected, ids);
        assertEquals(30, res.files());
        assertEquals(List.of(), res.problems());
    }
}
