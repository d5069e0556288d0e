package io.mlco2.nvml;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TraceNvmlTest {

    @TempDir
    Path dir;

    private long now;

    private TraceNvml trace(String csv, TraceNvml.Options o) throws IOException {
        Path p = dir.resolve("t.csv");
        Files.writeString(p, csv);
        return TraceNvml.read(p, () -> now, o);
    }

    private static final String CSV = """
            t_ns,phase,power_mW,energy_mJ,fi_instant_mW,fi_instant_rc,fi_instant_ts_us,gpu_util,mem_util
            1000,idle,100000,5000,90000,0,1,0,0
            2000,idle,110000,5100,95000,0,2,0,0
            3000,busy,500000,5600,700000,0,3,99,40
            4000,busy,,6100,,3,4,98,40
            """;

    @Test
    void answersWithTheLatestRowAtOrBeforeTheClock() throws Exception {
        TraceNvml t = trace(CSV, TraceNvml.Options.defaults());
        NvmlDevice d = t.device(0);
        now = 1000;
        assertEquals(100_000, d.powerUsageMilliwatts());
        now = 1999;
        assertEquals(5000, d.totalEnergyMillijoules());
        now = 2000;
        assertEquals(5100, d.totalEnergyMillijoules());
        now = 3500;
        assertEquals(700_000, d.fieldValues(Nvml.FI_POWER_INSTANT).get(0).value());
        assertEquals(99, d.utilization().gpuPercent());
        now = 999;
        assertEquals(NvmlReturn.NO_DATA, assertThrows(NvmlException.class, d::powerUsageMilliwatts).code());
    }

    @Test
    void emptyCellsAndRecordedReturnCodesAreErrors() throws Exception {
        TraceNvml t = trace(CSV, TraceNvml.Options.defaults());
        NvmlDevice d = t.device(0);
        now = 4000;
        assertEquals(NvmlReturn.UNKNOWN, assertThrows(NvmlException.class, d::powerUsageMilliwatts).code());
        assertEquals(NvmlReturn.NOT_SUPPORTED, d.fieldValues(Nvml.FI_POWER_INSTANT).get(0).result());
        // fi_avg was not recorded at all
        assertEquals(NvmlReturn.NOT_SUPPORTED, d.fieldValues(Nvml.FI_POWER_AVERAGE).get(0).result());
    }

    @Test
    void phasesRunFromTheirFirstRowToTheNextPhase() throws Exception {
        TraceNvml t = trace(CSV, TraceNvml.Options.defaults());
        assertEquals(List.of(new TraceNvml.Phase("idle", 1000, 3000), new TraceNvml.Phase("busy", 3000, 4000)),
                t.phases());
        assertEquals(5600 - 5000, t.counterMillijoulesAt(3000) - t.counterMillijoulesAt(1000));
        assertEquals(4, t.rows());
    }

    @Test
    void optionsRemoveTheCounterOrTheFields() throws Exception {
        now = 2000;
        NvmlDevice noCounter = trace(CSV, TraceNvml.Options.defaults().withoutCounter()).device(0);
        assertEquals(NvmlReturn.NOT_SUPPORTED,
                assertThrows(NvmlException.class, noCounter::totalEnergyMillijoules).code());
        NvmlDevice noFields = trace(CSV, TraceNvml.Options.defaults().withoutFields()).device(0);
        assertEquals(NvmlReturn.NOT_SUPPORTED,
                assertThrows(NvmlException.class, () -> noFields.fieldValues(186)).code());
    }

    @Test
    void badTracesNameTheLine() throws IOException {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> trace("t_ns,power_mW\n1,2\nx,3\n", TraceNvml.Options.defaults()));
        assertTrue(e.getMessage().contains("line 3"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> trace("time,power\n1,2\n", TraceNvml.Options.defaults()));
        assertThrows(IllegalArgumentException.class, () -> trace("", TraceNvml.Options.defaults()));
        assertThrows(IllegalArgumentException.class,
                () -> trace("t_ns,power_mW\n5,1\n4,1\n", TraceNvml.Options.defaults()));
    }

    @Test
    void bothPowerFieldsCarryTheirOwnValueCodeAndTimestamp() throws Exception {
        String csv = """
                t_ns,power_mW,fi_instant_mW,fi_instant_rc,fi_instant_ts_us,fi_avg_mW,fi_avg_rc,fi_avg_ts_us
                1000,400000,410000,0,1700000000000001,395000,0,1700000000000002
                2000,400000,420000,15,1700000000000003,396000,0,
                """;
        NvmlDevice d = trace(csv, TraceNvml.Options.defaults()).device(0);
        now = 1000;
        List<FieldValue> v = d.fieldValues(Nvml.FI_POWER_INSTANT, Nvml.FI_POWER_AVERAGE, 999);
        assertEquals(new FieldValue(Nvml.FI_POWER_INSTANT, NvmlReturn.SUCCESS, 1_700_000_000_000_001L, 410_000), v.get(0));
        assertEquals(new FieldValue(Nvml.FI_POWER_AVERAGE, NvmlReturn.SUCCESS, 1_700_000_000_000_002L, 395_000), v.get(1));
        assertEquals(999, v.get(2).fieldId());
        assertEquals(NvmlReturn.NOT_SUPPORTED, v.get(2).result());
        assertTrue(Double.isNaN(v.get(2).value()));
        now = 2000;
        v = d.fieldValues(Nvml.FI_POWER_INSTANT, Nvml.FI_POWER_AVERAGE);
        // a recorded failure keeps its own code even where the trace has a value; an empty timestamp reads as 0
        assertEquals(NvmlReturn.GPU_IS_LOST, v.get(0).result());
        assertTrue(Double.isNaN(v.get(0).value()));
        assertEquals(new FieldValue(Nvml.FI_POWER_AVERAGE, NvmlReturn.SUCCESS, 0, 396_000), v.get(1));
    }

    @Test
    void theCounterReadTakesTheConfiguredLatency() throws Exception {
        long latencyNanos = 30_000_000;
        NvmlDevice d = trace(CSV, TraceNvml.Options.defaults().withCounterLatencyNanos(latencyNanos)).device(0);
        now = 2000;
        long t0 = System.nanoTime();
        assertEquals(5100, d.totalEnergyMillijoules());
        assertTrue(System.nanoTime() - t0 >= latencyNanos);
    }

    @Test
    void aCounterColumnWithoutAnyValueIsNoCounter() throws Exception {
        TraceNvml empty = trace("t_ns,power_mW,energy_mJ\n1000,5,\n2000,6,\n", TraceNvml.Options.defaults());
        TraceNvml none = trace("t_ns,power_mW\n1000,5\n", TraceNvml.Options.defaults());
        now = 2000;
        for (TraceNvml t : List.of(empty, none)) {
            assertFalse(t.hasCounter());
            assertEquals(-1, t.counterMillijoulesAt(2000));
            assertEquals(NvmlReturn.NOT_SUPPORTED,
                    assertThrows(NvmlException.class, t.device(0)::totalEnergyMillijoules).code());
        }
        assertTrue(trace(CSV, TraceNvml.Options.defaults()).hasCounter());
    }

    @Test
    void powerLimitsComeFromTheOptionsAndOnlyANegativeOneIsMissing() throws Exception {
        TraceNvml.Options d = TraceNvml.Options.defaults();
        for (long limitMw : new long[] {700_000, 0}) {
            NvmlDevice dev = trace(CSV, new TraceNvml.Options(d.deviceName(), d.architecture(), true, true, limitMw, 0))
                    .device(0);
            assertEquals(limitMw, dev.powerManagementLimitMilliwatts());
            assertEquals(limitMw, dev.enforcedPowerLimitMilliwatts());
            assertEquals(limitMw, dev.defaultPowerLimitMilliwatts());
        }
        NvmlDevice dev = trace(CSV, d).device(0);
        assertEquals("nvmlDeviceGetEnforcedPowerLimit",
                assertThrows(NvmlException.class, dev::enforcedPowerLimitMilliwatts).call());
        assertEquals(NvmlReturn.NOT_SUPPORTED,
                assertThrows(NvmlException.class, dev::powerManagementLimitMilliwatts).code());
        assertEquals(NvmlReturn.NOT_SUPPORTED,
                assertThrows(NvmlException.class, dev::defaultPowerLimitMilliwatts).code());
    }

    @Test
    void theFakeDeviceDescribesItselfFromTheOptions() throws Exception {
        TraceNvml.Options o = new TraceNvml.Options("NVIDIA A100-SXM4-40GB", GpuArchitecture.AMPERE, true, true, -1, 0);
        TraceNvml t = trace(CSV, o);
        NvmlDevice d = t.device(0);
        assertEquals("NVIDIA A100-SXM4-40GB", d.name());
        assertEquals(GpuArchitecture.AMPERE, d.architecture());
        assertTrue(d.uuid().startsWith("GPU-"), d.uuid());
        assertFalse(d.pciBusId().isEmpty());
        assertEquals("trace", t.driverVersion());
        assertEquals("trace", t.nvmlVersion());
        assertEquals(1, t.deviceCount());
        assertEquals(NvmlReturn.INVALID_ARGUMENT, assertThrows(NvmlException.class, () -> t.device(1)).code());
        assertEquals(1000, t.startNanos());
        assertEquals(4000, t.endNanos());
    }

    @Test
    void closingMakesEveryQueryUninitialized() throws Exception {
        TraceNvml t = trace(CSV, TraceNvml.Options.defaults());
        NvmlDevice d = t.device(0);
        assertTrue(t.available());
        assertNull(t.unavailableReason());
        t.close();
        assertFalse(t.available());
        assertEquals("NVML was shut down", t.unavailableReason());
        now = 2000;
        assertEquals(NvmlReturn.UNINITIALIZED, assertThrows(NvmlException.class, t::deviceCount).code());
        assertEquals(NvmlReturn.UNINITIALIZED, assertThrows(NvmlException.class, d::powerUsageMilliwatts).code());
    }

    @Test
    void decimalCellsRoundShortRowsAreEmptyAndEqualTimesKeepTheLastRow() throws Exception {
        String csv = "t_ns,power_mW,gpu_util,mem_util\n1000,250123.6\n2000,1,50,7\n2000,2,60,8\n";
        NvmlDevice d = trace(csv, TraceNvml.Options.defaults()).device(0);
        now = 1000;
        assertEquals(Math.round(250123.6), d.powerUsageMilliwatts());
        assertEquals(NvmlReturn.UNKNOWN, assertThrows(NvmlException.class, d::utilization).code());
        now = 2000;
        assertEquals(2, d.powerUsageMilliwatts());
        assertEquals(new Utilization(60, 8), d.utilization());
    }

    @Test
    void aTraceLongerThanTheFirstBufferKeepsEveryRow() throws Exception {
        int rows = 10_000;
        StringBuilder csv = new StringBuilder("t_ns,power_mW\n");
        for (int i = 0; i < rows; i++) {
            csv.append(1000L * i).append(',').append(100_000 + i).append('\n');
        }
        TraceNvml t = trace(csv.toString(), TraceNvml.Options.defaults());
        assertEquals(rows, t.rows());
        assertEquals(1000L * (rows - 1), t.endNanos());
        NvmlDevice d = t.device(0);
        for (int i : new int[] {0, 4095, 4096, 8192, rows - 1}) {
            now = 1000L * i;
            assertEquals(100_000 + i, d.powerUsageMilliwatts(), "row " + i);
        }
    }
}
