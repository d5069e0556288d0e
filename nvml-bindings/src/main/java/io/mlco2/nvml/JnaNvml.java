package io.mlco2.nvml;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.LongByReference;
import com.sun.jna.ptr.PointerByReference;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

/** {@link Nvml} over JNA. Package-private: callers see only the interfaces. */
final class JnaNvml implements Nvml {

    /** Extra library names or paths, comma separated, tried first. */
    static final String PATH_PROPERTY = "mlco2.nvml.library";

    private static final int BUF = 96; // >= NVML_DEVICE_NAME_V2_BUFFER_SIZE, UUID_V2 (96), versions (80)
    private static final int FV_SIZE = 40;
    private static final int PI_SIZE = 24;
    private static final int PU_SIZE = 32;
    private static final int PCI_SIZE = 68;
    private static final int MAX_GROW_ATTEMPTS = 5;

    private final NvmlLibrary lib;
    private final AtomicBoolean open = new AtomicBoolean(true);

    JnaNvml(NvmlLibrary lib) {
        this.lib = lib;
    }

    /** Tries each candidate library; keeps the first whose {@code nvmlInit_v2} succeeds. Never throws. */
    static Nvml load() {
        return load(null);
    }

    static Nvml load(String extraLibraries) {
        Set<String> candidates = new LinkedHashSet<>();
        for (String extra : new String[] {extraLibraries, System.getProperty(PATH_PROPERTY)}) {
            if (extra == null) {
                continue;
            }
            for (String s : extra.split(",")) {
                if (!s.isBlank()) {
                    candidates.add(s.trim());
                }
            }
        }
        boolean windows = System.getProperty("os.name", "").toLowerCase().contains("win");
        if (windows) {
            candidates.add("nvml");
        } else {
            candidates.add("nvidia-ml");
            candidates.add("libnvidia-ml.so.1");
            candidates.add("/usr/lib/x86_64-linux-gnu/libnvidia-ml.so.1");
            candidates.add("/usr/lib/aarch64-linux-gnu/libnvidia-ml.so.1");
            candidates.add("/usr/local/nvidia/lib64/libnvidia-ml.so.1");
            candidates.add("/usr/lib64/libnvidia-ml.so.1");
        }
        String initFailure = null;
        for (String name : candidates) {
            NvmlLibrary lib;
            try {
                lib = Native.load(name, NvmlLibrary.class);
            } catch (Throwable t) { // UnsatisfiedLinkError, or JNA's own natives missing
                continue;
            }
            Nvml nvml = init(lib, name);
            if (nvml.available()) {
                return nvml;
            }
            initFailure = nvml.unavailableReason();
        }
        if (initFailure != null) {
            return Nvml.unavailable(initFailure);
        }
        return Nvml.unavailable("NVML library not found (no NVIDIA driver on this machine; tried "
                + String.join(", ", candidates) + "; set -D" + PATH_PROPERTY + "=<path> if it is elsewhere)");
    }

    /** Initialises {@code lib}; an unavailable NVML when init fails or throws. Visible for tests. */
    static Nvml init(NvmlLibrary lib, String name) {
        int rc;
        try {
            rc = lib.nvmlInit_v2();
        } catch (Throwable t) {
            return Nvml.unavailable("nvmlInit_v2 in '" + name + "' failed: " + t.getClass().getSimpleName()
                    + (t.getMessage() == null ? "" : ": " + t.getMessage()));
        }
        if (rc != 0) {
            NvmlReturn r = NvmlReturn.of(rc);
            return Nvml.unavailable("nvmlInit_v2 in '" + name + "' returned " + r.name() + " ("
                    + message(lib, rc, r) + ")");
        }
        return new JnaNvml(lib);
    }

    private static String message(NvmlLibrary lib, int rc, NvmlReturn r) {
        try {
            String s = lib.nvmlErrorString(rc);
            return s == null || s.isBlank() ? r.message() : s;
        } catch (Throwable t) {
            return r.message();
        }
    }

    interface Call {
        int call();
    }

    /** Makes the call and maps its return code; a call that throws (missing symbol) is CALL_FAILED. */
    NvmlReturn invoke(Call c) {
        if (!open.get()) {
            return NvmlReturn.UNINITIALIZED;
        }
        try {
            return NvmlReturn.of(c.call());
        } catch (Throwable t) {
            return NvmlReturn.CALL_FAILED;
        }
    }

    void check(String function, NvmlReturn r) throws NvmlException {
        if (r != NvmlReturn.SUCCESS) {
            throw new NvmlException(function, r, r == NvmlReturn.CALL_FAILED ? r.message() : message(lib, r.code(), r));
        }
    }

    void call(String function, Call c) throws NvmlException {
        check(function, invoke(c));
    }

    static String cString(byte[] b) {
        int n = 0;
        while (n < b.length && b[n] != 0) {
            n++;
        }
        return new String(b, 0, n, StandardCharsets.UTF_8);
    }

    @Override
    public boolean available() {
        return open.get();
    }

