package io.mlco2.tracker.epochs;

import io.mlco2.tracker.base.Log;
import io.mlco2.tracker.carbon.GridIntensity;
import io.mlco2.tracker.config.Config;
import io.mlco2.tracker.cpu.HostInfo;
import io.mlco2.tracker.energy.EnergyAccumulator;
import io.mlco2.tracker.runtime.ReportWriter;
import io.mlco2.tracker.runtime.RunContext;
import io.mlco2.tracker.runtime.SampleListener;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ProgressTest {

    private static final long S = 1_000_000_000L;
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final Log log = new Log(new PrintStream(err, true, StandardCharsets.UTF_8), Log.Level.ERROR);

    private EpochTracker tracker(Path dir) {
        return new EpochTracker(new EpochTracker.Settings("run1", dir, 10, 1, null, 1.5, 400, 0,
                Instant.parse("2026-01-01T00:00:00Z")), log, () -> 0L, () -> 0.0);
    }

    @Test
    void theLineStatesTheEnergyPowerEmissionsEpochAndForecast(@TempDir Path dir) {
        Progress p = new Progress(tracker(dir), log, 300 * S, 0, 400, 1.5);
        // 0.012 kWh = 43 200 J; x 1.5 x 400 g/kWh = 7.2 g
        assertEquals("5m 00s: 0.012000 kWh, 142 W now, 0.007200 kgCO2eq", p.line(300, 43_200, 141.6, 400, 0, 10, null));
        Forecast f = new Forecast(2, 10, "mlco2.epochs", 3600, 30, "epoch 2", 14_400, 60, 400, 1.5);
        // 14 400 J + 8 x 3 600 J = 43 200 J: 0.012 kWh, 0.0072 kg
        assertEquals("1h 01m 05s: 0.012000 kWh, 142 W now, 0.007200 kgCO2eq; epoch 3 of 10, forecast 0.012000 kWh,"
                + " 0.007200 kgCO2eq", p.line(3665, 43_200, 141.6, 400, 3, 10, f));
        assertEquals("42s: 0.000000 kWh, 0 W now, 0.000000 kgCO2eq; epoch 1", p.line(42, 0, 0, 400, 1, 0, null));
        // Between epochs, with a forecast made
        assertEquals("42s: 0.012000 kWh, 142 W now, 0.007200 kgCO2eq; forecast 0.012000 kWh, 0.007200 kgCO2eq",
                p.line(42, 43_200, 141.6, 400, 0, 10, f));
        // At the units' edges: 59.4 s is 59 s, 59.6 s a minute, 3600 s an hour.
        assertEquals("59s: 0.000000 kWh, 0 W now, 0.000000 kgCO2eq", p.line(59.4, 0, 0, 400, 0, 0, null));
        assertEquals("1m 00s: 0.000000 kWh, 0 W now, 0.000000 kgCO2eq", p.line(59.6, 0, 0, 400, 0, 0, null));
        assertEquals("59m 59s: 0.000000 kWh, 0 W now, 0.000000 kgCO2eq", p.line(3599, 0, 0, 400, 0, 0, null));
        assertEquals("1h 00m 00s: 0.000000 kWh, 0 W now, 0.000000 kgCO2eq", p.line(3600, 0, 0, 400, 0, 0, null));
    }

    /** The time in the line is counted from the run's start on the sampler's clock, not from the clock's zero. */
    @Test
    void theTimeIsSinceTheRunsStart(@TempDir Path dir) {
        long start = 5000 * S;
        Progress p = new Progress(tracker(dir), log, 60 * S, start, 400, 1.5);
        RunContext run = new NoEnergy();
        for (long t = 0; t <= 125; t += 1) {
            p.onSample(run, start + t * S);
        }
        List<String> lines = err.toString(StandardCharsets.UTF_8).lines().toList();
        assertEquals(List.of("[mlco2] 1m 00s: 0.000000 kWh, 0 W now, 0.000000 kgCO2eq",
                "[mlco2] 2m 00s: 0.000000 kWh, 0 W now, 0.000000 kgCO2eq"), lines);
    }

    @Test
    void oneLinePerPeriodWhateverTheLevel(@TempDir Path dir) {
        Progress p = new Progress(tracker(dir), log, 60 * S, 0, 400, 1.5);
        RunContext run = new NoEnergy();
        for (long t = 0; t <= 185; t += 1) {
            p.onSample(run, t * S);
        }
        List<String> lines = err.toString(StandardCharsets.UTF_8).lines().toList();
        assertEquals(List.of("[mlco2] 1m 00s: 0.000000 kWh, 0 W now, 0.000000 kgCO2eq",
                "[mlco2] 2m 00s: 0.000000 kWh, 0 W now, 0.000000 kgCO2eq",
                "[mlco2] 3m 00s: 0.000000 kWh, 0 W now, 0.000000 kgCO2eq"), lines);
    }

    /** A run with no energy source. */
    private static final class NoEnergy implements RunContext {
        @Override public Config config() { return Config.defaults(); }
        @Override public Log log() { return null; }
        @Override public String runId() { return "run1"; }
        @Override public HostInfo host() { return null; }
        @Override public GridIntensity intensity() { return null; }
        @Override public List<EnergyAccumulator> accumulators() { return List.of(); }
        @Override public long startNanos() { return 0; }
        @Override public Instant startWall() { return Instant.EPOCH; }
        @Override public void addListener(SampleListener listener) { }
        @Override public void addWriter(ReportWriter writer) { }
        @Override public void addSection(String key, Supplier<Object> section) { }
        @Override public void addCloseable(AutoCloseable closeable) { }
        @Override public void note(String note) { }
        @Override public void joinRun(String runId) { }
        @Override public io.mlco2.tracker.base.NodeIdentity node() { return io.mlco2.tracker.base.NodeIdentity.current("h"); }
        @Override public io.mlco2.tracker.carbon.IntensityLedger carbon() { return null; }
        @Override public void addRunIdListener(io.mlco2.tracker.runtime.RunIdListener listener) { }
    }
}
