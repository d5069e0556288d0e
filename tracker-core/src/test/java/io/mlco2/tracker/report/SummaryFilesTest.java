package io.mlco2.tracker.report;

import io.mlco2.tracker.carbon.Mitigation;
import io.mlco2.tracker.energy.Component;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The summary file's path, and the measured/estimate ratio when the estimate is zero. */
class SummaryFilesTest {

    @Test
    void writeReturnsTheRunsJsonFile(@TempDir Path dir) throws Exception {
        Path f = SummaryJson.write(EmissionsCsvTest.summary("run-7", "p"), dir);
        String node = io.mlco2.tracker.base.NodeIdentity.current("host").nodeId();
        assertEquals(dir.resolve("run-7." + node + ".json"), f);
        assertTrue(Files.readString(f).contains("\"run-7\""));
    }

    static RunSummary withEstimate(double cpuJoules, double estimateKwh) {
        Map<Component, ComponentEnergy> c = new EnumMap<>(Component.class);
        c.put(Component.CPU, new ComponentEnergy(cpuJoules, 10, "rapl", 0.5, 1));
        return new RunSummary("r", "p", null, java.time.Instant.EPOCH, java.time.Instant.EPOCH.plusSeconds(60), 60, c,
                EmissionsCsvTest.FRANCE, 1.0, 0.0, new TdpEstimate(100, estimateKwh, 0.0, "cpu"),
                new Mitigation("", "", Double.NaN, Double.NaN, 0, 0), "cpu", 1, 0, null, false, 8, 1, "Linux",
                "host", "machine", "0.1", Map.of(), List.of(), Map.of());
    }

    @Test
    void aZeroEstimateHasNoRatio() {
        assertTrue(Double.isNaN(withEstimate(3.6e6, 0.0).measuredOverEstimate()));
        // 1 kWh measured (3.6e6 J) over a 2 kWh estimate
        assertEquals(0.5, withEstimate(3.6e6, 2.0).measuredOverEstimate(), 1e-12);
    }
}
