package io.mlco2.it.core;

import com.fasterxml.jackson.databind.JsonNode;
import io.mlco2.it.jobs.SleepJob;
import io.mlco2.it.support.ChildJvm;
import io.mlco2.it.support.Reports;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The built agent with {@code mlco2.carbon-intensity.source=file}: the file is read on the agent's thread, the
 * summary's intensity is the file's, its section names the source, and the sample file carries the intensity.
 */
class CarbonIntensityFileIT {

    @Test
    void aJobRunWithAnIntensityFileReportsItsEmissionsAtTheFilesIntensity(@TempDir Path work) throws Exception {
        Path out = work.resolve("r");
        Path file = work.resolve("grid.csv");
        Files.writeString(file, "timestamp,g_per_kwh\n2100-01-01T00:00:00Z,900\n1970-01-01T00:00:00Z,250\nnot a row\n");
        ChildJvm.Result r = new ChildJvm().workDir(work)
                .withAgent("interval=100ms;region=FR;run-id=ci;output.dir=" + out
                        + ";carbon-intensity.source=file;carbon-intensity.file=" + file)
                .run(SleepJob.class.getName(), "1500");
        assertEquals(0, r.exitCode(), r.all());
        assertTrue(r.stderr().contains("line 4: 'not a row'"), r.stderr());
        JsonNode s = Reports.json(Reports.file(out, "ci", ".json"));
        assertEquals(250.0, s.get("carbon_intensity_g_per_kwh").asDouble(), r.all());
        double kwh = s.get("energy_kwh").get("total").asDouble();
        assertEquals(kwh * 250 / 1000, s.get("emissions_kg").asDouble(), 1e-12 * Math.max(1, kwh));
        JsonNode over = s.get("carbon_intensity_over_time");
        assertEquals("file", over.get("source").asText());
        assertEquals(1.0, over.get("energy_share").get("file").asDouble(), 1e-12);
        double yearlyKg = over.get("yearly_average").get("emissions_kg").asDouble();
        assertEquals(kwh * over.get("yearly_average").get("g_per_kwh").asDouble() / 1000, yearlyKg, 1e-12);

        List<Map<String, String>> rows = Reports.rows(Reports.file(out, "ci", ".samples.csv"));
        assertFalse(rows.isEmpty());
        assertEquals("250.0", rows.get(rows.size() - 1).get("carbon_intensity_g_per_kwh"), rows.toString());
    }
}
