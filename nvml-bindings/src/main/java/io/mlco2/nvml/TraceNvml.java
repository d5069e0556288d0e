// Over 400 lines: one fake answers the 15 NvmlDevice calls from the 11 trace columns it parses and holds.
package io.mlco2.nvml;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

/**
 * A fake NVML with one device that answers from a recorded trace, as the real library would have answered at the
 * time a {@link LongSupplier} clock says: the latest row at or before that time. Used by {@code replay} and tests.
 *
 * <p>Trace format (as written by {@code trace.py}): a header, then one row per sample with at least
 * {@code t_ns} (CLOCK_MONOTONIC) and {@code power_mW}; optional {@code phase}, {@code energy_mJ},
 * {@code fi_instant_mW}/{@code fi_instant_rc}/{@code fi_instant_ts_us}, {@code fi_avg_mW}/{@code fi_avg_rc}/
 * {@code fi_avg_ts_us}, {@code gpu_util}, {@code mem_util}. A missing column makes its call
 * {@link NvmlReturn#NOT_SUPPORTED}; an empty cell makes it {@link NvmlReturn#UNKNOWN} at that row. Rows must be in
 * time order. The whole trace is held in primitive arrays (a trace is a test input, not a live stream).
 */
public final class TraceNvml implements Nvml {

    /** What the fake device claims beyond the trace; defaults model the recorded H200 with every call working. */
    public record Options(String deviceName, GpuArchitecture architecture, boolean counter, boolean fields,
                          long powerLimitMilliwatts, long counterLatencyNanos) {
        public static Options defaults() {
            return new Options("NVIDIA H200", GpuArchitecture.HOPPER, true, true, -1, 0);
        }

        /** As a device without the energy counter (pre-Volta): the counter call is NOT_SUPPORTED. */
        public Options withoutCounter() {
            return new Options(deviceName, architecture, false, fields, powerLimitMilliwatts, counterLatencyNanos);
        }

        /** As a driver without field values: only {@code nvmlDeviceGetPowerUsage} gives power. */
        public Options withoutFields() {
            return new Options(deviceName, architecture, counter, false, powerLimitMilliwatts, counterLatencyNanos);
        }

        /** Each counter read parks this long, like the H200's ~2.9 ms. */
        public Options withCounterLatencyNanos(long nanos) {
            return new Options(deviceName, architecture, counter, fields, powerLimitMilliwatts, nanos);
        }
    }

    /** A run of consecutive rows with the same {@code phase}; {@code endNanos} is the next phase's first row. */
    public record Phase(String name, long startNanos, long endNanos) {
    }

    private static final long MISSING = Long.MIN_VALUE;

    private final long[] tNanos;
    private final long[] powerMw;
    private final long[] energyMj;
    private final long[] instantMw;
    private final int[] instantRc;
    private final long[] instantTsUs;
    private final long[] averageMw;
    private final int[] averageRc;
    private final long[] averageTsUs;
    private final long[] gpuUtil;
    private final long[] memUtil;
    private final List<Phase> phases;
    private final LongSupplier clockNanos;
    private final Options options;
    private volatile boolean open = true;
    private final Device device = new Device();
    private final boolean hasCounter;

    private TraceNvml(Columns c, List<Phase> phases, LongSupplier clockNanos, Options options) {
        this.tNanos = c.t;
        this.powerMw = c.power;
        this.energyMj = c.energy;
        this.instantMw = c.instant;
        this.instantRc = c.instantRc;
        this.instantTsUs = c.instantTs;
        this.averageMw = c.average;
        this.averageRc = c.averageRc;
        this.averageTsUs = c.averageTs;
        this.gpuUtil = c.gpuUtil;
        this.memUtil = c.memUtil;
        this.phases = List.copyOf(phases);
        this.clockNanos = clockNanos;
        this.options = options;
        this.hasCounter = Arrays.stream(energyMj).anyMatch(v -> v != MISSING);
    }

