package io.mlco2.it.faults;

import io.mlco2.it.jobs.SleepJob;
import io.mlco2.it.support.ChildJvm;
import io.mlco2.it.support.Reports;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * docs/RELIABILITY.md, "Runtime.halt": no exit hook runs, so there is no row and no summary; the time series is on
 * disk up to the last flush, one flush interval (1 s by default) at most before the halt. Before, with the 10 s
 * default, a 3 s job left only the header.
 */
class HaltIT {

    @Test
    void aHaltedJobLeavesItsTimeSeriesUpToTheLastFlush(@TempDir Path work) throws Exception {
        Path out = work.resolve("r");
        ChildJvm.Result r = new ChildJvm().workDir(work).withAgent("interval=100ms;output.dir=" + out)
                .run(SleepJob.class.getName(), "3000", "3", "halt");
        assertEquals(3, r.exitCode(), r.all());
        assertFalse(Files.exists(out.resolve("emissions.csv")), "no exit hook ran: no row");
        Path samples;
        try (var s = Files.list(out)) {
            List<Path> l = s.filter(p -> p.toString().endsWith(".samples.csv")).toList();
            assertEquals(1, l.size(), l.toString());
            samples = l.get(0);
        }
        List<String> lines = Reports.lines(samples);
        // 3 s at 100 ms, with at most 1 s (plus one sample) not yet flushed: well over 10 rows.
        assertTrue(lines.size() - 1 >= 10, lines.size() - 1 + " rows:\n" + String.join("\n", lines));
        assertTrue(lines.get(0).startsWith("time,"), lines.get(0));
    }
}
