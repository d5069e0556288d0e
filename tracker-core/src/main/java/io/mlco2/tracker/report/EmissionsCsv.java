package io.mlco2.tracker.report;

import io.mlco2.tracker.format.Csv;

import io.mlco2.tracker.energy.Component;
import io.mlco2.tracker.base.Log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * {@code emissions.csv} in CodeCarbon's format: its 38-column header and units (duration s, emissions kg,
 * emissions_rate kg/s, powers W, energies kWh, RAM GB). One row per run, appended under an exclusive file lock so
 * several JVMs can share the file; a torn last line (a run killed mid-write) is closed before the new row.
 * Columns the agent cannot know (python_version, codecarbon_version, water, coordinates) stay empty.
 */
public final class EmissionsCsv {

    public static final String FILE_NAME = "emissions.csv";

    public static final List<String> HEADER = List.of("timestamp", "project_name", "run_id", "experiment_id",
            "duration", "emissions", "emissions_rate", "cpu_power", "gpu_power", "ram_power", "cpu_energy",
            "gpu_energy", "ram_energy", "energy_consumed", "water_consumed", "country_name", "country_iso_code",
            "region", "cloud_provider", "cloud_region", "os", "python_version", "codecarbon_version", "cpu_count",
            "cpu_model", "gpu_count", "gpu_model", "longitude", "latitude", "ram_total_size", "tracking_mode",
            "cpu_utilization_percent", "gpu_utilization_percent", "ram_utilization_percent", "ram_used_gb",
            "on_cloud", "pue", "wue");

    public static final String HEADER_LINE = String.join(",", HEADER);

    /** CodeCarbon's timestamp: local time to the second, no zone (seconds always present). */
    private static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss");

    private EmissionsCsv() {
    }

    /** Appends {@code s} to {@code dir/emissions.csv}, creating it (with the header) when needed. */
    public static Path append(RunSummary s, Path dir, Log log) throws IOException {
        // File locks guard against other JVMs; within this JVM a second lock on the file would throw.
        synchronized (EmissionsCsv.class) {
            return appendLocked(s, dir, log);
        }
    }

    private static Path appendLocked(RunSummary s, Path dir, Log log) throws IOException {
        Path file = dir.resolve(FILE_NAME);
        ReportFiles.refuseSymlink(file);
        String row = row(s) + "\n";
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
             FileLock ignored = lockWithin(ch, file, LOCK_WAIT)) {
            long size = ch.size();
            StringBuilder out = new StringBuilder();
            if (size == 0) {
                out.append(HEADER_LINE).append('\n');
            } else {
                String first = firstLine(ch);
                if (!HEADER_LINE.equals(first.replace("\uFEFF", "").trim())) {
                    Path backup = newBackup(dir, DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").format(LocalDateTime.now()));
                    ch.truncate(0);
                    size = 0;
                    log.warn(file + " had another header (not CodeCarbon's 38 columns); kept it as " + backup
                            + " and started a new file");
                    out.append(HEADER_LINE).append('\n');
                } else if (lastByte(ch, size) != '\n') {
                    // The previous writer died mid-row: end its line so ours starts clean.
                    out.append('\n');
                }
            }
            out.append(row);
            ByteBuffer buf = ByteBuffer.wrap(out.toString().getBytes(StandardCharsets.UTF_8));
            long pos = size;
            try {
                while (buf.hasRemaining()) {
                    pos += ch.write(buf, pos);
                }
                ch.force(false);
            } catch (IOException | RuntimeException e) {
                // A full disk: no torn row left for good. Still under the lock, so no other writer's row is cut.
                try {
                    ch.truncate(size);
                } catch (IOException | RuntimeException notReported) {
                    // The write's failure is the one to report.
                }
                throw e;
            }
        }
        return file;
    }

    /** Longest a run waits for another process's lock on {@code emissions.csv} before giving up its row. */
    static final java.time.Duration LOCK_WAIT = java.time.Duration.ofSeconds(3);

