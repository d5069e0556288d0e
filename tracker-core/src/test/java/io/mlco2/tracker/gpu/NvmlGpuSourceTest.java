package io.mlco2.tracker.gpu;

import io.mlco2.nvml.FieldValue;
import io.mlco2.nvml.GpuArchitecture;
import io.mlco2.nvml.Nvml;
import io.mlco2.nvml.NvmlDevice;
import io.mlco2.nvml.NvmlException;
import io.mlco2.nvml.NvmlReturn;
import io.mlco2.nvml.ProcessInfo;
import io.mlco2.nvml.ProcessUtilization;
import io.mlco2.nvml.Utilization;
import io.mlco2.tracker.config.Config;
import io.mlco2.tracker.energy.EnergyAccumulator;
import io.mlco2.tracker.energy.Method;
import io.mlco2.tracker.energy.Reading;
import io.mlco2.tracker.base.Log;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.Mockito.atMost;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

class NvmlGpuSourceTest {

    private static final long MS = 1_000_000L;
    private final ByteArrayOutputStream logged = new ByteArrayOutputStream();
    private final Log log = new Log(new PrintStream(logged, true, StandardCharsets.UTF_8), Log.Level.DEBUG);
    private final NvmlDevice device = mock(NvmlDevice.class);
    private long energyMj = 1_000_000;

    @BeforeEach
    void healthyH200() throws NvmlException {
        when(device.index()).thenReturn(0);
        when(device.name()).thenReturn("NVIDIA H200");
        when(device.uuid()).thenReturn("GPU-4e1393c6");
        when(device.architecture()).thenReturn(GpuArchitecture.HOPPER);
        when(device.powerManagementLimitMilliwatts()).thenReturn(700_000L);
        when(device.totalEnergyMillijoules()).thenAnswer(inv -> energyMj);
        when(device.fieldValues(anyInt())).thenReturn(List.of(new FieldValue(186, NvmlReturn.SUCCESS, 0, 500_000)));
        when(device.powerUsageMilliwatts()).thenReturn(480_000L);
        when(device.utilization()).thenReturn(new Utilization(90, 30));
        when(device.computeRunningProcesses()).thenReturn(List.of());
    }

    private NvmlGpuSource open(Duration counterInterval) {
        return NvmlGpuSource.open(device, counterInterval, 4242, log);
    }

    private String log() {
        return logged.toString(StandardCharsets.UTF_8);
    }

    @Test
    void tdpComesFromTheBundledTableWhenTheNameMatches() {
        NvmlGpuSource s = open(Duration.ofSeconds(1));
        assertEquals(700.0, s.tdpWatts());
        assertTrue(s.tdpSource().contains("gpu table"), s.tdpSource());
        assertEquals("NVIDIA H200", s.hardwareName());
        assertEquals("0", s.deviceId());
    }

    @Test
    void tdpFallsBackToThePowerLimitAndSaysSo() throws NvmlException {
        when(device.name()).thenReturn("NVIDIA Imaginary X9");
        when(device.powerManagementLimitMilliwatts()).thenReturn(450_000L);
        NvmlGpuSource s = open(Duration.ofSeconds(1));
        assertEquals(450.0, s.tdpWatts());
        assertEquals("power limit", s.tdpSource());
    }

    @Test
    void countsCounterDeltasAndReadsTheCounterOnlyAtItsCadence() throws NvmlException {
        NvmlGpuSource s = open(Duration.ofSeconds(1));
        assertSame(Method.NVML_ENERGY_COUNTER, s.method());
        EnergyAccumulator acc = new EnergyAccumulator(s);
        for (int i = 0; i <= 30; i++) { // 3 s at 100 ms
            energyMj += 50_000; // 500 W for 100 ms
            acc.sample(i * 100 * MS);
        }
        // probe + reads at 0, 1, 2, 3 s: the counter is not read at the 100 ms gauge cadence
        verify(device, times(5)).totalEnergyMillijoules();
        verify(device, times(32)).fieldValues(anyInt()); // probe + every sample
        assertEquals(1500.0, acc.energyJoules(), 1e-9); // counter delta between 0 s and 3 s
        assertEquals(500.0, acc.powerWatts());
        assertEquals(0.9, acc.utilization(), 1e-12);
    }

