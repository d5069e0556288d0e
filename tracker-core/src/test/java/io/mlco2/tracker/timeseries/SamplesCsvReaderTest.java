package io.mlco2.tracker.timeseries;

import io.mlco2.tracker.energy.Component;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Reading a samples file back: {@link SamplesCsvReader#last} (what {@code report} recovers of a JVM killed before its
 * exit hook) and {@link SamplesCsvReader#read} (the chart). The files are written here as text, so the expected
 * figures are the ones in that text.
 */
class SamplesCsvReaderTest {

    @TempDir
    Path dir;

    private static final String HEADER = String.join(",", SamplesCsv.HEADER);
    /** The header of the files written before the intensity column. */
    private static final String OLD_HEADER = String.join(",", SamplesCsv.HEADER.subList(0, SamplesCsv.HEADER.size() - 1));

    /** A row without its intensity cell: cpu, gpu and ram power and cumulative energy as given. */
    private static String row(String time, double elapsed, double cpuW, double cpuJ, double gpuW, double gpuJ,
                              double ramW, double ramJ) {
        return time + "," + elapsed + ",0," + cpuW + "," + cpuJ + ",50.0,rapl," + gpuW + "," + gpuJ
                + ",90.0,nvml-energy-counter," + ramW + "," + ramJ + ",,ram-model";
    }

    private Path file(String text) throws IOException {
        Path f = dir.resolve("run.node.samples.csv");
        Files.writeString(f, text);
        return f;
    }

    @Test
    void lastIsTheLastCompleteRowWithEachComponentsEnergy() throws Exception {
        Path f = file(HEADER + "\n"
                + row("2026-01-01T00:00:01Z", 1.0, 10, 10, 200, 150, 3, 3) + ",250.0\n"
                + row("2026-01-01T00:00:02Z", 2.0, 12, 21, 210, 355, 3, 6) + ",250.0\n"
                + row("2026-01-01T00:00:03.5Z", 3.5, 14, 40.5, 220, 677.5, 3, 10.5) + ",240.0\n"
                + "2026-01-01T00:00:04Z,4.0,0,14.0,54"); // torn: the JVM was killed while writing it
        SamplesCsvReader.Last last = SamplesCsvReader.last(f);
        assertEquals("2026-01-01T00:00:03.5Z", last.time());
        assertEquals(3.5, last.elapsedSeconds());
        assertEquals(Map.of(Component.CPU, 40.5, Component.GPU, 677.5, Component.RAM, 10.5), last.energyJoules());
        assertEquals(40.5 + 677.5 + 10.5, last.totalJoules(), 1e-9);
        assertEquals(3, last.rows());
    }

    @Test
    void lastPassesOverARowThatDoesNotParseAndKeepsThePreviousOne() throws Exception {
        Path f = file(HEADER + "\n"
                + row("2026-01-01T00:00:01Z", 1.0, 10, 10, 200, 150, 3, 3) + ",250.0\n"
                + row("2026-01-01T00:00:02Z", 2.0, 12, 21, 210, 355, 3, 6).replace("355.0", "3x5") + ",250.0\n"
                + "\n");
        SamplesCsvReader.Last last = SamplesCsvReader.last(f);
        assertEquals("2026-01-01T00:00:01Z", last.time());
        assertEquals(Map.of(Component.CPU, 10.0, Component.GPU, 150.0, Component.RAM, 3.0), last.energyJoules());
        assertEquals(1, last.rows());
    }

    @Test
    void anEmptyEnergyCellCountsAsNothingMeasured() throws Exception {
        Path f = file(HEADER + "\n"
                + "2026-01-01T00:00:01Z,1.0,0,10.0,10.0,50.0,rapl,,,,none,3.0,3.0,,ram-model,250.0\n");
        assertEquals(Map.of(Component.CPU, 10.0, Component.GPU, 0.0, Component.RAM, 3.0),
                SamplesCsvReader.last(f).energyJoules());
    }

    @Test
    void aFileWithItsHeaderOnlyHasNoLastSampleAndNoEnergy() throws Exception {
        SamplesCsvReader.Last last = SamplesCsvReader.last(file(HEADER + "\n"));
        assertEquals("", last.time());
        assertEquals(0, last.rows());
        assertEquals(0.0, last.elapsedSeconds());
        assertEquals(Map.of(Component.CPU, 0.0, Component.GPU, 0.0, Component.RAM, 0.0), last.energyJoules());
        assertEquals(0.0, last.totalJoules());
    }

    @Test
    void lastReadsAFileWrittenBeforeTheIntensityColumn() throws Exception {
        Path f = file(OLD_HEADER + "\n"
                + row("2026-01-01T00:00:01Z", 1.0, 10, 10, 200, 150, 3, 3) + "\n"
                + row("2026-01-01T00:00:02Z", 2.0, 12, 21, 210, 355, 3, 6) + "\n");
        SamplesCsvReader.Last last = SamplesCsvReader.last(f);
        assertEquals("2026-01-01T00:00:02Z", last.time());
        assertEquals(2.0, last.elapsedSeconds());
        assertEquals(21 + 355 + 6, last.totalJoules(), 1e-9);
        assertEquals(2, last.rows());
    }

    @Test
    void aRowWithTheIntensityInAFileWithoutTheColumnIsNotARow() throws Exception {
        Path f = file(OLD_HEADER + "\n"
                + row("2026-01-01T00:00:01Z", 1.0, 10, 10, 200, 150, 3, 3) + "\n"
                + row("2026-01-01T00:00:02Z", 2.0, 12, 21, 210, 355, 3, 6) + ",250.0\n");
        assertEquals("2026-01-01T00:00:01Z", SamplesCsvReader.last(f).time());
        SamplesCsvReader.Result r = SamplesCsvReader.read(f, 10);
        assertEquals(1, r.rows());
        assertEquals(1, r.badLines());
    }

    @Test
    void aFileThatIsNotASamplesFileIsRefusedByBoth() throws Exception {
        for (String text : List.of("", "a,b,c\n1,2,3\n", HEADER.replace("cpu_energy_j", "cpu_energy_kwh") + "\n")) {
            Path f = file(text);
            IOException e = assertThrows(IOException.class, () -> SamplesCsvReader.last(f), text);
            assertTrue(e.getMessage().contains("not a samples file"), e.getMessage());
            assertThrows(IOException.class, () -> SamplesCsvReader.read(f, 10), text);
        }
    }

    @Test
    void aByteOrderMarkBeforeTheHeaderIsAccepted() throws Exception {
        Path f = file("\uFEFF" + HEADER + "\n" + row("2026-01-01T00:00:01Z", 1.0, 10, 10, 200, 150, 3, 3) + ",250.0\n");
        assertEquals(1, SamplesCsvReader.last(f).rows());
        assertEquals(1, SamplesCsvReader.read(f, 10).rows());
    }

    @Test
    void readCountsEachRowThatDoesNotParseOnceAndChartsTheOthers() throws Exception {
        Path f = file(HEADER + "\n"
                + row("2026-01-01T00:00:01Z", 1.0, 10, 10, 200, 150, 3, 3) + ",250.0\n"
                + "\n"
                + row("2026-01-01T00:00:02Z", 2.0, 12, 21, 210, 355, 3, 6).replace("12.0", "twelve") + ",250.0\n"
                + row("2026-01-01T00:00:03Z", 3.0, 14, 35, 220, 575, 3, 9).replace(",3.0,", ",three,") + ",250.0\n"
                + row("2026-01-01T00:00:04Z", 4.0, 16, 51, 230, 805, 3, 12) + ",250.0\n"
                + "2026-01-01T00:00:05Z,5.0,0,1");
        SamplesCsvReader.Result r = SamplesCsvReader.read(f, 10);
        assertEquals(2, r.rows());
        assertEquals(3, r.badLines(), "a power that is not a number, an elapsed time that is not one, a torn line");
        List<MinMaxSeries.Bucket> cpu = r.history().series().get(Component.CPU).buckets();
        assertEquals(List.of(new MinMaxSeries.Bucket(1, 1, 10, 10, 10, 1), new MinMaxSeries.Bucket(4, 4, 16, 16, 16, 1)),
                cpu);
        assertEquals(List.of(200.0, 230.0), r.history().series().get(Component.GPU).buckets().stream()
                .map(MinMaxSeries.Bucket::max).toList());
    }
}
