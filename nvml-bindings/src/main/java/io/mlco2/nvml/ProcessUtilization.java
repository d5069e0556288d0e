package io.mlco2.nvml;

/** One {@code nvmlProcessUtilizationSample_t}: a process's share of the device over one NVML sample period. */
public record ProcessUtilization(long pid, long timestampMicros, int smPercent, int memoryPercent,
                                 int encoderPercent, int decoderPercent) {
}