    @Test
    void aRequestedCounterReadHappensOnTheNextSample() throws NvmlException {
        NvmlGpuSource s = open(Duration.ofSeconds(10));
        EnergyAccumulator acc = new EnergyAccumulator(s);
        acc.sample(0);
        energyMj += 1234;
        acc.sample(100 * MS);
        assertEquals(0.0, acc.energyJoules());
        s.requestCounterRead();
        acc.sample(200 * MS);
        assertEquals(1.234, acc.energyJoules(), 1e-12);
    }

    @Test
    void withoutACounterItCountsEachAverageReadingOverTheSecondBeforeIt() throws NvmlException {
        when(device.totalEnergyMillijoules()).thenThrow(nvml(NvmlReturn.NOT_SUPPORTED));
        long[] averageW = {100, 300, 500, 200, 200};
        when(device.fieldValues(Nvml.FI_POWER_AVERAGE)).thenReturn(
                List.of(new FieldValue(185, NvmlReturn.SUCCESS, 0, 1000 * averageW[0])), // the probe
                List.of(new FieldValue(185, NvmlReturn.SUCCESS, 0, 1000 * averageW[0])),
                List.of(new FieldValue(185, NvmlReturn.SUCCESS, 0, 1000 * averageW[1])),
                List.of(new FieldValue(185, NvmlReturn.SUCCESS, 0, 1000 * averageW[2])),
                List.of(new FieldValue(185, NvmlReturn.SUCCESS, 0, 1000 * averageW[3])),
                List.of(new FieldValue(185, NvmlReturn.SUCCESS, 0, 1000 * averageW[4])));
        NvmlGpuSource s = open(Duration.ofSeconds(1));
        assertSame(Method.NVML_POWER_AVERAGE, s.method());
        assertEquals("nvml-power-average", s.method().key());
        assertSame(NvmlGpuSource.PowerSignal.AVERAGE_FIELD, s.powerSignal());
        EnergyAccumulator acc = new EnergyAccumulator(s);
        double expected = 0;
        for (int i = 0; i < averageW.length; i++) {
            acc.sample(i * 1000 * MS);
            expected += i == 0 ? 0 : averageW[i]; // a reading is the mean of the second before it: its watts x 1 s
            assertEquals(expected, acc.energyJoules(), 1e-9, "after " + i + " s");
            assertEquals(averageW[i], acc.powerWatts(), 1e-9);
        }
        verify(device, times(1)).fieldValues(Nvml.FI_POWER_INSTANT); // the probe only
        assertEquals(0.25 + 0.1, s.boundaryUncertaintySeconds(), 1e-9, "a quarter of 1 s plus NVML's 0.1 s refresh");
    }

    @Test
    void withoutACounterOrTheAverageFieldItIntegratesTheInstantField() throws NvmlException {
        when(device.totalEnergyMillijoules()).thenThrow(new NvmlException("nvmlDeviceGetTotalEnergyConsumption",
                NvmlReturn.NOT_SUPPORTED));
        when(device.fieldValues(Nvml.FI_POWER_AVERAGE)).thenReturn(
                List.of(new FieldValue(185, NvmlReturn.NOT_SUPPORTED, 0, 0)));
        NvmlGpuSource s = open(Duration.ofSeconds(1));
        assertSame(Method.NVML_POWER, s.method());
        assertSame(NvmlGpuSource.PowerSignal.INSTANT_FIELD, s.powerSignal());
        EnergyAccumulator acc = new EnergyAccumulator(s);
        acc.sample(0);
        acc.sample(2000 * MS);
        assertEquals(1000.0, acc.energyJoules(), 1e-9);
        assertEquals(2.0 / 2 + 0.1, s.boundaryUncertaintySeconds(), 1e-9, "half a 2 s interval plus the refresh");
    }

    @Test
    void withoutFieldsItIntegratesPowerUsage() throws NvmlException {
        when(device.totalEnergyMillijoules()).thenThrow(new NvmlException("x", NvmlReturn.NOT_SUPPORTED));
        when(device.fieldValues(anyInt())).thenThrow(new NvmlException("nvmlDeviceGetFieldValues",
                NvmlReturn.NOT_SUPPORTED));
        NvmlGpuSource s = open(Duration.ofSeconds(1));
        assertSame(NvmlGpuSource.PowerSignal.POWER_USAGE, s.powerSignal());
        EnergyAccumulator acc = new EnergyAccumulator(s);
        acc.sample(0);
        acc.sample(1000 * MS);
        assertEquals(480.0, acc.energyJoules(), 1e-9);
        verify(device, atMost(1)).fieldValues(anyInt()); // not retried after "not supported"
    }

