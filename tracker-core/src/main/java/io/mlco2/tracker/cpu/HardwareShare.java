package io.mlco2.tracker.cpu;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What share of the hardware this JVM runs on, from the files Linux shows it (read once, under an injectable root
 * folder so that tests give it fixture trees): whether it is a virtual machine (the {@code hypervisor} flag of
 * {@code /proc/cpuinfo}, {@code /sys/hypervisor}, DMI {@code sys_vendor}/{@code product_name}), which cloud
 * (DMI), and the container's limits (cgroup v2 {@code cpu.max}, {@code cpuset.cpus.effective}, {@code memory.max};
 * cgroup v1 {@code cpu.cfs_quota_us}/{@code cpu.cfs_period_us}, {@code cpuset.cpus}, {@code memory.limit_in_bytes}),
 * the smallest limit on the way from this process's cgroup up to the root.
 *
 * @param virtualMachine   a hypervisor was seen
 * @param evidence         what showed it, e.g. {@code cpuinfo hypervisor flag}; empty on bare metal
 * @param cloud            {@code aws}, {@code gcp}, {@code azure}, or empty when DMI does not say
 * @param dmiProduct       DMI {@code product_name} (the instance type on AWS Nitro, e.g. {@code c5.2xlarge}), or empty
 * @param cpuQuotaVcpus    the cgroup's CPU quota in CPUs (quota / period), {@code NaN} when unlimited
 * @param cpusetCpus       CPUs in the cgroup's cpuset, 0 when unknown
 * @param memoryLimitBytes the cgroup's memory limit, -1 when unlimited or unknown
 */
