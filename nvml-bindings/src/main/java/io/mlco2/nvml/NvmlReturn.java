package io.mlco2.nvml;

/**
 * NVML's return codes ({@code nvmlReturn_t} in nvml.h), each with NVML's own message, plus {@link #CALL_FAILED}
 * for a call that never reached NVML (missing symbol in an old driver, JNA failure).
 *
 * <p>Callers treat three of them specially: {@link #NOT_SUPPORTED} (use another method), {@link #GPU_IS_LOST}
 * (stop reading that device) and {@link #NOT_FOUND} (nothing to report, e.g. no process samples yet).
 */
public enum NvmlReturn {
    SUCCESS(0, "Success"),
    UNINITIALIZED(1, "Uninitialized"),
    INVALID_ARGUMENT(2, "Invalid Argument"),
    NOT_SUPPORTED(3, "Not Supported"),
    NO_PERMISSION(4, "Insufficient Permissions"),
    ALREADY_INITIALIZED(5, "Already Initialized"),
    NOT_FOUND(6, "Not Found"),
    INSUFFICIENT_SIZE(7, "Insufficient Size"),
    INSUFFICIENT_POWER(8, "Insufficient External Power"),
    DRIVER_NOT_LOADED(9, "Driver Not Loaded"),
    TIMEOUT(10, "Timeout"),
    IRQ_ISSUE(11, "Interrupt request issue"),
    LIBRARY_NOT_FOUND(12, "NVML Shared Library Not Found"),
    FUNCTION_NOT_FOUND(13, "Function Not Found"),
    CORRUPTED_INFOROM(14, "Corrupted infoROM"),
    GPU_IS_LOST(15, "GPU is lost"),
    RESET_REQUIRED(16, "GPU requires restart"),
    OPERATING_SYSTEM(17, "The operating system has blocked the request."),
    LIB_RM_VERSION_MISMATCH(18, "RM has detected an NVML/RM version mismatch."),
    IN_USE(19, "In use by another client"),
    MEMORY(20, "Insufficient Memory"),
    NO_DATA(21, "No data"),
    VGPU_ECC_NOT_SUPPORTED(22, "The requested vgpu operation is not available on target device, because ECC is enabled"),
    INSUFFICIENT_RESOURCES(23, "Ran out of critical resources, other than memory"),
    FREQ_NOT_SUPPORTED(24, "The requested frequency is not supported"),
    ARGUMENT_VERSION_MISMATCH(25, "The provided version is invalid/unsupported"),
    DEPRECATED(26, "The requested functionality has been deprecated"),
    NOT_READY(27, "The system is not ready for the request"),
    GPU_NOT_FOUND(28, "The GPU was not found"),
    INVALID_STATE(29, "Invalid state"),
    UNKNOWN(999, "Unknown Error"),
    /** Not an NVML code: the call could not be made (symbol missing from this driver's library, JNA error). */
    CALL_FAILED(-1, "Call failed before reaching NVML");

    private static final NvmlReturn[] BY_CODE = new NvmlReturn[30];

    static {
        for (NvmlReturn r : values()) {
            if (r.code >= 0 && r.code < BY_CODE.length) {
                BY_CODE[r.code] = r;
            }
        }
    }

    private final int code;
    private final String message;

    NvmlReturn(int code, String message) {
        this.code = code;
        this.message = message;
    }

    /** The named value for an NVML return code; {@link #UNKNOWN} for a code this binding does not know. */
    public static NvmlReturn of(int code) {
        if (code >= 0 && code < BY_CODE.length && BY_CODE[code] != null) {
            return BY_CODE[code];
        }
        return code == -1 ? CALL_FAILED : UNKNOWN;
    }

    public int code() {
        return code;
    }

    /** NVML's message for this code (as {@code nvmlErrorString} words it). */
    public String message() {
        return message;
    }

    public boolean isSuccess() {
        return this == SUCCESS;
    }

    /** The device is gone until a reset: stop reading it. */
    public boolean isDeviceLost() {
        return this == GPU_IS_LOST || this == GPU_NOT_FOUND || this == RESET_REQUIRED;
    }

    /** The device or driver cannot answer this query at all: use another method, do not retry. */
    public boolean isNotSupported() {
        return this == NOT_SUPPORTED || this == FUNCTION_NOT_FOUND || this == CALL_FAILED;
    }
}
