package io.mlco2.tracker.cpu;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What share of the hardware a JVM has, read from fixture trees of the files Linux shows. */
class HardwareShareTest {

    static final long GB = 1L << 30;

    /** Writes {@code text} to {@code root/relative}, creating its folders. */
    static void file(Path root, String relative, String text) throws IOException {
        Path f = root.resolve(relative);
        Files.createDirectories(f.getParent());
        Files.writeString(f, text);
    }

    static void cpuinfo(Path root, String model, boolean hypervisor) throws IOException {
        file(root, "proc/cpuinfo", "processor\t: 0\nmodel name\t: " + model + "\nflags\t\t: fpu vme sse2"
                + (hypervisor ? " hypervisor" : "") + " avx2\n\n");
    }

    /** A 2-vCPU KVM VM whose CPU model is hidden, on cgroup v1 with no limits (this project's CI machine). */
    static Path kvmVm(Path root) throws IOException {
        cpuinfo(root, "AMD EPYC", true);
        file(root, "proc/self/cgroup", "4:memory:/\n3:cpuset:/\n1:cpu,cpuacct:/\n0::/\n");
        file(root, "sys/fs/cgroup/cpu,cpuacct/cpu.cfs_quota_us", "-1\n");
        file(root, "sys/fs/cgroup/cpu,cpuacct/cpu.cfs_period_us", "100000\n");
        file(root, "sys/fs/cgroup/cpuset/cpuset.cpus", "0-1\n");
        file(root, "sys/fs/cgroup/memory/memory.limit_in_bytes", "9223372036854771712\n");
        return root;
    }

    /** An AWS Nitro c5.2xlarge. */
    static Path awsNitro(Path root) throws IOException {
        cpuinfo(root, "Intel(R) Xeon(R) Platinum 8275CL CPU @ 3.00GHz", true);
        file(root, "sys/class/dmi/id/sys_vendor", "Amazon EC2\n");
        file(root, "sys/class/dmi/id/product_name", "c5.2xlarge\n");
        return root;
    }

    /** A GCP n2 VM: Google hides the model number. */
    static Path gcpN2(Path root) throws IOException {
        cpuinfo(root, "Intel(R) Xeon(R) CPU @ 2.80GHz", true);
        file(root, "sys/class/dmi/id/sys_vendor", "Google\n");
        file(root, "sys/class/dmi/id/product_name", "Google Compute Engine\n");
        return root;
    }

    /** An Azure D4s v3 VM (Hyper-V). */
    static Path azureD(Path root) throws IOException {
        cpuinfo(root, "Intel(R) Xeon(R) Platinum 8171M CPU @ 2.60GHz", true);
        file(root, "sys/class/dmi/id/sys_vendor", "Microsoft Corporation\n");
        file(root, "sys/class/dmi/id/product_name", "Virtual Machine\n");
        return root;
    }

    /** A bare-metal server: no hypervisor flag, a vendor's DMI, cgroup v2 with no limit. */
    static Path bareMetal(Path root, String model) throws IOException {
        cpuinfo(root, model, false);
        file(root, "sys/class/dmi/id/sys_vendor", "Dell Inc.\n");
        file(root, "sys/class/dmi/id/product_name", "PowerEdge R7525\n");
        file(root, "proc/self/cgroup", "0::/user.slice/session-1.scope\n");
        file(root, "sys/fs/cgroup/cgroup.controllers", "cpuset cpu io memory pids\n");
        file(root, "sys/fs/cgroup/user.slice/session-1.scope/cpu.max", "max 100000\n");
        file(root, "sys/fs/cgroup/user.slice/session-1.scope/memory.max", "max\n");
        return root;
    }

    /** A Docker container with {@code --cpus 2 --memory 8g} on cgroup v2 (its own cgroup is the mount's root). */
    static Path dockerV2(Path root, String model) throws IOException {
        cpuinfo(root, model, false);
        file(root, "proc/self/cgroup", "0::/\n");
        file(root, "sys/fs/cgroup/cgroup.controllers", "cpuset cpu io memory pids\n");
        file(root, "sys/fs/cgroup/cpu.max", "200000 100000\n");
        file(root, "sys/fs/cgroup/cpuset.cpus.effective", "0-63\n");
        file(root, "sys/fs/cgroup/memory.max", Long.toString(8 * GB) + "\n");
        return root;
    }