    /**
     * The file's exclusive lock, tried until {@code wait} has passed: anyone who can read the file can hold a shared
     * lock on it for ever, and that must cost this run its row (one line), never its other reports.
     */
    static FileLock lockWithin(FileChannel ch, Path file, java.time.Duration wait) throws IOException {
        long deadline = System.nanoTime() + wait.toNanos();
        while (true) {
            FileLock lock = ch.tryLock();
            if (lock != null) {
                return lock;
            }
            if (System.nanoTime() - deadline >= 0) {
                throw new IOException(file + " is locked by another process (held for over " + wait.toMillis()
                        + " ms): this run's row was not appended");
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(file + ": interrupted while waiting for its lock");
            }
        }
    }

    /** {@code emissions.csv.<time>.bak}, or {@code .<time>-2.bak}, ...: a backup never replaces another. */
    private static Path newBackup(Path dir, String time) throws IOException {
        Path file = dir.resolve(FILE_NAME);
        for (int n = 1; ; n++) {
            Path backup = dir.resolve(FILE_NAME + "." + time + (n == 1 ? "" : "-" + n) + ".bak");
            try {
                Files.copy(file, backup, LinkOption.NOFOLLOW_LINKS);
                return backup;
            } catch (java.nio.file.FileAlreadyExistsException e) {
                // Taken by an earlier backup in the same second: the next number.
            }
        }
    }

    private static String firstLine(FileChannel ch) throws IOException {
        ByteBuffer b = ByteBuffer.allocate((int) Math.min(ch.size(), 4096));
        ch.read(b, 0);
        String s = new String(b.array(), 0, b.position(), StandardCharsets.UTF_8);
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    private static int lastByte(FileChannel ch, long size) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(1);
        ch.read(b, size - 1);
        return b.get(0);
    }

    /** The run's row, in {@link #HEADER} order. */
    public static String row(RunSummary s) {
        ComponentEnergy cpu = s.component(Component.CPU);
        ComponentEnergy gpu = s.component(Component.GPU);
        ComponentEnergy ram = s.component(Component.RAM);
        double duration = s.durationSeconds();
        String[] v = new String[HEADER.size()];
        v[0] = TIMESTAMP.format(LocalDateTime.ofInstant(s.end(), ZoneId.systemDefault()));
        v[1] = Csv.userText(s.projectName());
        v[2] = Csv.userText(s.runId());
        v[3] = Csv.userText(s.experimentId());
        v[4] = Csv.num(duration);
        v[5] = Csv.num(s.emissionsKg());
        v[6] = Csv.num(duration > 0 ? s.emissionsKg() / duration : Double.NaN);
        v[7] = Csv.num(cpu.meanPowerWatts());
        v[8] = Csv.num(gpu.meanPowerWatts());
        v[9] = Csv.num(ram.meanPowerWatts());
        v[10] = Csv.num(cpu.energyKwh());
        v[11] = Csv.num(gpu.energyKwh());
        v[12] = Csv.num(ram.energyKwh());
        v[13] = Csv.num(s.totalEnergyKwh());
        v[14] = "";
        v[15] = Csv.text(s.intensity().countryName());
        v[16] = Csv.text(s.intensity().countryIsoCode());
        v[17] = Csv.text(s.intensity().subRegion());
        v[18] = Csv.text(s.intensity().cloudProvider());
        v[19] = Csv.text(s.intensity().cloudRegion());
        v[20] = Csv.text(s.os());
        v[21] = "";
        v[22] = "";
        v[23] = Integer.toString(s.cpuCount());
        v[24] = Csv.text(s.cpuModel());
        v[25] = s.gpuCount() > 0 ? Integer.toString(s.gpuCount()) : "";
        v[26] = s.gpuCount() > 0 ? Csv.text(s.gpuModel()) : "";
        v[27] = "";
        v[28] = "";
        v[29] = Csv.num(s.ramTotalGb());
        v[30] = s.trackingMode();
        v[31] = Csv.num(cpu.meanUtilization() * 100);
        v[32] = s.gpuCount() > 0 ? Csv.num(gpu.meanUtilization() * 100) : "";
        v[33] = Csv.num(ram.meanUtilization() * 100);
        v[34] = Csv.num(s.ramUsedGb());
        v[35] = s.intensity().onCloud() ? "Y" : "N";
        v[36] = Csv.num(s.pue());
        v[37] = "";
        return String.join(",", v);
    }
}
