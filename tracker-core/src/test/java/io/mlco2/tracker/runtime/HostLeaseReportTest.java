package io.mlco2.tracker.runtime;

import io.mlco2.tracker.base.Log;
import io.mlco2.tracker.carbon.GridIntensity;
import io.mlco2.tracker.config.Config;
import io.mlco2.tracker.cpu.HostInfo;
import io.mlco2.tracker.report.merge.HostRuns;
import io.mlco2.tracker.report.merge.NodeRun;
import io.mlco2.tracker.report.merge.ReportReader;
import io.mlco2.tracker.report.merge.Totals;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * End to end: two real trackers of one run sharing a host lease write their reports, and {@code report}'s reader
 * counts the machine once. The machine is a constant 100 W source; each JVM's process share is a quarter of it.
 */
class HostLeaseReportTest {

    static final long S = 1_000_000_000L;
    final Log log = new Log(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), Log.Level.INFO);
    final AtomicLong clock = new AtomicLong(1_000 * S);

    private Tracker tracker(Path out, Path leaseDir) {
        Config config = Config.load("output.dir=" + out + ";run-id=run-r;pue=1.5;host.lease-dir=" + leaseDir, Map.of(),
                Map.of(), log);
        GridIntensity g = new GridIntensity("FR", "France", "France", "FRA", "", "", "", 100, "test", false);
        HostInfo host = new HostInfo("Fake CPU", 1, 4, 16_000_000_000L, "Linux", "h", null);
        return new Tracker(config, log, host, g, List.of(new HostLeaseTest.Quarter(clock)), clock::get, clock.get(),
                Instant.EPOCH, List.of(), io.mlco2.tracker.base.NodeIdentity.current(host.hostname()),
                new HostLease(config.get(Config.HOST_LEASE_DIR), false, log));
    }

    @Test
    void twoTrackersOfOneRunOnOneHostAddUpToTheMachineEnergyOfTheirHoldingWindows(@TempDir Path tmp) throws Exception {
        Path leaseDir = tmp.resolve("lease");
        Tracker a = tracker(tmp.resolve("a"), leaseDir);
        Tracker b = tracker(tmp.resolve("b"), leaseDir);
        for (int i = 0; i < 4; i++) { // (0, 4 s]: A holds the lease, B counts its quarter
            a.sample();
            b.sample();
            clock.addAndGet(S);
        }
        a.sample();
        b.sample();
        a.stop();                      // the lease is released at 4 s
        clock.addAndGet(S);
        b.sample();                    // B takes it over at 5 s; (4 s, 5 s] is still its share
        for (int i = 0; i < 3; i++) {
            clock.addAndGet(S);
            b.sample();
        }
        b.stop();                      // B held (5 s, 8 s]

        List<NodeRun> runs = ReportReader.read(List.of(tmp.resolve("a"), tmp.resolve("b"))).runs();
        assertEquals(2, runs.size());
        // The machine's energy over the holding windows, 4 s + 3 s at 100 W; the handover second is uncounted.
        double machineJoules = 100 * (4 + 3);
        Totals.Group all = Totals.all(runs);
        assertEquals(machineJoules / 3.6e6, all.totalKwh(), 1e-12);
        assertEquals(machineJoules / 3.6e6 * 1.5 * 100 / 1000, all.emissionsKg, 1e-12);
        // What the JVMs measured: A 400 J, B 5 s x 25 W + 300 J.
        assertEquals((400 + 5 * 25 + 300) / 3.6e6, all.measuredKwh, 1e-12);

        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        io.mlco2.tracker.cli.Cli.run(new String[] {"report", "--no-html", tmp.resolve("a").toString(),
                        tmp.resolve("b").toString()}, new PrintStream(bytes, true, StandardCharsets.UTF_8),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        String o = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(o.contains(String.format(java.util.Locale.ROOT, "Total: %.6f kWh", machineJoules / 3.6e6)), o);
        assertTrue(o.contains("share included in the host's machine energy"), o);
        assertEquals(1, HostRuns.of(runs).size());
        assertTrue(HostRuns.of(runs).get(0).notes().get(0).startsWith("run run-r on host h: machine energy counted once"),
                o);
    }
}