public record HardwareShare(boolean virtualMachine, String evidence, String cloud, String dmiProduct,
                            double cpuQuotaVcpus, int cpusetCpus, long memoryLimitBytes) {

    /** Nothing detected: bare metal, no container limit. */
    public static final HardwareShare NONE = new HardwareShare(false, "", "", "", Double.NaN, 0, -1);

    /** Limits at or above this many bytes mean none (cgroup v1 writes 2^63 rounded down to a page). */
    private static final long NO_MEMORY_LIMIT = 1L << 60;

    /** Detects the share under {@code /}. Never throws. */
    public static HardwareShare detect() {
        return detect(Path.of("/"));
    }

    /** Detects the share from the files under {@code root} (its {@code proc/} and {@code sys/}). Never throws. */
    public static HardwareShare detect(Path root) {
        try {
            return detectOrThrow(root);
        } catch (RuntimeException e) {
            return NONE;
        }
    }

    private static HardwareShare detectOrThrow(Path root) {
        List<String> evidence = new ArrayList<>();
        String flags = HostInfo.procFileValue(root.resolve("proc/cpuinfo"), "flags");
        if (flags != null && (" " + flags + " ").contains(" hypervisor ")) {
            evidence.add("cpuinfo hypervisor flag");
        }
        String hypervisorType = read(root.resolve("sys/hypervisor/type"));
        if (!hypervisorType.isEmpty()) {
            evidence.add("/sys/hypervisor: " + hypervisorType);
        }
        String vendor = read(root.resolve("sys/class/dmi/id/sys_vendor"));
        String product = read(root.resolve("sys/class/dmi/id/product_name"));
        String cloud = cloud(vendor, product, read(root.resolve("sys/hypervisor/uuid")));
        if (isVirtualVendor(vendor, product)) {
            evidence.add("DMI " + vendor + (product.isEmpty() ? "" : " " + product));
        }
        List<String> v1 = new ArrayList<>();
        String v2 = cgroupPaths(root.resolve("proc/self/cgroup"), v1);
        Path fs = root.resolve("sys/fs/cgroup");
        double quota = Double.NaN;
        int cpuset = 0;
        long memory = -1;
        if (v2 != null && Files.isRegularFile(fs.resolve("cgroup.controllers"))) {
            for (Path dir : upwards(fs, v2)) {
                quota = min(quota, cpuMax(read(dir.resolve("cpu.max"))));
                cpuset = minPositive(cpuset, cpuCount(read(dir.resolve("cpuset.cpus.effective"))));
                memory = minLimit(memory, bytes(read(dir.resolve("memory.max"))));
            }
        } else {
            for (String mount : CPU_MOUNTS) {
                for (Path dir : upwards(fs.resolve(mount), path(v1, "cpu"))) {
                    quota = min(quota, cfsQuota(read(dir.resolve("cpu.cfs_quota_us")), read(dir.resolve("cpu.cfs_period_us"))));
                }
            }
            for (Path dir : upwards(fs.resolve("cpuset"), path(v1, "cpuset"))) {
                cpuset = minPositive(cpuset, cpuCount(read(dir.resolve("cpuset.cpus"))));
            }
            for (Path dir : upwards(fs.resolve("memory"), path(v1, "memory"))) {
                memory = minLimit(memory, bytes(read(dir.resolve("memory.limit_in_bytes"))));
            }
        }
        return new HardwareShare(!evidence.isEmpty(), String.join(", ", evidence), cloud,
                cloud.equals("aws") ? product : "", quota, cpuset, memory);
    }

    /**
     * The vCPUs this JVM may use: the machine's {@code logicalProcessors}, or fewer where the container's quota or
     * cpuset says so (a quota may be a fraction, e.g. 1.5).
     */
    public double vcpus(int logicalProcessors) {
        double v = Math.max(1, logicalProcessors);
        if (cpuQuotaVcpus > 0) {
            v = Math.min(v, cpuQuotaVcpus);
        }
        if (cpusetCpus > 0) {
            v = Math.min(v, cpusetCpus);
        }
        return v;
    }

    /** True when a container limit gives this JVM fewer CPUs than the machine has. */
    public boolean cpuLimited(int logicalProcessors) {
        return vcpus(logicalProcessors) < Math.max(1, logicalProcessors);
    }

    /** The memory this JVM may use: the machine's {@code totalBytes}, or the container's limit where lower. */
    public long memoryBytes(long totalBytes) {
        return memoryLimited(totalBytes) ? memoryLimitBytes : totalBytes;
    }

    /** True when the container's memory limit is below the machine's {@code totalBytes}. */
    public boolean memoryLimited(long totalBytes) {
        return memoryLimitBytes > 0 && (totalBytes <= 0 || memoryLimitBytes < totalBytes);
    }

    /** e.g. {@code VM (cpuinfo hypervisor flag)}, {@code container limit 2 of 64 CPUs}, {@code bare metal}. */
    public String describe(int logicalProcessors) {
        String kind = virtualMachine ? "VM (" + evidence + ")" : "bare metal";
        if (cpuLimited(logicalProcessors)) {
            return kind + ", container limit " + CpuPowerModel.count(vcpus(logicalProcessors)) + " of " + logicalProcessors + " CPUs";
        }
        return kind;
    }

    static String cloud(String vendor, String product, String hypervisorUuid) {
        String v = vendor.toLowerCase(Locale.ROOT);
        if (v.startsWith("amazon") || hypervisorUuid.toLowerCase(Locale.ROOT).startsWith("ec2")) {
            return "aws";
        }
        if (v.startsWith("google")) {
            return "gcp";
        }
        if (v.startsWith("microsoft") && product.toLowerCase(Locale.ROOT).contains("virtual machine")) {
            return "azure";
        }
        return "";
    }

    private static boolean isVirtualVendor(String vendor, String product) {
        String s = (vendor + " " + product).toLowerCase(Locale.ROOT);
        for (String v : new String[] {"amazon ec2", "google", "qemu", "kvm", "vmware", "xen", "innotek",
                "virtualbox", "bochs", "openstack", "virtual machine", "hvm domu", "cloud hypervisor", "firecracker"}) {
            if (s.contains(v)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Reads {@code /proc/self/cgroup}: returns the cgroup v2 path ({@code 0::/path}) when there is one, and adds
     * the v1 lines ({@code id:controllers:path}) to {@code v1}.
     */
    static String cgroupPaths(Path file, List<String> v1) {
        String v2 = null;
        try {
            for (String line : Files.readAllLines(file)) {
                if (line.startsWith("0::")) {
                    v2 = line.substring(3);
                } else if (!line.isBlank()) {
                    v1.add(line);
                }
            }
        } catch (IOException | RuntimeException e) {
            // no /proc: no container limits seen
        }
        return v2;
    }

    /** The v1 path of {@code controller} (a line {@code id:cpu,cpuacct:/path} names it among others), or "/". */
    static String path(List<String> v1, String controller) {
        for (String line : v1) {
            String[] f = line.split(":", 3);
            if (f.length == 3) {
                for (String c : f[1].split(",")) {
                    if (c.equals(controller)) {
                        return f[2];
                    }
                }
            }
        }
        return "/";
    }

    /** Where cgroup v1 mounts the cpu controller: alone, or joint with cpuacct (a missing one reads nothing). */
    private static final String[] CPU_MOUNTS = {"cpu", "cpu,cpuacct", "cpuacct,cpu"};

    /**
     * The folders from {@code mount/path} up to {@code mount} (a limit may sit on a parent cgroup; inside a
     * container the mount is often the container's own cgroup, so the path may not exist below it).
     */
    static List<Path> upwards(Path mount, String cgroupPath) {
        List<Path> dirs = new ArrayList<>();
        String p = cgroupPath == null ? "" : cgroupPath.trim();
        while (p.startsWith("/")) {
            p = p.substring(1);
        }
        while (!p.isEmpty()) {
            dirs.add(mount.resolve(p));
            p = p.substring(0, Math.max(0, p.lastIndexOf('/')));
        }
        dirs.add(mount);
        return dirs;
    }

    /** cgroup v2 {@code cpu.max}: {@code "200000 100000"} is 2 CPUs; {@code "max 100000"} or bad text is none. */
    static double cpuMax(String text) {
        String[] f = text.trim().split(" "); // one character: no regular expression (start-up path)
        if (f.length != 2 || f[0].equals("max")) {
            return Double.NaN;
        }
        return ratio(f[0], f[1]);
    }

    /** cgroup v1 quota and period in microseconds; a quota of -1 is none. */
    static double cfsQuota(String quota, String period) {
        return ratio(quota.trim(), period.trim());
    }

    private static double ratio(String quota, String period) {
        try {
            double q = Double.parseDouble(quota);
            double p = Double.parseDouble(period);
            return q > 0 && p > 0 ? q / p : Double.NaN;
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    /** The CPUs of a cpuset list such as {@code 0-3,8,10-11} (7); 0 when empty or malformed. */
    static int cpuCount(String list) {
        int n = 0;
        for (String part : list.trim().split(",")) {
            if (part.isBlank()) {
                continue;
            }
            try {
                int dash = part.indexOf('-');
                int from = Integer.parseInt((dash < 0 ? part : part.substring(0, dash)).trim());
                int to = dash < 0 ? from : Integer.parseInt(part.substring(dash + 1).trim());
                if (to < from) {
                    return 0;
                }
                n += to - from + 1;
            } catch (NumberFormatException e) {
                return 0;
            }
        }
        return n;
    }

    /** A memory limit in bytes, -1 for {@code max}, none (at or above 2^60) or bad text. */
    static long bytes(String text) {
        try {
            long b = Long.parseLong(text.trim());
            return b > 0 && b < NO_MEMORY_LIMIT ? b : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static double min(double a, double b) {
        return Double.isNaN(a) ? b : Double.isNaN(b) ? a : Math.min(a, b);
    }

    private static int minPositive(int a, int b) {
        return a <= 0 ? b : b <= 0 ? a : Math.min(a, b);
    }

    static long minLimit(long a, long b) {
        return a <= 0 ? b : b <= 0 ? a : Math.min(a, b);
    }

    /** A small file's trimmed text, empty when it is missing or unreadable. */
    static String read(Path file) {
        try {
            return Files.isRegularFile(file) ? Files.readString(file).trim() : "";
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }
}
