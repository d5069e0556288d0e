package io.mlco2.tracker.cpu;

import io.mlco2.tracker.energy.Component;
import io.mlco2.tracker.energy.EnergyAccumulator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** RAPL over a fixture powercap tree, shaped like a two-socket server's. */
class RaplTest {

    static final long RANGE_UJ = 262_143_328_850L;

    static Path zone(Path root, String dir, String name, long energyUj) throws IOException {
        Path z = root.resolve(dir);
        Files.createDirectories(z);
        Files.writeString(z.resolve("name"), name + "\n");
        Files.writeString(z.resolve("energy_uj"), energyUj + "\n");
        Files.writeString(z.resolve("max_energy_range_uj"), RANGE_UJ + "\n");
        return z;
    }

    static Path twoSocketServer(Path root) throws IOException {
        zone(root, "intel-rapl:0", "package-0", 1_000_000);
        zone(root, "intel-rapl:0/intel-rapl:0:0", "core", 500_000);
        zone(root, "intel-rapl:0/intel-rapl:0:1", "dram", 200_000);
        zone(root, "intel-rapl:1", "package-1", 2_000_000);
        zone(root, "intel-rapl:1/intel-rapl:1:0", "dram", 300_000);
        zone(root, "intel-rapl:2", "psys", 9_000_000);
        return root;
    }

    @Test
    void zonesAreFoundByNameNotByPath(@TempDir Path root) throws IOException {
        Rapl r = Rapl.discover(twoSocketServer(root));
        assertNull(r.problem());
        assertEquals(List.of("package-0", "package-1"), r.packages().stream().map(RaplZone::name).toList());
        assertEquals(List.of("dram", "dram"), r.dram().stream().map(RaplZone::name).toList(), "not core, not psys");
        assertEquals(List.of(root.resolve("intel-rapl:0/intel-rapl:0:1"), root.resolve("intel-rapl:1/intel-rapl:1:0")),
                r.dram().stream().map(RaplZone::dir).toList());
        assertEquals(List.of(root.resolve("intel-rapl:0"), root.resolve("intel-rapl:1")),
                r.packages().stream().map(RaplZone::dir).toList());
        assertEquals(RANGE_UJ / 1e6, r.packages().get(0).maxEnergyRangeJoules(), 1e-9);
    }

    @Test
    void energyAcrossACounterWrapIsExact(@TempDir Path root) throws IOException {
        Path z = zone(root, "intel-rapl:0", "package-0", RANGE_UJ - 4_000_000);
        Rapl r = Rapl.discover(root);
        EnergyAccumulator a = new EnergyAccumulator(new RaplSource(r.packages().get(0), Component.CPU, "cpu", 100, "t"));
        a.sample(0);
        Files.writeString(z.resolve("energy_uj"), "6000000\n");
        a.sample(1_000_000_000L);
        assertEquals(10.0, a.energyJoules(), 1e-9);
        assertEquals(10.0, a.powerWatts(), 1e-9);
    }

    @Test
    void aZoneThatDisappearsKeepsItsEnergySoFar(@TempDir Path root) throws IOException {
        Path z = zone(root, "intel-rapl:0", "package-0", 1_000_000);
        Rapl r = Rapl.discover(root);
        EnergyAccumulator a = new EnergyAccumulator(new RaplSource(r.packages().get(0), Component.CPU, "cpu", 100, "t"));
        a.sample(0);
        Files.writeString(z.resolve("energy_uj"), "3000000\n");
        a.sample(1_000_000_000L);
        Files.delete(z.resolve("energy_uj"));
        a.sample(2_000_000_000L);
        assertEquals(2.0, a.energyJoules(), 1e-9);
        assertEquals(1, a.failedReads());
    }

    @Test
    void permissionDeniedSaysWhatToGrant(@TempDir Path root) throws IOException {
        twoSocketServer(root);
        Rapl r = Rapl.discover(root, f -> {
            if (f.getFileName().toString().equals("energy_uj")) {
                throw new AccessDeniedException(f.toString());
            }
            return Files.readAllBytes(f);
        });
        assertFalse(r.usable());
        assertTrue(r.problem().contains("RAPL needs read access to energy_uj"), r.problem());
        assertTrue(r.problem().contains("chmod a+r"), r.problem());
    }

    @Test
    void noPowercapTreeIsNotAnError(@TempDir Path root) {
        Rapl r = Rapl.discover(root.resolve("absent"));
        assertFalse(r.usable());
        assertTrue(r.problem().contains("no powercap tree"), r.problem());
    }