    @Test
    void aKvmVmWithAHiddenModelIsAVmWithoutLimits(@TempDir Path root) throws IOException {
        HardwareShare s = HardwareShare.detect(kvmVm(root));
        assertTrue(s.virtualMachine());
        assertEquals("cpuinfo hypervisor flag", s.evidence());
        assertEquals("", s.cloud());
        assertEquals(2.0, s.vcpus(2), 0.0);
        assertFalse(s.cpuLimited(2));
        assertEquals(-1, s.memoryLimitBytes(), "2^63 rounded to a page is no limit");
        assertEquals(24 * GB, s.memoryBytes(24 * GB));
        assertFalse(s.memoryLimited(24 * GB));
        assertEquals("VM (cpuinfo hypervisor flag)", s.describe(2));
    }

    @Test
    void anAwsNitroInstanceNamesItsTypeInDmi(@TempDir Path root) throws IOException {
        HardwareShare s = HardwareShare.detect(awsNitro(root));
        assertTrue(s.virtualMachine());
        assertEquals("aws", s.cloud());
        assertEquals("c5.2xlarge", s.dmiProduct());
        assertEquals("cpuinfo hypervisor flag, DMI Amazon EC2 c5.2xlarge", s.evidence());
    }

    @Test
    void gcpAndAzureAreKnownByTheirDmiVendor(@TempDir Path root) throws IOException {
        HardwareShare g = HardwareShare.detect(gcpN2(root.resolve("gcp")));
        assertEquals("gcp", g.cloud());
        assertEquals("", g.dmiProduct(), "the product name is the instance type on EC2 only");
        HardwareShare a = HardwareShare.detect(azureD(root.resolve("azure")));
        assertEquals("azure", a.cloud());
        assertTrue(a.virtualMachine());
        assertTrue(a.evidence().contains("DMI Microsoft Corporation Virtual Machine"), a.evidence());
    }

    @Test
    void xenOnOlderEc2IsSeenThroughSysHypervisor(@TempDir Path root) throws IOException {
        cpuinfo(root, "Intel(R) Xeon(R) CPU E5-2676 v3 @ 2.40GHz", false);
        file(root, "sys/hypervisor/type", "xen\n");
        file(root, "sys/hypervisor/uuid", "ec2e1916-9099-7caf-fd21-012345abcdef\n");
        HardwareShare s = HardwareShare.detect(root);
        assertTrue(s.virtualMachine());
        assertEquals("/sys/hypervisor: xen", s.evidence());
        assertEquals("aws", s.cloud());
    }

    @Test
    void bareMetalHasNoEvidenceAndNoLimit(@TempDir Path root) throws IOException {
        HardwareShare s = HardwareShare.detect(bareMetal(root, "AMD EPYC 7763 64-Core Processor"));
        assertFalse(s.virtualMachine());
        assertEquals("", s.evidence());
        assertEquals(256.0, s.vcpus(256), 0.0);
        assertEquals(-1, s.memoryLimitBytes());
        assertEquals("bare metal", s.describe(256));
    }

    @Test
    void aDockerContainerOnCgroupV2GetsItsCpuMaxAndMemoryMax(@TempDir Path root) throws IOException {
        HardwareShare s = HardwareShare.detect(dockerV2(root, "AMD EPYC 7502P 32-Core Processor"));
        assertFalse(s.virtualMachine());
        assertEquals(2.0, s.cpuQuotaVcpus(), 0.0, "200000 / 100000");
        assertEquals(64, s.cpusetCpus());
        assertEquals(2.0, s.vcpus(64), 0.0);
        assertTrue(s.cpuLimited(64));
        assertEquals(8 * GB, s.memoryBytes(256 * GB));
        assertTrue(s.memoryLimited(256 * GB));
        assertEquals("bare metal, container limit 2 of 64 CPUs", s.describe(64));
    }

