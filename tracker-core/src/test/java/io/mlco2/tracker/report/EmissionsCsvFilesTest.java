package io.mlco2.tracker.report;

import io.mlco2.tracker.base.Log;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** emissions.csv on disk: the path it returns, backups of a foreign file, a refused link; ReportFiles' guards. */
class EmissionsCsvFilesTest {

    final ByteArrayOutputStream err = new ByteArrayOutputStream();
    final Log log = new Log(new PrintStream(err, true, StandardCharsets.UTF_8), Log.Level.DEBUG);

    static List<String> backups(Path dir) throws IOException {
        List<String> names = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".bak")).sorted().forEach(names::add);
        }
        return names;
    }

    @Test
    void appendReturnsTheFileItWrote(@TempDir Path dir) throws Exception {
        Path f = EmissionsCsv.append(EmissionsCsvTest.summary("r1", "p"), dir, log);
        assertEquals(dir.resolve("emissions.csv"), f);
        assertEquals(2, Files.readAllLines(f).size());
        assertEquals(f, EmissionsCsv.append(EmissionsCsvTest.summary("r2", "p"), dir, log));
        assertEquals(3, Files.readAllLines(f).size());
    }

    @Test
    void aFileStartingWithAnEmptyLineIsNotCodeCarbons(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("emissions.csv");
        String old = "\n" + EmissionsCsv.HEADER_LINE + "\n";
        Files.writeString(f, old);
        EmissionsCsv.append(EmissionsCsvTest.summary("r1", "p"), dir, log);
        List<String> lines = Files.readAllLines(f);
        assertEquals(EmissionsCsv.HEADER_LINE, lines.get(0));
        assertEquals(2, lines.size(), lines.toString());
        List<String> baks = backups(dir);
        assertEquals(1, baks.size(), baks.toString());
        assertEquals(old, Files.readString(dir.resolve(baks.get(0))));
    }

    @Test
    void theBackupIsNamedByTheTimeAndTheLogSaysWhere(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("emissions.csv"), "a,b\n1,2\n");
        EmissionsCsv.append(EmissionsCsvTest.summary("r1", "p"), dir, log);
        List<String> baks = backups(dir);
        assertEquals(1, baks.size(), baks.toString());
        assertTrue(baks.get(0).matches("emissions\\.csv\\.\\d{8}-\\d{6}\\.bak"), baks.get(0));
        assertTrue(err.toString().contains("kept it as " + dir.resolve(baks.get(0))), err.toString());
    }

    @Test
    void aBackupNeverReplacesAnEarlierOneOfTheSameSecond(@TempDir Path dir) throws Exception {
        // earlier backups for this second and the next two: the new one must take the next number
        DateTimeFormatter f = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");
        LocalDateTime now = LocalDateTime.now();
        List<String> taken = new ArrayList<>();
        for (int s = 0; s < 3; s++) {
            String name = "emissions.csv." + f.format(now.plusSeconds(s)) + ".bak";
            Files.writeString(dir.resolve(name), "earlier " + s);
            taken.add(name);
        }
        Files.writeString(dir.resolve("emissions.csv"), "a,b\n1,2\n");
        EmissionsCsv.append(EmissionsCsvTest.summary("r1", "p"), dir, log);
        for (int s = 0; s < 3; s++) {
            assertEquals("earlier " + s, Files.readString(dir.resolve(taken.get(s))));
        }
        List<String> baks = backups(dir);
        baks.removeAll(taken);
        assertEquals(1, baks.size(), baks.toString());
        assertTrue(baks.get(0).matches("emissions\\.csv\\.\\d{8}-\\d{6}-2\\.bak"), baks.get(0));
        assertEquals("a,b\n1,2\n", Files.readString(dir.resolve(baks.get(0))));
    }

    @Test
    void aSymlinkIsRefusedWithItsOwnReason(@TempDir Path dir) throws Exception {
        Path target = dir.resolve("elsewhere.txt");
        Files.writeString(target, "keep");
        Files.createSymbolicLink(dir.resolve("emissions.csv"), target);
        IOException e = assertThrows(IOException.class,
                () -> EmissionsCsv.append(EmissionsCsvTest.summary("r1", "p"), dir, log));
        assertEquals("refusing to write " + dir.resolve("emissions.csv") + ": it is a symbolic link", e.getMessage());
        assertEquals("keep", Files.readString(target));
    }

    @Test
    void ensureDirCreatesTheFoldersAndReturnsThem(@TempDir Path dir) throws Exception {
        Path d = dir.resolve("a/b");
        assertEquals(d, ReportFiles.ensureDir(d));
        assertTrue(Files.isDirectory(d));
        assertEquals(d, ReportFiles.ensureDir(d));
    }

    @Test
    void refuseNonRegularLetsRegularAndAbsentFilesThrough(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("summary.json");
        ReportFiles.refuseNonRegular(f);
        Files.writeString(f, "{}");
        ReportFiles.refuseNonRegular(f);
    }

    @Test
    void refuseNonRegularRefusesAFolder(@TempDir Path dir) throws Exception {
        Path d = Files.createDirectory(dir.resolve("summary.json"));
        IOException e = assertThrows(IOException.class, () -> ReportFiles.refuseNonRegular(d));
        assertEquals("refusing to replace " + d + ": it is not a regular file (a device, FIFO or folder)",
                e.getMessage());
    }

    @Test
    void refuseNonRegularNamesALinkAsALink(@TempDir Path dir) throws Exception {
        Path target = Files.writeString(dir.resolve("t.json"), "{}");
        Path link = Files.createSymbolicLink(dir.resolve("summary.json"), target);
        IOException e = assertThrows(IOException.class, () -> ReportFiles.refuseNonRegular(link));
        assertEquals("refusing to write " + link + ": it is a symbolic link", e.getMessage());
    }

    @Test
    void writeAtomicallyLeavesAFolderAtThePathAlone(@TempDir Path dir) throws Exception {
        Path d = Files.createDirectory(dir.resolve("summary.json"));
        assertThrows(IOException.class, () -> ReportFiles.writeAtomically(d, "{}"));
        assertTrue(Files.isDirectory(d));
        assertEquals(List.of(), backups(dir));
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(1, s.count());
        }
    }

    @Test
    void writeAtomicallyLeavesALinkAndItsTargetAlone(@TempDir Path dir) throws Exception {
        Path target = Files.writeString(dir.resolve("t.json"), "keep");
        Path link = Files.createSymbolicLink(dir.resolve("summary.json"), target);
        assertThrows(IOException.class, () -> ReportFiles.writeAtomically(link, "{}"));
        assertTrue(Files.isSymbolicLink(link));
        assertEquals("keep", Files.readString(target));
    }
}
