package io.mlco2.tracker.cpu;

import io.mlco2.tracker.base.Log;
import io.mlco2.tracker.energy.Component;
import io.mlco2.tracker.energy.EnergySource;
import io.mlco2.tracker.energy.Method;
import io.mlco2.tracker.energy.ProcessFraction;
import io.mlco2.tracker.energy.Reading;
import io.mlco2.tracker.energy.SourceGroup;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which CPU and memory sources a run gets: RAPL's zones where they read, else the models. */
class CpuSourcesTest {

    static final long GB = 1_000_000_000L;
    /** Green Algorithms' memoryPower, W/GB: the oracle, written here independently. */
    static final double W_PER_GB = 0.3725;
    static final CpuPowerModel MODEL = CpuPowerModel.perVcpu(8, 1, 4, "row", "8 threads", 0.5, 2, "band", 300, "tdp share");
    static final ModelBand BAND = new ModelBand(0.4, 2.7, "ram band");

    private final ByteArrayOutputStream logged = new ByteArrayOutputStream();
    private final Log log = new Log(new PrintStream(logged, true, StandardCharsets.UTF_8), Log.Level.DEBUG);
    private final List<String> notes = new ArrayList<>();

    static HostInfo host(long totalMemoryBytes) {
        return new HostInfo("Test CPU", 2, 8, totalMemoryBytes, "Linux-test", "node-1", null);
    }

    static List<Method> methods(SourceGroup g) {
        List<Method> m = new ArrayList<>();
        for (EnergySource s : g.sources()) {
            m.add(s.method());
        }
        return m;
    }

    static List<String> deviceIds(SourceGroup g) {
        List<String> ids = new ArrayList<>();
        for (EnergySource s : g.sources()) {
            ids.add(s.deviceId());
        }
        return ids;
    }

    @Test
    void usableRaplGivesOneCpuSourcePerPackage(@TempDir Path root) throws IOException {
        Rapl rapl = Rapl.discover(RaplTest.twoSocketServer(root));
        SourceGroup g = CpuSources.cpu(rapl, false, host(64 * GB), 150, "cpu table", null, HardwareShare.NONE, 0L, log, notes);
        assertEquals(List.of(Method.RAPL, Method.RAPL), methods(g));
        for (EnergySource s : g.sources()) {
            assertEquals(Component.CPU, s.component());
            assertEquals("Test CPU", s.hardwareName());
            assertEquals(150.0, s.tdpWatts(), 0.0);
        }
        assertEquals(List.of(), notes);
        assertTrue(logged.toString(StandardCharsets.UTF_8).contains("2 package zone(s)"));
    }

    @Test
    void raplUnderProcessTrackingSaysTheEnergyIsTheMachines(@TempDir Path root) throws IOException {
        Rapl rapl = Rapl.discover(RaplTest.twoSocketServer(root));
        SourceGroup g = CpuSources.cpu(rapl, true, host(64 * GB), 150, "cpu table", null, HardwareShare.NONE, 0L, log, notes);
        assertEquals(List.of(Method.RAPL, Method.RAPL), methods(g));
        assertEquals(1, notes.size(), notes.toString());
        assertTrue(notes.get(0).startsWith("tracking-mode=process"), notes.get(0));
    }

    @Test
    void withoutRaplTheCpuIsTheLoadModelOverAllPackages(@TempDir Path root) {
        Rapl rapl = Rapl.discover(root.resolve("absent"));
        SourceGroup g = CpuSources.cpu(rapl, false, host(64 * GB), 150, "cpu table", MODEL, HardwareShare.NONE, System.nanoTime(), log, notes);
        assertEquals(List.of(Method.CPU_LOAD_MODEL), methods(g));
        EnergySource s = g.sources().get(0);
        assertEquals(Component.CPU, s.component());
        assertEquals("Test CPU", s.hardwareName());
        assertEquals(MODEL.tdpWatts(), s.tdpWatts(), 0.0, "the model's share of the TDP");
        assertEquals(MODEL.tdpSource(), s.tdpSource());
        assertEquals(CpuSources.CPU_SECTION, g.sectionKey());
        assertEquals(List.of("CPU: " + rapl.problem()), notes);
        assertTrue(logged.toString(StandardCharsets.UTF_8).contains("load model"));
    }

    @Test
    void processTrackingWithoutRaplIsAlsoTheLoadModel(@TempDir Path root) {
        Rapl rapl = Rapl.discover(root.resolve("absent"));
        SourceGroup g = CpuSources.cpu(rapl, true, host(64 * GB), 100, "t", MODEL, HardwareShare.NONE, System.nanoTime(), log, notes);
        assertEquals(List.of(Method.CPU_LOAD_MODEL), methods(g));
        assertEquals(MODEL.tdpWatts(), g.sources().get(0).tdpWatts(), 0.0);
        assertEquals(List.of("CPU: " + rapl.problem()), notes);
    }

