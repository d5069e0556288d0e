package io.mlco2.tracker.epochs;

import io.mlco2.tracker.energy.Component;
import io.mlco2.tracker.format.Csv;
import io.mlco2.tracker.report.ReportFiles;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * {@code <run_id>.<node_id>.epochs.csv}: one row per finished epoch or phase, appended as it finishes (so a killed job keeps
 * the rows it had), and at the run's end one row with {@code complete=false} per epoch or phase still running. Energies in kWh as in {@code emissions.csv}, emissions in kgCO2eq, durations in seconds.
 */
public final class EpochsCsv {

    public static final String HEADER = "run_id,phase,number,epoch,start,duration_s,cpu_energy_kwh,gpu_energy_kwh,"
            + "ram_energy_kwh,energy_kwh,emissions_kg,complete";

    private EpochsCsv() {
    }

    public static Path file(Path dir, String runId, String nodeId) {
        return ReportFiles.file(dir, runId, nodeId, ReportFiles.EPOCHS);
    }

    public static String line(String runId, PhaseRow r) {
        return String.join(",", Csv.userText(runId), Csv.userText(r.phase()), Integer.toString(r.number()),
                Integer.toString(r.epoch()), r.start().toString(), Csv.num(r.durationSeconds()),
                Csv.num(r.energyKwh(Component.CPU)), Csv.num(r.energyKwh(Component.GPU)),
                Csv.num(r.energyKwh(Component.RAM)), Csv.num(r.energyKwh()), Csv.num(r.emissionsKg()),
                Boolean.toString(r.complete()));
    }

    /** Appends one row, writing the header first when the file is new. */
    public static void append(Path dir, String runId, String nodeId, PhaseRow r) throws IOException {
        ReportFiles.ensureDir(dir);
        Path file = file(dir, runId, nodeId);
        ReportFiles.refuseSymlink(file);
        boolean fresh = !Files.exists(file, LinkOption.NOFOLLOW_LINKS) || Files.size(file) == 0;
        String text = (fresh ? HEADER + "\n" : "") + line(runId, r) + "\n";
        Files.write(file, text.getBytes(StandardCharsets.UTF_8), StandardOpenOption.CREATE, StandardOpenOption.APPEND,
                StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
    }
}
