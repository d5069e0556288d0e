package io.mlco2.tracker.report;

import io.mlco2.tracker.base.Log;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** docs/RELIABILITY.md, "hostile conditions": the report files against other users, device nodes and races. */
class ReportFilesHostileTest {

    final ByteArrayOutputStream err = new ByteArrayOutputStream();
    final Log log = new Log(new PrintStream(err, true, StandardCharsets.UTF_8), Log.Level.DEBUG);

    /** Before: the append waited on {@code lock()} for as long as the other process held its shared lock. */
    @Test
    void anotherProcessHoldingALockCostsTheRowOnlyAndOnlyForABoundedTime(@TempDir Path dir) throws Exception {
        EmissionsCsv.append(EmissionsCsvTest.summary("first", "p"), dir, log);
        Path file = dir.resolve(EmissionsCsv.FILE_NAME);
        byte[] before = Files.readAllBytes(file);
        Process holder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), LockHolder.class.getName(), file.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try {
            BufferedReader r = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
            assertEquals("locked", r.readLine());
            IOException e = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> assertThrows(IOException.class,
                    () -> EmissionsCsv.append(EmissionsCsvTest.summary("second", "p"), dir, log)));
            assertTrue(e.getMessage().contains(file + " is locked by another process"), e.getMessage());
            assertTrue(e.getMessage().contains("this run's row was not appended"), e.getMessage());
            assertEquals(new String(before, StandardCharsets.UTF_8), Files.readString(file));
        } finally {
            holder.getOutputStream().close();
            holder.waitFor();
        }
        EmissionsCsv.append(EmissionsCsvTest.summary("third", "p"), dir, log);
        assertEquals(3, Files.readAllLines(file).size(), "the lock released, rows append again");
    }

    /**
     * Before: a full disk left a torn row in {@code emissions.csv} for good, and zero-byte {@code .json.tmp} files.
     * The child runs under {@code prlimit --fsize}: past that size a write fails with "File too large", as on a
     * full disk.
     */
    @Test
    void aFullDiskLeavesNoTornRowAndNoTemporaryFile(@TempDir Path dir) throws Exception {
        assumeTrue(new ProcessBuilder("prlimit", "--version").start().waitFor() == 0, "prlimit (util-linux) not available");
        EmissionsCsv.append(EmissionsCsvTest.summary("before", "p"), dir, log);
        Path csv = dir.resolve(EmissionsCsv.FILE_NAME);
        byte[] before = Files.readAllBytes(csv);
        Process p = new ProcessBuilder("prlimit", "--fsize=" + (before.length + 40),
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", System.getProperty("java.class.path"),
                FullDiskWriter.class.getName(), dir.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        assertTrue(out.contains("csv failed: File too large"), out);
        assertTrue(out.contains("json failed: File too large"), out);
        assertEquals(new String(before, StandardCharsets.UTF_8), Files.readString(csv), "the partial row is rolled back");
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(List.of(EmissionsCsv.FILE_NAME), s.map(f -> f.getFileName().toString()).toList(),
                    "no temporary file left");
        }
        EmissionsCsv.append(EmissionsCsvTest.summary("after", "p"), dir, log);
        List<String> lines = Files.readAllLines(csv);
        assertEquals(3, lines.size());
        assertTrue(lines.get(2).contains(",after,"), lines.get(2));
    }

    /** Before: the second backup within one second replaced the first, though its line said it was kept. */
    @Test
    void aBackupNeverReplacesAnother(@TempDir Path dir) throws Exception {
        Path file = dir.resolve(EmissionsCsv.FILE_NAME);
        List<String> foreign = List.of("a,b\n1,2\n", "x,y,z\n3,4,5\n", "q\n7\n");
        for (String f : foreign) {
            Files.writeString(file, f);
            EmissionsCsv.append(EmissionsCsvTest.summary("r", "p"), dir, log);
        }
        try (Stream<Path> s = Files.list(dir)) {
            List<String> backups = s.filter(p -> p.getFileName().toString().endsWith(".bak")).map(p -> {
                try {
                    return Files.readString(p);
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            }).sorted().toList();
            assertEquals(foreign.stream().sorted().toList(), backups);
        }
    }

    /** Before: {@code report --html /dev/full} as root replaced the device node with a regular file by rename. */
    @Test
    void aReportNeverReplacesAFifoOrAFolder(@TempDir Path dir) throws Exception {
        Path fifo = dir.resolve("out.html");
        assumeTrue(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor() == 0, "mkfifo not available");
        IOException e = assertThrows(IOException.class, () -> ReportFiles.writeAtomically(fifo, "<html>"));
        assertTrue(e.getMessage().contains("refusing to replace " + fifo + ": it is not a regular file"), e.getMessage());
        assertTrue(Files.exists(fifo) && !Files.isRegularFile(fifo), "the FIFO is still there");
        Path folder = Files.createDirectory(dir.resolve("empty"));
        assertThrows(IOException.class, () -> ReportFiles.writeAtomically(folder, "x"));
        assertTrue(Files.isDirectory(folder));
        try (Stream<Path> s = Files.list(dir)) {
            assertFalse(s.anyMatch(p -> p.toString().endsWith(".tmp")), "no temporary file left");
        }
        Path regular = dir.resolve("ok.html");
        ReportFiles.writeAtomically(regular, "a");
        ReportFiles.writeAtomically(regular, "b");
        assertEquals("b", Files.readString(regular));
    }
}
