package io.mlco2.tracker.carbon;

import io.mlco2.tracker.base.Log;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The CSV of {@code source=file}, read directly: what is a row, what is a bad line, and what each says. */
class FileIntensityTest {

    final ByteArrayOutputStream err = new ByteArrayOutputStream();
    final Log log = new Log(new PrintStream(err, true, StandardCharsets.UTF_8), Log.Level.DEBUG);
    final GridIntensity yearly = new GridIntensity("FR", "France", "France", "FRA", "", "", "", 100, "test", false);

    private FileIntensity read(Path file) throws Exception {
        FileIntensity f = new FileIntensity(file, log, yearly, Clock.systemUTC());
        f.read();
        return f;
    }

    private static List<String> points(FileIntensity f) {
        List<String> out = new ArrayList<>();
        for (Map.Entry<Instant, Double> p : f.series().points()) {
            out.add(p.getKey() + "=" + p.getValue());
        }
        return out;
    }

    private List<String> warnings() {
        List<String> out = new ArrayList<>();
        for (String l : err.toString(StandardCharsets.UTF_8).split("\n")) {
            if (l.contains("WARN")) {
                out.add(l);
            }
        }
        return out;
    }

    @Test
    void aHeaderABomCommentsBlankLinesQuotesSpreadsheetTimesAndMoreColumnsAreRead(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("grid.csv");
        Files.writeString(file, String.join("\n",
                "\uFEFF\"Timestamp\", \"g_per_kWh\"",
                "# exported",
                "",
                "\"2026-03-01T14:00:00Z\",\"312.5\"",
                "2026-03-01 14:30:00+01:00,0,extra",
                "  2026-03-01T15:00:00Z , 5000  "));
        FileIntensity f = read(file);
        assertEquals(List.of("2026-03-01T13:30:00Z=0.0", "2026-03-01T14:00:00Z=312.5", "2026-03-01T15:00:00Z=5000.0"),
                points(f));
        assertEquals(List.of(), warnings(), err.toString());
        assertTrue(err.toString().contains(": 3 rows from 2026-03-01T13:30:00Z"), err.toString());
        assertEquals(Instant.MAX, f.knownUntil());
        assertEquals("file " + file, f.description());
    }

    @Test
    void aBomOrAHeaderAfterTheFirstLineIsABadLine(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("grid.csv");
        Files.writeString(file, "2026-03-01T14:00:00Z,300\ntimestamp,g_per_kwh\n\uFEFF2026-03-01T15:00:00Z,200\n");
        FileIntensity f = read(file);
        assertEquals(List.of("2026-03-01T14:00:00Z=300.0"), points(f));
        List<String> w = warnings();
        assertEquals(2, w.size(), err.toString());
        assertTrue(w.get(0).contains(" line 2: 'timestamp,g_per_kwh' has no valid timestamp with a zone"), w.get(0));
        assertTrue(w.get(1).contains(" line 3: "), w.get(1));
    }

    @Test
    void eachBadLineSaysWhyAndWhatIsAccepted(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("grid.csv");
        String eighty = "x".repeat(80);
        String eightyOne = "y".repeat(81);
        Files.writeString(file, String.join("\n",
                "2026-03-01T14:00:00Z,300",
                "2026-03-01T14:30:00Z 250",
                "2026-03-01,250",
                "2026-03-01T15:00:00,250",
                "2026-03-01T15:30:00Z,lots",
                "2026-03-01T16:00:00Z,-0.1",
                "2026-03-01T16:30:00Z,5000.1",
                eighty,
                eightyOne));
        FileIntensity f = read(file);
        assertEquals(List.of("2026-03-01T14:00:00Z=300.0"), points(f));
        List<String> w = warnings();
        assertEquals(8, w.size(), err.toString());
        String where = "mlco2.carbon-intensity.file=" + file;
        assertTrue(w.get(0).contains(where + " line 2: '2026-03-01T14:30:00Z 250' has no comma; accepted "
                + FileIntensity.ACCEPTED + "; line skipped"), w.get(0));
        assertTrue(w.get(1).contains("line 3: '2026-03-01,250' has no valid timestamp with a zone"), w.get(1));
        assertTrue(w.get(2).contains("line 4: '2026-03-01T15:00:00,250' has no valid timestamp with a zone"), w.get(2));
        assertTrue(w.get(3).contains("line 5: '2026-03-01T15:30:00Z,lots' has no number of gCO2eq/kWh"), w.get(3));
        assertTrue(w.get(4).contains("line 6: '2026-03-01T16:00:00Z,-0.1' has an intensity outside 0 to 5000"), w.get(4));
        assertTrue(w.get(5).contains("line 7: '2026-03-01T16:30:00Z,5000.1' has an intensity outside 0 to 5000"),
                w.get(5));
        assertTrue(w.get(6).contains("line 8: '" + eighty + "' has no comma"), w.get(6));
        assertTrue(w.get(7).contains("line 9: '" + eightyOne.substring(0, 80) + "...' has no comma"), w.get(7));
    }