    @Override
    public String unavailableReason() {
        return open.get() ? null : "NVML was shut down";
    }

    @Override
    public String driverVersion() throws NvmlException {
        byte[] b = new byte[BUF];
        call("nvmlSystemGetDriverVersion", () -> lib.nvmlSystemGetDriverVersion(b, 80));
        return cString(b);
    }

    @Override
    public String nvmlVersion() throws NvmlException {
        byte[] b = new byte[BUF];
        call("nvmlSystemGetNVMLVersion", () -> lib.nvmlSystemGetNVMLVersion(b, 80));
        return cString(b);
    }

    @Override
    public int deviceCount() throws NvmlException {
        IntByReference n = new IntByReference();
        call("nvmlDeviceGetCount_v2", () -> lib.nvmlDeviceGetCount_v2(n));
        return n.getValue();
    }

    @Override
    public NvmlDevice device(int index) throws NvmlException {
        PointerByReference ref = new PointerByReference();
        call("nvmlDeviceGetHandleByIndex_v2", () -> lib.nvmlDeviceGetHandleByIndex_v2(index, ref));
        return new Device(index, ref.getValue());
    }

    @Override
    public void close() {
        if (open.compareAndSet(true, false)) {
            try {
                lib.nvmlShutdown();
            } catch (Throwable ignored) {
                // nothing useful to do at shutdown; the driver releases its state with the process
            }
        }
    }

    @Override
    public String toString() {
        return "Nvml[jna, " + (open.get() ? "open" : "closed") + "]";
    }

    static double fieldValue(Pointer base, long off) {
        int type = base.getInt(off + 24);
        long v = off + 32;
        switch (type) {
            case 0: return base.getDouble(v);
            case 1: return Integer.toUnsignedLong(base.getInt(v));
            case 2: case 3: {
                long x = base.getLong(v);
                return x >= 0 ? (double) x : Double.parseDouble(Long.toUnsignedString(x));
            }
            case 4: return base.getLong(v);
            case 5: return base.getInt(v);
            case 6: return Short.toUnsignedInt(base.getShort(v));
            default: return Double.NaN;
        }
    }

    final class Device implements NvmlDevice {
        private final int index;
        private final Pointer handle;

        Device(int index, Pointer handle) {
            this.index = index;
            this.handle = handle;
        }

        @Override
        public int index() {
            return index;
        }

        @Override
        public String name() throws NvmlException {
            byte[] b = new byte[BUF];
            call("nvmlDeviceGetName", () -> lib.nvmlDeviceGetName(handle, b, BUF));
            return cString(b);
        }

        @Override
        public String uuid() throws NvmlException {
            byte[] b = new byte[BUF];
            call("nvmlDeviceGetUUID", () -> lib.nvmlDeviceGetUUID(handle, b, BUF));
            return cString(b);
        }

        @Override
        public String pciBusId() throws NvmlException {
            Memory m = new Memory(PCI_SIZE);
            m.clear();
            call("nvmlDeviceGetPciInfo_v3", () -> lib.nvmlDeviceGetPciInfo_v3(handle, m));
            byte[] b = m.getByteArray(36, 32);
            return cString(b);
        }

        @Override
        public GpuArchitecture architecture() throws NvmlException {
            IntByReference a = new IntByReference(-1);
            call("nvmlDeviceGetArchitecture", () -> lib.nvmlDeviceGetArchitecture(handle, a));
            return GpuArchitecture.of(a.getValue());
        }

        @Override
        public long powerUsageMilliwatts() throws NvmlException {
            IntByReference p = new IntByReference();
            call("nvmlDeviceGetPowerUsage", () -> lib.nvmlDeviceGetPowerUsage(handle, p));
            return Integer.toUnsignedLong(p.getValue());
        }

        @Override
        public long totalEnergyMillijoules() throws NvmlException {
            LongByReference e = new LongByReference();
            call("nvmlDeviceGetTotalEnergyConsumption", () -> lib.nvmlDeviceGetTotalEnergyConsumption(handle, e));
            return e.getValue();
        }

        @Override
        public List<FieldValue> fieldValues(int... fieldIds) throws NvmlException {
            if (fieldIds.length == 0) {
                return List.of();
            }
            Memory m = new Memory((long) fieldIds.length * FV_SIZE);
            m.clear();
            for (int i = 0; i < fieldIds.length; i++) {
                m.setInt((long) i * FV_SIZE, fieldIds[i]);
            }
            call("nvmlDeviceGetFieldValues", () -> lib.nvmlDeviceGetFieldValues(handle, fieldIds.length, m));
            List<FieldValue> out = new ArrayList<>(fieldIds.length);
            for (int i = 0; i < fieldIds.length; i++) {
                long off = (long) i * FV_SIZE;
                NvmlReturn r = NvmlReturn.of(m.getInt(off + 28));
                out.add(new FieldValue(fieldIds[i], r, m.getLong(off + 8),
                        r == NvmlReturn.SUCCESS ? fieldValue(m, off) : Double.NaN));
            }
            return out;
        }

