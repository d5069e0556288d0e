package io.mlco2.tracker.timeseries;

import io.mlco2.tracker.base.Log;
import io.mlco2.tracker.base.NodeIdentity;
import io.mlco2.tracker.carbon.GridIntensity;
import io.mlco2.tracker.carbon.IntensityLedger;
import io.mlco2.tracker.carbon.IntensityProvider;
import io.mlco2.tracker.carbon.KnownSeries;
import io.mlco2.tracker.config.Config;
import io.mlco2.tracker.cpu.HostInfo;
import io.mlco2.tracker.energy.Component;
import io.mlco2.tracker.energy.EnergyAccumulator;
import io.mlco2.tracker.energy.Method;
import io.mlco2.tracker.energy.Reading;
import io.mlco2.tracker.runtime.ReportWriter;
import io.mlco2.tracker.runtime.RunContext;
import io.mlco2.tracker.runtime.RunIdListener;
import io.mlco2.tracker.runtime.SampleListener;
import org.junit.jupiter.api.Test;

import java.io.OutputStream;
import java.io.PrintStream;
import java.time.Instant;
import java.util.List;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The power chart's series, fed by the samples of a run. */
class PowerHistoryTest {

    private static final long S = 1_000_000_000L;
    private static final Log QUIET = new Log(new PrintStream(OutputStream.nullOutputStream()), Log.Level.ERROR);
    private static final GridIntensity YEARLY = new GridIntensity("FR", "France", "France", "FRA", "", "", "", 100,
            "test", false);
    /** The run starts 3 s into the monotonic clock: a sample's time on the chart counts from there. */
    private static final long START = 3 * S;
    private static final Instant START_WALL = Instant.parse("2026-01-01T00:00:00Z");

    /** A source over time whose values are all known: 40 g/kWh from the run's start, 80 from 2 s on. */
    static KnownSeries twoValues() {
        KnownSeries source = new KnownSeries("two-values");
        source.series.put(START_WALL, 40);
        source.series.put(START_WALL.plusSeconds(2), 80);
        return source;
    }

    /** What PowerHistory reads of a run: its devices, its start and its carbon ledger. */
    record Run(List<EnergyAccumulator> accumulators, IntensityLedger carbon) implements RunContext {
        public long startNanos() {
            return START;
        }

        public Instant startWall() {
            return START_WALL;
        }

        public Config config() {
            throw new UnsupportedOperationException();
        }

        public Log log() {
            return QUIET;
        }

        public String runId() {
            return "run";
        }

        public void joinRun(String runId) {
            throw new UnsupportedOperationException();
        }

        public NodeIdentity node() {
            throw new UnsupportedOperationException();
        }

        public HostInfo host() {
            throw new UnsupportedOperationException();
        }

        public GridIntensity intensity() {
            return YEARLY;
        }

        public void addListener(SampleListener listener) {
            throw new UnsupportedOperationException();
        }

        public void addWriter(ReportWriter writer) {
            throw new UnsupportedOperationException();
        }

        public void addSection(String key, Supplier<Object> section) {
            throw new UnsupportedOperationException();
        }

        public void addRunIdListener(RunIdListener listener) {
            throw new UnsupportedOperationException();
        }

        public void addCloseable(AutoCloseable closeable) {
            throw new UnsupportedOperationException();
        }

        public void note(String note) {
            throw new UnsupportedOperationException();
        }
    }

    /**
     * Samples the run at 1, 2 and 3 s after its start: the CPU draws {@code cpuWatts[i]}, the GPU is never read;
     * the ledger is told each sample first, as the tracker does.
     */
    private static PowerHistory sampled(IntensityProvider provider, double... cpuWatts) {
        EnergyAccumulator cpu = new EnergyAccumulator(new ComponentPowerTest.Device(Component.CPU, Method.RAPL, "0"));
        EnergyAccumulator gpu = new EnergyAccumulator(new ComponentPowerTest.Device(Component.GPU, Method.NVML_POWER, "0"));
        cpu.prime(START);
        gpu.prime(START);
        Run run = new Run(List.of(cpu, gpu), new IntensityLedger(provider, YEARLY, START, START_WALL, QUIET));
        PowerHistory h = new PowerHistory(10);
        for (int i = 0; i < cpuWatts.length; i++) {
            long t = START + (i + 1) * S;
            cpu.add(Reading.power(cpuWatts[i], 0.5), t);
            gpu.add(Reading.FAILED, t);
            run.carbon().sample(t, cpu.energyJoules());
            h.onSample(run, t);
        }
        return h;
    }

    @Test
    void eachSampleAddsEachComponentsPowerAtItsSecondsSinceTheStart() {
        PowerHistory h = sampled(null, 40, 65, 50);
        assertEquals(List.of(new MinMaxSeries.Bucket(1, 1, 40, 40, 40, 1), new MinMaxSeries.Bucket(2, 2, 65, 65, 65, 1),
                new MinMaxSeries.Bucket(3, 3, 50, 50, 50, 1)), h.series().get(Component.CPU).buckets());
        assertTrue(h.series().get(Component.GPU).buckets().isEmpty(), "a device never read draws nothing");
        assertTrue(h.series().get(Component.RAM).buckets().isEmpty(), "no device");
        assertFalse(h.isEmpty());
        assertTrue(h.intensity().buckets().isEmpty(), "the yearly average is not a series over time");
    }

    @Test
    void theIntensityOfASourceOverTimeIsRecordedAtEachSample() {
        PowerHistory h = sampled(twoValues(), 40, 65, 50);
        assertEquals(List.of(new MinMaxSeries.Bucket(1, 1, 40, 40, 40, 1), new MinMaxSeries.Bucket(2, 2, 40, 40, 40, 1),
                new MinMaxSeries.Bucket(3, 3, 80, 80, 80, 1)), h.intensity().buckets());
    }

    @Test
    void aHistoryIsEmptyUntilAComponentHasAPower() {
        assertTrue(new PowerHistory(10).isEmpty());
        assertTrue(sampled(null).isEmpty(), "no sample");
        PowerHistory h = new PowerHistory(10);
        h.add(Component.RAM, 0, Double.NaN);
        assertTrue(h.isEmpty(), "an unknown power is no point");
        h.add(Component.RAM, 1, 3);
        assertFalse(h.isEmpty(), "any component");
        assertEquals(List.of(new MinMaxSeries.Bucket(1, 1, 3, 3, 3, 1)), h.series().get(Component.RAM).buckets());
    }
}
