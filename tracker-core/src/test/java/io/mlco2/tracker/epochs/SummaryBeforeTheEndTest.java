package io.mlco2.tracker.epochs;

import io.mlco2.tracker.base.Log;
import io.mlco2.tracker.config.Config;
import io.mlco2.tracker.energy.Component;
import io.mlco2.tracker.energy.EnergySource;
import io.mlco2.tracker.report.RunSummary;
import io.mlco2.tracker.runtime.Tracker;
import io.mlco2.tracker.runtime.Trackers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * A summary made while the run goes on (the one written at start, again when the run joins another id) leaves the
 * epochs alone: an epoch open then still ends as a complete row. (Before, making that summary closed the open epoch
 * as cut short by the run's end, and its real end did nothing: a race at start seen in PhaseApiIT.)
 */
class SummaryBeforeTheEndTest {

    static final long S = 1_000_000_000L;
    static final double WATTS = 120;

    @Test
    void anEpochOpenWhenASummaryIsMadeMidRunEndsComplete(@TempDir Path out) {
        AtomicLong clock = new AtomicLong(0);
        Log log = new Log(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), Log.Level.INFO);
        Config c = Config.load("output.dir=" + out + ";run-id=mid;report.html=false", Map.of(), Map.of(), log);
        List<EnergySource> sources = List.of(new io.mlco2.tracker.runtime.FakePower.ConstantPower(Component.CPU, WATTS));
        Tracker t = Trackers.of(c, log, sources, clock::get);
        EpochTracker e = new EpochTracker(EpochTracker.Settings.of(t), log, clock::get,
                () -> EpochTracker.joulesTotal(t.accumulators()));
        t.addListener(e);
        t.addSection("epochs", new EpochsExtension.Section(t, e, "epochs"));
        t.addSection("forecast", new EpochsExtension.Section(t, e, "forecast"));

        t.sample();
        Span epoch = e.begin(EpochTracker.EPOCH, S / 2);
        clock.set(S);
        t.sample(); // the epoch's start is placed
        RunSummary midRun = t.summary();
        assertNull(midRun.extra().get("epochs"), "no epochs section before the end: " + midRun.extra().keySet());
        e.end(epoch, 3 * S / 2);
        clock.set(2 * S);
        t.sample();
        RunSummary end = t.stop();

        @SuppressWarnings("unchecked")
        Map<String, Object> section = (Map<String, Object>) end.extra().get("epochs");
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> rows = (List<Map<String, Object>>) section.get("rows");
        assertEquals(1, rows.size(), rows.toString());
        assertEquals(true, rows.get(0).get("complete"), rows.toString());
        assertEquals(1.0, (double) rows.get(0).get("duration_s"), 1e-9);
        @SuppressWarnings("unchecked")
        Map<String, Object> kwh = (Map<String, Object>) rows.get(0).get("energy_kwh");
        assertEquals(WATTS * 1.0 / 3.6e6, (double) kwh.get("total"), 1e-12, "the epoch's second at " + WATTS + " W");
        assertEquals(1, section.get("completed_epochs"));
        assertFalse(section.containsKey("partial_epochs") && ((Number) section.get("partial_epochs")).intValue() > 0,
                section.toString());
    }
}