    @Test
    void cgroupV2LimitsOnAParentCountAndTheSmallestWins(@TempDir Path root) throws IOException {
        file(root, "proc/self/cgroup", "0::/kubepods/pod1/ctr\n");
        file(root, "sys/fs/cgroup/cgroup.controllers", "cpu memory\n");
        file(root, "sys/fs/cgroup/kubepods/pod1/cpu.max", "150000 100000\n");
        file(root, "sys/fs/cgroup/kubepods/pod1/ctr/cpu.max", "400000 100000\n");
        file(root, "sys/fs/cgroup/kubepods/memory.max", Long.toString(4 * GB));
        file(root, "sys/fs/cgroup/kubepods/pod1/ctr/memory.max", Long.toString(6 * GB));
        file(root, "sys/fs/cgroup/kubepods/pod1/ctr/cpuset.cpus.effective", "0-3,8,10-11");
        HardwareShare s = HardwareShare.detect(root);
        assertEquals(1.5, s.cpuQuotaVcpus(), 0.0);
        assertEquals(7, s.cpusetCpus());
        assertEquals(1.5, s.vcpus(16), 0.0);
        assertEquals(4 * GB, s.memoryLimitBytes());
        assertEquals("bare metal, container limit 1.50 of 16 CPUs", s.describe(16));
    }

    @Test
    void cgroupV1QuotaCpusetAndMemoryLimit(@TempDir Path root) throws IOException {
        file(root, "proc/self/cgroup", "9:memory:/docker/abc\n5:cpuset:/docker/abc\n2:cpu,cpuacct:/docker/abc\n");
        // inside the container the mounts are the container's own cgroups: /docker/abc is not below them
        file(root, "sys/fs/cgroup/cpu/cpu.cfs_quota_us", "300000\n");
        file(root, "sys/fs/cgroup/cpu/cpu.cfs_period_us", "100000\n");
        file(root, "sys/fs/cgroup/cpuset/cpuset.cpus", "0-1\n");
        file(root, "sys/fs/cgroup/memory/memory.limit_in_bytes", Long.toString(2 * GB));
        HardwareShare s = HardwareShare.detect(root);
        assertEquals(3.0, s.cpuQuotaVcpus(), 0.0);
        assertEquals(2, s.cpusetCpus());
        assertEquals(2.0, s.vcpus(32), 0.0, "the cpuset is smaller than the quota");
        assertEquals(2 * GB, s.memoryBytes(64 * GB));
    }

    @Test
    void cgroupV1PathsBelowTheMountAreFollowed(@TempDir Path root) throws IOException {
        file(root, "proc/self/cgroup", "4:memory:/process_api/job7\n1:cpu:/process_api/job7\n");
        file(root, "sys/fs/cgroup/cpu/process_api/job7/cpu.cfs_quota_us", "50000\n");
        file(root, "sys/fs/cgroup/cpu/process_api/job7/cpu.cfs_period_us", "100000\n");
        file(root, "sys/fs/cgroup/memory/process_api/job7/memory.limit_in_bytes", Long.toString(3 * GB));
        HardwareShare s = HardwareShare.detect(root);
        assertEquals(0.5, s.cpuQuotaVcpus(), 0.0);
        assertEquals(0.5, s.vcpus(4), 0.0);
        assertEquals(3 * GB, s.memoryLimitBytes());
    }

    @Test
    void aMemoryLimitAboveTheMachinesMemoryIsNoLimit() {
        HardwareShare s = new HardwareShare(false, "", "", "", Double.NaN, 0, 64 * GB);
        assertEquals(16 * GB, s.memoryBytes(16 * GB));
        assertFalse(s.memoryLimited(16 * GB));
        assertTrue(s.memoryLimited(0), "unknown machine memory: the limit is what is known");
        assertEquals(64 * GB, s.memoryBytes(0));
        assertFalse(new HardwareShare(false, "", "", "", Double.NaN, 0, 16 * GB).memoryLimited(16 * GB), "equal: none");
    }

    @Test
    void anEmptyOrUnreadableTreeIsBareMetalWithoutLimits(@TempDir Path root) {
        HardwareShare s = HardwareShare.detect(root.resolve("absent"));
        assertEquals(HardwareShare.NONE, s);
        assertEquals(8.0, s.vcpus(8), 0.0);
        assertEquals(1.0, s.vcpus(0), 0.0, "at least one CPU");
        assertSame(HardwareShare.NONE, HardwareShare.detect(null), "never throws");
    }

    @Test
    void cgroupV1CpuJointWithCpuacctIsRead(@TempDir Path root) throws IOException {
        file(root, "proc/self/cgroup", "1:cpu,cpuacct:/\n");
        file(root, "sys/fs/cgroup/cpu,cpuacct/cpu.cfs_quota_us", "200000\n");
        file(root, "sys/fs/cgroup/cpu,cpuacct/cpu.cfs_period_us", "100000\n");
        assertEquals(2.0, HardwareShare.detect(root).cpuQuotaVcpus(), 0.0);
    }

