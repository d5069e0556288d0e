package io.mlco2.tracker.carbon;

import io.mlco2.tracker.base.Log;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The CSV of {@code source=file} at its edges: the size bound, a line that starts with its comma, a read at the end. */
class FileIntensityEdgeTest {

    static final String ROW = "2026-03-01T14:00:00Z,300\n";

    final ByteArrayOutputStream err = new ByteArrayOutputStream();
    final Log log = new Log(new PrintStream(err, true, StandardCharsets.UTF_8), Log.Level.INFO);
    final GridIntensity yearly = new GridIntensity("FR", "France", "France", "FRA", "", "", "", 100, "test", false);

    private FileIntensity file(Path file) {
        return new FileIntensity(file, log, yearly, Clock.systemUTC());
    }

    /** One row, then lines of spaces (skipped as blank) up to exactly {@code bytes} bytes. */
    private static Path csvOfBytes(Path file, long bytes) throws Exception {
        byte[] blank = (" ".repeat(1023) + "\n").getBytes(StandardCharsets.US_ASCII);
        try (OutputStream o = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
            byte[] row = ROW.getBytes(StandardCharsets.US_ASCII);
            o.write(row);
            long left = bytes - row.length;
            while (left > 0) {
                int n = (int) Math.min(left, blank.length);
                o.write(blank, blank.length - n, n); // the last one shorter, still ending with its newline
                left -= n;
            }
        }
        assertEquals(bytes, Files.size(file));
        return file;
    }

    @Test
    void aFileOfTheBoundIsReadAndOneByteMoreIsRefused(@TempDir Path dir) throws Exception {
        FileIntensity atBound = file(csvOfBytes(dir.resolve("max.csv"), FileIntensity.MAX_BYTES));
        atBound.read();
        assertEquals(300.0, atBound.series().at(Instant.parse("2026-03-01T14:00:00Z")));
        assertEquals(1, atBound.series().size());
        assertEquals("", err.toString(StandardCharsets.UTF_8));
        Files.delete(dir.resolve("max.csv"));

        Path over = csvOfBytes(dir.resolve("over.csv"), FileIntensity.MAX_BYTES + 1);
        Exception e = assertThrows(BackgroundProvider.ProviderException.class, () -> file(over).read());
        assertEquals("mlco2.carbon-intensity.file=" + over + ": larger than " + FileIntensity.MAX_BYTES
                + " bytes; accepted: a CSV of " + FileIntensity.ACCEPTED, e.getMessage());
    }

    @Test
    void aLineStartingWithItsCommaHasNoTimestampRatherThanNoComma(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("grid.csv");
        Files.writeString(file, ROW + ",250\n");
        FileIntensity f = file(file);
        f.read();
        List<String> lines = err.toString(StandardCharsets.UTF_8).lines().toList();
        assertEquals(1, lines.size(), lines.toString());
        assertTrue(lines.get(0).contains(" line 2: ',250' has no valid timestamp with a zone; accepted "), lines.get(0));
        assertEquals(1, f.series().size());
    }

    /** Never started (or its first read not yet run), the file is read at the end, within the end's budget. */
    @Test
    void aFileNotReadYetIsReadAtTheEnd(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("grid.csv");
        Files.writeString(file, ROW + "2026-03-01T15:00:00Z,200\n");
        FileIntensity f = file(file);
        assertEquals(Instant.MIN, f.knownUntil());
        f.finish(Instant.parse("2026-03-01T16:00:00Z"), Duration.ofSeconds(10));
        assertEquals(Instant.MAX, f.knownUntil());
        assertEquals(2, f.series().size());
        assertEquals(200.0, f.series().at(Instant.parse("2026-03-01T15:30:00Z")));
    }
}