    @Test
    void aCounterThatStopsBeingSupportedSwitchesToPowerOnceWithOneLine() throws NvmlException {
        NvmlGpuSource s = open(Duration.ZERO);
        EnergyAccumulator acc = new EnergyAccumulator(s);
        acc.sample(0);
        when(device.totalEnergyMillijoules()).thenThrow(new NvmlException("nvmlDeviceGetTotalEnergyConsumption",
                NvmlReturn.NOT_SUPPORTED));
        acc.sample(100 * MS);
        acc.sample(200 * MS);
        acc.sample(300 * MS);
        assertSame(Method.NVML_POWER_AVERAGE, s.method());
        assertEquals(1, log().lines().filter(l -> l.contains("energy counter not supported")
                && l.contains("nvml-field-185-power-average")).count(), log());
        assertTrue(acc.energyJoules() > 0);
    }

    @Test
    void aLostGpuIsReportedOnceAndNeverReadAgain() throws NvmlException {
        NvmlGpuSource s = open(Duration.ofSeconds(1));
        EnergyAccumulator acc = new EnergyAccumulator(s);
        acc.sample(0);
        energyMj += 10_000;
        acc.sample(1000 * MS);
        when(device.fieldValues(anyInt())).thenThrow(new NvmlException("nvmlDeviceGetFieldValues",
                NvmlReturn.GPU_IS_LOST));
        for (int i = 2; i < 10; i++) {
            acc.sample(i * 1000 * MS);
        }
        assertTrue(s.lost());
        assertSame(Method.NVML_ENERGY_COUNTER, s.method(), "the energy so far was measured with the counter");
        assertEquals(10.0, acc.energyJoules(), 1e-9); // the energy measured before is kept
        assertEquals(1, log().lines().filter(l -> l.contains("is lost")).count(), log());
        verify(device, times(4)).fieldValues(anyInt()); // probe, two reads, the losing read; then nothing
        assertSame(Reading.FAILED, s.read(20_000 * MS));
    }

    @Test
    void transientErrorsFailOneReadOnly() throws NvmlException {
        NvmlGpuSource s = open(Duration.ZERO);
        when(device.totalEnergyMillijoules()).thenThrow(new NvmlException("x", NvmlReturn.TIMEOUT))
                .thenAnswer(inv -> energyMj);
        Reading r = s.read(0);
        assertFalse(r.hasCounter());
        assertTrue(s.read(1).hasCounter());
        assertSame(Method.NVML_ENERGY_COUNTER, s.method());
    }

    @Test
    void readNeverThrowsEvenWhenTheBindingDoes() throws NvmlException {
        NvmlGpuSource s = open(Duration.ofSeconds(1));
        when(device.fieldValues(anyInt())).thenThrow(new IllegalStateException("boom"));
        assertSame(Reading.FAILED, s.read(0));
    }

    @Test
    void aGpuSharedWithAnotherProcessIsFlaggedAndThisJvmsShareComesFromProcessUtilization() throws NvmlException {
        when(device.computeRunningProcesses()).thenReturn(List.of(new ProcessInfo(4242, 1, -1, -1),
                new ProcessInfo(77, 1, -1, -1)));
        when(device.processUtilization(anyLong())).thenReturn(List.of(
                new ProcessUtilization(4242, 10, 60, 0, 0, 0), new ProcessUtilization(77, 11, 20, 0, 0, 0)));
        NvmlGpuSource s = open(Duration.ofSeconds(1));
        EnergyAccumulator acc = new EnergyAccumulator(s);
        for (int i = 0; i <= 20; i++) {
            acc.sample(i * 100 * MS);
        }
        assertTrue(s.sharedWithOtherProcesses());
        assertEquals(0.75, s.thisProcessShare(), 1e-9);
        assertTrue(log().contains("also used by 1 other process"), log());
    }

