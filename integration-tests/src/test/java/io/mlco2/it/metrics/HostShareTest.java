package io.mlco2.it.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two agent JVMs of one run on this host count the machine once: the first holds the host lease, the second counts
 * its share and takes the lease over when the first exits; a third JVM of another run (holding its own lease)
 * measures the whole machine over the same window, the reference.
 */
class HostShareTest {

    static final double TDP_WATTS = 100;
    static final double INTERVAL_S = 0.1;

    @TempDir
    Path dir;

    private static Path only(Path outDir, String suffix) throws Exception {
        try (Stream<Path> s = Files.list(outDir)) {
            List<Path> l = s.filter(p -> p.getFileName().toString().endsWith(suffix)).toList();
            assertEquals(1, l.size(), outDir + ": " + l);
            return l.get(0);
        }
    }

    private static void awaitFile(Path dirOrFile, String suffix, long seconds) throws Exception {
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        while (System.nanoTime() < end) {
            if (suffix == null ? Files.exists(dirOrFile) : Files.isDirectory(dirOrFile)
                    && Files.list(dirOrFile).anyMatch(p -> p.getFileName().toString().endsWith(suffix))) {
                return;
            }
            Thread.sleep(20);
        }
        throw new AssertionError(dirOrFile + (suffix == null ? "" : "/*" + suffix) + " did not appear in " + seconds + " s");
    }

    private static void awaitLine(AgentJvm jvm, String text, long seconds) throws Exception {
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        while (!jvm.stderr().contains(text)) {
            if (System.nanoTime() > end || !jvm.process.isAlive()) {
                throw new AssertionError("no '" + text + "' on the child's stderr:\n" + jvm.stderr());
            }
            Thread.sleep(20);
        }
    }