    @Test
    void atMostTenBadLinesAreNamedAndTheRestCountedInOneLine(@TempDir Path dir) throws Exception {
        int badLines = FileIntensity.MAX_BAD_LINES_NAMED + 3;
        StringBuilder csv = new StringBuilder("2026-03-01T14:00:00Z,300\n");
        for (int i = 0; i < badLines; i++) {
            csv.append("bad ").append(i).append('\n');
        }
        Path file = dir.resolve("grid.csv");
        Files.writeString(file, csv);
        read(file);
        List<String> w = warnings();
        assertEquals(FileIntensity.MAX_BAD_LINES_NAMED + 1, w.size(), err.toString());
        assertTrue(w.get(FileIntensity.MAX_BAD_LINES_NAMED - 1).contains("'bad " + (FileIntensity.MAX_BAD_LINES_NAMED - 1)
                + "'"), w.toString());
        assertTrue(w.get(FileIntensity.MAX_BAD_LINES_NAMED).endsWith(": " + (badLines - FileIntensity.MAX_BAD_LINES_NAMED)
                + " more bad lines skipped"), w.toString());
    }

    @Test
    void exactlyTenBadLinesAreAllNamedWithoutACount(@TempDir Path dir) throws Exception {
        StringBuilder csv = new StringBuilder("2026-03-01T14:00:00Z,300\n");
        for (int i = 0; i < FileIntensity.MAX_BAD_LINES_NAMED; i++) {
            csv.append("bad ").append(i).append('\n');
        }
        Path file = dir.resolve("grid.csv");
        Files.writeString(file, csv);
        read(file);
        List<String> w = warnings();
        assertEquals(FileIntensity.MAX_BAD_LINES_NAMED, w.size(), err.toString());
        assertFalse(err.toString().contains("more bad lines"), err.toString());
    }

    @Test
    void aMissingFileAFolderAndAFileWithoutARowAreOneLineEach(@TempDir Path dir) throws Exception {
        Path missing = dir.resolve("missing.csv");
        Exception e = assertThrows(BackgroundProvider.ProviderException.class, () -> read(missing));
        assertEquals("mlco2.carbon-intensity.file=" + missing + ": no such file; accepted: a CSV of "
                + FileIntensity.ACCEPTED, e.getMessage());
        e = assertThrows(BackgroundProvider.ProviderException.class, () -> read(dir));
        assertEquals("mlco2.carbon-intensity.file=" + dir + ": not a regular file; accepted: a CSV of "
                + FileIntensity.ACCEPTED, e.getMessage());
        Path empty = dir.resolve("empty.csv");
        Files.writeString(empty, "timestamp,g_per_kwh\n# nothing yet\n");
        e = assertThrows(BackgroundProvider.ProviderException.class, () -> read(empty));
        assertEquals("mlco2.carbon-intensity.file=" + empty + ": no valid row; accepted: a CSV of "
                + FileIntensity.ACCEPTED, e.getMessage());
    }
}
