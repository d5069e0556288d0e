package io.mlco2.nvml;

/**
 * A failed NVML call: which call, its {@link NvmlReturn} and NVML's message. Checked, so that every caller decides
 * what "not supported", "GPU is lost" and "not found" mean for it. Carries no stack trace (it is an expected
 * outcome, thrown at most once per call, and cheap to create).
 */
public final class NvmlException extends Exception {

    private static final long serialVersionUID = 1L;

    private final transient NvmlReturn code;
    private final String call;

    public NvmlException(String call, NvmlReturn code, String message) {
        super(call + ": " + code.name() + " (" + message + ")", null, false, false);
        this.call = call;
        this.code = code;
    }

    public NvmlException(String call, NvmlReturn code) {
        this(call, code, code.message());
    }

    public NvmlReturn code() {
        return code;
    }

    /** The NVML function that failed, e.g. {@code nvmlDeviceGetTotalEnergyConsumption}. */
    public String call() {
        return call;
    }
}
