package io.mlco2.tracker.gpu;

import io.mlco2.nvml.NvmlDevice;
import io.mlco2.nvml.NvmlException;
import io.mlco2.nvml.NvmlReturn;
import io.mlco2.nvml.ProcessInfo;
import io.mlco2.nvml.ProcessUtilization;
import io.mlco2.tracker.base.Log;

import java.util.List;

/**
 * This JVM's share of one GPU's energy when other processes use the device: its part of the per-process SM
 * utilisation ({@code nvmlDeviceGetProcessUtilization}) at each counter read, averaged weighted by the device's
 * energy between reads (method {@link NvmlGpuSource#SHARE_METHOD}). Part of its {@link NvmlGpuSource}: called on
 * the sampler thread; {@link #shared()} and {@link #soFar()} from any thread.
 */
final class ProcessShare {

    private static final double NANOS_PER_SECOND = 1e9;

    private final NvmlDevice device;
    private final String deviceId;
    private final String name;
    private final long pid;
    private final Log log;

    private volatile boolean shared;
    private double currentShare = 1.0;
    private long lastProcessSampleMicros;
    private boolean processQueriesOff;
    private double weightJoules;
    private double weightedShareJoules;
    private long lastReadNanos;
    private boolean anyRead;
    private volatile double shareSoFar = 1.0;
    private volatile double ownShareNow = Double.NaN;

    ProcessShare(NvmlDevice device, String deviceId, String name, long pid, Log log) {
        this.device = device;
        this.deviceId = deviceId;
        this.name = name;
        this.pid = pid;
        this.log = log;
    }

    /**
     * Reads the device's processes and, when others are there, this JVM's share of the SM utilisation since the
     * last call. Unsupported or forbidden queries turn it off (one line).
     *
     * @throws NvmlException only when the device is lost
     */
    void sample() throws NvmlException {
        if (processQueriesOff) {
            return;
        }
        try {
            List<ProcessInfo> procs = device.computeRunningProcesses();
            boolean others = false;
            boolean ours = false;
            for (ProcessInfo p : procs) {
                if (p.pid() == pid) {
                    ours = true;
                } else {
                    others = true;
                }
            }
            if (!others) {
                currentShare = 1.0;
                ownShareNow = ours ? 1.0 : 0.0;
                return;
            }
            if (!shared) {
                shared = true;
                log.once("gpu-shared-" + deviceId, Log.Level.INFO, "GPU " + deviceId + " (" + name + ") is also used by "
                        + (procs.size() - (ours ? 1 : 0)) + " other process(es): reporting whole-device energy"
                        + " and this JVM's share (" + NvmlGpuSource.SHARE_METHOD + ")");
            }
            List<ProcessUtilization> samples = device.processUtilization(lastProcessSampleMicros);
            long ourSm = 0;
            long totalSm = 0;
            for (ProcessUtilization s : samples) {
                lastProcessSampleMicros = Math.max(lastProcessSampleMicros, s.timestampMicros());
                totalSm += Math.max(0, s.smPercent());
                if (s.pid() == pid) {
                    ourSm += Math.max(0, s.smPercent());
                }
            }
            if (totalSm > 0) {
                currentShare = (double) ourSm / totalSm;
            } else if (!ours) {
                currentShare = 0.0;
            } else if (samples.isEmpty()) {
                currentShare = 1.0 / procs.size(); // nobody computed in this window: split the idle power evenly
            }
            ownShareNow = currentShare;
        } catch (NvmlException e) {
            if (e.code().isDeviceLost()) {
                throw e;
            } else if (e.code().isNotSupported() || e.code() == NvmlReturn.NO_PERMISSION) {
                processQueriesOff = true;
                ownShareNow = Double.NaN;
                log.once("gpu-procs-off-" + deviceId, Log.Level.INFO, "GPU " + deviceId
                        + ": per-process data unavailable (" + e.getMessage() + "); reporting whole-device energy only");
            }
        }
    }

    /** Weighs the current share by the energy at {@code powerWatts} since the previous read. */
    void account(long now, double powerWatts) {
        if (anyRead && !Double.isNaN(powerWatts) && now > lastReadNanos) {
            double joules = powerWatts * ((now - lastReadNanos) / NANOS_PER_SECOND);
            weightJoules += joules;
            weightedShareJoules += joules * currentShare;
        }
        anyRead = true;
        lastReadNanos = now;
        shareSoFar = weightJoules > 0 ? weightedShareJoules / weightJoules : currentShare;
    }

    /**
     * This JVM's share of the device at the last process query: 1 when it is the only process on it, 0 when it is
     * not on it, else its part of the SM utilisation; {@code NaN} before the first query or where queries are off.
     * Unlike {@link #soFar()}, a device no process uses counts 0: its idle power is the lease holder's.
     */
    double ownShareNow() {
        return ownShareNow;
    }

    /** True once a process other than this JVM was seen on the device (sticky). */
    boolean shared() {
        return shared;
    }

    /** This JVM's share of the device's energy so far, in [0, 1]; 1 while no other process used it. */
    double soFar() {
        return shareSoFar;
    }
}
