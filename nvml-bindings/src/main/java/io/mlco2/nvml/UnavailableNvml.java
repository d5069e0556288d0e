package io.mlco2.nvml;

final class UnavailableNvml implements Nvml {

    private final String reason;

    UnavailableNvml(String reason) {
        this.reason = reason == null || reason.isBlank() ? "NVML unavailable" : reason;
    }

    @Override
    public boolean available() {
        return false;
    }

    @Override
    public String unavailableReason() {
        return reason;
    }

    private NvmlException fail(String call) {
        return new NvmlException(call, NvmlReturn.UNINITIALIZED, reason);
    }

    @Override
    public String driverVersion() throws NvmlException {
        throw fail("nvmlSystemGetDriverVersion");
    }

    @Override
    public String nvmlVersion() throws NvmlException {
        throw fail("nvmlSystemGetNVMLVersion");
    }

    @Override
    public int deviceCount() throws NvmlException {
        throw fail("nvmlDeviceGetCount_v2");
    }

    @Override
    public NvmlDevice device(int index) throws NvmlException {
        throw fail("nvmlDeviceGetHandleByIndex_v2");
    }

    @Override
    public void close() {
    }

    @Override
    public String toString() {
        return "Nvml[unavailable: " + reason + "]";
    }
}