        private long limit(String function, java.util.function.ToIntFunction<IntByReference> f) throws NvmlException {
            IntByReference l = new IntByReference();
            call(function, () -> f.applyAsInt(l));
            return Integer.toUnsignedLong(l.getValue());
        }

        @Override
        public long powerManagementLimitMilliwatts() throws NvmlException {
            return limit("nvmlDeviceGetPowerManagementLimit", l -> lib.nvmlDeviceGetPowerManagementLimit(handle, l));
        }

        @Override
        public long enforcedPowerLimitMilliwatts() throws NvmlException {
            return limit("nvmlDeviceGetEnforcedPowerLimit", l -> lib.nvmlDeviceGetEnforcedPowerLimit(handle, l));
        }

        @Override
        public long defaultPowerLimitMilliwatts() throws NvmlException {
            return limit("nvmlDeviceGetPowerManagementDefaultLimit",
                    l -> lib.nvmlDeviceGetPowerManagementDefaultLimit(handle, l));
        }

        @Override
        public Utilization utilization() throws NvmlException {
            Memory m = new Memory(8);
            m.clear();
            call("nvmlDeviceGetUtilizationRates", () -> lib.nvmlDeviceGetUtilizationRates(handle, m));
            return new Utilization(m.getInt(0), m.getInt(4));
        }

        @Override
        public MemoryInfo memoryInfo() throws NvmlException {
            Memory m = new Memory(24);
            m.clear();
            call("nvmlDeviceGetMemoryInfo", () -> lib.nvmlDeviceGetMemoryInfo(handle, m));
            return new MemoryInfo(m.getLong(0), m.getLong(8), m.getLong(16));
        }

        @Override
        public List<ProcessInfo> computeRunningProcesses() throws NvmlException {
            String fn = "nvmlDeviceGetComputeRunningProcesses_v3";
            IntByReference count = new IntByReference(0);
            NvmlReturn r = invoke(() -> lib.nvmlDeviceGetComputeRunningProcesses_v3(handle, count, Pointer.NULL));
            if (r == NvmlReturn.SUCCESS) {
                return List.of();
            }
            // Processes may start between the calls: grow until the buffer holds them all.
            for (int attempt = 0; attempt < MAX_GROW_ATTEMPTS && r == NvmlReturn.INSUFFICIENT_SIZE; attempt++) {
                int capacity = Math.max(count.getValue(), 1) * 2 + 4;
                Memory m = new Memory((long) capacity * PI_SIZE);
                m.clear();
                count.setValue(capacity);
                r = invoke(() -> lib.nvmlDeviceGetComputeRunningProcesses_v3(handle, count, m));
                if (r == NvmlReturn.SUCCESS) {
                    int n = Math.min(count.getValue(), capacity);
                    List<ProcessInfo> out = new ArrayList<>(n);
                    for (int i = 0; i < n; i++) {
                        long off = (long) i * PI_SIZE;
                        out.add(new ProcessInfo(Integer.toUnsignedLong(m.getInt(off)), m.getLong(off + 8),
                                m.getInt(off + 16), m.getInt(off + 20)));
                    }
                    return out;
                }
            }
            check(fn, r);
            return List.of(); // not reached
        }

        @Override
        public List<ProcessUtilization> processUtilization(long lastSeenTimestampMicros) throws NvmlException {
            String fn = "nvmlDeviceGetProcessUtilization";
            IntByReference count = new IntByReference(0);
            NvmlReturn r = invoke(() -> lib.nvmlDeviceGetProcessUtilization(handle, Pointer.NULL, count,
                    lastSeenTimestampMicros));
            for (int attempt = 0; attempt < MAX_GROW_ATTEMPTS && r == NvmlReturn.INSUFFICIENT_SIZE; attempt++) {
                int capacity = Math.max(count.getValue(), 1) * 2 + 4;
                Memory m = new Memory((long) capacity * PU_SIZE);
                m.clear();
                count.setValue(capacity);
                r = invoke(() -> lib.nvmlDeviceGetProcessUtilization(handle, m, count, lastSeenTimestampMicros));
                if (r == NvmlReturn.SUCCESS) {
                    int n = Math.min(count.getValue(), capacity);
                    List<ProcessUtilization> out = new ArrayList<>(n);
                    for (int i = 0; i < n; i++) {
                        long off = (long) i * PU_SIZE;
                        out.add(new ProcessUtilization(Integer.toUnsignedLong(m.getInt(off)), m.getLong(off + 8),
                                m.getInt(off + 16), m.getInt(off + 20), m.getInt(off + 24), m.getInt(off + 28)));
                    }
                    return out;
                }
            }
            if (r == NvmlReturn.NOT_FOUND || r == NvmlReturn.SUCCESS) {
                return List.of(); // no samples newer than lastSeen
            }
            check(fn, r);
            return List.of(); // not reached
        }

        @Override
        public String toString() {
            return "NvmlDevice[" + index + "]";
        }
    }
}