    /**
     * Reads a trace.
     *
     * @throws IOException              when the file cannot be read
     * @throws IllegalArgumentException when its content is not a trace (message names the line)
     */
    public static TraceNvml read(Path csv, LongSupplier clockNanos, Options options) throws IOException {
        try (BufferedReader r = Files.newBufferedReader(csv, StandardCharsets.UTF_8)) {
            String header = r.readLine();
            if (header == null) {
                throw new IllegalArgumentException(csv + ": empty file, expected a header with t_ns,power_mW,...");
            }
            Map<String, Integer> col = new HashMap<>();
            String[] names = header.trim().split(",", -1);
            for (int i = 0; i < names.length; i++) {
                col.put(names[i].trim(), i);
            }
            for (String required : new String[] {"t_ns", "power_mW"}) {
                if (!col.containsKey(required)) {
                    throw new IllegalArgumentException(csv + ": header lacks column '" + required + "' (has "
                            + String.join(",", names) + ")");
                }
            }
            Columns c = new Columns(4096);
            List<Phase> phases = new ArrayList<>();
            String phase = null;
            long phaseStart = 0;
            String line;
            int lineNo = 1;
            long prevT = Long.MIN_VALUE;
            while ((line = r.readLine()) != null) {
                lineNo++;
                if (line.isBlank()) {
                    continue;
                }
                String[] f = line.split(",", -1);
                try {
                    long t = num(f, col, "t_ns");
                    if (t == MISSING) {
                        throw new IllegalArgumentException("empty t_ns");
                    }
                    if (t < prevT) {
                        throw new IllegalArgumentException("t_ns goes back in time");
                    }
                    prevT = t;
                    c.add(t, num(f, col, "power_mW"), num(f, col, "energy_mJ"),
                            num(f, col, "fi_instant_mW"), rc(f, col, "fi_instant_rc"), num(f, col, "fi_instant_ts_us"),
                            num(f, col, "fi_avg_mW"), rc(f, col, "fi_avg_rc"), num(f, col, "fi_avg_ts_us"),
                            num(f, col, "gpu_util"), num(f, col, "mem_util"));
                    String p = col.containsKey("phase") ? cell(f, col.get("phase")) : "all";
                    if (p.isEmpty()) {
                        p = "all";
                    }
                    if (!p.equals(phase)) {
                        if (phase != null) {
                            phases.add(new Phase(phase, phaseStart, t));
                        }
                        phase = p;
                        phaseStart = t;
                    }
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(csv + " line " + lineNo + ": " + e.getMessage(), e);
                }
            }
            if (c.n == 0) {
                throw new IllegalArgumentException(csv + ": no data rows");
            }
            phases.add(new Phase(phase, phaseStart, c.t[c.n - 1]));
            c.trim();
            return new TraceNvml(c, phases, clockNanos, options);
        }
    }

    private static String cell(String[] f, int i) {
        return i < f.length ? f[i].trim() : "";
    }

