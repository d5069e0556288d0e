package io.mlco2.it.epochs;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** DJL epochs from the unchanged training job, in child JVMs with the agent. */
class DjlEpochsIT {

    /**
     * The job reaches {@code EasyTrain.fit} about a second after start, before the agent has woven its hooks: the
     * first epoch is recovered from the bootstrap's note of DJL's first {@code fit} call, and the planned count of
     * that running call cannot be read, so {@code mlco2.epochs} gives it.
     */
    @Test
    void threeEpochsGiveThreeRowsAndAForecastAfterTheFirst(@TempDir Path dir) throws Exception {
        EpochRun r = EpochRun.run(dir, "djl-epochs", "mlco2.epochs=3", EpochRun.djlClassPath(),
                "io.mlco2.it.jobs.DjlTrainingJob", "3", "2048");
        r.assertEpochRows(3);
        r.assertForecast(1, 3, "mlco2.epochs", 3);
        assertTrue(r.stdout.contains("TRAINING DONE epochs=3"), r.describe());
        assertEquals("DJL 0.36.0", r.summary().get("epochs").get("frameworks").get(0).asText(), r.describe());
        r.assertQuietStderr();
    }

    /** Started once the agent is ready, DJL's own {@code EasyTrain.fit(trainer, 3, ...)} gives the planned count. */
    @Test
    void plannedEpochsComeFromEasyTrainFit(@TempDir Path dir) throws Exception {
        EpochRun r = EpochRun.run(dir, "djl-planned", "", EpochRun.djlClassPath(),
                "io.mlco2.it.jobs.DjlAfterAgentJob", "3", "2048");
        r.assertEpochRows(3);
        r.assertForecast(1, 3, "DJL EasyTrain.fit", 3);
    }

    /**
     * On a terminal (a pseudo-terminal from {@code script}), DJL's progress bar owns the line while an epoch runs
     * (redrawn with carriage returns, no newline): every forecast line still begins at column 0, after a newline.
     */
    @Test
    void onATerminalTheForecastNeverLandsInsideTheProgressBarsLine(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/script")), "util-linux script is not installed");
        EpochRun r = EpochRun.runOnTerminal(dir, "djl-terminal", "mlco2.epochs=3", EpochRun.djlClassPath(),
                "io.mlco2.it.jobs.DjlTrainingJob", "3", "2048");
        assertEquals(0, r.exitCode, r.describe());
        String screen = r.stdout;
        int forecasts = 0;
        for (int at = screen.indexOf("[mlco2] forecast after"); at >= 0; at = screen.indexOf("[mlco2] forecast after", at + 1)) {
            forecasts++;
            assertTrue(at > 0 && screen.charAt(at - 1) == '\n', "the forecast starts a line: ..."
                    + screen.substring(Math.max(0, at - 80), at + 30).replace("\r", "\\r") + "...");
        }
        assertTrue(forecasts >= 1, "a forecast on the terminal\n" + r.describe());
    }
}
