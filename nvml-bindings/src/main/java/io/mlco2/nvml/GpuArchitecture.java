package io.mlco2.nvml;

/** {@code nvmlDeviceArchitecture_t}. Volta and newer have the total-energy counter. */
public enum GpuArchitecture {
    KEPLER(2), MAXWELL(3), PASCAL(4), VOLTA(5), TURING(6), AMPERE(7), ADA(8), HOPPER(9), BLACKWELL(10), UNKNOWN(-1);

    private final int code;

    GpuArchitecture(int code) {
        this.code = code;
    }

    public static GpuArchitecture of(int code) {
        for (GpuArchitecture a : values()) {
            if (a.code == code) {
                return a;
            }
        }
        return UNKNOWN;
    }

    public int code() {
        return code;
    }
}
