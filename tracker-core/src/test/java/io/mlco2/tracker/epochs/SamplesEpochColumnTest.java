package io.mlco2.tracker.epochs;

import io.mlco2.tracker.energy.Component;
import io.mlco2.tracker.base.Log;
import io.mlco2.tracker.timeseries.ComponentPower;
import io.mlco2.tracker.timeseries.SamplesCsv;
import io.mlco2.tracker.timeseries.SamplesCsvReader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The time series names the epoch in progress at each sample, and the reader still finds the power columns. */
class SamplesEpochColumnTest {

    private static final long S = 1_000_000_000L;
    private static final Log QUIET = new Log(new PrintStream(OutputStream.nullOutputStream()), Log.Level.ERROR);

    @AfterEach
    void deactivate() {
        EpochTracker.activate(null);
    }

    private static Map<Component, ComponentPower> figures(double cpuWatts) {
        Map<Component, ComponentPower> m = new EnumMap<>(Component.class);
        m.put(Component.CPU, new ComponentPower(cpuWatts, 0, 0.5, "rapl"));
        m.put(Component.GPU, new ComponentPower(Double.NaN, 0, Double.NaN, "none"));
        m.put(Component.RAM, new ComponentPower(3, 0, 0.1, "ram-model"));
        return m;
    }

    @Test
    void eachRowCarriesTheEpochInProgress(@TempDir Path dir) throws Exception {
        EpochTracker t = new EpochTracker(new EpochTracker.Settings("r", dir, null, 1, null, 1, 100, 0,
                Instant.EPOCH), QUIET, () -> 0, () -> 0);
        EpochTracker.activate(t);
        Path f = dir.resolve("r.samples.csv");
        SamplesCsv csv = SamplesCsv.open(f, Duration.ofSeconds(10), Duration.ofSeconds(1), Instant.EPOCH, 0, QUIET);
        csv.append(1 * S, figures(10));
        Span e1 = t.begin("epoch", 1 * S);
        csv.append(2 * S, figures(20));
        t.end(e1, 2 * S);
        Span e2 = t.begin("epoch", 2 * S);
        csv.append(3 * S, figures(30));
        t.end(e2, 3 * S);
        csv.append(4 * S, figures(40));
        csv.write(null, dir);

        List<String> lines = Files.readAllLines(f);
        int col = SamplesCsv.HEADER.indexOf("epoch");
        assertEquals(List.of("0", "1", "2", "0"),
                lines.subList(1, 5).stream().map(l -> l.split(",", -1)[col]).toList());
        SamplesCsvReader.Result read = SamplesCsvReader.read(f, 10);
        assertEquals(4, read.rows(), "the reader takes the new column in its stride");
        assertEquals(0, read.badLines());
    }
}