    @Test
    void withoutTheHostLeaseThisJvmCountsItsUtilizationShareOfTheGpusEnergyOrNothingWhenItIsNotOnTheGpu()
            throws NvmlException {
        // Another JVM of the run holds the lease. This JVM has 60 of the 80 SM-% (0.75) while 4 J per 100 ms flow.
        when(device.computeRunningProcesses()).thenReturn(List.of(new ProcessInfo(4242, 1, -1, -1),
                new ProcessInfo(77, 1, -1, -1)));
        when(device.processUtilization(anyLong())).thenReturn(List.of(
                new ProcessUtilization(4242, 10, 60, 0, 0, 0), new ProcessUtilization(77, 11, 20, 0, 0, 0)));
        NvmlGpuSource s = open(Duration.ZERO);
        GpuSupport group = GpuSupport.open(Config.load("", java.util.Map.of(), java.util.Map.of(), log), log,
                new FakeNvml(0), java.util.Map.of(), 4242);
        EnergyAccumulator acc = new EnergyAccumulator(s, group.processFraction(s), from -> false);
        acc.prime(0);
        for (int i = 0; i <= 10; i++) {
            acc.sample(i * 100 * MS);
            energyMj += 4_000;
        }
        assertEquals(0.75 * 10 * 4, acc.energyJoules(), 1e-9);
        assertEquals(acc.energyJoules(), acc.shareEnergyJoules());

        // Only the other process is on the GPU now: its idle or busy power is the holder's, this JVM counts 0.
        when(device.computeRunningProcesses()).thenReturn(List.of(new ProcessInfo(77, 1, -1, -1)));
        when(device.processUtilization(anyLong())).thenReturn(List.of(new ProcessUtilization(77, 12, 20, 0, 0, 0)));
        for (int i = 11; i <= 15; i++) {
            acc.sample(i * 100 * MS);
            energyMj += 4_000;
        }
        assertEquals(0.75 * 10 * 4, acc.energyJoules(), 1e-9);
        assertNull(group.processFraction(mock(io.mlco2.tracker.energy.EnergySource.class)));
    }

    @Test
    void aGpuUsedOnlyByThisJvmIsNotShared() {
        NvmlGpuSource s = open(Duration.ofSeconds(1));
        s.read(0);
        s.read(1000 * MS);
        assertFalse(s.sharedWithOtherProcesses());
        assertEquals(1.0, s.thisProcessShare());
    }

    @Test
    void thisJvmsShareIsWeightedByTheEnergyOfEachInterval() throws NvmlException {
        when(device.computeRunningProcesses()).thenReturn(List.of(new ProcessInfo(4242, 1, -1, -1),
                new ProcessInfo(77, 1, -1, -1)));
        // SM utilisation of this JVM (4242) and the other process at each counter read (every sample here)
        int[][] sm = {{60, 20}, {60, 20}, {10, 30}};
        // instant power (W) at each sample; the probe reads the field once before
        long[] watts = {500, 500, 100};
        long[] at = {0, 1000 * MS, 4000 * MS};
        when(device.processUtilization(anyLong())).thenReturn(
                List.of(new ProcessUtilization(4242, 1, sm[0][0], 0, 0, 0), new ProcessUtilization(77, 1, sm[0][1], 0, 0, 0)),
                List.of(new ProcessUtilization(4242, 2, sm[1][0], 0, 0, 0), new ProcessUtilization(77, 2, sm[1][1], 0, 0, 0)),
                List.of(new ProcessUtilization(4242, 3, sm[2][0], 0, 0, 0), new ProcessUtilization(77, 3, sm[2][1], 0, 0, 0)));
        when(device.fieldValues(anyInt())).thenReturn(
                List.of(new FieldValue(186, NvmlReturn.SUCCESS, 0, 1000 * watts[0])),
                List.of(new FieldValue(186, NvmlReturn.SUCCESS, 0, 1000 * watts[0])),
                List.of(new FieldValue(186, NvmlReturn.SUCCESS, 0, 1000 * watts[1])),
                List.of(new FieldValue(186, NvmlReturn.SUCCESS, 0, 1000 * watts[2])));
        NvmlGpuSource s = open(Duration.ZERO);
        double weight = 0;
        double weighted = 0;
        for (int i = 0; i < at.length; i++) {
            s.read(at[i]);
            double share = (double) sm[i][0] / (sm[i][0] + sm[i][1]);
            if (i > 0) { // the interval ending at this read is weighted by its energy, at the share seen at its end
                double joules = watts[i] * ((at[i] - at[i - 1]) / 1e9);
                weight += joules;
                weighted += joules * share;
            }
            assertEquals(weight > 0 ? weighted / weight : share, s.thisProcessShare(), 1e-12, "after read " + i);
        }
        // 500 J at 0.75, then 300 J at 0.25
        assertEquals((500 * 0.75 + 300 * 0.25) / 800, s.thisProcessShare(), 1e-12);
    }

