package io.mlco2.tracker.timeseries;

import io.mlco2.tracker.config.Config;
import io.mlco2.tracker.energy.Component;
import io.mlco2.tracker.base.Log;
import io.mlco2.tracker.runtime.FakePower;
import io.mlco2.tracker.runtime.Tracker;
import io.mlco2.tracker.runtime.Trackers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SamplesCsvTest {

    private static final long S = 1_000_000_000L;
    private static final Log QUIET = new Log(new PrintStream(OutputStream.nullOutputStream()), Log.Level.ERROR);

    @TempDir
    Path dir;

    private static Map<Component, ComponentPower> figures(double cpuWatts, double cpuJoules) {
        Map<Component, ComponentPower> m = new EnumMap<>(Component.class);
        m.put(Component.CPU, new ComponentPower(cpuWatts, cpuJoules, 0.5, "rapl"));
        m.put(Component.GPU, new ComponentPower(Double.NaN, 0, Double.NaN, "none"));
        m.put(Component.RAM, new ComponentPower(3, cpuJoules / 10, 0.1, "ram-model"));
        return m;
    }

    private long lines(Path f) throws IOException {
        return Files.readAllLines(f).size();
    }

    @Test
    void rowsReachTheFileWithinTheFlushIntervalAndTheBufferStaysBounded() throws Exception {
        Path f = dir.resolve("run.samples.csv");
        SamplesCsv csv = SamplesCsv.open(f, Duration.ofSeconds(10), Duration.ofSeconds(1),
                Instant.parse("2026-01-01T00:00:00Z"), 0, QUIET);
        assertEquals(1, lines(f), "header written at once");
        for (int i = 1; i <= 10; i++) {
            csv.append(i * S, figures(100, i * 100.0), 250.0);
        }
        assertEquals(1, lines(f), "rows of 1..10 s still buffered: the oldest is 9 s old, 10 s at the next sample");
        csv.append(11 * S, figures(100, 1100));
        assertEquals(12, lines(f), "flushed before the oldest row would be more than 10 s old");
        assertEquals(0, csv.buffered());
        for (int i = 12; i < 100_000; i++) {
            csv.append(i * S, figures(100, i * 100.0));
            assertTrue(csv.buffered() <= SamplesCsv.MAX_BUFFER_CHARS + 1000);
        }
        csv.write(null, dir);
        List<String> all = Files.readAllLines(f);
        assertEquals(100_000, all.size());
        assertEquals(String.join(",", SamplesCsv.HEADER), all.get(0));
        assertEquals("2026-01-01T00:00:01Z,1.0,0,100.0,100.0,50.0,rapl,,0.0,,none,3.0,10.0,10.0,ram-model,250.0", all.get(1));
    }

    @Test
    void aFileWrittenBeforeTheIntensityColumnIsStillRead() throws Exception {
        Path f = dir.resolve("old.samples.csv");
        List<String> old = SamplesCsv.HEADER.subList(0, SamplesCsv.HEADER.size() - 1);
        Files.writeString(f, String.join(",", old) + "\n"
                + "2026-01-01T00:00:01Z,1.0,0,100.0,100.0,50.0,rapl,,0.0,,none,3.0,10.0,10.0,ram-model\n");
        SamplesCsvReader.Result r = SamplesCsvReader.read(f, 10);
        assertEquals(1, r.rows());
        assertEquals(0, r.badLines());
        Files.writeString(f, String.join(",", SamplesCsv.HEADER) + "\n"
                + "2026-01-01T00:00:01Z,1.0,0,100.0,100.0,50.0,rapl,,0.0,,none,3.0,10.0,10.0,ram-model,250.0\n"
                + "2026-01-01T00:00:02Z,2.0,0,100.0,200.0,50.0,rapl,,0.0,,none,3.0,10.0,10.0,ram-model\n");
        r = SamplesCsvReader.read(f, 10);
        assertEquals(1, r.rows());
        assertEquals(1, r.badLines(), "a row a column short in a file with the column");
    }

    @Test
    void refusesASymlinkAtItsPath() throws Exception {
        Path target = dir.resolve("elsewhere");
        Files.writeString(target, "x");
        Path link = Files.createSymbolicLink(dir.resolve("run.samples.csv"), target);
        assertThrows(IOException.class, () -> SamplesCsv.open(link, Duration.ofSeconds(1), Duration.ofSeconds(1),
                Instant.now(), 0, QUIET));
        assertEquals("x", Files.readString(target));
    }

    @Test
    void readsBackIntoAChartSkippingATornLastLine() throws Exception {
        Path f = dir.resolve("r.samples.csv");
        SamplesCsv csv = SamplesCsv.open(f, Duration.ofMillis(100), Duration.ofSeconds(1), Instant.now(), 0, QUIET);
        for (int i = 0; i < 50; i++) {
            csv.append(i * S, figures(i, i));
        }
        csv.write(null, dir);
        Files.writeString(f, "2026-01-01T00:00:51Z,51.0,12", StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.APPEND);
        SamplesCsvReader.Result r = SamplesCsvReader.read(f, 10);
        assertEquals(50, r.rows());
        assertEquals(1, r.badLines());
        assertEquals(49, r.history().series().get(Component.CPU).buckets().stream()
                .mapToDouble(MinMaxSeries.Bucket::max).max().orElseThrow());
        assertTrue(r.history().series().get(Component.GPU).buckets().isEmpty());
    }

    /** Every component the same power, energy and utilisation; the CPU's method as given, the others {@code m}. */
    private static Map<Component, ComponentPower> same(String cpuMethod) {
        Map<Component, ComponentPower> m = new EnumMap<>(Component.class);
        for (Component c : Component.values()) {
            m.put(c, new ComponentPower(1, 1, 0.5, c == Component.CPU ? cpuMethod : "m"));
        }
        return m;
    }

    /** The row of {@link #same} at {@code second} s of a run started at the epoch, without an intensity. */
    private static String sameRow(int second, String cpuMethod) {
        return Instant.ofEpochSecond(second) + "," + second + ".0,0,1.0,1.0,50.0," + cpuMethod
                + ",1.0,1.0,50.0,m,1.0,1.0,50.0,m,\n";
    }

    @Test
    void theTimeAndElapsedSecondsCountFromTheRunsStart() throws Exception {
        Path f = dir.resolve("run.samples.csv");
        long start = 7_250_000_000L; // the run started 7.25 s into the monotonic clock
        SamplesCsv csv = SamplesCsv.open(f, Duration.ofHours(1), Duration.ofSeconds(1),
                Instant.parse("2026-01-01T00:00:00Z"), start, QUIET);
        csv.append(start + 1_234_567_891L, figures(100, 100));
        csv.append(start + 60 * S, figures(100, 6000));
        csv.write(null, dir);
        List<String> rows = Files.readAllLines(f);
        assertEquals(List.of("2026-01-01T00:00:01.234Z", "1.234567891"), List.of(rows.get(1).split(",")).subList(0, 2),
                "the wall time to the millisecond");
        assertEquals(List.of("2026-01-01T00:01:00Z", "60.0"), List.of(rows.get(2).split(",")).subList(0, 2));
    }

    @Test
    void theBufferHoldsUpToItsBoundAndIsWrittenOutBeyond() throws Exception {
        Path f = dir.resolve("run.samples.csv");
        SamplesCsv csv = SamplesCsv.open(f, Duration.ofDays(1), Duration.ofSeconds(1), Instant.EPOCH, 0, QUIET);
        long header = Files.size(f);
        StringBuilder expected = new StringBuilder();
        int second = 1;
        while (SamplesCsv.MAX_BUFFER_CHARS - expected.length() > sameRow(second, "").length() + 2000) {
            String method = "x".repeat(1000);
            csv.append(second * S, same(method));
            expected.append(sameRow(second, method));
            second++;
        }
        // The last row fills the buffer to its bound exactly: still buffered.
        String method = "y".repeat(SamplesCsv.MAX_BUFFER_CHARS - expected.length() - sameRow(second, "").length());
        csv.append(second * S, same(method));
        expected.append(sameRow(second, method));
        assertEquals(SamplesCsv.MAX_BUFFER_CHARS, expected.length());
        assertEquals(SamplesCsv.MAX_BUFFER_CHARS, csv.buffered());
        assertEquals(header, Files.size(f), "nothing written yet");
        // One more row is beyond it: everything is written.
        second++;
        csv.append(second * S, same("z"));
        expected.append(sameRow(second, "z"));
        assertEquals(0, csv.buffered());
        assertEquals(String.join(",", SamplesCsv.HEADER) + "\n" + expected, Files.readString(f));
    }

    @Test
    void writeWritesWhatIsBufferedClosesTheFileAndLaterRowsAreDropped() throws Exception {
        Path f = dir.resolve("run.samples.csv");
        FileChannel channel = FileChannel.open(f, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND);
        SamplesCsv csv = new SamplesCsv(f, channel, Duration.ofSeconds(10), Duration.ofSeconds(1), Instant.EPOCH, 0, QUIET);
        csv.append(S, same("a"), 250);
        assertEquals(0, Files.size(f), "buffered until the flush interval or the end");
        assertEquals(f, csv.write(null, dir));
        String written = sameRow(1, "a").replace(",\n", ",250.0\n");
        assertEquals(written, Files.readString(f));
        assertFalse(channel.isOpen(), "closed at the end");
        csv.append(2 * S, same("b"));
        csv.append(60 * S, same("c"));
        assertEquals(f, csv.write(null, dir), "a second end is harmless");
        assertEquals(written, Files.readString(f), "nothing after the end");
        assertEquals(0, csv.buffered());
    }

    @Test
    void aWriteFailureIsOneLineAndStopsTheTimeSeries() throws Exception {
        Path f = dir.resolve("run.samples.csv");
        Files.writeString(f, "");
        FileChannel readOnly = FileChannel.open(f, StandardOpenOption.READ);
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Log log = new Log(new PrintStream(err, true, StandardCharsets.UTF_8), Log.Level.DEBUG);
        SamplesCsv csv = new SamplesCsv(f, readOnly, Duration.ofMillis(100), Duration.ofSeconds(1), Instant.EPOCH, 0, log);
        csv.append(S, same("a")); // the next sample would be past the flush interval: written now, and it fails
        List<String> lines = err.toString(StandardCharsets.UTF_8).lines().toList();
        assertEquals(1, lines.size(), lines.toString());
        assertTrue(lines.get(0).contains("time series " + f + " stopped"), lines.get(0));
        assertFalse(readOnly.isOpen(), "the file is let go");
        for (int i = 2; i < 10; i++) {
            csv.append(i * S, same("a"));
        }
        assertEquals(0, csv.buffered(), "no rows kept after the failure");
        assertEquals(f, csv.write(null, dir));
        assertEquals(1, err.toString(StandardCharsets.UTF_8).lines().count(), "one line, not one per row");
        assertEquals("", Files.readString(f));
    }

    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final Log log = new Log(new PrintStream(err, true, StandardCharsets.UTF_8), Log.Level.DEBUG);
    /** The monotonic clock of the tracker's samples: the run starts 5 s into it. */
    private final AtomicLong clock = new AtomicLong(5 * S);

    /**
     * A tracker writing to {@code out}, sampled by the test; the CPU draws 50 W, the GPU 200 W, no memory device;
     * France: 100 g/kWh. Its rows stay buffered until the end (1 s samples, flushed every hour).
     */
    private Tracker tracker(Path out) {
        Config config = Config.load("output.dir=" + out + ";interval=1s;flush-interval=1h", Map.of(), Map.of(), log);
        return Trackers.of(config, log, List.of(new FakePower.ConstantPower(Component.CPU, 50),
                new FakePower.ConstantPower(Component.GPU, 200)), clock::get);
    }

    @Test
    void installedOnARunItWritesARowPerSampleIntoTheRunsFile() throws Exception {
        Tracker t = tracker(dir);
        SamplesCsv csv = SamplesCsv.install(t);
        assertNotNull(csv);
        assertEquals("samples.csv", csv.name());
        Path f = dir.resolve(t.runId() + "." + t.node().nodeId() + ".samples.csv");
        assertEquals(f, csv.file());
        for (int i = 0; i < 4; i++) {
            t.sample();
            clock.addAndGet(S);
        }
        assertEquals(1, Files.readAllLines(f).size(), "the rows wait in the buffer");
        t.stop(); // its last sample, at 4 s, then the reports: the rows are written
        List<String> expected = new ArrayList<>();
        expected.add(String.join(",", SamplesCsv.HEADER));
        for (int i = 0; i <= 4; i++) {
            expected.add(Instant.ofEpochSecond(i) + "," + (double) i + ",0,50.0," + 50.0 * i
                    + ",50.0,cpu-load-model,200.0," + 200.0 * i + ",50.0,nvml-power,,0.0,,none,100.0");
        }
        assertEquals(expected, Files.readAllLines(f));
    }

    @Test
    void aFileThatCannotBeOpenedIsOneLineAndNoTimeSeries() throws Exception {
        Path notAFolder = dir.resolve("out");
        Files.writeString(notAFolder, "x");
        Tracker t = tracker(notAFolder);
        assertNull(SamplesCsv.install(t));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("no time series: cannot open the output folder"),
                err.toString(StandardCharsets.UTF_8));

        Tracker u = tracker(dir);
        Path f = dir.resolve(u.runId() + "." + u.node().nodeId() + ".samples.csv");
        Files.createSymbolicLink(f, dir.resolve("elsewhere"));
        assertNull(SamplesCsv.install(u));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("no time series: cannot open " + f + " ("),
                err.toString(StandardCharsets.UTF_8));
        u.sample();
        u.stop();
        assertFalse(Files.exists(dir.resolve("elsewhere")), "nothing written through the link");
    }

    @Test
    void joiningAnotherRunRenamesTheFileAndTheRowsGoOnIntoIt() throws Exception {
        Tracker t = tracker(dir);
        SamplesCsv csv = SamplesCsv.install(t);
        t.sample();
        Path old = csv.file();
        t.joinRun("app-9");
        Path renamed = dir.resolve("app-9." + t.node().nodeId() + ".samples.csv");
        assertEquals(renamed, csv.file());
        assertFalse(Files.exists(old));
        clock.addAndGet(S);
        t.stop(); // and its last sample
        assertEquals(3, Files.readAllLines(renamed).size(), "the header and both rows");
    }

    @Test
    void aFileAlreadyAtTheNewNameIsLeftAloneAndTheFileKeepsItsName() throws Exception {
        Tracker t = tracker(dir);
        SamplesCsv csv = SamplesCsv.install(t);
        Path old = csv.file();
        Path taken = dir.resolve("app-9." + t.node().nodeId() + ".samples.csv");
        Files.writeString(taken, "someone else's");
        t.joinRun("app-9");
        assertEquals(old, csv.file());
        assertEquals("someone else's", Files.readString(taken));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("time series: cannot rename " + old + " to " + taken),
                err.toString(StandardCharsets.UTF_8));
        t.sample();
        t.stop(); // and its last sample
        assertEquals(3, Files.readAllLines(old).size(), "the header and both rows");
    }
}
