package io.mlco2.tracker.cpu;

import io.mlco2.tracker.energy.Component;
import io.mlco2.tracker.energy.EnergySource;
import io.mlco2.tracker.energy.Method;
import io.mlco2.tracker.energy.Reading;

import java.util.function.LongSupplier;

/**
 * Memory power modelled as {@value #WATTS_PER_GB} W per GB (Green Algorithms' {@code memoryPower}, Lannelongue et
 * al. 2021; CodeCarbon's 3 W per 8 GB is 0.375). In {@code machine} mode the GB are the machine's installed memory;
 * in {@code process} mode, this JVM's resident set.
 */
public final class RamModelSource implements EnergySource {

    public static final double WATTS_PER_GB = 0.3725;
    private static final double BYTES_PER_GB = 1e9;

    private final LongSupplier poweredBytes;
    private final LongSupplier usedBytes;
    private final long totalBytes;
    private final String deviceId;

    /**
     * @param poweredBytes the memory the model charges power for (installed, or this JVM's resident set)
     * @param usedBytes    the memory in use, for the utilisation column
     * @param totalBytes   the machine's installed memory
     */
    public RamModelSource(LongSupplier poweredBytes, LongSupplier usedBytes, long totalBytes, String deviceId) {
        this.poweredBytes = poweredBytes;
        this.usedBytes = usedBytes;
        this.totalBytes = totalBytes;
        this.deviceId = deviceId;
    }

    @Override
    public Component component() {
        return Component.RAM;
    }

    @Override
    public String deviceId() {
        return deviceId;
    }

    @Override
    public Method method() {
        return Method.RAM_MODEL;
    }

    @Override
    public String hardwareName() {
        return io.mlco2.tracker.format.Fmt.fixed(totalBytes / BYTES_PER_GB, 1) + " GB RAM";
    }

    @Override
    public double tdpWatts() {
        return Double.NaN;
    }

    @Override
    public String tdpSource() {
        return "";
    }

    @Override
    public Reading read(long monotonicNanos) {
        long b;
        long used;
        try {
            b = poweredBytes.getAsLong();
            used = usedBytes.getAsLong();
        } catch (RuntimeException e) {
            return Reading.FAILED;
        }
        if (b < 0) {
            return Reading.FAILED;
        }
        double utilization = totalBytes > 0 && used >= 0 ? Math.min(1.0, (double) used / totalBytes) : Double.NaN;
        return Reading.power(b / BYTES_PER_GB * WATTS_PER_GB, utilization);
    }
}