    @Test
    void aSharedGpuWhereThisJvmRunsNothingGivesItNoShare() throws NvmlException {
        when(device.computeRunningProcesses()).thenReturn(List.of(new ProcessInfo(77, 1, -1, -1)));
        when(device.processUtilization(anyLong())).thenReturn(List.of());
        NvmlGpuSource s = open(Duration.ZERO);
        s.read(0);
        s.read(1000 * MS);
        assertTrue(s.sharedWithOtherProcesses());
        assertEquals(0.0, s.thisProcessShare(), 0.0);
    }

    @Test
    void anIdleSharedGpuIsSplitEvenlyBetweenItsProcesses() throws NvmlException {
        when(device.computeRunningProcesses()).thenReturn(List.of(new ProcessInfo(4242, 1, -1, -1),
                new ProcessInfo(77, 1, -1, -1), new ProcessInfo(78, 1, -1, -1), new ProcessInfo(79, 1, -1, -1)));
        when(device.processUtilization(anyLong())).thenReturn(List.of());
        NvmlGpuSource s = open(Duration.ZERO);
        s.read(0);
        s.read(1000 * MS);
        assertEquals(1.0 / 4, s.thisProcessShare(), 1e-12);
        assertTrue(log().contains("also used by 3 other process"), log());
    }

    private static NvmlException nvml(NvmlReturn code) {
        return new NvmlException("nvmlCall", code);
    }

    @Test
    void describesTheDevice() {
        NvmlGpuSource s = open(Duration.ofMillis(1500));
        assertEquals("GPU-4e1393c6", s.uuid());
        assertSame(GpuArchitecture.HOPPER, s.architecture());
        assertEquals(1_500_000_000L, s.counterIntervalNanos());
        assertFalse(s.lost());
        assertEquals("nvml-field-186-power-instant", s.powerSignal().key());
        assertEquals("GPU 0 NVIDIA H200 [nvml-energy-counter, power nvml-field-186-power-instant, tdp 700.0 W from "
                + s.tdpSource() + "]", s.toString());
    }

    @Test
    void aGpuLostAtTheProbeIsNeverRead() throws NvmlException {
        when(device.totalEnergyMillijoules()).thenThrow(nvml(NvmlReturn.GPU_IS_LOST));
        NvmlGpuSource s = open(Duration.ofSeconds(1));
        assertTrue(s.lost());
        assertSame(Reading.FAILED, s.read(0));
        assertEquals(1, log().lines().filter(l -> l.contains("is lost")).count(), log());
    }

    @Test
    void aGpuLostWhileReadingItsCounterKeepsItsEnergy() throws NvmlException {
        NvmlGpuSource s = open(Duration.ZERO);
        EnergyAccumulator acc = new EnergyAccumulator(s);
        acc.sample(0);
        energyMj += 5_000;
        acc.sample(1000 * MS);
        when(device.totalEnergyMillijoules()).thenThrow(nvml(NvmlReturn.GPU_IS_LOST));
        acc.sample(2000 * MS);
        assertTrue(s.lost());
        assertEquals(5.0, acc.energyJoules(), 1e-9);
        assertEquals(1, acc.failedReads());
    }

    @Test
    void aLostFieldResultLosesTheGpu() throws NvmlException {
        NvmlGpuSource s = open(Duration.ofSeconds(1));
        when(device.fieldValues(anyInt())).thenReturn(List.of(new FieldValue(186, NvmlReturn.GPU_IS_LOST, 0, 0)));
        assertSame(Reading.FAILED, s.read(0));
        assertTrue(s.lost());
    }

    @Test
    void anUnsupportedFieldResultSwitchesToPowerUsage() throws NvmlException {
        NvmlGpuSource s = open(Duration.ofSeconds(1));
        when(device.fieldValues(anyInt())).thenReturn(List.of(new FieldValue(186, NvmlReturn.NOT_SUPPORTED, 0, 0)));
        Reading r = s.read(0);
        assertEquals(480.0, r.powerWatts(), 1e-9, "this read already falls back to nvmlDeviceGetPowerUsage");
        assertSame(NvmlGpuSource.PowerSignal.POWER_USAGE, s.powerSignal());
        assertEquals("nvml-power-usage", s.powerSignal().key());
    }

