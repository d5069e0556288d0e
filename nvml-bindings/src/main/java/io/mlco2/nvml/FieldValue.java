package io.mlco2.nvml;

/**
 * One entry of {@code nvmlDeviceGetFieldValues}.
 *
 * @param fieldId         e.g. {@link NvmlDevice#FI_POWER_INSTANT}
 * @param result          this field's own return code (the call may succeed while a field fails)
 * @param timestampMicros when NVML sampled the value, microseconds since 1970
 * @param value           the value in the field's unit (milliwatts for the power fields); {@code NaN} on failure
 */
public record FieldValue(int fieldId, NvmlReturn result, long timestampMicros, double value) {
}
