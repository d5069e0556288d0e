package io.mlco2.tracker.report;

import io.mlco2.tracker.base.Log;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;

/**
 * Run under {@code prlimit --fsize=N} by {@link ReportFilesHostileTest}: a write past N bytes fails with "File too
 * large" (EFBIG), as on a full disk. Appends a row to {@code emissions.csv} and writes the JSON summary in
 * {@code args[0]}, and prints what each did.
 */
public final class FullDiskWriter {

    public static void main(String[] args) {
        Path dir = Path.of(args[0]);
        RunSummary s = EmissionsCsvTest.summary("full-disk", "p");
        Log quiet = new Log(new PrintStream(OutputStream.nullOutputStream()), Log.Level.ERROR);
        try {
            EmissionsCsv.append(s, dir, quiet);
            System.out.println("csv written");
        } catch (Exception e) {
            System.out.println("csv failed: " + e.getMessage());
        }
        try {
            SummaryJson.write(s, dir);
            System.out.println("json written");
        } catch (Exception e) {
            System.out.println("json failed: " + e.getMessage());
        }
    }
}
