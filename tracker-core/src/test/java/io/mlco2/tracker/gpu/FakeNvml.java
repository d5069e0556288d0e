package io.mlco2.tracker.gpu;

import io.mlco2.nvml.FieldValue;
import io.mlco2.nvml.GpuArchitecture;
import io.mlco2.nvml.MemoryInfo;
import io.mlco2.nvml.Nvml;
import io.mlco2.nvml.NvmlDevice;
import io.mlco2.nvml.NvmlException;
import io.mlco2.nvml.NvmlReturn;
import io.mlco2.nvml.ProcessInfo;
import io.mlco2.nvml.ProcessUtilization;
import io.mlco2.nvml.Utilization;

import java.util.ArrayList;
import java.util.List;

/** An NVML with any number of settable devices, for tests that need several GPUs, failures or other processes. */
final class FakeNvml implements Nvml {

    /** One GPU with settable readings. */
    static final class Device implements NvmlDevice {
        final int index;
        String name = "Fake GPU";
        String uuid;
        long powerMilliwatts = 100_000;
        long energyMillijoules;
        long powerLimitMilliwatts = -1;
        List<ProcessInfo> processes = List.of();
        List<ProcessUtilization> processSamples = List.of();

        Device(int index) {
            this.index = index;
            this.uuid = "GPU-0000000" + index + "-0000-0000-0000-000000000000";
        }

        @Override
        public int index() {
            return index;
        }

        @Override
        public String name() {
            return name;
        }

        boolean failingUuid;

        @Override
        public String uuid() throws NvmlException {
            if (failingUuid) {
                throw new NvmlException("nvmlDeviceGetUUID", NvmlReturn.UNKNOWN);
            }
            return uuid;
        }

        @Override
        public String pciBusId() {
            return "00000000:0" + index + ":00.0";
        }

        @Override
        public GpuArchitecture architecture() {
            return GpuArchitecture.HOPPER;
        }

        @Override
        public long powerUsageMilliwatts() {
            return powerMilliwatts;
        }

        /** False: a GPU without the total-energy counter (pre-Volta, some vGPUs), whose energy comes from power. */
        boolean counterSupported = true;

        @Override
        public long totalEnergyMillijoules() throws NvmlException {
            if (!counterSupported) {
                throw new NvmlException("nvmlDeviceGetTotalEnergyConsumption", NvmlReturn.NOT_SUPPORTED);
            }
            return energyMillijoules;
        }

        @Override
        public List<FieldValue> fieldValues(int... fieldIds) {
            List<FieldValue> out = new ArrayList<>();
            for (int id : fieldIds) {
                out.add(new FieldValue(id, NvmlReturn.SUCCESS, 0, powerMilliwatts));
            }
            return out;
        }

        private long limit(String call) throws NvmlException {
            if (powerLimitMilliwatts < 0) {
                throw new NvmlException(call, NvmlReturn.NOT_SUPPORTED);
            }
            return powerLimitMilliwatts;
        }

        @Override
        public long powerManagementLimitMilliwatts() throws NvmlException {
            return limit("nvmlDeviceGetPowerManagementLimit");
        }

        @Override
        public long enforcedPowerLimitMilliwatts() throws NvmlException {
            return limit("nvmlDeviceGetEnforcedPowerLimit");
        }

        @Override
        public long defaultPowerLimitMilliwatts() throws NvmlException {
            return limit("nvmlDeviceGetPowerManagementDefaultLimit");
        }

        @Override
        public Utilization utilization() {
            return new Utilization(50, 10);
        }

        @Override
        public MemoryInfo memoryInfo() throws NvmlException {
            throw new NvmlException("nvmlDeviceGetMemoryInfo", NvmlReturn.NOT_SUPPORTED);
        }

        @Override
        public List<ProcessInfo> computeRunningProcesses() {
            return processes;
        }

        @Override
        public List<ProcessUtilization> processUtilization(long lastSeenTimestampMicros) {
            return processSamples;
        }
    }

    final List<Device> devices = new ArrayList<>();
    String driverVersion = "550.54.15";
    NvmlReturn countFailure;
    RuntimeException countBug;
    int closes;
    /** NVML index whose handle cannot be obtained, or -1. */
    int failingHandle = -1;

    FakeNvml(int gpus) {
        for (int i = 0; i < gpus; i++) {
            devices.add(new Device(i));
        }
    }

    @Override
    public boolean available() {
        return closes == 0;
    }

    @Override
    public String unavailableReason() {
        return closes == 0 ? null : "closed";
    }

    @Override
    public String driverVersion() {
        return driverVersion;
    }

    @Override
    public String nvmlVersion() {
        return "12.550";
    }

    @Override
    public int deviceCount() throws NvmlException {
        if (countBug != null) {
            throw countBug;
        }
        if (countFailure != null) {
            throw new NvmlException("nvmlDeviceGetCount_v2", countFailure);
        }
        return devices.size();
    }

    @Override
    public NvmlDevice device(int index) throws NvmlException {
        if (index == failingHandle) {
            throw new NvmlException("nvmlDeviceGetHandleByIndex_v2", NvmlReturn.UNKNOWN);
        }
        if (index < 0 || index >= devices.size()) {
            throw new NvmlException("nvmlDeviceGetHandleByIndex_v2", NvmlReturn.INVALID_ARGUMENT);
        }
        return devices.get(index);
    }

    @Override
    public void close() {
        closes++;
    }
}
