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
import java.util.Locale;

/**
 * {@code emissions.csv} in CodeCarbon's format: its 38-column header and units (duration s, emissions kg,
 * emissions_rate kg/s, powers W, energies kWh, RAM GB). One row per run, appended under an exclusive file lock so
 * several JVMs can share the file; a torn last line (a run killed mid-write) is closed before the new row.
 * Columns the agent cannot know (python_version, codecarbon_version, water, coordinates) stay empty. One column
 * is appended after CodeCarbon's: {@code node_id}, the JVM that measured the row (CodeCarbon's readers go by
 * header and ignore it); a file started with CodeCarbon's 38 columns only gets rows of those 38.
 */
public final class EmissionsCsv {

    public static final String FILE_NAME = "emissions.csv";

    /**
     * CodeCarbon's columns, in its order: the one list both the header and each row come from. A column's header
     * is its name in lower case; its cell is its case in {@link EmissionsCsv#value} (the compiler checks each has one).
     */
    private enum Column {
        TIMESTAMP, PROJECT_NAME, RUN_ID, EXPERIMENT_ID, DURATION, EMISSIONS, EMISSIONS_RATE, CPU_POWER, GPU_POWER,
        RAM_POWER, CPU_ENERGY, GPU_ENERGY, RAM_ENERGY, ENERGY_CONSUMED, WATER_CONSUMED, COUNTRY_NAME,
        COUNTRY_ISO_CODE, REGION, CLOUD_PROVIDER, CLOUD_REGION, OS, PYTHON_VERSION, CODECARBON_VERSION, CPU_COUNT,
        CPU_MODEL, GPU_COUNT, GPU_MODEL, LONGITUDE, LATITUDE, RAM_TOTAL_SIZE, TRACKING_MODE, CPU_UTILIZATION_PERCENT,
        GPU_UTILIZATION_PERCENT, RAM_UTILIZATION_PERCENT, RAM_USED_GB, ON_CLOUD, PUE, WUE,
        /** Ours, after CodeCarbon's: {@code base.NodeIdentity#nodeId()}. */
        NODE_ID
    }

    public static final List<String> HEADER = header();

    public static final String HEADER_LINE = String.join(",", HEADER);

    /** CodeCarbon's own 38 columns, without ours: a file with this header is appended to in it. */
    public static final List<String> CODECARBON_HEADER = HEADER.subList(0, Column.NODE_ID.ordinal());

    public static final String CODECARBON_HEADER_LINE = String.join(",", CODECARBON_HEADER);