    @Test
    void theRealMachineIsReadWithoutThrowing() {
        HardwareShare s = HardwareShare.detect();
        assertTrue(s.vcpus(Runtime.getRuntime().availableProcessors()) >= 1);
    }

    @Test
    void aZeroQuotaOrMemoryLimitIsNone() {
        HardwareShare zero = new HardwareShare(false, "", "", "", 0, 0, 0);
        assertEquals(8.0, zero.vcpus(8), 0.0);
        assertFalse(zero.memoryLimited(16 * GB));
        assertEquals(5, HardwareShare.minLimit(0, 5));
        assertEquals(5, HardwareShare.minLimit(5, 0));
        assertEquals(3, HardwareShare.minLimit(5, 3));
        assertEquals(-1, HardwareShare.minLimit(-1, -1));
    }

    @Test
    void cpuMaxAndQuotaParsing() {
        assertEquals(2.0, HardwareShare.cpuMax("200000 100000"), 0.0);
        assertTrue(Double.isNaN(HardwareShare.cpuMax("0 100000")));
        assertTrue(Double.isNaN(HardwareShare.cpuMax("1 2 3")));
        assertTrue(Double.isNaN(HardwareShare.cpuMax("max 100000")));
        assertTrue(Double.isNaN(HardwareShare.cpuMax("200000")));
        assertTrue(Double.isNaN(HardwareShare.cpuMax("x 100000")));
        assertTrue(Double.isNaN(HardwareShare.cpuMax("100000 0")));
        assertTrue(Double.isNaN(HardwareShare.cfsQuota("-1", "100000")));
        assertEquals(0.25, HardwareShare.cfsQuota("25000", "100000"), 0.0);
    }

    @Test
    void cpusetListsAndMemoryValues() {
        assertEquals(7, HardwareShare.cpuCount("0-3,8,10-11"));
        assertEquals(1, HardwareShare.cpuCount("5"));
        assertEquals(1, HardwareShare.cpuCount("5-5"));
        assertEquals(0, HardwareShare.cpuCount(""));
        assertEquals(0, HardwareShare.cpuCount("3-1"));
        assertEquals(0, HardwareShare.cpuCount("a-b"));
        assertEquals(0, HardwareShare.cpuCount("x"));
        assertEquals(2, HardwareShare.cpuCount("0,,1"));
        assertEquals(1024, HardwareShare.bytes("1024"));
        assertEquals(-1, HardwareShare.bytes("max"));
        assertEquals(-1, HardwareShare.bytes("0"));
        assertEquals(-1, HardwareShare.bytes(Long.toString(1L << 60)));
        assertEquals((1L << 60) - 1, HardwareShare.bytes(Long.toString((1L << 60) - 1)));
    }

    @Test
    void cgroupV1ControllerPaths() {
        List<String> v1 = new ArrayList<>(List.of("2:cpu,cpuacct:/a/b", "4:memory:/m", "bad line"));
        assertEquals("/a/b", HardwareShare.path(v1, "cpu"));
        assertEquals("/a/b", HardwareShare.path(v1, "cpuacct"));
        assertEquals("/m", HardwareShare.path(v1, "memory"));
        assertEquals("/", HardwareShare.path(v1, "cpuset"));
        Path m = Path.of("/fs");
        assertEquals(List.of(m.resolve("a/b"), m.resolve("a"), m), HardwareShare.upwards(m, "/a/b"));
        assertEquals(List.of(m), HardwareShare.upwards(m, "/"));
        assertEquals(List.of(m), HardwareShare.upwards(m, null));
        assertEquals(List.of(m.resolve("a"), m), HardwareShare.upwards(m, "a"));
    }

    @Test
    void cloudFromDmi() {
        assertEquals("aws", HardwareShare.cloud("Amazon EC2", "m5.large", ""));
        assertEquals("aws", HardwareShare.cloud("Xen", "HVM domU", "EC2abcd"));
        assertEquals("gcp", HardwareShare.cloud("Google", "Google Compute Engine", ""));
        assertEquals("azure", HardwareShare.cloud("Microsoft Corporation", "Virtual Machine", ""));
        assertEquals("", HardwareShare.cloud("Microsoft Corporation", "Surface Laptop", ""));
        assertEquals("", HardwareShare.cloud("QEMU", "Standard PC", ""));
    }
}
