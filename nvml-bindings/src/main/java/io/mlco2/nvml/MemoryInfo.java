package io.mlco2.nvml;

/** {@code nvmlMemory_t}, bytes. */
public record MemoryInfo(long totalBytes, long freeBytes, long usedBytes) {
}
