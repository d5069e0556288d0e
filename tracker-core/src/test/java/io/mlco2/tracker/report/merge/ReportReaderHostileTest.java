package io.mlco2.tracker.report.merge;

import io.mlco2.tracker.base.Log;
import io.mlco2.tracker.html.RunReportPageTest;
import io.mlco2.tracker.report.EmissionsCsv;
import io.mlco2.tracker.report.RunSummary;
import io.mlco2.tracker.report.SummaryJson;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** docs/RELIABILITY.md, hostile conditions: what {@code report} reads, and how much of it. */
class ReportReaderHostileTest {

    static final Log QUIET = new Log(new PrintStream(OutputStream.nullOutputStream()), Log.Level.ERROR);

    static RunSummary summary(String project) {
        return RunReportPageTest.summary(project, Map.of());
    }

    /** Before: the same folder twice, or a folder and its parent, counted its runs twice. */
    @Test
    void aFileReachedTwiceIsReadOnce(@TempDir Path tmp) throws Exception {
        Path node = Files.createDirectories(tmp.resolve("runs/node-1"));
        RunSummary s = summary("p");
        SummaryJson.write(s, node);
        EmissionsCsv.append(s, node, QUIET);
        ReportReader.Result r = ReportReader.read(List.of(node, node, tmp.resolve("runs"), tmp.resolve("runs/../runs/node-1")));
        assertEquals(1, r.runs().size(), r.runs().toString());
        assertEquals(s.totalEnergyKwh(), r.runs().get(0).totalKwh(), 1e-15);
    }

    /** Before: a row whose project name holds a line break (the agent writes it quoted) was dropped as truncated. */
    @Test
    void aQuotedLineBreakInAUserValueIsPartOfItsRow(@TempDir Path tmp) throws Exception {
        RunSummary s = summary("line one\nline two, \"quoted\"");
        EmissionsCsv.append(s, tmp, QUIET);
        EmissionsCsv.append(summary("plain"), tmp, QUIET);
        ReportReader.Result r = ReportReader.read(List.of(tmp));
        assertEquals(List.of(), r.problems());
        assertEquals(2, r.runs().size(), r.runs().toString());
        assertEquals("line one\nline two, \"quoted\"", r.runs().get(0).projectName());
        assertEquals("plain", r.runs().get(1).projectName());
    }

    /**
     * Before: a 2 GB sparse emissions.csv filled the heap, and a 144 MB data set named {@code .json} was parsed
     * whole; the good folders beside them were never reported. Now each is one problem line, read bounded.
     */
    @Test
    void hugeFilesAreSkippedBoundedAndTheRestIsReported(@TempDir Path tmp) throws Exception {
        Path good = Files.createDirectories(tmp.resolve("good"));
        RunSummary s = summary("good");
        SummaryJson.write(s, good);
        Path bad = Files.createDirectories(tmp.resolve("bad"));
        Path csv = bad.resolve(EmissionsCsv.FILE_NAME);
        Files.writeString(csv, EmissionsCsv.HEADER_LINE + "\n");
        try (RandomAccessFile f = new RandomAccessFile(csv.toFile(), "rw")) {
            f.setLength(2L << 30); // sparse: 2 GB of zeros after the header, no line break
        }
        Path data = bad.resolve("dataset.json");
        StringBuilder b = new StringBuilder("[");
        while (b.length() < ReportReader.MAX_SUMMARY_BYTES + 10) {
            b.append("{\"x\":1},");
        }
        Files.writeString(data, b.append("{}]").toString());
        ReportReader.Result r = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> ReportReader.read(List.of(tmp)));
        assertEquals(1, r.runs().size(), r.runs().toString());
        assertEquals("good", r.runs().get(0).projectName());
        assertEquals(2, r.problems().size(), r.problems().toString());
        assertTrue(r.problems().stream().anyMatch(p -> p.startsWith(data + ": ") && p.contains("not an mlco2 run summary")),
                r.problems().toString());
        assertTrue(r.problems().stream().anyMatch(p -> p.startsWith(csv + ": ") && p.contains("is longer than "
                + ReportReader.MAX_RECORD_CHARS + " characters")), r.problems().toString());
    }

    @Test
    void aFolderThatIsNotThereIsAProblemNotTheEnd(@TempDir Path tmp) throws Exception {
        RunSummary s = summary("p");
        SummaryJson.write(s, tmp);
        ReportReader.Result r = ReportReader.read(List.of(tmp.resolve("gone"), tmp));
        assertEquals(1, r.runs().size());
        assertEquals(List.of(tmp.resolve("gone") + ": not a folder; skipped"), r.problems());
    }
}