    private static long num(String[] f, Map<String, Integer> col, String name) {
        Integer i = col.get(name);
        if (i == null) {
            return MISSING;
        }
        String s = cell(f, i);
        if (s.isEmpty()) {
            return MISSING;
        }
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            try {
                return Math.round(Double.parseDouble(s));
            } catch (NumberFormatException e2) {
                throw new IllegalArgumentException(name + " is not a number: '" + s + "'");
            }
        }
    }

    private static int rc(String[] f, Map<String, Integer> col, String name) {
        long v = num(f, col, name);
        return v == MISSING ? 0 : (int) v;
    }

    /** Time of the first row, ns. */
    public long startNanos() {
        return tNanos[0];
    }

    /** Time of the last row, ns. */
    public long endNanos() {
        return tNanos[tNanos.length - 1];
    }

    public int rows() {
        return tNanos.length;
    }

    public List<Phase> phases() {
        return phases;
    }

    /** True when the trace recorded the energy counter (some row has {@code energy_mJ}). */
    public boolean hasCounter() {
        return hasCounter;
    }

    /** The energy counter as NVML would have answered at {@code tNanos}, mJ; {@code -1} when it has no value. */
    public long counterMillijoulesAt(long tNanos) {
        int i = row(tNanos);
        return i < 0 || energyMj[i] == MISSING ? -1 : energyMj[i];
    }

    /** Index of the latest row at or before {@code t}; -1 before the first. */
    private int row(long t) {
        int i = Arrays.binarySearch(tNanos, t);
        if (i >= 0) {
            while (i + 1 < tNanos.length && tNanos[i + 1] == t) {
                i++;
            }
            return i;
        }
        return -i - 2;
    }

    private int rowNow(String call) throws NvmlException {
        if (!open) {
            throw new NvmlException(call, NvmlReturn.UNINITIALIZED);
        }
        int i = row(clockNanos.getAsLong());
        if (i < 0) {
            throw new NvmlException(call, NvmlReturn.NO_DATA, "before the trace's first row");
        }
        return i;
    }

    private static long value(long v, String call) throws NvmlException {
        if (v == MISSING) {
            throw new NvmlException(call, NvmlReturn.UNKNOWN, "empty cell in the trace");
        }
        return v;
    }

    @Override
    public boolean available() {
        return open;
    }

    @Override
    public String unavailableReason() {
        return open ? null : "NVML was shut down";
    }

    @Override
    public String driverVersion() {
        return "trace";
    }

    @Override
    public String nvmlVersion() {
        return "trace";
    }

    @Override
    public int deviceCount() throws NvmlException {
        if (!open) {
            throw new NvmlException("nvmlDeviceGetCount_v2", NvmlReturn.UNINITIALIZED);
        }
        return 1;
    }

    @Override
    public NvmlDevice device(int index) throws NvmlException {
        if (index != 0) {
            throw new NvmlException("nvmlDeviceGetHandleByIndex_v2", NvmlReturn.INVALID_ARGUMENT);
        }
        return device;
    }

    @Override
    public void close() {
        open = false;
    }

    private final class Device implements NvmlDevice {

        @Override
        public int index() {
            return 0;
        }

        @Override
        public String name() {
            return options.deviceName();
        }

        @Override
        public String uuid() {
            return "GPU-00000000-0000-0000-0000-000000000000";
        }

        @Override
        public String pciBusId() {
            return "00000000:00:00.0";
        }

        @Override
        public GpuArchitecture architecture() {
            return options.architecture();
        }

        @Override
        public long powerUsageMilliwatts() throws NvmlException {
            String call = "nvmlDeviceGetPowerUsage";
            return value(powerMw[rowNow(call)], call);
        }

        @Override
        public long totalEnergyMillijoules() throws NvmlException {
            String call = "nvmlDeviceGetTotalEnergyConsumption";
            if (!options.counter() || !hasCounter()) {
                throw new NvmlException(call, NvmlReturn.NOT_SUPPORTED);
            }
            if (options.counterLatencyNanos() > 0) {
                LockSupport.parkNanos(options.counterLatencyNanos());
            }
            return value(energyMj[rowNow(call)], call);
        }

        @Override
        public List<FieldValue> fieldValues(int... fieldIds) throws NvmlException {
            String call = "nvmlDeviceGetFieldValues";
            if (!options.fields()) {
                throw new NvmlException(call, NvmlReturn.NOT_SUPPORTED);
            }
            int i = rowNow(call);
            List<FieldValue> out = new ArrayList<>(fieldIds.length);
            for (int id : fieldIds) {
                long v;
                int rc;
                long ts;
                if (id == FI_POWER_INSTANT) {
                    v = instantMw[i];
                    rc = instantRc[i];
                    ts = instantTsUs[i];
                } else if (id == FI_POWER_AVERAGE) {
                    v = averageMw[i];
                    rc = averageRc[i];
                    ts = averageTsUs[i];
                } else {
                    out.add(new FieldValue(id, NvmlReturn.NOT_SUPPORTED, 0, Double.NaN));
                    continue;
                }
                NvmlReturn r = v == MISSING && rc == 0 ? NvmlReturn.NOT_SUPPORTED : NvmlReturn.of(rc);
                out.add(new FieldValue(id, r, ts == MISSING ? 0 : ts, r.isSuccess() ? v : Double.NaN));
            }
            return out;
        }

        private long limit(String call) throws NvmlException {
            if (options.powerLimitMilliwatts() < 0) {
                throw new NvmlException(call, NvmlReturn.NOT_SUPPORTED);
            }
            return options.powerLimitMilliwatts();
        }

        @Override
        public long powerManagementLimitMilliwatts() throws NvmlException {
            return limit("nvmlDeviceGetPowerManagementLimit");
        }

        @Override
        public long enforcedPowerLimitMilliwatts() throws NvmlException {
            return limit("nvmlDeviceGetEnforcedPowerLimit");
        }

        @Override
        public long defaultPowerLimitMilliwatts() throws NvmlException {
            return limit("nvmlDeviceGetPowerManagementDefaultLimit");
        }

        @Override
        public Utilization utilization() throws NvmlException {
            String call = "nvmlDeviceGetUtilizationRates";
            int i = rowNow(call);
            return new Utilization((int) value(gpuUtil[i], call), (int) value(memUtil[i], call));
        }

        @Override
        public MemoryInfo memoryInfo() throws NvmlException {
            throw new NvmlException("nvmlDeviceGetMemoryInfo", NvmlReturn.NOT_SUPPORTED);
        }

        @Override
        public List<ProcessInfo> computeRunningProcesses() {
            return List.of();
        }

        @Override
        public List<ProcessUtilization> processUtilization(long lastSeenTimestampMicros) {
            return List.of();
        }
    }

    private static final class Columns {
        int n;
        long[] t, power, energy, instant, instantTs, average, averageTs, gpuUtil, memUtil;
        int[] instantRc, averageRc;

        Columns(int capacity) {
            t = new long[capacity];
            power = new long[capacity];
            energy = new long[capacity];
            instant = new long[capacity];
            instantTs = new long[capacity];
            average = new long[capacity];
            averageTs = new long[capacity];
            gpuUtil = new long[capacity];
            memUtil = new long[capacity];
            instantRc = new int[capacity];
            averageRc = new int[capacity];
        }

        void add(long tn, long p, long e, long fi, int fiRc, long fiTs, long fa, int faRc, long faTs, long gu, long mu) {
            if (n == t.length) {
                resize(n * 2);
            }
            t[n] = tn;
            power[n] = p;
            energy[n] = e;
            instant[n] = fi;
            instantRc[n] = fiRc;
            instantTs[n] = fiTs;
            average[n] = fa;
            averageRc[n] = faRc;
            averageTs[n] = faTs;
            gpuUtil[n] = gu;
            memUtil[n] = mu;
            n++;
        }

        void trim() {
            resize(n);
        }

        private void resize(int size) {
            t = Arrays.copyOf(t, size);
            power = Arrays.copyOf(power, size);
            energy = Arrays.copyOf(energy, size);
            instant = Arrays.copyOf(instant, size);
            instantTs = Arrays.copyOf(instantTs, size);
            average = Arrays.copyOf(average, size);
            averageTs = Arrays.copyOf(averageTs, size);
            gpuUtil = Arrays.copyOf(gpuUtil, size);
            memUtil = Arrays.copyOf(memUtil, size);
            instantRc = Arrays.copyOf(instantRc, size);
            averageRc = Arrays.copyOf(averageRc, size);
        }
    }
}
