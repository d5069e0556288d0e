package io.mlco2.nvml;

/**
 * One entry of {@code nvmlDeviceGetComputeRunningProcesses_v3}. PIDs are the host's: inside a container they
 * differ from {@code ProcessHandle.current().pid()}.
 *
 * @param usedGpuMemoryBytes {@code -1} when NVML does not know (0xFFFFFFFFFFFFFFFF)
 * @param gpuInstanceId      {@code 0xFFFFFFFF} without MIG
 */
public record ProcessInfo(long pid, long usedGpuMemoryBytes, int gpuInstanceId, int computeInstanceId) {
}
