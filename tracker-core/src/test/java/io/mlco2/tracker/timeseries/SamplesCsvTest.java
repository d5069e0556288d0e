package io.mlco2.tracker.timeseries;

import io.mlco2.tracker.energy.Component;
import io.mlco2.tracker.base.Log;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
}