    @Test
    void dramZonesAreTheMemorysSourcesOfTheMachine(@TempDir Path root) throws IOException {
        Rapl rapl = Rapl.discover(RaplTest.twoSocketServer(root));
        SourceGroup g = CpuSources.ram(rapl, false, host(64 * GB), HardwareShare.NONE, BAND);
        assertEquals(List.of(Method.RAPL, Method.RAPL), methods(g));
        for (EnergySource s : g.sources()) {
            assertEquals(Component.RAM, s.component());
            assertEquals("DRAM", s.hardwareName());
        }
    }

    @Test
    void processTrackingChargesTheResidentSetEvenWithDramZones(@TempDir Path root) throws IOException {
        Rapl rapl = Rapl.discover(RaplTest.twoSocketServer(root));
        SourceGroup g = CpuSources.ram(rapl, true, host(64 * GB), HardwareShare.NONE, BAND);
        assertEquals(List.of(Method.RAM_MODEL), methods(g));
        assertEquals(List.of("process"), deviceIds(g));
        Reading r = g.sources().get(0).read(0);
        long rss = ProcessMemory.residentBytes();
        if (rss > 0) { // this JVM's resident set (it moves a little between the two reads), far below 64 GB
            assertTrue(r.powerWatts() > 0 && r.powerWatts() < 64 * W_PER_GB, r.toString());
            assertEquals(rss / 1e9 * W_PER_GB, r.powerWatts(), 0.5 * W_PER_GB);
        }
    }

    @Test
    void raplWithoutDramZonesFallsBackToTheModelOfTheInstalledMemory(@TempDir Path root) throws IOException {
        RaplTest.zone(root, "intel-rapl:0", "package-0", 1_000_000);
        Rapl rapl = Rapl.discover(root);
        assertTrue(rapl.usable());
        SourceGroup g = CpuSources.ram(rapl, false, host(64 * GB), HardwareShare.NONE, BAND);
        assertEquals(List.of(Method.RAM_MODEL), methods(g));
        assertEquals(List.of("machine"), deviceIds(g));
        assertEquals(64 * W_PER_GB, g.sources().get(0).read(0).powerWatts(), 1e-9);
    }

    @Test
    void withoutRaplTheMachineModelChargesTheInstalledMemoryAndReportsTheUsedShare(@TempDir Path root) {
        Rapl rapl = Rapl.discover(root.resolve("absent"));
        long installed = 1000 * GB; // more than this machine has: the used share must stay below 1
        SourceGroup g = CpuSources.ram(rapl, false, host(installed), HardwareShare.NONE, BAND);
        assertEquals(List.of("machine"), deviceIds(g));
        Reading r = g.sources().get(0).read(0);
        assertEquals(1000 * W_PER_GB, r.powerWatts(), 1e-9);
        long inUse = MachineMemory.inUseBytes();
        if (inUse >= 0) {
            assertEquals((double) inUse / installed, r.utilization(), 0.01);
            assertTrue(r.utilization() < 1.0, r.toString());
        }
    }

    @Test
    void aModelledCpuHasASectionNamingItsDataShareAndBand(@TempDir Path root) {
        Rapl rapl = Rapl.discover(root.resolve("absent"));
        SourceGroup g = CpuSources.cpu(rapl, false, host(64 * GB), 150, "cpu table", MODEL,
                new HardwareShare(true, "cpuinfo hypervisor flag", "", "", Double.NaN, 0, -1), 0L, log, notes);
        io.mlco2.tracker.energy.EnergyAccumulator a = new io.mlco2.tracker.energy.EnergyAccumulator(g.sources().get(0));
        io.mlco2.tracker.energy.EnergyAccumulator other = new io.mlco2.tracker.energy.EnergyAccumulator(
                CpuSources.ram(rapl, false, host(GB), HardwareShare.NONE, BAND).sources().get(0));
        a.sample(0);
        a.sample(3_600_000_000_000L); // one hour
        other.sample(0);
        other.sample(3_600_000_000_000L);
        @SuppressWarnings("unchecked")
        java.util.Map<String, Object> m = (java.util.Map<String, Object>) g.section(List.of(other, a));
        double kwh = a.energyJoules() / 3.6e6;
        assertTrue(kwh > 0);
        assertEquals("cpu-load-model", m.get("method"));
        assertEquals(MODEL.describe(), m.get("model"));
        assertEquals("row", m.get("data"));
        assertEquals("8 threads", m.get("share"));
        assertEquals("VM (cpuinfo hypervisor flag)", m.get("hardware"));
        assertEquals(kwh, (double) m.get("energy_kwh"), 1e-12, "its own source's energy only");
        assertEquals(kwh * 0.5, (double) m.get("energy_kwh_low"), 1e-12);
        assertEquals(kwh * 2, (double) m.get("energy_kwh_high"), 1e-12);
        assertEquals("band", m.get("band"));
    }