    /** CodeCarbon's timestamp: local time to the second, no zone (seconds always present). */
    private static final DateTimeFormatter TIMESTAMP_FORMAT = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss");

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
        String shortRow = row(s, CODECARBON_HEADER.size()) + "\n";
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
             FileLock ignored = lockWithin(ch, file, LOCK_WAIT)) {
            long size = ch.size();
            StringBuilder out = new StringBuilder();
            if (size == 0) {
                out.append(HEADER_LINE).append('\n');
            } else {
                String first = firstLine(ch).replace("\uFEFF", "").trim();
                if (CODECARBON_HEADER_LINE.equals(first)) {
                    row = shortRow;
                }
                if (!HEADER_LINE.equals(first) && !CODECARBON_HEADER_LINE.equals(first)) {
                    Path backup = newBackup(dir, DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").format(LocalDateTime.now()));
                    ch.truncate(0);
                    size = 0;
                    log.warn(file + " had another header (not CodeCarbon's 38 columns, with or without node_id); kept it as " + backup
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

    private static List<String> header() {
        Column[] columns = Column.values();
        String[] names = new String[columns.length];
        for (int i = 0; i < columns.length; i++) {
            names[i] = columns[i].name().toLowerCase(Locale.ROOT);
        }
        return List.of(names);
    }

    /** The run's row, in {@link #HEADER} order. */
    public static String row(RunSummary s) {
        return row(s, HEADER.size());
    }

    /** The run's first {@code columns} cells. */
    static String row(RunSummary s, int columns) {
        ComponentEnergy cpu = s.component(Component.CPU);
        ComponentEnergy gpu = s.component(Component.GPU);
        ComponentEnergy ram = s.component(Component.RAM);
        StringBuilder b = new StringBuilder(512);
        for (Column c : Column.values()) {
            if (c.ordinal() >= columns) {
                break;
            }
            if (c.ordinal() > 0) {
                b.append(',');
            }
            b.append(value(c, s, cpu, gpu, ram));
        }
        return b.toString();
    }

    /** Column {@code c}'s cell for run {@code s}; empty where the agent cannot know the value. */
    private static String value(Column c, RunSummary s, ComponentEnergy cpu, ComponentEnergy gpu,
                                ComponentEnergy ram) {
        double duration = s.durationSeconds();
        boolean gpus = s.gpuCount() > 0;
        return switch (c) {
            case TIMESTAMP -> TIMESTAMP_FORMAT.format(LocalDateTime.ofInstant(s.end(), ZoneId.systemDefault()));
            case PROJECT_NAME -> Csv.userText(s.projectName());
            case RUN_ID -> Csv.userText(s.runId());
            case EXPERIMENT_ID -> Csv.userText(s.experimentId());
            case DURATION -> Csv.num(duration);
            case EMISSIONS -> Csv.num(s.emissionsKg());
            case EMISSIONS_RATE -> Csv.num(duration > 0 ? s.emissionsKg() / duration : Double.NaN);
            case CPU_POWER -> Csv.num(cpu.meanPowerWatts());
            case GPU_POWER -> Csv.num(gpu.meanPowerWatts());
            case RAM_POWER -> Csv.num(ram.meanPowerWatts());
            case CPU_ENERGY -> Csv.num(cpu.energyKwh());
            case GPU_ENERGY -> Csv.num(gpu.energyKwh());
            case RAM_ENERGY -> Csv.num(ram.energyKwh());
            case ENERGY_CONSUMED -> Csv.num(s.totalEnergyKwh());
            case WATER_CONSUMED -> "";
            case COUNTRY_NAME -> Csv.text(s.intensity().countryName());
            case COUNTRY_ISO_CODE -> Csv.text(s.intensity().countryIsoCode());
            case REGION -> Csv.text(s.intensity().subRegion());
            case CLOUD_PROVIDER -> Csv.text(s.intensity().cloudProvider());
            case CLOUD_REGION -> Csv.text(s.intensity().cloudRegion());
            case OS -> Csv.text(s.os());
            case PYTHON_VERSION, CODECARBON_VERSION -> "";
            case CPU_COUNT -> Integer.toString(s.cpuCount());
            case CPU_MODEL -> Csv.text(s.cpuModel());
            case GPU_COUNT -> gpus ? Integer.toString(s.gpuCount()) : "";
            case GPU_MODEL -> gpus ? Csv.text(s.gpuModel()) : "";
            case LONGITUDE, LATITUDE -> "";
            case RAM_TOTAL_SIZE -> Csv.num(s.ramTotalGb());
            case TRACKING_MODE -> s.trackingMode();
            case CPU_UTILIZATION_PERCENT -> Csv.num(cpu.meanUtilization() * 100);
            case GPU_UTILIZATION_PERCENT -> gpus ? Csv.num(gpu.meanUtilization() * 100) : "";
            case RAM_UTILIZATION_PERCENT -> Csv.num(ram.meanUtilization() * 100);
            case RAM_USED_GB -> Csv.num(s.ramUsedGb());
            case ON_CLOUD -> s.intensity().onCloud() ? "Y" : "N";
            case PUE -> Csv.num(s.pue());
            case WUE -> "";
            case NODE_ID -> s.node().nodeId();
        };
    }
}
