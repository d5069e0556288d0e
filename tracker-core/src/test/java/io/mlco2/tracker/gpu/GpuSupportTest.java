package io.mlco2.tracker.gpu;

import io.mlco2.nvml.Nvml;
import io.mlco2.nvml.TraceNvml;
import io.mlco2.tracker.config.Config;
import io.mlco2.tracker.energy.Component;
import io.mlco2.tracker.energy.Method;
import io.mlco2.tracker.base.Log;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GpuSupportTest {

    private final Log log = new Log(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
            Log.Level.DEBUG);

    static Path h200Trace() throws Exception {
        return Path.of(GpuSupportTest.class.getResource("/traces/h200_trace.csv").toURI());
    }

    @Test
    void withoutNvmlThereAreNoSourcesAndAReason() {
        try (GpuSupport g = GpuSupport.open(Config.defaults(), log, Nvml.unavailable("NVML library not found"),
                Map.of(), 1)) {
            assertTrue(g.sources().isEmpty());
            assertEquals("NVML library not found", g.unavailableReason());
            assertFalse(g.sharedWithOtherProcesses());
        }
    }

    @Test
    void onThisMachineOpenNeverThrows() {
        try (GpuSupport g = GpuSupport.open(Config.defaults(), log)) {
            assertTrue(g.sources().isEmpty() == (g.unavailableReason() != null));
        }
    }

    @Test
    void opensEachSelectedGpuWithItsMethod() throws Exception {
        long[] clock = {0};
        TraceNvml nvml = TraceNvml.read(h200Trace(), () -> clock[0], TraceNvml.Options.defaults());
        clock[0] = nvml.startNanos();
        try (GpuSupport g = GpuSupport.open(Config.defaults(), log, nvml, Map.of(), 1)) {
            assertNull(g.unavailableReason());
            assertEquals(1, g.sources().size());
            assertEquals(Component.GPU, g.sources().get(0).component());
            assertEquals(Method.NVML_ENERGY_COUNTER, g.sources().get(0).method());
            assertEquals("NVIDIA H200", g.sources().get(0).hardwareName());
            assertNotNull(g.sources().get(0).tdpSource());
        }
        assertFalse(nvml.available()); // closed once by GpuSupport
    }

    @Test
    void cudaVisibleDevicesCanHideEveryGpu() throws Exception {
        TraceNvml nvml = TraceNvml.read(h200Trace(), () -> 0, TraceNvml.Options.defaults());
        try (GpuSupport g = GpuSupport.open(Config.defaults(), log, nvml, Map.of("CUDA_VISIBLE_DEVICES", ""), 1)) {
            assertTrue(g.sources().isEmpty());
            assertTrue(g.unavailableReason().contains("none selected"), g.unavailableReason());
        }
    }
}