    @Test
    void aFailedFieldReadFallsBackToPowerUsageForThatReadOnly() throws NvmlException {
        NvmlGpuSource s = open(Duration.ofSeconds(1));
        when(device.fieldValues(anyInt())).thenThrow(nvml(NvmlReturn.TIMEOUT))
                .thenReturn(List.of(new FieldValue(186, NvmlReturn.SUCCESS, 0, 350_000)));
        assertEquals(480.0, s.read(0).powerWatts(), 1e-9);
        assertSame(NvmlGpuSource.PowerSignal.INSTANT_FIELD, s.powerSignal());
        assertEquals(350.0, s.read(1000 * MS).powerWatts(), 1e-9);
    }

    @Test
    void aFieldReadThatLosesTheGpuStopsIt() throws NvmlException {
        NvmlGpuSource s = open(Duration.ofSeconds(1));
        when(device.fieldValues(anyInt())).thenThrow(nvml(NvmlReturn.GPU_IS_LOST));
        assertSame(Reading.FAILED, s.read(0));
        assertTrue(s.lost());
    }

    /** No counter and no field: energy from nvmlDeviceGetPowerUsage. */
    private NvmlGpuSource powerUsageOnly() throws NvmlException {
        when(device.totalEnergyMillijoules()).thenThrow(nvml(NvmlReturn.NOT_SUPPORTED));
        when(device.fieldValues(anyInt())).thenThrow(nvml(NvmlReturn.NOT_SUPPORTED));
        return open(Duration.ofSeconds(1));
    }

    @Test
    void powerUsageThatIsNotSupportedLeavesNoMethod() throws NvmlException {
        NvmlGpuSource s = powerUsageOnly();
        when(device.powerUsageMilliwatts()).thenThrow(nvml(NvmlReturn.NOT_SUPPORTED));
        Reading r = s.read(0);
        assertTrue(Double.isNaN(r.powerWatts()));
        assertSame(NvmlGpuSource.PowerSignal.NONE, s.powerSignal());
        assertSame(Method.NONE, s.method());
        assertTrue(Double.isNaN(s.read(1000 * MS).powerWatts()));
        verify(device, times(1)).powerUsageMilliwatts();
        assertEquals(1, log().lines().filter(l -> l.contains("power readings not supported")).count(), log());
    }

    @Test
    void aFailedPowerUsageReadIsAGapAndALostOneStopsTheGpu() throws NvmlException {
        NvmlGpuSource s = powerUsageOnly();
        when(device.powerUsageMilliwatts()).thenThrow(nvml(NvmlReturn.TIMEOUT)).thenReturn(300_000L)
                .thenThrow(nvml(NvmlReturn.GPU_IS_LOST));
        assertTrue(Double.isNaN(s.read(0).powerWatts()));
        assertFalse(s.lost());
        assertEquals(300.0, s.read(1000 * MS).powerWatts(), 1e-9);
        assertSame(Reading.FAILED, s.read(2000 * MS));
        assertTrue(s.lost());
        assertSame(Method.NVML_POWER, s.method());
    }

    @Test
    void utilisationIsAProportionAndUnknownWhenUnsupported() throws NvmlException {
        NvmlGpuSource s = open(Duration.ofSeconds(1));
        when(device.utilization()).thenReturn(new Utilization(37, 0))
                .thenThrow(nvml(NvmlReturn.TIMEOUT)).thenReturn(new Utilization(80, 0))
                .thenThrow(nvml(NvmlReturn.NOT_SUPPORTED));
        assertEquals(0.37, s.read(0).utilization(), 1e-12);
        assertTrue(Double.isNaN(s.read(100 * MS).utilization()), "a failed read");
        assertEquals(0.8, s.read(200 * MS).utilization(), 1e-12);
        assertTrue(Double.isNaN(s.read(300 * MS).utilization()));
        assertTrue(Double.isNaN(s.read(400 * MS).utilization()), "not asked again");
        verify(device, times(4)).utilization();
    }

    @Test
    void aUtilisationReadThatLosesTheGpuStopsIt() throws NvmlException {
        NvmlGpuSource s = open(Duration.ofSeconds(1));
        when(device.utilization()).thenThrow(nvml(NvmlReturn.GPU_IS_LOST));
        assertSame(Reading.FAILED, s.read(0));
        assertTrue(s.lost());
    }