    @Test
    void aZoneAsASourceDescribesItself(@TempDir Path root) throws IOException {
        Rapl r = Rapl.discover(twoSocketServer(root));
        RaplSource cpu = new RaplSource(r.packages().get(1), Component.CPU, "Xeon", 150, "cpu table");
        assertEquals(Component.CPU, cpu.component());
        assertEquals("package-1", cpu.deviceId());
        assertEquals(io.mlco2.tracker.energy.Method.RAPL, cpu.method());
        assertEquals("Xeon", cpu.hardwareName());
        assertEquals(150.0, cpu.tdpWatts(), 0.0);
        assertEquals("cpu table", cpu.tdpSource());
        assertEquals(2.0, cpu.read(0).counterJoules(), 1e-12, "2,000,000 uJ");
        assertEquals(RANGE_UJ / 1e6, cpu.read(0).counterRangeJoules(), 1e-9);
        RaplSource ram = new RaplSource(r.dram().get(1), Component.RAM, "", Double.NaN, "");
        assertEquals(Component.RAM, ram.component());
        assertEquals("dram@intel-rapl:1:0", ram.deviceId(), "two dram zones share a name: the folder tells them apart");
    }

    @Test
    void onlyIntelRaplFoldersAreZones(@TempDir Path root) throws IOException {
        zone(root, "intel-rapl:0", "package-0", 1_000_000);
        zone(root, "intel-rapl-mmio:0", "package-0", 5_000_000);
        zone(root, "intel-rapl:0/other:0", "dram", 5_000_000);
        Rapl r = Rapl.discover(root);
        assertEquals(List.of(root.resolve("intel-rapl:0")), r.packages().stream().map(RaplZone::dir).toList());
        assertEquals(List.of(), r.dram());
    }

    @Test
    void permissionDeniedOnSeveralZonesCountsTheOthers(@TempDir Path root) throws IOException {
        twoSocketServer(root);
        Rapl r = Rapl.discover(root, f -> {
            if (f.getFileName().toString().equals("energy_uj")) {
                throw new AccessDeniedException(f.toString());
            }
            return Files.readAllBytes(f);
        });
        // package-0, its dram, package-1, its dram: the first named, 3 more
        assertTrue(r.problem().contains("intel-rapl:0/energy_uj and 3 more is readable by root only"), r.problem());
        Rapl one = Rapl.discover(root, f -> {
            if (f.toString().endsWith("intel-rapl:1/energy_uj")) {
                throw new AccessDeniedException(f.toString());
            }
            if (f.getFileName().toString().equals("energy_uj") && !f.toString().contains("intel-rapl:1")) {
                throw new java.nio.file.NoSuchFileException(f.toString());
            }
            return Files.readAllBytes(f);
        });
        assertTrue(one.problem().contains("intel-rapl:1/energy_uj is readable by root only"), one.problem());
    }

    @Test
    void zonesComeInTheOrderOfTheirPathsWhateverTheListingsOrder(@TempDir Path root) throws IOException {
        // Twelve packages written in a shuffled order: the directory listing's order is the file system's.
        List<Integer> order = new java.util.ArrayList<>(java.util.stream.IntStream.range(0, 12).boxed().toList());
        java.util.Collections.shuffle(order, new java.util.Random(7));
        for (int n : order) {
            zone(root, "intel-rapl:" + n, "package-" + n, 1_000_000L + n);
        }
        List<String> expected = new java.util.ArrayList<>();
        for (int n = 0; n < 12; n++) {
            expected.add(root.resolve("intel-rapl:" + n).toString());
        }
        java.util.Collections.sort(expected); // text order: intel-rapl:10 before intel-rapl:2
        List<String> found = new java.util.ArrayList<>();
        for (RaplZone z : Rapl.discover(root).packages()) {
            found.add(z.dir().toString());
        }
        assertEquals(expected, found);
    }

    @Test
    void aZoneThatCannotBeReadAnyMoreSaysSoOnceNamingIt(@TempDir Path root) throws IOException {
        Path z = zone(root, "intel-rapl:0", "package-0", 1_000_000);
        RaplSource s = new RaplSource(Rapl.discover(root).packages().get(0), Component.CPU, "cpu", 100, "t");
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        io.mlco2.tracker.base.Log before = io.mlco2.tracker.base.Log.get();
        io.mlco2.tracker.base.Log.set(new io.mlco2.tracker.base.Log(
                new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8), io.mlco2.tracker.base.Log.Level.DEBUG));
        try {
            Files.delete(z.resolve("energy_uj"));
            for (int i = 0; i < 3; i++) {
                assertTrue(s.read(i) == io.mlco2.tracker.energy.Reading.FAILED);
            }
        } finally {
            io.mlco2.tracker.base.Log.set(before);
        }
        List<String> lines = out.toString(java.nio.charset.StandardCharsets.UTF_8).lines().toList();
        assertEquals(1, lines.size(), lines.toString());
        assertTrue(lines.get(0).contains(z.toString()) && lines.get(0).contains("package-0"), lines.get(0));
    }
}