    /** Time and cumulative machine energy (CPU + RAM + GPU joules) of each row of a samples.csv. */
    private static List<double[]> cumulative(Path samplesCsv) throws Exception {
        List<String> lines = Files.readAllLines(samplesCsv);
        List<String> header = List.of(lines.get(0).split(","));
        int time = header.indexOf("time");
        int[] energy = {header.indexOf("cpu_energy_j"), header.indexOf("ram_energy_j"), header.indexOf("gpu_energy_j")};
        List<double[]> rows = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(",");
            Instant t = Instant.parse(f[time]);
            double j = 0;
            for (int i : energy) {
                j += f[i].isEmpty() ? 0 : Double.parseDouble(f[i]);
            }
            rows.add(new double[] {t.getEpochSecond() + t.getNano() / 1e9, j});
        }
        return rows;
    }

    /** The cumulative energy at {@code t}, linear between rows. */
    private static double at(List<double[]> rows, Instant instant) {
        double t = instant.getEpochSecond() + instant.getNano() / 1e9;
        assertTrue(t >= rows.get(0)[0] && t <= rows.get(rows.size() - 1)[0], "the reference does not cover " + instant);
        for (int i = 1; i < rows.size(); i++) {
            double[] a = rows.get(i - 1);
            double[] b = rows.get(i);
            if (t <= b[0]) {
                return b[0] == a[0] ? b[1] : a[1] + (b[1] - a[1]) * (t - a[0]) / (b[0] - a[0]);
            }
        }
        return rows.get(rows.size() - 1)[1];
    }

    @Test
    void twoJvmsOfOneRunCountTheMachineOnceWhatAThirdMeasuresOverTheSameWindow() throws Exception {
        Path lease = dir.resolve("lease");
        String common = "mlco2.host.lease-dir=" + lease + ";mlco2.interval=100ms;mlco2.cpu.tdp-watts=" + TDP_WATTS
                + ";mlco2.rapl.root=" + dir.resolve("no-rapl") + ";mlco2.report.html=false;mlco2.log.level=debug";
        Path stopRef = dir.resolve("stop-ref");
        Path stopA = dir.resolve("stop-a");
        Path stopB = dir.resolve("stop-b");
        AgentJvm ref = AgentJvm.start(dir.resolve("ref"), common + ";mlco2.run-id=reference",
                "io.mlco2.it.metrics.HostShareJob", "sleep", stopRef.toString());
        awaitFile(dir.resolve("ref/mlco2-reports"), ".samples.csv", 120);
        AgentJvm a = AgentJvm.start(dir.resolve("a"), common + ";mlco2.run-id=shared",
                "io.mlco2.it.metrics.HostShareJob", "spin", stopA.toString());
        awaitFile(lease.resolve("shared.lock"), null, 120);
        AgentJvm b = AgentJvm.start(dir.resolve("b"), common + ";mlco2.run-id=shared",
                "io.mlco2.it.metrics.HostShareJob", "spin", stopB.toString(), "2");
        awaitLine(b, "another JVM of run shared on this host holds its lease", 120);
        Thread.sleep(3000);                   // both busy: B's share of the machine counted for 3 s
        Files.writeString(stopA, "");
        assertEquals(0, a.await(300), a.stderr());
        awaitLine(b, "took over the host lease of run shared", 120);
        Thread.sleep(1000);                   // B counts the machine for 1 s
        Files.writeString(stopB, "");
        assertEquals(0, b.await(300), b.stderr());
        Files.writeString(stopRef, "");
        assertEquals(0, ref.await(300), ref.stderr());

        ObjectMapper m = new ObjectMapper();
        JsonNode ja = m.readTree(only(dir.resolve("a/mlco2-reports"), ".json").toFile());
        JsonNode jb = m.readTree(only(dir.resolve("b/mlco2-reports"), ".json").toFile());
        JsonNode jr = m.readTree(only(dir.resolve("ref/mlco2-reports"), ".json").toFile());
        JsonNode ha = ja.get("host_share");
        JsonNode hb = jb.get("host_share");
        assertEquals("held", ha.get("lease").asText(), ha.toString());
        assertEquals("held", jr.get("host_share").get("lease").asText(), "another run has its own lease");
        assertEquals("held", hb.get("lease").asText(), "B took the lease over when A exited: " + hb + "\n" + b.stderr());
        assertTrue(b.stderr().contains("another JVM of run shared on this host holds its lease"),
                "A:\n" + a.stderr() + "\nB:\n" + b.stderr());
        assertTrue(b.stderr().contains("took over the host lease of run shared"), b.stderr());
        double jPerKwh = 3.6e6;
        double totalA = ja.get("energy_kwh").get("total").asDouble() * jPerKwh;
        double totalB = jb.get("energy_kwh").get("total").asDouble() * jPerKwh;
        double machineA = ha.get("machine_energy_joules_with_lease").asDouble();
        double machineB = hb.get("machine_energy_joules_with_lease").asDouble();
        double shareB = hb.get("share_energy_joules_without_lease").asDouble();
        // Each JVM's total is its machine energy with the lease plus its share without it.
        assertEquals(totalA, machineA + ha.get("share_energy_joules_without_lease").asDouble(), 1e-6 * totalA);
        assertEquals(totalB, machineB + shareB, 1e-6 * totalB);
        // Held all its run (the section is made a moment after the duration is read, under load up to ~0.1 s).
        assertEquals(ja.get("duration_s").asDouble(), ha.get("lease_seconds").asDouble(), 0.5);
        assertTrue(hb.get("lease_seconds").asDouble() > 0 && hb.get("lease_seconds").asDouble() < jb.get("duration_s").asDouble());
        assertTrue(shareB > 0, hb.toString());

        // The reference: the third JVM's cumulative machine energy over each window. A's window starts at its first
        // sample: before it, over the agent's start-up, the load model has no earlier machine ticks and counts this
        // JVM's own load (a lower bound; the same with or without the lease), so that part is left out of both sides.
        // B's window with the lease starts at its takeover (its end less its lease seconds). Between them is the
        // handover: from A's last sample until B's next sample after A released the lease, B counts its share only.
        List<double[]> refRows = cumulative(only(dir.resolve("ref/mlco2-reports"), ".samples.csv"));
        double[] firstA = cumulative(only(dir.resolve("a/mlco2-reports"), ".samples.csv")).get(0);
        Instant startA = Instant.ofEpochSecond((long) Math.floor(firstA[0]), Math.round((firstA[0] - Math.floor(firstA[0])) * 1e9));
        Instant endA = Instant.parse(ja.get("end").asText());
        Instant endB = Instant.parse(jb.get("end").asText());
        Instant takeoverB = endB.minusNanos(Math.round(hb.get("lease_seconds").asDouble() * 1e9));
        double refA = at(refRows, endA) - at(refRows, startA);
        double refB = at(refRows, endB) - at(refRows, takeoverB);
        double handover = at(refRows, takeoverB) - at(refRows, endA);
        double reference = at(refRows, endB) - at(refRows, startA);
        double handoverSeconds = (takeoverB.toEpochMilli() - endA.toEpochMilli()) / 1000.0;
        // Tolerance per window: each JVM integrates the same power at its own sample instants, a trapezoid whose
        // ends differ from the reference's by at most an interval each, of the most the machine draws under the
        // model (TDP + the memory model's installed GB x 0.3725 W); and 5 % for sampler threads delayed on a loaded
        // 2-core machine.
        double ramWatts = jr.get("mean_power_w").get("ram").asDouble();
        double perWindow = 2 * INTERVAL_S * (TDP_WATTS + ramWatts);
        String figures = String.format(java.util.Locale.ROOT, "A machine %.1f J (reference %.1f J), B machine %.1f J"
                        + " (reference %.1f J), B share %.1f J, handover %.3f s %.1f J, reference window %.1f J",
                machineA - firstA[1], refA, machineB, refB, shareB, handoverSeconds, handover, reference);
        System.out.println("[host share] " + figures);
        assertEquals(refA, machineA - firstA[1], perWindow + 0.05 * refA, figures);
        assertEquals(refB, machineB, perWindow + 0.05 * refB, figures);
        assertTrue(handoverSeconds >= 0 && handoverSeconds < 2, "B takes the lease over within a sample of A's end"
                + " (and A's release after its summary): " + figures);
        // Counted once: the machine energy of the window is the sum of both JVMs' machine energy (but the handover).
        assertEquals(reference - handover, machineA - firstA[1] + machineB, 2 * perWindow + 0.05 * reference, figures);
        // The naive sum of both JVMs' totals counts B's share twice: once in B, once in the machine that A counted.
        assertEquals(machineA + machineB + shareB, totalA + totalB, 1e-6 * (totalA + totalB));
        assertTrue(totalA - firstA[1] + totalB > reference - handover, "the naive sum exceeds the machine: " + figures);
    }
}
