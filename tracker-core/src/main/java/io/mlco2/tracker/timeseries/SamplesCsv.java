package io.mlco2.tracker.timeseries;

import io.mlco2.tracker.config.Config;
import io.mlco2.tracker.energy.Component;
import io.mlco2.tracker.format.Csv;
import io.mlco2.tracker.report.ReportFiles;
import io.mlco2.tracker.report.RunSummary;
import io.mlco2.tracker.base.Log;
import io.mlco2.tracker.runtime.ReportWriter;
import io.mlco2.tracker.runtime.RunIdListener;
import io.mlco2.tracker.runtime.SampleListener;
import io.mlco2.tracker.runtime.RunContext;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code <run_id>.<node_id>.samples.csv}: one row per sample (wall time, seconds since start, and per component the power
 * in W, the cumulative energy in J, the utilisation in percent and the method; last, the grid's carbon intensity
 * over the interval ending at the sample, as known then).
 *
 * <p>Rows go to a buffer that is written out before it holds more than {@code mlco2.flush-interval} of samples
 * (or {@value #MAX_BUFFER_CHARS} characters), so a SIGKILL loses at most that interval, the file grows linearly
 * and memory does not. The file is opened once, in append mode, refusing a symbolic link at its path. A write
 * failure is one line and turns the time series off; the job and the other reports go on.
 *
 * <p>Thread safe: rows come from the sampler thread, the final flush from the shutdown thread.
 */
public final class SamplesCsv implements SampleListener, ReportWriter, RunIdListener {

    public static final String SUFFIX = ReportFiles.SAMPLES;
    static final int MAX_BUFFER_CHARS = 256 * 1024;

    /** The last column: gCO2eq/kWh over the interval ending at the sample. */
    public static final String INTENSITY_COLUMN = "carbon_intensity_g_per_kwh";

    public static final List<String> HEADER = header();

    private Path file;
    private final FileChannel channel;
    private final long flushIntervalNanos;
    private final long sampleIntervalNanos;
    private final Instant startWall;
    private final long startNanos;
    private final Log log;
    private final StringBuilder buffer = new StringBuilder();
    /** Time of the oldest row in the buffer; meaningful only while the buffer holds rows. */
    private long oldestBufferedNanos;
    private boolean closed;

    SamplesCsv(Path file, FileChannel channel, Duration flushInterval, Duration sampleInterval, Instant startWall,
               long startNanos, Log log) {
        this.file = file;
        this.channel = channel;
        this.flushIntervalNanos = flushInterval.toNanos();
        this.sampleIntervalNanos = sampleInterval.toNanos();
        this.startWall = startWall;
        this.startNanos = startNanos;
        this.log = log;
    }

    /**
     * Opens {@code <output dir>/<run_id>.<node_id>.samples.csv} and attaches it to {@code run}; a file that cannot be
     * opened is one line and no time series ({@code null}).
     */
    public static SamplesCsv install(RunContext run) {
        Config config = run.config();
        SamplesCsv csv;
        Path file = null;
        try {
            Path dir = ReportFiles.ensureDir(Path.of(config.get(Config.OUTPUT_DIR)));
            file = fileFor(dir, run.runId(), run.node().nodeId());
            csv = open(file, config.get(Config.FLUSH_INTERVAL), config.get(Config.INTERVAL), run.startWall(),
                    run.startNanos(), run.log());
        } catch (IOException | RuntimeException e) {
            run.log().warn("no time series: cannot open " + (file == null ? "the output folder" : file) + " ("
                    + Log.describe(e) + ")");
            return null;
        }
        run.addListener(csv);
        run.addWriter(csv);
        run.addRunIdListener(csv);
        return csv;
    }

    public static Path fileFor(Path dir, String runId, String nodeId) {
        return ReportFiles.file(dir, runId, nodeId, SUFFIX);
    }

    /** Renames the file after the run's new id; the open channel writes on into it. A failure is one line. */
    @Override
    public synchronized void runIdChanged(RunContext run, String oldRunId) {
        Path target = fileFor(file.getParent() == null ? Path.of("") : file.getParent(), run.runId(), run.node().nodeId());
        try {
            ReportFiles.refuseSymlink(target);
            Files.move(file, target); // never replaces: a file already there is someone else's
            file = target;
        } catch (IOException | RuntimeException e) {
            log.warn("time series: cannot rename " + file + " to " + target + " (" + Log.describe(e)
                    + "); it keeps its name");
        }
    }

    public static SamplesCsv open(Path file, Duration flushInterval, Duration sampleInterval, Instant startWall,
                           long startNanos, Log log) throws IOException {
        ReportFiles.refuseSymlink(file);
        FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND, LinkOption.NOFOLLOW_LINKS);
        SamplesCsv csv = new SamplesCsv(file, ch, flushInterval, sampleInterval, startWall, startNanos, log);
        if (ch.size() == 0) {
            synchronized (csv) {
                csv.buffer.append(String.join(",", HEADER)).append('\n');
                csv.flush();
            }
        }
        return csv;
    }

    private static List<String> header() {
        List<String> h = new ArrayList<>(List.of("time", "elapsed_s", "epoch"));
        for (Component c : Component.values()) {
            h.add(c.key() + "_power_w");
            h.add(c.key() + "_energy_j");
            h.add(c.key() + "_utilization_percent");
            h.add(c.key() + "_method");
        }
        h.add(INTENSITY_COLUMN);
        return List.copyOf(h);
    }

    @Override
    public void onSample(RunContext run, long monotonicNanos) {
        append(monotonicNanos, ComponentPower.of(run.accumulators()), run.carbon().lastGramsPerKwh());
    }

    /** {@link #append(long, Map, double)} without an intensity (its cell left empty). */
    public void append(long monotonicNanos, Map<Component, ComponentPower> figures) {
        append(monotonicNanos, figures, Double.NaN);
    }

    /** Adds one row; writes the buffer out when its oldest row would be older than the flush interval at the next sample. */
    public synchronized void append(long monotonicNanos, Map<Component, ComponentPower> figures, double gramsPerKwh) {
        if (closed) {
            return;
        }
        if (buffer.length() == 0) {
            oldestBufferedNanos = monotonicNanos;
        }
        Instant wall = startWall.plusNanos(monotonicNanos - startNanos).truncatedTo(ChronoUnit.MILLIS);
        buffer.append(DateTimeFormatter.ISO_INSTANT.format(wall)).append(',')
                .append(Csv.num((monotonicNanos - startNanos) / 1e9))
                .append(',').append(io.mlco2.tracker.epochs.EpochTracker.currentEpoch());
        for (Component c : Component.values()) {
            ComponentPower p = figures.get(c);
            buffer.append(',').append(Csv.num(p.powerWatts()))
                    .append(',').append(Csv.num(p.energyJoules()))
                    .append(',').append(Csv.num(p.utilization() * 100))
                    .append(',').append(Csv.text(p.method()));
        }
        buffer.append(',').append(Csv.num(gramsPerKwh)).append('\n');
        // Waiting for the next sample would leave the oldest row older than the flush interval: write now.
        if (monotonicNanos + sampleIntervalNanos - oldestBufferedNanos > flushIntervalNanos
                || buffer.length() > MAX_BUFFER_CHARS) {
            flush();
        }
    }

    private void flush() {
        if (buffer.length() == 0 || closed) {
            return;
        }
        try {
            ByteBuffer b = ByteBuffer.wrap(buffer.toString().getBytes(StandardCharsets.UTF_8));
            while (b.hasRemaining()) {
                channel.write(b);
            }
        } catch (IOException | RuntimeException e) {
            log.warn("time series " + file + " stopped: " + Log.describe(e));
            closeQuietly();
        } finally {
            buffer.setLength(0);
        }
    }

    /** Writes what is buffered and closes the file (at exit). */
    @Override
    public synchronized Path write(RunSummary summary, Path dir) {
        flush();
        closeQuietly();
        return file;
    }

    private void closeQuietly() {
        closed = true;
        buffer.setLength(0);
        try {
            channel.close();
        } catch (IOException ignored) {
            // Nothing more to write.
        }
    }

    @Override
    public String name() {
        return SUFFIX.substring(1);
    }

    public synchronized Path file() {
        return file;
    }

    /** Characters waiting to be written; for tests of the bound. */
    synchronized int buffered() {
        return buffer.length();
    }
}
