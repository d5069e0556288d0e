package io.mlco2.tracker.hardware;

import io.mlco2.tracker.base.Log;
import io.mlco2.tracker.base.SaidBefore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CpuTdpTest {

    @Test
    void anUnknownCpuIsAWarningOncePerMachineAndANoteOnEveryRun(@TempDir Path dir) {
        SaidBefore said = new SaidBefore(dir.resolve("said.txt"));
        String model = "Imaginary CPU 9000 v" + System.nanoTime();
        for (int run = 1; run <= 2; run++) {
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            Log log = new Log(new PrintStream(err, true, StandardCharsets.UTF_8), Log.Level.INFO);
            List<String> notes = new ArrayList<>();
            CpuTdp tdp = CpuTdp.resolve(null, model, log, notes, said);
            assertEquals(TdpTables.DEFAULT_CPU_TDP_WATTS, tdp.tdpWatts(), 0.0);
            assertEquals(1, notes.size(), "the report says it on every run");
            String out = err.toString(StandardCharsets.UTF_8);
            if (run == 1) {
                assertEquals("[mlco2] WARN: CPU '" + model + "' is not in the TDP table: 85 W assumed"
                        + " (set mlco2.cpu.tdp-watts; said once on this machine)" + System.lineSeparator(), out);
            } else {
                assertFalse(out.contains("WARN"), "the second run is quiet at info\n" + out);
            }
        }
    }

    @Test
    void aConfiguredTdpSaysNothing(@TempDir Path dir) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Log log = new Log(new PrintStream(err, true, StandardCharsets.UTF_8), Log.Level.DEBUG);
        List<String> notes = new ArrayList<>();
        CpuTdp tdp = CpuTdp.resolve(120.0, "Imaginary CPU", log, notes, new SaidBefore(dir.resolve("said.txt")));
        assertEquals(120.0, tdp.tdpWatts(), 0.0);
        assertTrue(notes.isEmpty());
        assertEquals("", err.toString(StandardCharsets.UTF_8));
    }
}