    @Test
    void processQueriesWithoutPermissionAreTurnedOffOnce() throws NvmlException {
        when(device.computeRunningProcesses()).thenThrow(nvml(NvmlReturn.NO_PERMISSION));
        NvmlGpuSource s = open(Duration.ZERO);
        s.read(0);
        s.read(1000 * MS);
        verify(device, times(1)).computeRunningProcesses();
        assertEquals(1.0, s.thisProcessShare(), 0.0);
        assertEquals(1, log().lines().filter(l -> l.contains("per-process data unavailable")).count(), log());
    }

    @Test
    void aProcessQueryThatLosesTheGpuStopsIt() throws NvmlException {
        when(device.computeRunningProcesses()).thenThrow(nvml(NvmlReturn.GPU_IS_LOST));
        NvmlGpuSource s = open(Duration.ZERO);
        assertSame(Reading.FAILED, s.read(0));
        assertTrue(s.lost());
    }

    @Test
    void aZeroPowerLimitIsNoTdp() throws NvmlException {
        when(device.name()).thenReturn("NVIDIA Imaginary X9");
        when(device.powerManagementLimitMilliwatts()).thenReturn(0L);
        when(device.defaultPowerLimitMilliwatts()).thenReturn(0L);
        NvmlGpuSource s = open(Duration.ofSeconds(1));
        assertTrue(Double.isNaN(s.tdpWatts()));
        assertEquals("unknown", s.tdpSource());
    }

    @Test
    void processQueriesThatAreNotSupportedAreTurnedOff() throws NvmlException {
        when(device.computeRunningProcesses()).thenThrow(nvml(NvmlReturn.NOT_SUPPORTED));
        NvmlGpuSource s = open(Duration.ZERO);
        s.read(0);
        s.read(1000 * MS);
        verify(device, times(1)).computeRunningProcesses();
    }

    @Test
    void anUnexpectedExceptionFailsTheReadWithOneWarning() throws NvmlException {
        when(device.utilization()).thenThrow(new IllegalStateException("driver bug"));
        NvmlGpuSource s = open(Duration.ofSeconds(1));
        assertSame(Reading.FAILED, s.read(0));
        assertSame(Reading.FAILED, s.read(10 * MS));
        String warning = "WARN: GPU 0 read failed: ";
        assertTrue(log().contains(warning), log());
        assertEquals(log().indexOf(warning), log().lastIndexOf(warning), "said once: " + log());
    }

    @Test
    void aTransientCounterFailureIsWarnedAndTheDeviceKeptOn() throws NvmlException {
        when(device.totalEnergyMillijoules())
                .thenThrow(new NvmlException("nvmlDeviceGetTotalEnergyConsumption", NvmlReturn.UNKNOWN));
        NvmlGpuSource s = open(Duration.ofSeconds(1));
        s.read(0);
        assertTrue(log().contains("WARN: GPU 0: energy counter read failed (nvmlDeviceGetTotalEnergyConsumption"), log());
        assertFalse(s.lost());
    }

    @Test
    void aFailedPowerReadIsLoggedAtDebugAndGivesNoPower() throws NvmlException {
        when(device.totalEnergyMillijoules())
                .thenThrow(new NvmlException("nvmlDeviceGetTotalEnergyConsumption", NvmlReturn.NOT_SUPPORTED));
        when(device.fieldValues(anyInt())).thenReturn(List.of(new FieldValue(186, NvmlReturn.UNKNOWN, 0, Double.NaN)));
        when(device.powerUsageMilliwatts()).thenThrow(new NvmlException("nvmlDeviceGetPowerUsage", NvmlReturn.UNKNOWN));
        NvmlGpuSource s = open(Duration.ofSeconds(1));
        assertTrue(Double.isNaN(s.read(0).powerWatts()));
        assertTrue(log().contains("DEBUG: GPU 0: power read failed (nvmlDeviceGetPowerUsage"), log());
    }

