package io.mlco2.nvml;

import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.LongByReference;
import com.sun.jna.ptr.PointerByReference;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

/** The JNA-backed NVML over a mocked library: return codes, buffers, init/shutdown balance. */
class JnaNvmlTest {

    private final NvmlLibrary lib = mock(NvmlLibrary.class);

    private NvmlDevice openDevice() throws NvmlException {
        when(lib.nvmlInit_v2()).thenReturn(0);
        when(lib.nvmlDeviceGetHandleByIndex_v2(eq(0), any(PointerByReference.class))).thenAnswer(inv -> {
            inv.getArgument(1, PointerByReference.class).setValue(new Pointer(0x1234));
            return 0;
        });
        Nvml nvml = JnaNvml.init(lib, "mock");
        assertTrue(nvml.available());
        return nvml.device(0);
    }

    @Test
    void initFailureIsAnUnavailableNvmlWithTheReason() {
        when(lib.nvmlInit_v2()).thenReturn(9);
        when(lib.nvmlErrorString(9)).thenReturn("Driver Not Loaded");
        Nvml nvml = JnaNvml.init(lib, "libnvidia-ml.so.1");
        assertFalse(nvml.available());
        assertTrue(nvml.unavailableReason().contains("DRIVER_NOT_LOADED"), nvml.unavailableReason());
        NvmlException e = assertThrows(NvmlException.class, nvml::deviceCount);
        assertEquals(NvmlReturn.UNINITIALIZED, e.code());
        nvml.close();
        verify(lib, times(0)).nvmlShutdown();
    }

    @Test
    void initThrowingIsUnavailableToo() {
        when(lib.nvmlInit_v2()).thenThrow(new UnsatisfiedLinkError("undefined symbol: nvmlInit_v2"));
        Nvml nvml = JnaNvml.init(lib, "stub");
        assertFalse(nvml.available());
        assertTrue(nvml.unavailableReason().contains("undefined symbol"));
    }

    @Test
    void shutdownIsCalledOnceHoweverOftenClosed() {
        when(lib.nvmlInit_v2()).thenReturn(0);
        Nvml nvml = JnaNvml.init(lib, "mock");
        nvml.close();
        nvml.close();
        verify(lib, times(1)).nvmlShutdown();
        assertFalse(nvml.available());
    }

    @Test
    void errorsCarryTheNamedCodeAndNvmlsMessage() throws NvmlException {
        NvmlDevice d = openDevice();
        when(lib.nvmlDeviceGetTotalEnergyConsumption(any(), any(LongByReference.class))).thenReturn(3);
        when(lib.nvmlErrorString(3)).thenReturn("Not Supported");
        NvmlException e = assertThrows(NvmlException.class, d::totalEnergyMillijoules);
        assertEquals(NvmlReturn.NOT_SUPPORTED, e.code());
        assertEquals("nvmlDeviceGetTotalEnergyConsumption", e.call());

        when(lib.nvmlDeviceGetPowerUsage(any(), any(IntByReference.class))).thenReturn(15);
        when(lib.nvmlErrorString(15)).thenReturn("GPU is lost");
        assertEquals(NvmlReturn.GPU_IS_LOST, assertThrows(NvmlException.class, d::powerUsageMilliwatts).code());
    }

    @Test
    void aMissingSymbolIsCallFailedNotAnError() throws NvmlException {
        NvmlDevice d = openDevice();
        when(lib.nvmlDeviceGetArchitecture(any(), any(IntByReference.class)))
                .thenThrow(new UnsatisfiedLinkError("Error looking up function 'nvmlDeviceGetArchitecture'"));
        NvmlException e = assertThrows(NvmlException.class, d::architecture);
        assertEquals(NvmlReturn.CALL_FAILED, e.code());
        assertTrue(e.code().isNotSupported());
    }

    @Test
    void readsValuesAndStrings() throws NvmlException {
        NvmlDevice d = openDevice();
        when(lib.nvmlDeviceGetPowerUsage(any(), any(IntByReference.class))).thenAnswer(inv -> {
            inv.getArgument(1, IntByReference.class).setValue(693_000);
            return 0;
        });
        when(lib.nvmlDeviceGetTotalEnergyConsumption(any(), any(LongByReference.class))).thenAnswer(inv -> {
            inv.getArgument(1, LongByReference.class).setValue(2_596_051L);
            return 0;
        });
        when(lib.nvmlDeviceGetName(any(), any(byte[].class), anyInt())).thenAnswer(inv -> {
            byte[] b = inv.getArgument(1);
            byte[] s = "NVIDIA H200".getBytes();
            System.arraycopy(s, 0, b, 0, s.length);
            return 0;
        });
        when(lib.nvmlDeviceGetArchitecture(any(), any(IntByReference.class))).thenAnswer(inv -> {
            inv.getArgument(1, IntByReference.class).setValue(9);
            return 0;
        });
        when(lib.nvmlDeviceGetPciInfo_v3(any(), any(Pointer.class))).thenAnswer(inv -> {
            inv.getArgument(1, Pointer.class).setString(36, "00000000:19:00.0");
            return 0;
        });
        assertEquals(693_000, d.powerUsageMilliwatts());
        assertEquals(2_596_051L, d.totalEnergyMillijoules());
        assertEquals("NVIDIA H200", d.name());
        assertEquals(GpuArchitecture.HOPPER, d.architecture());
        assertEquals("00000000:19:00.0", d.pciBusId());
    }