    @Test
    void inAContainerWithACpuLimitTheLoadIsThisJvmsOverItsVcpus() {
        CpuLoadModelSourceTest.Loads jvm = new CpuLoadModelSourceTest.Loads(1.0 / 32, 0.5, Double.NaN, 0.01);
        CpuLoad share = new CpuSources.ShareLoad(jvm, 32);
        assertEquals(1.0, share.sinceLastCall(0), 1e-12, "2 of 64 CPUs busy: its 2 vCPUs are full");
        assertEquals(1.0, share.sinceLastCall(1), 0.0, "clamped");
        assertTrue(Double.isNaN(share.sinceLastCall(2)));
        assertEquals(0.32, share.sinceLastCall(3), 1e-12);
    }

    @Test
    void aContainerWithACpuLimitIsModelledOverItsShare(@TempDir Path root) {
        Rapl rapl = Rapl.discover(root.resolve("absent"));
        HardwareShare docker = new HardwareShare(false, "", "", "", 2, 0, 4 * GB);
        SourceGroup g = CpuSources.cpu(rapl, false, host(64 * GB), 150, "cpu table", MODEL, docker, System.nanoTime(), log, notes);
        Reading r = g.sources().get(0).read(System.nanoTime());
        assertTrue(r.utilization() >= 0 && r.utilization() <= 1, r.toString());
        assertEquals(MODEL.watts(r.utilization()), r.powerWatts(), 1e-9);
        @SuppressWarnings("unchecked")
        java.util.Map<String, Object> m = (java.util.Map<String, Object>) g.section(List.of());
        assertEquals("bare metal, container limit 2 of 8 CPUs", m.get("hardware"));
    }

    @Test
    void theRamOfAContainerIsItsLimitAndItsSectionSaysSo(@TempDir Path root) {
        Rapl rapl = Rapl.discover(root.resolve("absent"));
        HardwareShare docker = new HardwareShare(false, "", "", "", 2, 0, 4 * GB);
        SourceGroup g = CpuSources.ram(rapl, false, host(64 * GB), docker, BAND);
        assertEquals(4 * W_PER_GB, g.sources().get(0).read(0).powerWatts(), 1e-9);
        assertEquals("4.0 GB RAM", g.sources().get(0).hardwareName());
        @SuppressWarnings("unchecked")
        java.util.Map<String, Object> m = (java.util.Map<String, Object>) g.section(List.of());
        assertEquals(CpuSources.RAM_SECTION, g.sectionKey());
        assertEquals("ram-model", m.get("method"));
        assertEquals("4.0 GB (container limit)", m.get("share"));
        assertEquals("green-algorithms:0.3725 W/GB", m.get("data"));
        assertEquals("green-algorithms:0.3725 W/GB, 4.0 GB (container limit)", m.get("model"));
        assertEquals("ram band", m.get("band"));
        HardwareShare vm = new HardwareShare(true, "x", "", "", Double.NaN, 0, -1);
        @SuppressWarnings("unchecked")
        java.util.Map<String, Object> v = (java.util.Map<String, Object>) CpuSources.ram(rapl, false, host(24 * GB), vm, BAND)
                .section(List.of());
        assertEquals("24.0 GB (the VM's)", v.get("share"));
        @SuppressWarnings("unchecked")
        java.util.Map<String, Object> b = (java.util.Map<String, Object>) CpuSources.ram(rapl, false, host(24 * GB),
                HardwareShare.NONE, BAND).section(List.of());
        assertEquals("24.0 GB (installed)", b.get("share"));
        @SuppressWarnings("unchecked")
        java.util.Map<String, Object> p = (java.util.Map<String, Object>) CpuSources.ram(rapl, true, host(24 * GB),
                docker, BAND).section(List.of());
        assertEquals("this JVM's resident set of 4.0 GB", p.get("share"));
    }