    @Test
    void theBoundaryUncertaintyIsNoneWithTheCounterAndBeforeTwoReads() throws NvmlException {
        NvmlGpuSource counter = open(Duration.ZERO);
        counter.read(0);
        counter.read(1000 * MS);
        assertSame(Method.NVML_ENERGY_COUNTER, counter.method());
        assertTrue(Double.isNaN(counter.boundaryUncertaintySeconds()), "the counter places every boundary exactly");

        NvmlGpuSource power = powerUsageOnly();
        assertTrue(Double.isNaN(power.boundaryUncertaintySeconds()), "no read yet");
        power.read(0);
        assertTrue(Double.isNaN(power.boundaryUncertaintySeconds()), "one read: no interval yet");
        power.read(1000 * MS);
        assertEquals(1.0 / 2 + 0.1, power.boundaryUncertaintySeconds(), 1e-9);
    }

    @Test
    void anAverageReadingIntervalLongerThanTheWindowAddsThePartOfItTheWindowDoesNotSee() throws NvmlException {
        when(device.totalEnergyMillijoules()).thenThrow(nvml(NvmlReturn.NOT_SUPPORTED));
        when(device.fieldValues(Nvml.FI_POWER_AVERAGE)).thenReturn(
                List.of(new FieldValue(185, NvmlReturn.SUCCESS, 0, 300_000)));
        NvmlGpuSource s = open(Duration.ofSeconds(1));
        assertSame(Method.NVML_POWER_AVERAGE, s.method());
        double windowS = 1.0; // field 185 averages the last second
        double refreshS = 0.1; // NVML refreshes its readings every ~100 ms
        long[] at = {0, 3000 * MS, 6000 * MS};
        for (long t : at) {
            s.read(t);
        }
        double intervalS = (at[2] - at[0]) / 1e9 / (at.length - 1);
        // a quarter of the window the reading sees, plus the 2 s of each interval before that window, plus the refresh
        assertEquals(windowS / 4 + (intervalS - windowS) + refreshS, s.boundaryUncertaintySeconds(), 1e-9);
    }

    @Test
    void aGpuLostWhenItsAverageFieldIsProbedIsNeverRead() throws NvmlException {
        when(device.totalEnergyMillijoules()).thenThrow(nvml(NvmlReturn.NOT_SUPPORTED));
        when(device.fieldValues(Nvml.FI_POWER_AVERAGE)).thenReturn(
                List.of(new FieldValue(185, NvmlReturn.GPU_IS_LOST, 0, 0)));
        NvmlGpuSource s = open(Duration.ofSeconds(1));
        assertTrue(s.lost());
        assertSame(Reading.FAILED, s.read(0));
        assertEquals(1, log().lines().filter(l -> l.contains("is lost")).count(), log());
    }

    @Test
    void anAverageFieldProbeThatThrowsLostLosesTheGpuAndOtherErrorsKeepTheInstantReading() throws NvmlException {
        when(device.totalEnergyMillijoules()).thenThrow(nvml(NvmlReturn.NOT_SUPPORTED));
        when(device.fieldValues(Nvml.FI_POWER_AVERAGE)).thenThrow(nvml(NvmlReturn.GPU_IS_LOST));
        NvmlGpuSource lost = open(Duration.ofSeconds(1));
        assertTrue(lost.lost());
        assertSame(Reading.FAILED, lost.read(0));

        doThrow(nvml(NvmlReturn.TIMEOUT)).when(device).fieldValues(Nvml.FI_POWER_AVERAGE);
        NvmlGpuSource kept = open(Duration.ofSeconds(1));
        assertFalse(kept.lost());
        assertSame(Method.NVML_POWER, kept.method());
        assertSame(NvmlGpuSource.PowerSignal.INSTANT_FIELD, kept.powerSignal());
        assertEquals(500.0, kept.read(0).powerWatts(), 1e-9);
    }

    @Test
    void aloneOnItsGpuThisJvmOwnsAllOfItAndNoneOfAGpuNoProcessUses() throws NvmlException {
        NvmlGpuSource s = open(Duration.ZERO);
        assertTrue(Double.isNaN(s.ownShareNow()), "before the first process query");
        when(device.computeRunningProcesses()).thenReturn(List.of(new ProcessInfo(4242, 1, -1, -1)));
        s.read(0);
        assertEquals(1.0, s.ownShareNow(), 0.0);
        when(device.computeRunningProcesses()).thenReturn(List.of());
        s.read(1000 * MS);
        assertEquals(0.0, s.ownShareNow(), 0.0, "an unused GPU's idle power is the lease holder's");
        assertFalse(s.sharedWithOtherProcesses());
        assertEquals(1.0, s.thisProcessShare(), 0.0);
    }
}
