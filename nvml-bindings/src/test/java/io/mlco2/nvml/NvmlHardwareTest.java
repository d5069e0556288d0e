package io.mlco2.nvml;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Runs only with {@code -Dgroups=hardware -DexcludedGroups=} on a machine with an NVIDIA GPU; skips elsewhere. */
@Tag("hardware")
class NvmlHardwareTest {

    @Test
    void readsTheRealDevice() throws NvmlException {
        try (Nvml nvml = Nvml.load()) {
            Assumptions.assumeTrue(nvml.available(), () -> "no NVML: " + nvml.unavailableReason());
            assertFalse(nvml.driverVersion().isBlank());
            assertTrue(nvml.deviceCount() > 0);
            NvmlDevice d = nvml.device(0);
            assertFalse(d.name().isBlank());
            assertTrue(d.uuid().startsWith("GPU-"));
            assertTrue(d.powerUsageMilliwatts() > 0);
            try {
                long e0 = d.totalEnergyMillijoules();
                assertTrue(e0 > 0);
            } catch (NvmlException e) {
                assertTrue(e.code().isNotSupported(), e.getMessage());
            }
            d.computeRunningProcesses();
        }
    }
}