    @Test
    void theLoadIsTheContainersShareElseTheMachinesElseThisJvms() {
        java.util.function.Supplier<oshi.hardware.CentralProcessor> oshi = () -> null;
        HostInfo withOshi = new HostInfo("Test CPU", 1, 64, 64 * GB, "Linux-test", "node-1", oshi);
        HardwareShare docker = new HardwareShare(false, "", "", "", 2, 0, -1);
        CpuLoad limited = CpuSources.load(false, withOshi, docker, 0L);
        assertTrue(limited instanceof CpuSources.ShareLoad, limited.getClass().getName());
        assertEquals(32.0, ((CpuSources.ShareLoad) limited).scale(), 0.0, "64 CPUs seen, 2 its own");
        Class<?> machine = CpuLoads.machine(oshi, 64, 0L).getClass();
        Class<?> jvm = CpuLoads.process(64, 0L).getClass();
        assertTrue(machine != jvm);
        assertEquals(machine, CpuSources.load(false, withOshi, HardwareShare.NONE, 0L).getClass());
        assertEquals(jvm, CpuSources.load(true, withOshi, HardwareShare.NONE, 0L).getClass());
        assertEquals(jvm, CpuSources.load(false, host(GB), HardwareShare.NONE, 0L).getClass(), "no OSHI: this JVM's");
    }

    /** A host whose OSHI processor is known (never asked here: the load is not sampled). */
    static HostInfo hostWithProcessor(long totalMemoryBytes) {
        return new HostInfo("Test CPU", 2, 8, totalMemoryBytes, "Linux-test", "node-1", () -> null);
    }

    static ProcessFraction fraction(SourceGroup g) {
        return g.processFraction(g.sources().get(0));
    }

    @Test
    void machineLevelCpuEnergyIsSharedByCpuTimeAndThisProcesssOwnIsNot(@TempDir Path root) throws IOException {
        Rapl none = Rapl.discover(root.resolve("absent"));
        // The machine's load (OSHI's processor, no container limit, machine tracking): the machine's, shared.
        assertTrue(fraction(CpuSources.cpu(none, false, hostWithProcessor(64 * GB), 100, "t", MODEL, HardwareShare.NONE,
                0L, log, notes)) instanceof ProcessCpuShare);
        // This process's own load: under process tracking, without OSHI, or under a container's CPU limit.
        assertNull(fraction(CpuSources.cpu(none, true, hostWithProcessor(64 * GB), 100, "t", MODEL, HardwareShare.NONE,
                0L, log, notes)), "process tracking");
        assertNull(fraction(CpuSources.cpu(none, false, host(64 * GB), 100, "t", MODEL, HardwareShare.NONE,
                0L, log, notes)), "no OSHI processor");
        HardwareShare twoOfEight = new HardwareShare(false, "", "", "", 2, 0, -1);
        assertTrue(twoOfEight.cpuLimited(8));
        assertNull(fraction(CpuSources.cpu(none, false, hostWithProcessor(64 * GB), 100, "t", MODEL, twoOfEight,
                0L, log, notes)), "container CPU limit");
        // RAPL's package zones are the machine's.
        Rapl rapl = Rapl.discover(RaplTest.twoSocketServer(root.resolve("powercap")));
        assertTrue(fraction(CpuSources.cpu(rapl, false, host(64 * GB), 150, "t", null, HardwareShare.NONE, 0L, log,
                notes)) instanceof ProcessCpuShare);
    }

    @Test
    void machineLevelMemoryEnergyIsSharedByResidentBytesOverTheTotal(@TempDir Path root) throws IOException {
        Rapl none = Rapl.discover(root.resolve("absent"));
        assertNull(fraction(CpuSources.ram(none, true, host(GB), HardwareShare.NONE, BAND)), "process tracking");
        ProcessFraction f = fraction(CpuSources.ram(none, false, host(GB), HardwareShare.NONE, BAND));
        assertTrue(f instanceof ProcessMemoryShare, String.valueOf(f));
        // this JVM's resident set over the 1 GB of the model (it moves a little between the two reads)
        double expected = (double) ProcessMemory.residentBytes() / GB;
        assertEquals(expected, f.sinceLastCall(0), 0.03);
        assertTrue(f.sinceLastCall(0) > 0, "a running JVM has resident memory");

        Rapl rapl = Rapl.discover(RaplTest.twoSocketServer(root.resolve("powercap")));
        ProcessFraction dram = fraction(CpuSources.ram(rapl, false, host(GB), HardwareShare.NONE, BAND));
        assertTrue(dram instanceof ProcessMemoryShare, String.valueOf(dram));
        assertEquals(expected, dram.sinceLastCall(0), 0.03);
        // DRAM zones with the installed memory unknown: the memory share is unknown, not the CPU's share.
        ProcessFraction unknown = fraction(CpuSources.ram(rapl, false, host(0), HardwareShare.NONE, BAND));
        assertTrue(unknown instanceof ProcessMemoryShare, String.valueOf(unknown));
        assertTrue(Double.isNaN(unknown.sinceLastCall(0)));
    }
}
