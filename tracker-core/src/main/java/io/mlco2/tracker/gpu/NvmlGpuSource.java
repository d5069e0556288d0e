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
 * it, else {@code nvmlDeviceGetPowerUsage}.
 *
 * <p>Without a counter the energy comes from power. Where the device has the 1 s average power field (185, Ampere
 * and later), each reading is counted over the second it averages ({@link WindowedPowerEnergy},
 * {@link Method#NVML_POWER_AVERAGE}): a reading taken at one instant once per interval aliases against load that
 * switches faster than the interval (NVML refreshes the instant field every ~100 ms), while the average already
 * holds every burst of its second; counting it over its own window, instead of a trapezoid, keeps its one-second
 * lag from moving energy across epoch boundaries. Elsewhere (older GPUs, whose power usage is instantaneous) the
 * instant field or power usage is integrated as a trapezoid ({@link Method#NVML_POWER}).
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
        AVERAGE_FIELD("nvml-field-185-power-average"),
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

    /** The window NVML averages field 185 over (and power usage on Ampere and later), ns. */
    static final long AVERAGE_WINDOW_NANOS = 1_000_000_000L;

    /** How often NVML refreshes its power readings and counter: every ~100 ms on the recorded H200, s. */
    static final double READING_UPDATE_SECONDS = 0.1;

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
    private final boolean averageFieldAllowed;
    private boolean fieldValuesUnsupported;
    private WindowedPowerEnergy averaged; // made when the average field is used: nothing to load on the counter path

    private long reads;
    private long firstReadNanos;
    private long lastReadNanos;

    NvmlGpuSource(NvmlDevice device, String name, String uuid, GpuArchitecture architecture, double tdpWatts,
                  String tdpSource, Duration counterInterval, long pid, Log log, boolean averageFieldAllowed) {
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
        this.averageFieldAllowed = averageFieldAllowed;
        probe();
    }

    /**
     * Opens {@code device}: reads its name, UUID, architecture and TDP (bundled GPU table by name, else its power
     * limit) and probes which energy method it supports. Never throws.
     */
    public static NvmlGpuSource open(NvmlDevice device, Duration counterInterval, long pid, Log log) {
        return open(device, counterInterval, pid, log, true);
    }

    /**
     * As {@link #open(NvmlDevice, Duration, long, Log)}; without the counter, {@code averageFieldAllowed} false
     * integrates the instant reading even where the average field exists ({@code replay} compares both).
     */
    static NvmlGpuSource open(NvmlDevice device, Duration counterInterval, long pid, Log log,
                              boolean averageFieldAllowed) {
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
        return new NvmlGpuSource(device, name, uuid, arch, tdp, tdpSource, counterInterval, pid, log,
                averageFieldAllowed);
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
                fieldValuesUnsupported = true;
            }
        } catch (RuntimeException e) {
            powerSignal = PowerSignal.POWER_USAGE;
            fieldValuesUnsupported = true;
        }
        if (counterState == CounterState.OFF) {
            useAverageFieldIfAny();
        }
        method = currentMethod();
    }

    /** Without the counter: switches to the 1 s average field where the device answers it. */
    private void useAverageFieldIfAny() {
        if (!averageFieldAllowed || lost || fieldValuesUnsupported || powerSignal == PowerSignal.NONE) {
            return;
        }
        try {
            FieldValue f = device.fieldValues(Nvml.FI_POWER_AVERAGE).get(0);
            if (f.result().isSuccess()) {
                averaged = new WindowedPowerEnergy(AVERAGE_WINDOW_NANOS);
                powerSignal = PowerSignal.AVERAGE_FIELD;
            } else if (f.result().isDeviceLost()) {
                lose(new NvmlException("nvmlDeviceGetFieldValues", f.result()));
            }
        } catch (NvmlException e) {
            if (e.code().isDeviceLost()) {
                lose(e);
            }
        } catch (RuntimeException e) {
            // keep the instant reading
        }
    }

    /** The method in effect; a lost device keeps the method its energy so far was measured with. */
    private Method currentMethod() {
        if (counterState == CounterState.AVAILABLE) {
            return Method.NVML_ENERGY_COUNTER;
        }
        if (powerSignal == PowerSignal.AVERAGE_FIELD) {
            return Method.NVML_POWER_AVERAGE;
        }
        return powerSignal == PowerSignal.NONE ? Method.NONE : Method.NVML_POWER;
    }

    @Override
    public Reading read(long monotonicNanos) {
        if (lost) {
            return Reading.FAILED;
        }
        if (reads++ == 0) {
            firstReadNanos = monotonicNanos;
        }
        lastReadNanos = monotonicNanos;
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
        if (powerSignal == PowerSignal.AVERAGE_FIELD && !Double.isNaN(powerWatts)) {
            // the windowed sum as a counter: the accumulator takes its deltas (a trapezoid before its first value)
            return Reading.counter(averaged.add(now, powerWatts), Double.POSITIVE_INFINITY, powerWatts, utilization);
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
                useAverageFieldIfAny();
                log.once("gpu-counter-off-" + deviceId, Log.Level.WARN, "GPU " + deviceId + " (" + name
                        + "): energy counter not supported (" + e.getMessage() + "); integrating power ("
                        + powerSignal.key() + ") from now on");
            } else {
                log.once("gpu-counter-" + deviceId + "-" + e.code(), Log.Level.WARN, "GPU " + deviceId
                        + ": energy counter read failed (" + e.getMessage() + "); using the last value");
            }
        }
    }

    private double readPowerWatts() {
        if (powerSignal == PowerSignal.INSTANT_FIELD || powerSignal == PowerSignal.AVERAGE_FIELD) {
            boolean average = powerSignal == PowerSignal.AVERAGE_FIELD;
            try {
                FieldValue f = device.fieldValues(average ? Nvml.FI_POWER_AVERAGE : Nvml.FI_POWER_INSTANT).get(0);
                if (f.result().isSuccess()) {
                    return f.value() / 1000.0;
                }
                if (f.result().isDeviceLost()) {
                    lose(new NvmlException("nvmlDeviceGetFieldValues", f.result()));
                    return Double.NaN;
                }
                if (f.result().isNotSupported()) {
                    powerSignal = average ? PowerSignal.INSTANT_FIELD : PowerSignal.POWER_USAGE;
                }
            } catch (NvmlException e) {
                if (e.code().isDeviceLost()) {
                    lose(e);
                    return Double.NaN;
                }
                if (e.code().isNotSupported()) {
                    powerSignal = PowerSignal.POWER_USAGE;
                    fieldValuesUnsupported = true;
                }
            }
            // this read falls back to power usage (the 1 s average too where field 185 exists); the field is tried
            // again next time unless unsupported
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

    /**
     * How far an epoch boundary can be off when the energy is power-based, seconds: epoch boundaries are placed
     * linearly between samples, so the energy of up to this many seconds of a power change at a boundary can land on
     * the wrong side. With the average field counted over its window the energy at each sample is right, and a step
     * inside an interval of {@code d} seconds is misplaced by at most d/4 (plus the part of a longer interval the
     * window does not see); a trapezoid of instant readings by up to d/2. Both add NVML's ~0.1 s refresh. NaN for
     * the counter (not power-based) or before two reads.
     */
    public double boundaryUncertaintySeconds() {
        Method m = method;
        if ((m != Method.NVML_POWER && m != Method.NVML_POWER_AVERAGE) || reads < 2) {
            return Double.NaN;
        }
        double interval = (lastReadNanos - firstReadNanos) / 1e9 / (reads - 1);
        if (m == Method.NVML_POWER) {
            return interval / 2 + READING_UPDATE_SECONDS;
        }
        double window = AVERAGE_WINDOW_NANOS / 1e9;
        return Math.min(interval, window) / 4 + Math.max(0, interval - window) + READING_UPDATE_SECONDS;
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
