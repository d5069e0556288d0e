package io.mlco2.tracker.gpu;

import io.mlco2.nvml.FieldValue;
import io.mlco2.nvml.GpuArchitecture;
import io.mlco2.nvml.Nvml;
import io.mlco2.nvml.NvmlDevice;
import io.mlco2.nvml.NvmlException;
import io.mlco2.tracker.energy.Component;
import io.mlco2.tracker.energy.EnergySource;
import io.mlco2.tracker.energy.Method;
import io.mlco2.tracker.energy.Reading;
import io.mlco2.tracker.hardware.TdpMatch;
import io.mlco2.tracker.hardware.TdpTables;
import io.mlco2.tracker.base.Log;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * One GPU read through NVML.
 *
 * <h2>Energy</h2>
 * Where the device has NVML's total-energy counter (Volta and newer) every reading carries the counter, and the
 * accumulator takes counter deltas. The counter costs ~2.9 ms per call (16 ms p99) on an H200, so it is read at most
 * once per {@code mlco2.gpu.counter-interval} (and on {@link #requestCounterRead()}); readings in between repeat the
 * last counter value, so the total is exact at each counter read and lags by less than one counter interval in
 * between. Power (~2 us) is read on every call for the live gauge: the instant power field where the driver has
 * it, else {@code nvmlDeviceGetPowerUsage}. Without a counter, that power is integrated ({@link Method#NVML_POWER}).
 *
 * <h2>Faults</h2>
 * "Not supported" switches to the next method once, with one log line; "GPU is lost" stops all reads of this device
 * (one line; readings fail from then on, the energy measured so far stays); other errors fail that read only.
 *
 * <h2>Attribution</h2>
 * The energy is the whole device's. At counter cadence the source also lists the device's compute processes; when a
 * process other than this JVM uses it, {@link #sharedWithOtherProcesses()} turns true and this JVM's share is taken
 * from per-process SM utilisation ({@code nvmlDeviceGetProcessUtilization}), averaged weighted by energy
 * ({@link #thisProcessShare()}, computed by {@link ProcessShare}). NVML reports host PIDs: inside a container with its own PID namespace this JVM is
 * not recognised and its share reads 0 when others are seen.
 *
 * <p>Called from the sampler thread only; the getters may be read from any thread.
 */
public final class NvmlGpuSource implements EnergySource {

    /** Key naming how {@link #thisProcessShare()} is obtained. */
    public static final String SHARE_METHOD = "nvml-process-utilization";

    /** Which power reading the source uses. */
    public enum PowerSignal {
        INSTANT_FIELD("nvml-field-186-power-instant"),
        POWER_USAGE("nvml-power-usage"),
        NONE("none");

        private final String key;

        PowerSignal(String key) {
            this.key = key;
        }

        public String key() {
            return key;
        }
    }

    private enum CounterState { UNKNOWN, AVAILABLE, OFF }

    private final NvmlDevice device;
    private final String deviceId;
    private final String name;
    private final String uuid;
    private final GpuArchitecture architecture;
    private final double tdpWatts;
    private final String tdpSource;
    private final long counterIntervalNanos;
    private final Log log;

    private CounterState counterState = CounterState.UNKNOWN;
    private volatile PowerSignal powerSignal = PowerSignal.INSTANT_FIELD;
    private volatile boolean lost;
    private volatile Method method;

    private boolean counterRead;
    private boolean counterRequested;
    private long lastCounterReadNanos;
    private double lastCounterJoules = Double.NaN;

    private final ProcessShare share;

    NvmlGpuSource(NvmlDevice device, String name, String uuid, GpuArchitecture architecture, double tdpWatts,
                  String tdpSource, Duration counterInterval, long pid, Log log) {
        this.device = device;
        this.deviceId = Integer.toString(device.index());
        this.name = name;
        this.uuid = uuid;
        this.architecture = architecture;
        this.tdpWatts = tdpWatts;
        this.tdpSource = tdpSource;
        this.counterIntervalNanos = Math.max(0, counterInterval.toNanos());
        this.log = log;
        this.share = new ProcessShare(device, deviceId, name, pid, log);
        probe();
    }

    /**
     * Opens {@code device}: reads its name, UUID, architecture and TDP (bundled GPU table by name, else its power
     * limit) and probes which energy method it supports. Never throws.
     */
    public static NvmlGpuSource open(NvmlDevice device, Duration counterInterval, long pid, Log log) {
        String name = orElse(device::name, "");
        String uuid = orElse(device::uuid, "");
        GpuArchitecture arch = orElse(device::architecture, GpuArchitecture.UNKNOWN);
        double tdp = Double.NaN;
        String tdpSource = "unknown";
        Optional<TdpMatch> match = Optional.empty();
        try {
            match = TdpTables.bundled().gpu(name);
        } catch (RuntimeException e) {
            log.once("gpu-tdp-table", Log.Level.WARN, "GPU TDP table lookup failed: " + Log.describe(e));
        }
        if (match.isPresent()) {
            tdp = match.get().tdpWatts();
            tdpSource = match.get().table();
        } else {
            long limitMw = orElse(device::powerManagementLimitMilliwatts,
                    orElse(device::defaultPowerLimitMilliwatts, -1L));
            if (limitMw > 0) {
                tdp = limitMw / 1000.0;
                tdpSource = "power limit";
            }
        }
        return new NvmlGpuSource(device, name, uuid, arch, tdp, tdpSource, counterInterval, pid, log);
    }

    interface Query<T> {
        T get() throws NvmlException;
    }

    private static <T> T orElse(Query<T> q, T fallback) {
        try {
            T v = q.get();
            return v == null ? fallback : v;
        } catch (NvmlException | RuntimeException e) {
            return fallback;
        }
    }

    /** Decides the method up front where NVML says "not supported"; other answers are left to the first read. */
    private void probe() {
        try {
            device.totalEnergyMillijoules();
            counterState = CounterState.AVAILABLE;
        } catch (NvmlException e) {
            if (e.code().isNotSupported()) {
                counterState = CounterState.OFF;
            } else if (e.code().isDeviceLost()) {
                lose(e);
            } else {
                counterState = CounterState.AVAILABLE; // transient: the reads will tell
            }
        } catch (RuntimeException e) {
            counterState = CounterState.OFF;
        }
        try {
            FieldValue f = device.fieldValues(Nvml.FI_POWER_INSTANT).get(0);
            if (f.result().isNotSupported()) {
                powerSignal = PowerSignal.POWER_USAGE;
            }
        } catch (NvmlException e) {
            if (e.code().isNotSupported()) {
                powerSignal = PowerSignal.POWER_USAGE;
            }
        } catch (RuntimeException e) {
            powerSignal = PowerSignal.POWER_USAGE;
        }
        method = currentMethod();
    }

    /** The method in effect; a lost device keeps the method its energy so far was measured with. */
    private Method currentMethod() {
        if (counterState == CounterState.AVAILABLE) {
            return Method.NVML_ENERGY_COUNTER;
        }
        return powerSignal == PowerSignal.NONE ? Method.NONE : Method.NVML_POWER;
    }

    @Override
    public Reading read(long monotonicNanos) {
        if (lost) {
            return Reading.FAILED;
        }
        try {
            return readDevice(monotonicNanos);
        } catch (RuntimeException e) {
            log.once("gpu-read-" + deviceId + "-" + e.getClass().getName(), Log.Level.WARN,
                    "GPU " + deviceId + " read failed: " + Log.describe(e));
            return Reading.FAILED;
        }
    }

    private Reading readDevice(long now) {
        double powerWatts = readPowerWatts();
        double utilization = readUtilization();
        if (counterState == CounterState.AVAILABLE && !lost
                && (!counterRead || counterRequested || now - lastCounterReadNanos >= counterIntervalNanos)) {
            counterRequested = false;
            readCounter(now);
            if (!lost) {
                try {
                    share.sample();
                } catch (NvmlException e) {
                    lose(e);
                }
            }
        }
        if (lost) {
            return Reading.FAILED;
        }
        share.account(now, powerWatts);
        method = currentMethod();
        if (counterState == CounterState.AVAILABLE && counterRead) {
            return Reading.counter(lastCounterJoules, Double.POSITIVE_INFINITY, powerWatts, utilization);
        }
        if (counterState == CounterState.AVAILABLE) {
            return Reading.power(Double.NaN, utilization); // no counter baseline yet: nothing to add
        }
        return Reading.power(powerWatts, utilization);
    }

    private void readCounter(long now) {
        try {
            long mj = device.totalEnergyMillijoules();
            lastCounterJoules = mj / 1000.0;
            lastCounterReadNanos = now;
            counterRead = true;
        } catch (NvmlException e) {
            if (e.code().isDeviceLost()) {
                lose(e);
            } else if (e.code().isNotSupported()) {
                counterState = CounterState.OFF;
                log.once("gpu-counter-off-" + deviceId, Log.Level.WARN, "GPU " + deviceId + " (" + name
                        + "): energy counter not supported (" + e.getMessage() + "); integrating power from now on");
            } else {
                log.once("gpu-counter-" + deviceId + "-" + e.code(), Log.Level.WARN, "GPU " + deviceId
                        + ": energy counter read failed (" + e.getMessage() + "); using the last value");
            }
        }
    }

    private double readPowerWatts() {
        if (powerSignal == PowerSignal.INSTANT_FIELD) {
            try {
                FieldValue f = device.fieldValues(Nvml.FI_POWER_INSTANT).get(0);
                if (f.result().isSuccess()) {
                    return f.value() / 1000.0;
                }
                if (f.result().isDeviceLost()) {
                    lose(new NvmlException("nvmlDeviceGetFieldValues", f.result()));
                    return Double.NaN;
                }
                if (f.result().isNotSupported()) {
                    powerSignal = PowerSignal.POWER_USAGE;
                }
            } catch (NvmlException e) {
                if (e.code().isDeviceLost()) {
                    lose(e);
                    return Double.NaN;
                }
                if (e.code().isNotSupported()) {
                    powerSignal = PowerSignal.POWER_USAGE;
                }
            }
            // this read falls back to power usage; the field is tried again next time unless unsupported
        }
        if (powerSignal == PowerSignal.NONE) {
            return Double.NaN;
        }
        try {
            return device.powerUsageMilliwatts() / 1000.0;
        } catch (NvmlException e) {
            if (e.code().isDeviceLost()) {
                lose(e);
            } else if (e.code().isNotSupported()) {
                powerSignal = PowerSignal.NONE;
                log.once("gpu-power-off-" + deviceId, Log.Level.WARN, "GPU " + deviceId + " (" + name
                        + "): power readings not supported (" + e.getMessage() + ")");
            } else {
                log.once("gpu-power-" + deviceId + "-" + e.code(), Log.Level.DEBUG,
                        "GPU " + deviceId + ": power read failed (" + e.getMessage() + ")");
            }
            return Double.NaN;
        }
    }

    private boolean utilizationOff;

    private double readUtilization() {
        if (utilizationOff || lost) {
            return Double.NaN;
        }
        try {
            return device.utilization().gpuPercent() / 100.0;
        } catch (NvmlException e) {
            if (e.code().isDeviceLost()) {
                lose(e);
            } else if (e.code().isNotSupported()) {
                utilizationOff = true;
            }
            return Double.NaN;
        }
    }

    private void lose(NvmlException e) {
        if (!lost) {
            lost = true;
            log.once("gpu-lost-" + deviceId, Log.Level.ERROR, "GPU " + deviceId + " (" + name + ") is lost ("
                    + e.getMessage() + "): stopped reading it; its energy so far is kept");
        }
    }

    /** The next {@link #read} also reads the counter (the final sample of a run, a report boundary). */
    public void requestCounterRead() {
        counterRequested = true;
    }

    @Override
    public Component component() {
        return Component.GPU;
    }

    /** NVML index, e.g. {@code 0}. */
    @Override
    public String deviceId() {
        return deviceId;
    }

    @Override
    public Method method() {
        return method;
    }

    @Override
    public String hardwareName() {
        return name;
    }

    @Override
    public double tdpWatts() {
        return tdpWatts;
    }

    /** The bundled table's name, {@code power limit}, or {@code unknown}. */
    @Override
    public String tdpSource() {
        return tdpSource;
    }

    public String uuid() {
        return uuid;
    }

    public GpuArchitecture architecture() {
        return architecture;
    }

    /** Where power comes from (the gauge, and the energy when there is no counter). */
    public PowerSignal powerSignal() {
        return powerSignal;
    }

    /** True once the device stopped answering ("GPU is lost"): no further reads. */
    public boolean lost() {
        return lost;
    }

    /** True once a process other than this JVM was seen on this device (sticky). */
    public boolean sharedWithOtherProcesses() {
        return share.shared();
    }

    /**
     * This JVM's share of the device's energy so far, in [0, 1] (energy-weighted average of its SM-utilisation
     * share; 1 while no other process uses the device). Multiply the device's energy by it. Method:
     * {@link #SHARE_METHOD}.
     */
    public double thisProcessShare() {
        return share.soFar();
    }

    /** How often the counter is read, ns. */
    /**
     * This JVM's share of the device at the last per-process query (read with the energy counter), for the
     * intervals in which another JVM of the run counts the whole GPU; {@code NaN} when unknown.
     */
    public double ownShareNow() {
        return share.ownShareNow();
    }

    public long counterIntervalNanos() {
        return counterIntervalNanos;
    }

    @Override
    public String toString() {
        return "GPU " + deviceId + " " + name + " [" + method.key() + ", power " + powerSignal.key() + ", tdp "
                + tdpWatts + " W from " + tdpSource + "]";
    }
}