    @Test
    void fieldValuesDecodeEachEntryWithItsOwnResult() throws NvmlException {
        NvmlDevice d = openDevice();
        when(lib.nvmlDeviceGetFieldValues(any(), eq(2), any(Pointer.class))).thenAnswer(inv -> {
            Pointer m = inv.getArgument(2);
            assertEquals(186, m.getInt(0));
            assertEquals(185, m.getInt(40));
            m.setLong(8, 1_796_065_524_996_120L);
            m.setInt(24, 1); // unsigned int
            m.setInt(28, 0);
            m.setInt(32, 81_894);
            m.setInt(40 + 28, 3); // second field not supported
            return 0;
        });
        List<FieldValue> v = d.fieldValues(Nvml.FI_POWER_INSTANT, Nvml.FI_POWER_AVERAGE);
        assertEquals(new FieldValue(186, NvmlReturn.SUCCESS, 1_796_065_524_996_120L, 81_894), v.get(0));
        assertEquals(NvmlReturn.NOT_SUPPORTED, v.get(1).result());
        assertTrue(Double.isNaN(v.get(1).value()));
    }

    @Test
    void computeProcessesGrowTheBufferUntilAllFit() throws NvmlException {
        NvmlDevice d = openDevice();
        int[] calls = {0};
        when(lib.nvmlDeviceGetComputeRunningProcesses_v3(any(), any(IntByReference.class), any()))
                .thenAnswer(inv -> {
                    calls[0]++;
                    IntByReference count = inv.getArgument(1);
                    Pointer buf = inv.getArgument(2);
                    int present = calls[0] == 1 ? 1 : 20; // a burst of processes starts between the calls
                    if (buf == null || count.getValue() < present) {
                        count.setValue(present);
                        return 7;
                    }
                    for (int i = 0; i < present; i++) {
                        buf.setInt(i * 24L, 1000 + i);
                        buf.setLong(i * 24L + 8, 1L << 30);
                        buf.setInt(i * 24L + 16, -1);
                        buf.setInt(i * 24L + 20, -1);
                    }
                    count.setValue(present);
                    return 0;
                });
        List<ProcessInfo> p = d.computeRunningProcesses();
        assertEquals(20, p.size());
        assertEquals(new ProcessInfo(1000, 1L << 30, -1, -1), p.get(0));
        assertEquals(1019, p.get(19).pid());
    }

    @Test
    void noComputeProcessIsAnEmptyList() throws NvmlException {
        NvmlDevice d = openDevice();
        when(lib.nvmlDeviceGetComputeRunningProcesses_v3(any(), any(IntByReference.class), any())).thenReturn(0);
        assertTrue(d.computeRunningProcesses().isEmpty());
    }

    @Test
    void processUtilizationNotFoundIsEmptyAndSamplesAreDecoded() throws NvmlException {
        NvmlDevice d = openDevice();
        when(lib.nvmlDeviceGetProcessUtilization(any(), any(), any(IntByReference.class), anyLong())).thenReturn(6);
        assertTrue(d.processUtilization(0).isEmpty());

        when(lib.nvmlDeviceGetProcessUtilization(any(), any(), any(IntByReference.class), anyLong()))
                .thenAnswer(inv -> {
                    Pointer buf = inv.getArgument(1);
                    IntByReference count = inv.getArgument(2);
                    if (buf == null) {
                        count.setValue(2);
                        return 7;
                    }
                    buf.setInt(0, 42);
                    buf.setLong(8, 100);
                    buf.setInt(16, 60);
                    buf.setInt(32, 43);
                    buf.setLong(40, 101);
                    buf.setInt(48, 20);
                    count.setValue(2);
                    return 0;
                });
        List<ProcessUtilization> u = d.processUtilization(0);
        assertEquals(2, u.size());
        assertEquals(42, u.get(0).pid());
        assertEquals(60, u.get(0).smPercent());
        assertEquals(20, u.get(1).smPercent());
    }

    @Test
    void loadOnAMachineWithoutNvmlSaysWhyAndNeverThrows() {
        Nvml nvml = Nvml.load();
        assertNotNull(nvml);
        if (!nvml.available()) {
            assertNotNull(nvml.unavailableReason());
            assertFalse(nvml.unavailableReason().isBlank());
        } else {
            assertNull(nvml.unavailableReason());
        }
        nvml.close();
    }

    @Test
    void unavailableNvmlFailsEveryQueryWithItsReason() {
        Nvml nvml = Nvml.unavailable("no driver");
        assertFalse(nvml.available());
        assertEquals("no driver", nvml.unavailableReason());
        NvmlException e = assertThrows(NvmlException.class, () -> nvml.device(0));
        assertTrue(e.getMessage().contains("no driver"));
        nvml.close();
    }
}
