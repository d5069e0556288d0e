package io.mlco2.nvml;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.LongByReference;
import com.sun.jna.ptr.PointerByReference;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.nio.charset.StandardCharsets;
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
import static org.mockito.Mockito.never;
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

    private static final Pointer HANDLE = new Pointer(0x1234);

    /** Sets {@code value} into the by-reference argument {@code arg} of the mocked call and returns {@code rc}. */
    private static org.mockito.stubbing.Answer<Integer> sets(int arg, int value, int rc) {
        return inv -> {
            inv.getArgument(arg, IntByReference.class).setValue(value);
            return rc;
        };
    }

    /**
     * Leaves freed native blocks of {@code bytes} full of 0x5A, so that a buffer the code forgets to zero shows up
     * as garbage (the allocator hands the same block to the next allocation of that size in this thread).
     */
    private static void dirtyFreedBlocks(long bytes) {
        for (int i = 0; i < 4; i++) {
            Memory m = new Memory(bytes);
            m.setMemory(0, bytes, (byte) 0x5A);
            m.close();
        }
    }

    @Test
    void initFailureMessageIsNvmlsOwnOrTheBindingsWhenNvmlHasNone() {
        NvmlReturn r = NvmlReturn.of(9);
        String expectedOwn = "nvmlInit_v2 in 'lib' returned " + r.name() + " (" + r.message() + ")";
        when(lib.nvmlInit_v2()).thenReturn(9);
        when(lib.nvmlErrorString(9)).thenReturn("driver says no");
        assertEquals("nvmlInit_v2 in 'lib' returned " + r.name() + " (driver says no)",
                JnaNvml.init(lib, "lib").unavailableReason());
        when(lib.nvmlErrorString(9)).thenReturn(null);
        assertEquals(expectedOwn, JnaNvml.init(lib, "lib").unavailableReason());
        when(lib.nvmlErrorString(9)).thenReturn("  ");
        assertEquals(expectedOwn, JnaNvml.init(lib, "lib").unavailableReason());
        when(lib.nvmlErrorString(9)).thenThrow(new UnsatisfiedLinkError("nvmlErrorString"));
        assertEquals(expectedOwn, JnaNvml.init(lib, "lib").unavailableReason());
    }

    @Test
    void aCallThatNeverReachedNvmlIsNotDescribedByNvmlsErrorString() throws NvmlException {
        NvmlDevice d = openDevice();
        when(lib.nvmlErrorString(anyInt())).thenReturn("Unknown Error");
        when(lib.nvmlDeviceGetPowerUsage(any(), any(IntByReference.class))).thenThrow(new UnsatisfiedLinkError("x"));
        NvmlException e = assertThrows(NvmlException.class, d::powerUsageMilliwatts);
        assertEquals("nvmlDeviceGetPowerUsage: CALL_FAILED (" + NvmlReturn.CALL_FAILED.message() + ")", e.getMessage());
    }

    @Test
    void theFirstCloseShutsDownAndLaterCallsAreUninitialized() throws NvmlException {
        NvmlDevice d = openDevice();
        Nvml nvml = JnaNvml.init(lib, "mock");
        assertNull(nvml.unavailableReason());
        assertEquals("Nvml[jna, open]", nvml.toString());
        nvml.close();
        verify(lib, times(1)).nvmlShutdown();
        assertFalse(nvml.available());
        assertEquals("NVML was shut down", nvml.unavailableReason());
        assertEquals("Nvml[jna, closed]", nvml.toString());
        assertEquals(NvmlReturn.UNINITIALIZED, assertThrows(NvmlException.class, nvml::deviceCount).code());
        verify(lib, never()).nvmlDeviceGetCount_v2(any());
        assertEquals("NvmlDevice[0]", d.toString());
    }

    @Test
    void systemQueriesReturnWhatNvmlWrote() throws NvmlException {
        when(lib.nvmlInit_v2()).thenReturn(0);
        Nvml nvml = JnaNvml.init(lib, "mock");
        when(lib.nvmlSystemGetDriverVersion(any(byte[].class), anyInt())).thenAnswer(inv -> {
            byte[] s = "550.54.15".getBytes(StandardCharsets.US_ASCII);
            System.arraycopy(s, 0, inv.getArgument(0, byte[].class), 0, s.length);
            return 0;
        });
        when(lib.nvmlSystemGetNVMLVersion(any(byte[].class), anyInt())).thenAnswer(inv -> {
            byte[] s = "12.550.54.15".getBytes(StandardCharsets.US_ASCII);
            System.arraycopy(s, 0, inv.getArgument(0, byte[].class), 0, s.length);
            return 0;
        });
        when(lib.nvmlDeviceGetCount_v2(any(IntByReference.class))).thenAnswer(sets(0, 8, 0));
        assertEquals("550.54.15", nvml.driverVersion());
        assertEquals("12.550.54.15", nvml.nvmlVersion());
        assertEquals(8, nvml.deviceCount());

        when(lib.nvmlSystemGetDriverVersion(any(byte[].class), anyInt())).thenReturn(4);
        when(lib.nvmlSystemGetNVMLVersion(any(byte[].class), anyInt())).thenReturn(4);
        when(lib.nvmlDeviceGetCount_v2(any(IntByReference.class))).thenReturn(4);
        assertEquals("nvmlSystemGetDriverVersion",
                assertThrows(NvmlException.class, nvml::driverVersion).call());
        assertEquals(NvmlReturn.NO_PERMISSION, assertThrows(NvmlException.class, nvml::nvmlVersion).code());
        assertEquals(NvmlReturn.NO_PERMISSION, assertThrows(NvmlException.class, nvml::deviceCount).code());
    }

    @Test
    void aDeviceUsesTheHandleNvmlGaveForItsIndex() throws NvmlException {
        NvmlDevice d = openDevice();
        assertEquals(0, d.index());
        when(lib.nvmlDeviceGetPowerUsage(eq(HANDLE), any(IntByReference.class))).thenAnswer(sets(1, 250_000, 0));
        assertEquals(250_000, d.powerUsageMilliwatts());
        verify(lib).nvmlDeviceGetPowerUsage(eq(HANDLE), any(IntByReference.class));

        when(lib.nvmlDeviceGetHandleByIndex_v2(eq(3), any(PointerByReference.class))).thenReturn(2);
        Nvml nvml = JnaNvml.init(lib, "mock");
        NvmlException e = assertThrows(NvmlException.class, () -> nvml.device(3));
        assertEquals(NvmlReturn.INVALID_ARGUMENT, e.code());
        assertEquals("nvmlDeviceGetHandleByIndex_v2", e.call());
    }

    @Test
    void everyDeviceQueryReportsNvmlsErrorWithItsFunctionName() throws NvmlException {
        NvmlDevice d = openDevice();
        int rc = 3;
        when(lib.nvmlDeviceGetName(any(), any(byte[].class), anyInt())).thenReturn(rc);
        when(lib.nvmlDeviceGetUUID(any(), any(byte[].class), anyInt())).thenReturn(rc);
        when(lib.nvmlDeviceGetPciInfo_v3(any(), any())).thenReturn(rc);
        when(lib.nvmlDeviceGetArchitecture(any(), any(IntByReference.class))).thenReturn(rc);
        when(lib.nvmlDeviceGetFieldValues(any(), anyInt(), any())).thenReturn(rc);
        when(lib.nvmlDeviceGetPowerManagementLimit(any(), any(IntByReference.class))).thenReturn(rc);
        when(lib.nvmlDeviceGetEnforcedPowerLimit(any(), any(IntByReference.class))).thenReturn(rc);
        when(lib.nvmlDeviceGetPowerManagementDefaultLimit(any(), any(IntByReference.class))).thenReturn(rc);
        when(lib.nvmlDeviceGetUtilizationRates(any(), any())).thenReturn(rc);
        when(lib.nvmlDeviceGetMemoryInfo(any(), any())).thenReturn(rc);
        when(lib.nvmlDeviceGetComputeRunningProcesses_v3(any(), any(IntByReference.class), any())).thenReturn(rc);
        when(lib.nvmlDeviceGetProcessUtilization(any(), any(), any(IntByReference.class), anyLong())).thenReturn(rc);
        List<org.junit.jupiter.api.function.Executable> calls = List.of(d::name, d::uuid, d::pciBusId,
                d::architecture, () -> d.fieldValues(Nvml.FI_POWER_INSTANT), d::powerManagementLimitMilliwatts,
                d::enforcedPowerLimitMilliwatts, d::defaultPowerLimitMilliwatts, d::utilization, d::memoryInfo,
                d::computeRunningProcesses, () -> d.processUtilization(0));
        List<String> functions = List.of("nvmlDeviceGetName", "nvmlDeviceGetUUID", "nvmlDeviceGetPciInfo_v3",
                "nvmlDeviceGetArchitecture", "nvmlDeviceGetFieldValues", "nvmlDeviceGetPowerManagementLimit",
                "nvmlDeviceGetEnforcedPowerLimit", "nvmlDeviceGetPowerManagementDefaultLimit",
                "nvmlDeviceGetUtilizationRates", "nvmlDeviceGetMemoryInfo", "nvmlDeviceGetComputeRunningProcesses_v3",
                "nvmlDeviceGetProcessUtilization");
        for (int i = 0; i < calls.size(); i++) {
            NvmlException e = assertThrows(NvmlException.class, calls.get(i), functions.get(i));
            assertEquals(NvmlReturn.NOT_SUPPORTED, e.code(), functions.get(i));
            assertEquals(functions.get(i), e.call());
        }
    }

    @Test
    void limitsUtilizationMemoryAndUuidAreReadFromWhatNvmlWrote() throws NvmlException {
        NvmlDevice d = openDevice();
        int unsignedLimit = 0xFFFF_FFF0; // a uint above Integer.MAX_VALUE reads as the unsigned value
        when(lib.nvmlDeviceGetPowerManagementLimit(any(), any(IntByReference.class))).thenAnswer(sets(1, 700_000, 0));
        when(lib.nvmlDeviceGetEnforcedPowerLimit(any(), any(IntByReference.class))).thenAnswer(sets(1, 650_000, 0));
        when(lib.nvmlDeviceGetPowerManagementDefaultLimit(any(), any(IntByReference.class)))
                .thenAnswer(sets(1, unsignedLimit, 0));
        when(lib.nvmlDeviceGetUtilizationRates(any(), any())).thenAnswer(inv -> {
            Pointer p = inv.getArgument(1);
            p.setInt(0, 97);
            p.setInt(4, 41);
            return 0;
        });
        long total = 150L << 30;
        long free = 10L << 30;
        when(lib.nvmlDeviceGetMemoryInfo(any(), any())).thenAnswer(inv -> {
            Pointer p = inv.getArgument(1);
            p.setLong(0, total);
            p.setLong(8, free);
            p.setLong(16, total - free);
            return 0;
        });
        String uuid = "GPU-5f0e3c2a-1b2c-3d4e-5f60-718293a4b5c6";
        when(lib.nvmlDeviceGetUUID(any(), any(byte[].class), anyInt())).thenAnswer(inv -> {
            byte[] s = uuid.getBytes(StandardCharsets.US_ASCII);
            System.arraycopy(s, 0, inv.getArgument(1, byte[].class), 0, s.length);
            return 0;
        });
        assertEquals(700_000, d.powerManagementLimitMilliwatts());
        assertEquals(650_000, d.enforcedPowerLimitMilliwatts());
        assertEquals(Integer.toUnsignedLong(unsignedLimit), d.defaultPowerLimitMilliwatts());
        assertEquals(new Utilization(97, 41), d.utilization());
        assertEquals(new MemoryInfo(total, free, total - free), d.memoryInfo());
        assertEquals(uuid, d.uuid());
    }

    @Test
    void anArchitectureCodeThisBindingDoesNotKnowIsUnknown() throws NvmlException {
        NvmlDevice d = openDevice();
        when(lib.nvmlDeviceGetArchitecture(any(), any(IntByReference.class))).thenAnswer(sets(1, 42, 0));
        assertEquals(GpuArchitecture.UNKNOWN, d.architecture());
        for (GpuArchitecture a : GpuArchitecture.values()) {
            assertEquals(a, GpuArchitecture.of(a.code()));
        }
    }

    @Test
    void cStringStopsAtTheFirstNulOrTheEndOfTheBuffer() {
        byte[] full = "H200".getBytes(StandardCharsets.US_ASCII);
        assertEquals("H200", JnaNvml.cString(full));
        assertEquals("H2", JnaNvml.cString(new byte[] {'H', '2', 0, '0', '0'}));
        assertEquals("", JnaNvml.cString(new byte[8]));
    }

    @Test
    void fieldValuesDecodeEveryValueType() {
        // nvmlValueType_t: 0 double, 1 uint, 2 ulong, 3 ulonglong, 4 slonglong, 5 sint, 6 ushort; value @32
        int n = 9;
        Memory m = new Memory(40L * n);
        m.clear();
        m.setInt(24, 0);
        m.setDouble(32, 812.25);
        m.setInt(40 + 24, 1);
        m.setInt(40 + 32, -2); // uint 0xFFFFFFFE
        m.setInt(80 + 24, 2);
        m.setLong(80 + 32, 123_456_789_012L);
        m.setInt(120 + 24, 3);
        m.setLong(120 + 32, -1L); // ulonglong 2^64 - 1
        m.setInt(160 + 24, 4);
        m.setLong(160 + 32, -5_000_000_000L);
        m.setInt(200 + 24, 5);
        m.setInt(200 + 32, -17);
        m.setInt(240 + 24, 6);
        m.setShort(240 + 32, (short) -1); // ushort 65535
        m.setInt(280 + 24, 7); // not a type NVML defines
        m.setInt(320 + 24, 2);
        m.setLong(320 + 32, Long.MIN_VALUE); // ulong 2^63
        assertEquals(812.25, JnaNvml.fieldValue(m, 0));
        assertEquals(Math.pow(2, 32) - 2, JnaNvml.fieldValue(m, 40));
        assertEquals(123_456_789_012.0, JnaNvml.fieldValue(m, 80));
        assertEquals(new java.math.BigInteger("18446744073709551615").doubleValue(), JnaNvml.fieldValue(m, 120));
        assertEquals(-5_000_000_000.0, JnaNvml.fieldValue(m, 160));
        assertEquals(-17.0, JnaNvml.fieldValue(m, 200));
        assertEquals(65_535.0, JnaNvml.fieldValue(m, 240));
        assertTrue(Double.isNaN(JnaNvml.fieldValue(m, 280)));
        assertEquals(Math.pow(2, 63), JnaNvml.fieldValue(m, 320));
    }

    @Test
    void processUtilizationOnSuccessWithoutABufferIsEmptyAndOtherErrorsThrow() throws NvmlException {
        NvmlDevice d = openDevice();
        when(lib.nvmlDeviceGetProcessUtilization(any(), any(), any(IntByReference.class), anyLong())).thenReturn(0);
        assertTrue(d.processUtilization(0).isEmpty());
        when(lib.nvmlDeviceGetProcessUtilization(any(), any(), any(IntByReference.class), anyLong())).thenReturn(15);
        assertEquals(NvmlReturn.GPU_IS_LOST, assertThrows(NvmlException.class, () -> d.processUtilization(0)).code());
        // the grown call fails too
        when(lib.nvmlDeviceGetProcessUtilization(any(), any(), any(IntByReference.class), anyLong()))
                .thenAnswer(inv -> inv.getArgument(1) == null ? sets(2, 3, 7).answer(inv) : 15);
        assertEquals(NvmlReturn.GPU_IS_LOST, assertThrows(NvmlException.class, () -> d.processUtilization(0)).code());
    }

    @Test
    void growingGivesUpAfterFiveLargerBuffers() throws NvmlException {
        NvmlDevice d = openDevice();
        int[] utilCalls = {0};
        int[] procCalls = {0};
        when(lib.nvmlDeviceGetProcessUtilization(any(), any(), any(IntByReference.class), anyLong()))
                .thenAnswer(inv -> {
                    utilCalls[0]++;
                    inv.getArgument(2, IntByReference.class).setValue(1000 * utilCalls[0]); // never enough
                    return 7;
                });
        when(lib.nvmlDeviceGetComputeRunningProcesses_v3(any(), any(IntByReference.class), any()))
                .thenAnswer(inv -> {
                    procCalls[0]++;
                    inv.getArgument(1, IntByReference.class).setValue(1000 * procCalls[0]);
                    return 7;
                });
        assertEquals(NvmlReturn.INSUFFICIENT_SIZE,
                assertThrows(NvmlException.class, () -> d.processUtilization(0)).code());
        assertEquals(NvmlReturn.INSUFFICIENT_SIZE, assertThrows(NvmlException.class, d::computeRunningProcesses).code());
        assertEquals(1 + 5, utilCalls[0]);
        assertEquals(1 + 5, procCalls[0]);
    }

    @Test
    void aBufferHoldsTwiceTheReportedCountSoLateArrivalsNeedNoThirdCall() throws NvmlException {
        NvmlDevice d = openDevice();
        int reported = 20;
        int arrived = 2 * reported; // more processes start between the two calls, within the spare room
        int[] utilCalls = {0};
        int[] procCalls = {0};
        long[] bufferBytes = {0};
        when(lib.nvmlDeviceGetProcessUtilization(any(), any(), any(IntByReference.class), anyLong()))
                .thenAnswer(inv -> {
                    utilCalls[0]++;
                    Pointer buf = inv.getArgument(1);
                    IntByReference count = inv.getArgument(2);
                    if (buf == null) {
                        count.setValue(reported);
                        return 7;
                    }
                    bufferBytes[0] = ((Memory) buf).size();
                    if (count.getValue() < arrived || bufferBytes[0] < 32L * count.getValue()) {
                        count.setValue(arrived);
                        return 7;
                    }
                    for (int i = 0; i < arrived; i++) {
                        buf.setInt(32L * i, 5000 + i);
                        buf.setLong(32L * i + 8, 1_700_000_000_000_000L + i);
                        buf.setInt(32L * i + 16, i % 101);
                        buf.setInt(32L * i + 20, 3);
                        buf.setInt(32L * i + 24, 2);
                        buf.setInt(32L * i + 28, 1);
                    }
                    count.setValue(arrived);
                    return 0;
                });
        when(lib.nvmlDeviceGetComputeRunningProcesses_v3(any(), any(IntByReference.class), any()))
                .thenAnswer(inv -> {
                    procCalls[0]++;
                    Pointer buf = inv.getArgument(2);
                    IntByReference count = inv.getArgument(1);
                    if (buf == null) {
                        count.setValue(1);
                        return 7;
                    }
                    if (count.getValue() < 3 || ((Memory) buf).size() < 24L * count.getValue()) {
                        count.setValue(3);
                        return 7;
                    }
                    for (int i = 0; i < 3; i++) {
                        buf.setInt(24L * i, 700 + i);
                    }
                    count.setValue(3);
                    return 0;
                });
        List<ProcessUtilization> u = d.processUtilization(1_700_000_000_000_000L);
        assertEquals(2, utilCalls[0]);
        assertEquals(arrived, u.size());
        assertEquals(new ProcessUtilization(5000 + arrived - 1, 1_700_000_000_000_000L + arrived - 1,
                (arrived - 1) % 101, 3, 2, 1), u.get(arrived - 1));
        assertTrue(bufferBytes[0] >= 32L * arrived);
        List<ProcessInfo> p = d.computeRunningProcesses();
        assertEquals(2, procCalls[0]);
        assertEquals(List.of(700L, 701L, 702L), p.stream().map(ProcessInfo::pid).toList());
    }

    @Test
    void whatNvmlLeavesUnwrittenReadsAsZero() throws NvmlException {
        NvmlDevice d = openDevice();
        when(lib.nvmlDeviceGetPciInfo_v3(any(), any())).thenReturn(0);
        when(lib.nvmlDeviceGetUtilizationRates(any(), any())).thenReturn(0);
        when(lib.nvmlDeviceGetMemoryInfo(any(), any())).thenReturn(0);
        when(lib.nvmlDeviceGetFieldValues(any(), anyInt(), any())).thenReturn(0);
        when(lib.nvmlDeviceGetComputeRunningProcesses_v3(any(), any(IntByReference.class), any()))
                .thenAnswer(inv -> inv.getArgument(2) == null ? sets(1, 1, 7).answer(inv) : sets(1, 1, 0).answer(inv));
        when(lib.nvmlDeviceGetProcessUtilization(any(), any(), any(IntByReference.class), anyLong()))
                .thenAnswer(inv -> inv.getArgument(1) == null ? sets(2, 1, 7).answer(inv) : sets(2, 1, 0).answer(inv));
        dirtyFreedBlocks(68);
        assertEquals("", d.pciBusId());
        dirtyFreedBlocks(8);
        assertEquals(new Utilization(0, 0), d.utilization());
        dirtyFreedBlocks(24);
        assertEquals(new MemoryInfo(0, 0, 0), d.memoryInfo());
        dirtyFreedBlocks(40);
        assertEquals(List.of(new FieldValue(Nvml.FI_POWER_AVERAGE, NvmlReturn.SUCCESS, 0, 0.0)),
                d.fieldValues(Nvml.FI_POWER_AVERAGE));
        dirtyFreedBlocks(24L * (1 * 2 + 4));
        assertEquals(List.of(new ProcessInfo(0, 0, 0, 0)), d.computeRunningProcesses());
        dirtyFreedBlocks(32L * (1 * 2 + 4));
        assertEquals(List.of(new ProcessUtilization(0, 0, 0, 0, 0, 0)), d.processUtilization(0));
    }

    private static void assumeNoDriverHere() {
        Assumptions.assumeTrue(System.getProperty("os.name", "").toLowerCase().startsWith("linux")
                && System.getProperty(JnaNvml.PATH_PROPERTY) == null
                && DriverPresence.MARKERS.stream().noneMatch(m -> new File(m).exists()), "a Linux machine without a driver");
    }

    @Test
    void loadListsEveryNameItTriedExtrasAndThePropertyFirst() {
        assumeNoDriverHere();
        System.setProperty(JnaNvml.PATH_PROPERTY, " /nonexistent/b.so ");
        String why;
        try {
            why = JnaNvml.load(" , /nonexistent/a.so ,,").unavailableReason();
        } finally {
            System.clearProperty(JnaNvml.PATH_PROPERTY);
        }
        assertTrue(why.startsWith("NVML library not found (no NVIDIA driver on this machine; tried "
                + "/nonexistent/a.so, /nonexistent/b.so, nvidia-ml, libnvidia-ml.so.1, "), why);
        assertTrue(why.endsWith("; set -D" + JnaNvml.PATH_PROPERTY + "=<path> if it is elsewhere)"), why);
        assertTrue(JnaNvml.load().unavailableReason().contains("tried nvidia-ml, libnvidia-ml.so.1, "));
    }

    @Test
    void aLibraryThatLoadsButCannotInitialiseIsTheReasonGiven() {
        assumeNoDriverHere();
        String libc = java.util.stream.Stream.of("/lib/x86_64-linux-gnu/libc.so.6", "/lib/aarch64-linux-gnu/libc.so.6",
                "/lib64/libc.so.6").filter(f -> new File(f).exists()).findFirst().orElse(null);
        Assumptions.assumeTrue(libc != null, "glibc");
        Nvml nvml = JnaNvml.load(libc); // loads, but has no nvmlInit_v2
        assertFalse(nvml.available());
        assertTrue(nvml.unavailableReason().startsWith("nvmlInit_v2 in '" + libc + "' failed: UnsatisfiedLinkError"),
                nvml.unavailableReason());
        // a library that fails to initialise does not end the search: the next one is tried, and its failure told
        String libm = new File(new File(libc).getParentFile(), "libm.so.6").getPath();
        Assumptions.assumeTrue(new File(libm).exists(), "glibc's libm");
        String why = Nvml.load(libc + "," + libm).unavailableReason(); // an explicit library skips the driver check
        assertTrue(why.startsWith("nvmlInit_v2 in '" + libm + "' failed: UnsatisfiedLinkError"), why);
    }

    @Test
    void aDeviceKnowsItsIndex() throws NvmlException {
        when(lib.nvmlInit_v2()).thenReturn(0);
        when(lib.nvmlDeviceGetHandleByIndex_v2(eq(2), any(PointerByReference.class))).thenReturn(0);
        NvmlDevice d = JnaNvml.init(lib, "mock").device(2);
        assertEquals(2, d.index());
        assertEquals("NvmlDevice[2]", d.toString());
    }

    @Test
    void anUnavailableNvmlShowsItsReason() {
        assertEquals("Nvml[unavailable: no driver]", Nvml.unavailable("no driver").toString());
        assertEquals("NVML unavailable", Nvml.unavailable(" ").unavailableReason());
    }
}
