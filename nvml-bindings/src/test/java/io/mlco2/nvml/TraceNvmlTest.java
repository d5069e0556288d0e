package io.mlco2.nvml;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
}
