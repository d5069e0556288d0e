package io.mlco2.tracker.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.mlco2.tracker.base.Log;
import io.mlco2.tracker.carbon.GridIntensity;
import io.mlco2.tracker.carbon.IntensityLedger;
import io.mlco2.tracker.carbon.KnownSeries;
import io.mlco2.tracker.energy.Component;
import io.mlco2.tracker.energy.EnergyAccumulator;
import org.junit.jupiter.api.Test;

import java.io.OutputStream;
import java.io.PrintStream;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TrackerMetricsTest {

    private static final long S = 1_000_000_000L;

    @Test
    void registersEnergyPowerAndEmissionsPerDeviceWithUnitsTagsAndDescriptions() {
        EnergyAccumulator cpu = new EnergyAccumulator(new FakeSource(Component.CPU, "package-0", 100));
        EnergyAccumulator ram = new EnergyAccumulator(new FakeSource(Component.RAM, "machine", 10));
        for (long t = 0; t <= 36; t++) {
            cpu.sample(t * S);
            ram.sample(t * S);
        }
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        new TrackerMetrics(List.of(cpu, ram), 50.0, "FR", 1.5, TrackerMetrics.commonTags("node-1", "run-7", "proj", "n-1"))
                .bindTo(registry);

        FunctionCounter energy = registry.get("mlco2.energy").tag("component", "cpu").tag("device", "package-0")
                .tag("method", "cpu-load-model").tag("host", "node-1").tag("run_id", "run-7").tag("project", "proj")
                .functionCounter();
        assertEquals(3600.0, energy.count(), 1e-6);
        assertEquals("joules", energy.getId().getBaseUnit());
        Gauge power = registry.get("mlco2.power").tag("component", "ram").gauge();
        assertEquals(10.0, power.value(), 1e-9);
        assertEquals("watts", power.getId().getBaseUnit());
        // 3600 J = 0.001 kWh x PUE 1.5 x 50 g/kWh = 0.075 g
        FunctionCounter grams = registry.get("mlco2.emissions").tag("component", "cpu").functionCounter();
        assertEquals(0.075, grams.count(), 1e-9);
        assertEquals("grams", grams.getId().getBaseUnit());
        assertEquals(50.0, registry.get("mlco2.carbon.intensity").tag("region", "FR").gauge().value());
        assertEquals(1.5, registry.get("mlco2.pue").gauge().value());
        assertEquals(0.5, registry.get("mlco2.utilization").tag("component", "cpu").gauge().value());

        for (Meter m : registry.getMeters()) {
            String name = m.getId().getName();
            assertTrue(name.matches("[a-z0-9]+(\\.[a-z0-9]+)*"), name);
            assertNotNull(m.getId().getDescription(), name);
            assertFalse(m.getId().getDescription().isBlank(), name);
            assertEquals("run-7", m.getId().getTag("run_id"), name);
            assertEquals("n-1", m.getId().getTag("node"), name);
        }
    }

    @Test
    void twoJvmsOfOneRunOnOneHostAreDistinctSeries() {
        EnergyAccumulator a = new EnergyAccumulator(new FakeSource(Component.CPU, "package-0", 100));
        EnergyAccumulator b = new EnergyAccumulator(new FakeSource(Component.CPU, "package-0", 30));
        for (long t = 0; t <= 10; t++) {
            a.sample(t * S);
            b.sample(t * S);
        }
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        new TrackerMetrics(List.of(a), 50.0, "FR", 1.0, TrackerMetrics.commonTags("h", "run", "p", "exec1-h-100"))
                .bindTo(registry);
        new TrackerMetrics(List.of(b), 50.0, "FR", 1.0, TrackerMetrics.commonTags("h", "run", "p", "exec2-h-200"))
                .bindTo(registry);
        // Same host, run, component and device: only the node tells them apart, and each keeps its own energy.
        assertEquals(2, registry.find("mlco2.energy").functionCounters().size());
        assertEquals(1000.0, registry.get("mlco2.energy").tag("node", "exec1-h-100").functionCounter().count(), 1e-9);
        assertEquals(300.0, registry.get("mlco2.energy").tag("node", "exec2-h-200").functionCounter().count(), 1e-9);
    }

    @Test
    void failedReadGivesNaNOrTheLastValueNeverAnException() {
        FakeSource src = new FakeSource(Component.GPU, "0", 200);
        EnergyAccumulator gpu = new EnergyAccumulator(src);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        new TrackerMetrics(List.of(gpu), 100, "world", 1.0, TrackerMetrics.commonTags(null, "r", "p", null)).bindTo(registry);
        assertTrue(Double.isNaN(registry.get("mlco2.power").gauge().value()), "no reading yet");
        src.failing = true;
        gpu.sample(0);
        gpu.sample(S);
        assertEquals(0.0, registry.get("mlco2.energy").functionCounter().count());
        assertEquals("unknown", registry.get("mlco2.energy").functionCounter().getId().getTag("host"));
    }

    @Test
    void aThrowingFunctionReadsAsNaN() {
        assertTrue(Double.isNaN(TrackerMetrics.<String>safe(s -> {
            throw new IllegalStateException("boom");
        }).applyAsDouble("x")));
    }

    @Test
    void theEpochGaugeReadsTheRunsEpochInProgress() {
        java.util.concurrent.atomic.AtomicInteger epoch = new java.util.concurrent.atomic.AtomicInteger();
        SimpleMeterRegistry r = new SimpleMeterRegistry();
        new TrackerMetrics(List.of(), 50.0, "FR", 1.0, TrackerMetrics.commonTags("h", "r", "p", "n-1"), epoch::get).bindTo(r);
        assertEquals(0.0, r.get("mlco2.epoch").gauge().value());
        epoch.set(3);
        assertEquals(3.0, r.get("mlco2.epoch").gauge().value());
    }

    @Test
    void completedEpochsBecomeEpochTaggedMetersAndOnlyTheLastOnesAreKept() {
        SimpleMeterRegistry a = new SimpleMeterRegistry();
        SimpleMeterRegistry b = new SimpleMeterRegistry();
        TrackerMetrics m = new TrackerMetrics(List.of(), 50.0, "FR", 1.0, TrackerMetrics.commonTags("h", "r", "p", "n-1"));
        m.bindTo(a);
        m.bindTo(b);
        assertEquals(0.0, a.get("mlco2.epoch").gauge().value(), "no epoch in progress");
        int before = a.getMeters().size();
        int epochs = TrackerMetrics.EPOCHS_KEPT + 5;
        for (int e = 1; e <= epochs; e++) {
            m.epochEnded(e, 10.0 + e, new double[] {100.0 * e, 0, 5.0 * e}, 0.01 * e);
        }
        for (SimpleMeterRegistry r : List.of(a, b)) {
            assertEquals(2500.0, r.get("mlco2.epoch.energy").tag("epoch", "25").tag("component", "cpu").gauge().value());
            assertEquals(125.0, r.get("mlco2.epoch.energy").tag("epoch", "25").tag("component", "ram").gauge().value());
            assertEquals(0.25, r.get("mlco2.epoch.emissions").tag("epoch", "25").gauge().value(), 1e-12);
            assertEquals(35.0, r.get("mlco2.epoch.duration").tag("epoch", "25").gauge().value());
            assertEquals("joules", r.get("mlco2.epoch.energy").tag("epoch", "6").tag("component", "gpu").gauge()
                    .getId().getBaseUnit());
            assertTrue(r.find("mlco2.epoch.energy").tag("epoch", "5").meters().isEmpty(), "epoch 5 removed");
            assertEquals(TrackerMetrics.EPOCHS_KEPT, r.find("mlco2.epoch.duration").meters().size());
        }
        assertEquals(before + TrackerMetrics.EPOCHS_KEPT * 5, a.getMeters().size(), "bounded: 5 series per kept epoch");
    }

    /**
     * The epoch meters go by the shorter of the components and the joules given: two joules register the CPU's and
     * the GPU's energy only, four the three components' (the fourth ignored); both with the emissions and duration.
     */
    @Test
    void anEpochsJoulesShorterOrLongerThanTheComponentsRegisterOnlyThoseOfBoth() {
        SimpleMeterRegistry r = new SimpleMeterRegistry();
        TrackerMetrics m = new TrackerMetrics(List.of(), 50.0, "FR", 1.0, TrackerMetrics.commonTags("h", "r", "p", "n-1"));
        m.bindTo(r);
        m.epochEnded(1, 12.0, new double[] {100, 200}, 0.5);
        m.epochEnded(2, 13.0, new double[] {300, 400, 500, 600}, 0.7);
        assertEquals(List.of("cpu", "gpu"), components(r, "1"));
        assertEquals(200.0, r.get("mlco2.epoch.energy").tag("epoch", "1").tag("component", "gpu").gauge().value());
        assertEquals(12.0, r.get("mlco2.epoch.duration").tag("epoch", "1").gauge().value());
        assertEquals(List.of("cpu", "gpu", "ram"), components(r, "2"));
        assertEquals(500.0, r.get("mlco2.epoch.energy").tag("epoch", "2").tag("component", "ram").gauge().value());
        assertEquals(0.7, r.get("mlco2.epoch.emissions").tag("epoch", "2").gauge().value());
    }

    private static List<String> components(SimpleMeterRegistry r, String epoch) {
        return r.find("mlco2.epoch.energy").tag("epoch", epoch).gauges().stream().map(g -> g.getId().getTag("component"))
                .sorted().toList();
    }

    /**
     * With an intensity over time, each device's emissions counter adds its energy of each interval at that
     * interval's intensity: 100 W and 10 W for 1 s at 100 g/kWh, then 1 s at 300 g/kWh, PUE 1.5.
     */
    @Test
    void overTimeEachIntervalsEnergyIsCountedAtItsIntensity() {
        EnergyAccumulator cpu = new EnergyAccumulator(new FakeSource(Component.CPU, "package-0", 100));
        EnergyAccumulator ram = new EnergyAccumulator(new FakeSource(Component.RAM, "machine", 10));
        KnownSeries steps = new KnownSeries("steps");
        steps.series.put(Instant.EPOCH, 100);
        steps.series.put(Instant.EPOCH.plusSeconds(1), 300);
        GridIntensity yearly = new GridIntensity("FR", "France", "France", "FRA", "", "", "", 50, "test", false);
        IntensityLedger ledger = new IntensityLedger(steps, yearly, 0, Instant.EPOCH,
                new Log(new PrintStream(OutputStream.nullOutputStream()), Log.Level.ERROR));
        TrackerMetrics m = new TrackerMetrics(List.of(cpu, ram), 50.0, "FR", 1.5,
                TrackerMetrics.commonTags("h", "r", "p", "n-1"), null, ledger);
        SimpleMeterRegistry r = new SimpleMeterRegistry();
        m.bindTo(r);
        for (long t = 0; t <= 2; t++) {
            cpu.sample(t * S);
            ram.sample(t * S);
            ledger.sample(t * S, cpu.energyJoules() + ram.energyJoules());
            m.onSample(null, t * S); // as the sampler calls it: returns, never throws
        }
        // g = J / 3.6e6 J/kWh x PUE x g/kWh
        double cpuGrams = 100 / 3.6e6 * 1.5 * 100 + 100 / 3.6e6 * 1.5 * 300;
        double ramGrams = 10 / 3.6e6 * 1.5 * 100 + 10 / 3.6e6 * 1.5 * 300;
        assertEquals(cpuGrams, r.get("mlco2.emissions").tag("component", "cpu").functionCounter().count(), cpuGrams * 1e-12);
        assertEquals(ramGrams, r.get("mlco2.emissions").tag("component", "ram").functionCounter().count(), ramGrams * 1e-12);
        assertEquals(300.0, r.get("mlco2.carbon.intensity").gauge().value(), "the last interval's intensity");
    }
}
