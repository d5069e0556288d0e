package io.mlco2.tracker.hardware;

import io.mlco2.tracker.base.Log;
import io.mlco2.tracker.cpu.CpuPowerModel;
import io.mlco2.tracker.cpu.HardwareShare;
import io.mlco2.tracker.cpu.ModelBand;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The CPU power model picked for each kind of machine, from fixture trees of the files Linux shows. The expected
 * watts at 0, 50 and 100 % are computed here from the byte-identical copies of Cloud Carbon Footprint's and Teads'
 * files and Green Algorithms' TDP table under {@code raw/}, not from the agent's tables.
 */
class CpuPowerModelsTest {

    static final double[] LOADS = {0, 0.5, 1};
    static final CpuTdp DEFAULT_TDP = new CpuTdp(85, "default (CPU model not in the table)");

    private final ByteArrayOutputStream logged = new ByteArrayOutputStream();
    private final Log log = new Log(new PrintStream(logged, true, StandardCharsets.UTF_8), Log.Level.DEBUG);
    private final List<String> notes = new ArrayList<>();

    // ---- the oracle: the raw files -------------------------------------------------------------------------

    /** {min, max} watts per vCPU of {@code arch} in CCF's {@code cloud} file. */
    static double[] ccfRow(String cloud, String arch) {
        for (Map<String, String> r : RawCsv.read("ccf-output__coefficients-" + cloud + "-use.csv")) {
            if (r.get("Architecture").equals(arch)) {
                return new double[] {Double.parseDouble(r.get("Min Watts")), Double.parseDouble(r.get("Max Watts"))};
            }
        }
        throw new AssertionError(arch + " not in " + cloud);
    }

    /** {mean min, mean max} watts per vCPU of the rows of the clouds named. */
    static double[] ccfAverage(String... clouds) {
        double min = 0;
        double max = 0;
        int n = 0;
        for (String cloud : clouds) {
            for (Map<String, String> r : RawCsv.read("ccf-output__coefficients-" + cloud + "-use.csv")) {
                min += Double.parseDouble(r.get("Min Watts"));
                max += Double.parseDouble(r.get("Max Watts"));
                n++;
            }
        }
        return new double[] {min / n, max / n, n};
    }

    /** Teads' row of an EC2 instance type (decimal commas). */
    static Map<String, String> teads(String type) {
        for (Map<String, String> r : RawCsv.read("ccf-data__aws-instances.csv")) {
            if (r.get("Instance type").equals(type)) {
                return r;
            }
        }
        throw new AssertionError(type);
    }

    static double comma(String v) {
        return Double.parseDouble(v.replace(',', '.'));
    }

    static boolean listed(String list, String model) throws IOException {
        try (var in = CpuPowerModelsTest.class.getResourceAsStream("/io/mlco2/tracker/data/raw/ccf-data__" + list + ".csv")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().anyMatch(l -> l.trim().equals(model));
        }
    }

    static void assertCurve(CpuPowerModel m, double vcpus, double min, double max) {
        for (double u : LOADS) {
            assertEquals(vcpus * (min + u * (max - min)), m.watts(u), 1e-9, "at " + u);
        }
    }

    CpuPowerModel resolve(HardwareShare share, String model, int logical, int packages, CpuTdp tdp, String region) {
        return CpuPowerModels.resolve(null, null, region, model, logical, packages, share, tdp, log, notes);
    }

    // ---- the machines ---------------------------------------------------------------------------------------

    @Test
    void aKvmVmWithAHiddenModelGetsTheAverageOfAllCloudsRowsForItsTwoVcpus(@TempDir Path root) throws IOException {
        HardwareShare share = HardwareShare.detect(fixture("kvm", root));
        CpuPowerModel m = resolve(share, "AMD EPYC", 2, 1, DEFAULT_TDP, null);
        double[] avg = ccfAverage("aws", "gcp", "azure");
        assertCurve(m, 2, avg[0], avg[1]);
        assertEquals("ccf:average of " + (int) avg[2] + " rows (aws, gcp, azure)", m.data());
        assertEquals("2 vCPUs of a VM", m.share());
        assertTrue(m.describe().startsWith("ccf:average of 37 rows (aws, gcp, azure), 2 vCPUs of a VM, "), m.describe());
        assertTrue(notes.get(0).contains("'AMD EPYC' names no architecture"), notes.toString());
        assertEquals("the lowest and highest of the " + (int) avg[2] + " coefficient rows averaged", m.band());
        // the full-load figure is within the rows' own spread, far from a whole socket's 85 W
        assertTrue(m.watts(1) < 2 * 9 && m.watts(1) > 2 * 1.5, "" + m.watts(1));
        // the TDP estimate counts the same 2 vCPUs of a package of the median AWS platform's threads
        List<Integer> perSocket = new ArrayList<>();
        for (Map<String, String> r : RawCsv.read("ccf-data__aws-instances-cpus.csv")) {
            perSocket.add(Integer.parseInt(r.get("Total Number of vCPU per socket")));
        }
        perSocket.sort(null);
        int median = perSocket.get((perSocket.size() - 1) / 2);
        assertEquals(85.0 * 2 / median, m.tdpWatts(), 1e-9);
        assertTrue(m.tdpSource().contains("2 of " + median + " threads per package"), m.tdpSource());
    }

    @Test
    void theRegionsCloudPicksItsOwnAverage(@TempDir Path root) throws IOException {
        HardwareShare share = HardwareShare.detect(fixture("kvm", root));
        CpuPowerModel m = resolve(share, "Common KVM processor", 2, 1, DEFAULT_TDP, "aws:us-east-1");
        double[] avg = ccfAverage("aws");
        assertCurve(m, 2, avg[0], avg[1]);
        assertEquals("ccf:aws:average of " + (int) avg[2] + " architectures", m.data());
    }

    @Test
    void anAwsNitroInstanceGetsTeadsWattsInterpolated(@TempDir Path root) throws IOException {
        HardwareShare share = HardwareShare.detect(fixture("aws", root));
        CpuTdp tdp = new CpuTdp(240, "cpu table: Xeon Platinum 8275CL");
        CpuPowerModel m = resolve(share, "Intel(R) Xeon(R) Platinum 8275CL CPU @ 3.00GHz", 8, 1, tdp, null);
        Map<String, String> t = teads("c5.2xlarge");
        assertEquals(comma(t.get("PkgWatt @ Idle")), m.watts(0), 1e-9);
        assertEquals(comma(t.get("PkgWatt @ 50%")), m.watts(0.5), 1e-9);
        assertEquals(comma(t.get("PkgWatt @ 100%")), m.watts(1), 1e-9);
        double at10 = comma(t.get("PkgWatt @ 10%"));
        assertEquals(at10 + (0.3 - 0.1) / (0.5 - 0.1) * (comma(t.get("PkgWatt @ 50%")) - at10), m.watts(0.3), 1e-9);
        assertEquals("teads:c5.2xlarge", m.data());
        assertEquals("8 of " + t.get("Platform Total Number of vCPU") + " vCPUs (" + t.get("Platform CPU Name") + ")", m.share());
        // 8275CL: the AWS platform's vCPUs per socket
        int perSocket = 0;
        for (Map<String, String> r : RawCsv.read("ccf-data__aws-instances-cpus.csv")) {
            if (r.get("CPU Name").equals("Xeon Platinum 8275CL")) {
                perSocket = Integer.parseInt(r.get("Total Number of vCPU per socket"));
            }
        }
        assertEquals(240.0 * 8 / perSocket, m.tdpWatts(), 1e-9);
        assertTrue(m.lowFactor() < 1 && m.highFactor() > 1, m.lowFactor() + " " + m.highFactor());
        assertTrue(m.band().startsWith("SPECpower: "), m.band());
    }

    @Test
    void aContainerSmallerThanItsInstanceGetsItsShareOfTeadsWatts(@TempDir Path root) throws IOException {
        HardwareShare dmi = HardwareShare.detect(fixture("aws", root));
        HardwareShare share = new HardwareShare(true, dmi.evidence(), "aws", "c5.2xlarge", 2, 0, -1);
        CpuPowerModel m = resolve(share, "Intel(R) Xeon(R) Platinum 8275CL CPU @ 3.00GHz", 8, 1, DEFAULT_TDP, null);
        Map<String, String> t = teads("c5.2xlarge");
        assertEquals(comma(t.get("PkgWatt @ 100%")) * 2 / Integer.parseInt(t.get("Instance vCPU")), m.watts(1), 1e-9);
    }

    @Test
    void theConfiguredInstanceTypeWinsOverDmi(@TempDir Path root) throws IOException {
        HardwareShare share = HardwareShare.detect(fixture("kvm", root));
        CpuPowerModel m = CpuPowerModels.resolve(null, "m5.large", null, "Intel(R) Xeon(R) Platinum 8175M", 2, 1,
                share, DEFAULT_TDP, log, notes);
        Map<String, String> t = teads("m5.large");
        assertEquals(comma(t.get("PkgWatt @ 50%")), m.watts(0.5), 1e-9);
        assertEquals("teads:m5.large", m.data());
    }

    @Test
    void anUnknownInstanceTypeIsOneLineAndTheNextModelIsUsed(@TempDir Path root) throws IOException {
        HardwareShare share = HardwareShare.detect(fixture("kvm", root));
        CpuPowerModel m = CpuPowerModels.resolve(null, "c99.huge", null, "AMD EPYC", 2, 1, share, DEFAULT_TDP, log, notes);
        assertTrue(m.data().startsWith("ccf:average"), m.data());
        String err = logged.toString(StandardCharsets.UTF_8);
        assertEquals(1, err.lines().filter(l -> l.contains("c99.huge")).count(), err);
        assertTrue(err.contains("expected an EC2 instance type such as c5.2xlarge"), err);
    }

    @Test
    void aGcpN2VmHidesItsModelAndGetsGcpsAverage(@TempDir Path root) throws IOException {
        HardwareShare share = HardwareShare.detect(fixture("gcp", root));
        CpuPowerModel m = resolve(share, "Intel(R) Xeon(R) CPU @ 2.80GHz", 4, 1, DEFAULT_TDP, null);
        double[] avg = ccfAverage("gcp");
        assertCurve(m, 4, avg[0], avg[1]);
        assertEquals("ccf:gcp:average of " + (int) avg[2] + " architectures", m.data());
    }

    @Test
    void anAzureDSeriesVmGetsAzuresRowOfItsArchitecture(@TempDir Path root) throws IOException {
        assertTrue(listed("intel-skylake", "8171M"), "the oracle: CCF lists the 8171M as Skylake");
        HardwareShare share = HardwareShare.detect(fixture("azure", root));
        CpuPowerModel m = resolve(share, "Intel(R) Xeon(R) Platinum 8171M CPU @ 2.60GHz", 4, 1, DEFAULT_TDP, null);
        double[] row = ccfRow("azure", "Skylake");
        assertCurve(m, 4, row[0], row[1]);
        assertEquals("ccf:azure:Skylake", m.data());
        assertTrue(m.describe().startsWith("ccf:azure:Skylake, 4 vCPUs of a VM, "), m.describe());
    }

    @Test
    void aVmOutsideAKnownCloudGetsAwsRowOfItsArchitecture(@TempDir Path root) throws IOException {
        assertTrue(listed("intel-cascadelake", "8275CL"));
        HardwareShare share = HardwareShare.detect(fixture("kvm", root));
        CpuPowerModel m = resolve(share, "Intel(R) Xeon(R) Platinum 8275CL CPU @ 3.00GHz", 2, 1, DEFAULT_TDP, null);
        double[] row = ccfRow("aws", "Cascade Lake");
        assertCurve(m, 2, row[0], row[1]);
        assertEquals("ccf:aws:Cascade Lake, 2 vCPUs of a VM, " + String.format("%.2f-%.2f W/vCPU", row[0], row[1]),
                m.describe());
    }

    @Test
    void aBareMetalTwoSocketEpycWithSmtGetsTdpPerThreadWithItsArchitecturesIdleFloor(@TempDir Path root) throws IOException {
        assertTrue(listed("amd-epyc-gen3", "EPYC 7763"));
        double tdpWatts = 0;
        int cores = 0;
        for (Map<String, String> r : RawCsv.readSkippingFirstRow("green-algorithms-TDP_cpu.csv")) {
            if (r.get("model").equals("AMD EPYC 7763")) {
                tdpWatts = Double.parseDouble(r.get("TDP"));
                cores = Integer.parseInt(r.get("n_cores"));
            }
        }
        int logical = 2 * cores * 2; // 2 sockets, 2 threads per core
        HardwareShare share = HardwareShare.detect(fixture("bare", root));
        CpuPowerModel m = resolve(share, "AMD EPYC 7763 64-Core Processor", logical, 2,
                new CpuTdp(tdpWatts, "cpu table: AMD EPYC 7763"), null);
        double[] row = ccfRow("aws", "EPYC 3rd Gen");
        double full = 2 * tdpWatts;
        double idle = full * row[0] / row[1];
        for (double u : LOADS) {
            assertEquals(idle + u * (full - idle), m.watts(u), 1e-9, "at " + u);
        }
        assertEquals(full, m.tdpWatts(), 1e-9, "the whole machine: both packages");
        assertEquals(logical + " threads of 2 package(s)", m.share());
        assertEquals("tdp:280 W (cpu table: AMD EPYC 7763) / " + (logical / 2) + " threads, idle "
                + Math.round(100 * row[0] / row[1]) + " % (ccf:aws:EPYC 3rd Gen)", m.data());
    }

    @Test
    void aDockerContainerLimitedToTwoCpusOnA64CpuHostIsChargedForTwo(@TempDir Path root) throws IOException {
        assertTrue(listed("amd-epyc-gen2", "EPYC 7502P"));
        HardwareShare share = HardwareShare.detect(fixture("docker", root));
        CpuPowerModel m = resolve(share, "AMD EPYC 7502P 32-Core Processor", 64, 1, DEFAULT_TDP, null);
        double[] row = ccfRow("aws", "EPYC 2nd Gen");
        assertCurve(m, 2, row[0], row[1]);
        assertEquals("2 of 64 CPUs (container limit)", m.share());
        assertEquals(85.0 * 2 / 64, m.tdpWatts(), 1e-9, "2 of the package's 64 threads");
    }

    @Test
    void aContainerOnBareMetalWithAKnownTdpGetsItsThreadsShare(@TempDir Path root) throws IOException {
        HardwareShare share = HardwareShare.detect(fixture("docker", root));
        CpuPowerModel m = resolve(share, "AMD EPYC 7502P 32-Core Processor", 64, 1, new CpuTdp(180, "cpu table: x"), null);
        double[] row = ccfRow("aws", "EPYC 2nd Gen");
        assertEquals(2 * 180.0 / 64, m.watts(1), 1e-9);
        assertEquals(2 * 180.0 / 64 * row[0] / row[1], m.watts(0), 1e-9);
    }

    @Test
    void theUsersWattsPerVcpuComeFirstWithNoBand(@TempDir Path root) throws IOException {
        HardwareShare share = HardwareShare.detect(fixture("aws", root));
        CpuPowerModel m = CpuPowerModels.resolve(List.of(1.0, 5.0), null, null, "x", 8, 1, share, DEFAULT_TDP, log, notes);
        assertCurve(m, 8, 1, 5);
        assertEquals("mlco2.cpu.watts-per-vcpu", m.data());
        assertEquals(1.0, m.lowFactor(), 0.0);
        assertEquals(1.0, m.highFactor(), 0.0);
    }

    @Test
    void theUsersTdpInAVmIsSharedOverThePackagesThreads(@TempDir Path root) throws IOException {
        HardwareShare share = HardwareShare.detect(fixture("kvm", root));
        CpuPowerModel m = resolve(share, "AMD EPYC", 2, 1, new CpuTdp(120, CpuTdp.CONFIGURED), null);
        assertTrue(m.data().startsWith("tdp:120 W (mlco2.cpu.tdp-watts)"), m.data());
        double[] avg = ccfAverage("aws", "gcp", "azure");
        assertTrue(m.data().endsWith(", idle " + Math.round(100 * avg[0] / avg[1]) + " % (ccf average)"), m.data());
        assertEquals(m.tdpWatts(), m.watts(1), 1e-9, "full load: the TDP of the share");
        assertEquals(m.tdpWatts() * avg[0] / avg[1], m.watts(0), 1e-9, "idle: the average rows' min over max");
        assertEquals(CpuPowerModels.averageFactors(CcfCoefficients.bundled().rows())[0], m.lowFactor(), 0.0);
        assertTrue(m.band().startsWith("the lowest and highest of the 37"), m.band());
    }

    @Test
    void theBandOfAnArchitectureIsTheSpreadOfItsSpecpowerServers() {
        // The oracle: SPECpower's EPYC 2nd Gen servers, found by CCF's list of its models (whole words), their
        // watts per thread at active idle and at 100 %, 10th and 90th percentiles (nearest rank).
        List<String> models = new ArrayList<>();
        try (var in = getClass().getResourceAsStream("/io/mlco2/tracker/data/raw/ccf-data__amd-epyc-gen2.csv")) {
            new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().map(String::trim)
                    .filter(l -> !l.isEmpty()).forEach(models::add);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        List<Double> idle = new ArrayList<>();
        List<Double> full = new ArrayList<>();
        for (Map<String, String> r : RawCsv.read("ccf-data__SPECpower-2026-03-09.csv")) {
            String d = " " + r.get("CPU Description") + " ";
            boolean gen2 = false;
            for (String model : models) {
                gen2 |= d.contains(" " + model + " ") || d.contains(" " + model + ",");
            }
            if (gen2) {
                double threads = Double.parseDouble(r.get("Total Threads"));
                idle.add(Double.parseDouble(r.get("avg. watts @ active idle")) / threads);
                full.add(Double.parseDouble(r.get("avg. watts @ 100%")) / threads);
            }
        }
        idle.sort(null);
        full.sort(null);
        int n = idle.size();
        double[] row = ccfRow("aws", "EPYC 2nd Gen");
        double low = Math.min(idle.get((int) (0.1 * (n - 1))) / row[0], full.get((int) (0.1 * (n - 1))) / row[1]);
        double high = Math.max(idle.get((int) (0.9 * (n - 1))) / row[0], full.get((int) (0.9 * (n - 1))) / row[1]);
        CpuPowerModel m = resolve(HardwareShare.NONE, "AMD EPYC 7702 64-Core Processor", 128, 1, DEFAULT_TDP, null);
        assertEquals("ccf:aws:EPYC 2nd Gen", m.data());
        assertEquals(Math.min(1, low), m.lowFactor(), 1e-9);
        assertEquals(Math.max(1, high), m.highFactor(), 1e-9);
        assertEquals("SPECpower: " + n + " EPYC 2nd Gen servers, 10th-90th percentile of watts per thread", m.band());
    }

    @Test
    void theRamBandIsTeadsWattsPerGbSpreadOverTheModelsFigure() {
        List<Double> idle = new ArrayList<>();
        List<Double> full = new ArrayList<>();
        for (Map<String, String> r : RawCsv.read("ccf-data__aws-instances.csv")) {
            double gb = comma(r.get("Instance Memory (in GB)"));
            idle.add(comma(r.get("RAMWatt @ Idle")) / gb);
            full.add(comma(r.get("RAMWatt @ 100%")) / gb);
        }
        idle.sort(null);
        full.sort(null);
        int n = idle.size();
        ModelBand b = CpuPowerModels.ramBand(0.3725);
        assertEquals(idle.get((int) (0.1 * (n - 1))) / 0.3725, b.lowFactor(), 1e-9);
        assertEquals(full.get((int) (0.9 * (n - 1))) / 0.3725, b.highFactor(), 1e-9);
        assertTrue(b.source().contains(n + " instance types"), b.source());
    }

    @Test
    void architecturesAreFoundAsWholeWordsTheLongestWinning() {
        CcfCoefficients ccf = CcfCoefficients.bundled();
        assertEquals("Cascade Lake", ccf.architecture("Intel(R) Xeon(R) Platinum 8275CL CPU @ 3.00GHz"));
        assertEquals("Broadwell", ccf.architecture("Intel(R) Xeon(R) CPU E5-2686 v4 @ 2.30GHz"));
        assertEquals("Ivy Bridge", ccf.architecture("Intel(R) Xeon(R) CPU E5-2670 v2 @ 2.50GHz"));
        assertEquals("Sandy Bridge", ccf.architecture("Intel(R) Xeon(R) CPU E5-2670 0 @ 2.60GHz"));
        assertEquals("EPYC 3rd Gen", ccf.architecture("AMD EPYC 7763 64-Core Processor"));
        assertNull(ccf.architecture("AMD EPYC 77630"), "a longer number is another CPU");
        assertNull(ccf.architecture("AMD EPYC Processor"));
        assertNull(ccf.architecture(""));
        assertNull(ccf.architecture(null));
        assertEquals("48", ccf.threadsPerPackage("Intel(R) Xeon(R) Platinum 8275CL CPU @ 3.00GHz")[0]);
        assertNotNull(ccf.threadsPerPackage("AMD EPYC 7763 64-Core Processor"));
        assertNull(ccf.threadsPerPackage("AMD EPYC"));
    }

    @Test
    void theBundledCoefficientsAreCcfsFiles() {
        CcfCoefficients ccf = CcfCoefficients.bundled();
        int n = 0;
        for (String cloud : List.of("aws", "gcp", "azure")) {
            for (Map<String, String> r : RawCsv.read("ccf-output__coefficients-" + cloud + "-use.csv")) {
                CcfCoefficients.Row row = ccf.row(cloud, r.get("Architecture"));
                assertEquals(Double.parseDouble(r.get("Min Watts")), row.minWattsPerVcpu(), 0.0);
                assertEquals(Double.parseDouble(r.get("Max Watts")), row.maxWattsPerVcpu(), 0.0);
                n++;
            }
        }
        assertEquals(n, ccf.rows().size());
    }

    @Test
    void theBundledTeadsRowsAreTeadsFile() {
        for (Map<String, String> r : RawCsv.read("ccf-data__aws-instances.csv")) {
            TeadsInstances.Instance i = TeadsInstances.find(r.get("Instance type"));
            assertEquals(Integer.parseInt(r.get("Instance vCPU")), i.vcpus(), r.toString());
            String[] cols = {"Idle", "10%", "50%", "100%"};
            for (int k = 0; k < 4; k++) {
                assertEquals(comma(r.get("PkgWatt @ " + cols[k])), i.packageWatts()[k], 0.0);
                assertEquals(comma(r.get("RAMWatt @ " + cols[k])), i.ramWatts()[k], 0.0);
            }
        }
        assertNull(TeadsInstances.find("nope"));
        assertNull(TeadsInstances.find(" "));
        assertNull(TeadsInstances.find(null));
        assertEquals("c5.2xlarge", TeadsInstances.find(" C5.2XLARGE ").type());
    }

    @Test
    void theRegionsProviderPicksTheCloudOnlyWhereCcfHasItsFile() {
        assertEquals("aws", CpuPowerModels.cloud("aws:us-east-1", "gcp"));
        assertEquals("gcp", CpuPowerModels.cloud("GCP:europe-west1", ""));
        assertEquals("azure", CpuPowerModels.cloud("ovh:gra", "azure"));
        assertEquals("", CpuPowerModels.cloud("FR", ""));
        assertEquals("", CpuPowerModels.cloud(null, null));
    }

    /** The fixture trees of HardwareShareTest's machines, written here (that test is in another package). */
    static Path fixture(String kind, Path root) throws IOException {
        String model;
        boolean vm = true;
        switch (kind) {
            case "aws" -> {
                model = "Intel(R) Xeon(R) Platinum 8275CL CPU @ 3.00GHz";
                write(root, "sys/class/dmi/id/sys_vendor", "Amazon EC2\n");
                write(root, "sys/class/dmi/id/product_name", "c5.2xlarge\n");
            }
            case "gcp" -> {
                model = "Intel(R) Xeon(R) CPU @ 2.80GHz";
                write(root, "sys/class/dmi/id/sys_vendor", "Google\n");
                write(root, "sys/class/dmi/id/product_name", "Google Compute Engine\n");
            }
            case "azure" -> {
                model = "Intel(R) Xeon(R) Platinum 8171M CPU @ 2.60GHz";
                write(root, "sys/class/dmi/id/sys_vendor", "Microsoft Corporation\n");
                write(root, "sys/class/dmi/id/product_name", "Virtual Machine\n");
            }
            case "bare" -> {
                model = "AMD EPYC 7763 64-Core Processor";
                vm = false;
            }
            case "docker" -> {
                model = "AMD EPYC 7502P 32-Core Processor";
                vm = false;
                write(root, "proc/self/cgroup", "0::/\n");
                write(root, "sys/fs/cgroup/cgroup.controllers", "cpu memory\n");
                write(root, "sys/fs/cgroup/cpu.max", "200000 100000\n");
            }
            default -> model = "AMD EPYC";
        }
        write(root, "proc/cpuinfo", "model name\t: " + model + "\nflags\t\t: fpu sse2" + (vm ? " hypervisor" : "") + "\n");
        return root;
    }

    private static void write(Path root, String relative, String text) throws IOException {
        Path f = root.resolve(relative);
        Files.createDirectories(f.getParent());
        Files.writeString(f, text);
    }

    // ---- the pieces, on rows made up here -------------------------------------------------------------------

    static CcfCoefficients made(List<CcfCoefficients.Row> rows, List<CcfCoefficients.Band> bands, List<String[]> platforms) {
        return new CcfCoefficients(rows, "# made up\nx 1\tArch\n", bands, platforms);
    }

    @Test
    void theBandOfAnAverageIsItsLowestAndHighestRowOverTheMean() {
        // min mean 2, max mean 6: low min(1/2, 4/6) = 0.5 (idle), high max(3/2, 8/6) = 1.5 (idle)
        double[] idle = CpuPowerModels.averageFactors(List.of(new CcfCoefficients.Row("a", "A", 1, 4),
                new CcfCoefficients.Row("a", "B", 2, 6), new CcfCoefficients.Row("a", "C", 3, 8)));
        assertEquals(0.5, idle[0], 1e-12);
        assertEquals(1.5, idle[1], 1e-12);
        // min mean 2, max mean 6: low min(1/2, 2/6) = 1/3 (full), high max(3/2, 10/6) = 5/3 (full)
        double[] full = CpuPowerModels.averageFactors(List.of(new CcfCoefficients.Row("a", "A", 1, 2),
                new CcfCoefficients.Row("a", "B", 3, 10)));
        assertEquals(1.0 / 3, full[0], 1e-12);
        assertEquals(5.0 / 3, full[1], 1e-12);
        assertEquals((1 + 3) / (2.0 + 10), CpuPowerModels.averageIdleRatio(List.of(new CcfCoefficients.Row("a", "A", 1, 2),
                new CcfCoefficients.Row("a", "B", 3, 10))), 1e-12);
    }

    @Test
    void theBandOfAnArchitectureTakesTheWiderOfIdleAndFull() {
        // coefficient 1 W idle, 10 W full; servers: idle 0.9-1.2, full 5-11: low min(0.9, 0.5), high max(1.2, 1.1)
        CcfCoefficients ccf = made(List.of(new CcfCoefficients.Row("aws", "Arch", 1, 10)),
                List.of(new CcfCoefficients.Band("Arch", 9, 0.9, 1.2, 5, 11)), List.of());
        double[] f = CpuPowerModels.archFactors(ccf, "Arch");
        assertEquals(0.5, f[0], 1e-12);
        assertEquals(1.2, f[1], 1e-12);
        // idle 0.2-3, full 9-20: low min(0.2, 0.9), high max(3, 2)
        CcfCoefficients other = made(List.of(new CcfCoefficients.Row("aws", "Arch", 1, 10)),
                List.of(new CcfCoefficients.Band("Arch", 9, 0.2, 3, 9, 20)), List.of());
        assertEquals(0.2, CpuPowerModels.archFactors(other, "Arch")[0], 1e-12);
        assertEquals(3.0, CpuPowerModels.archFactors(other, "Arch")[1], 1e-12);
        // no servers, or no architecture: the average's band
        CcfCoefficients none = made(List.of(new CcfCoefficients.Row("aws", "Arch", 1, 10),
                new CcfCoefficients.Row("aws", "B", 3, 30)), List.of(), List.of());
        double[] avg = CpuPowerModels.averageFactors(none.rows());
        assertEquals(avg[0], CpuPowerModels.archFactors(none, "Arch")[0], 0.0);
        assertEquals(avg[1], CpuPowerModels.archFactors(none, null)[1], 0.0);
        assertEquals("the lowest and highest of the 2 coefficient rows averaged", CpuPowerModels.bandText(none, "Arch"));
        assertEquals("the lowest and highest of the 2 coefficient rows averaged", CpuPowerModels.bandText(none, null));
        assertEquals("SPECpower: 9 Arch servers, 10th-90th percentile of watts per thread", CpuPowerModels.bandText(other, "Arch"));
    }

    @Test
    void theMedianThreadsPerPackageIsOfCcfsPlatformsOnly() {
        CcfCoefficients ccf = made(List.of(), List.of(), List.of(new String[] {"A", "10", "ccf aws-instances-cpus"},
                new String[] {"B", "2", "ccf aws-instances-cpus"}, new String[] {"C", "30", "ccf aws-instances-cpus"},
                new String[] {"D", "400", "green-algorithms TDP_cpu"}));
        assertEquals(10, ccf.medianThreadsPerPackage());
        assertEquals(1, made(List.of(), List.of(), List.of()).medianThreadsPerPackage());
        assertEquals("400", ccf.threadsPerPackage("Some D")[0]);
        assertEquals("green-algorithms TDP_cpu: D", ccf.threadsPerPackage("Some D")[1]);
    }

    @Test
    void nameWordsAreSplitAtSpacesAndCommasWithoutEmptyOnes() {
        assertEquals(List.of("intel", "xeon", "gold", "6148", "cpu"), CcfCoefficients.tokens("Intel(R) Xeon(R) Gold 6148 CPU @ 2.40GHz"));
        assertEquals(List.of("a", "b", "c"), CcfCoefficients.tokens("  A ,, b\tc "));
        assertEquals(List.of(), CcfCoefficients.tokens(null));
    }

    @Test
    void aMalformedRamBandTableIsNoBand() {
        assertEquals(1.0, CpuPowerModels.ramBand(0.3725, "x\ty\n").lowFactor(), 0.0);
        assertEquals("none: the band's table is unreadable", CpuPowerModels.ramBand(0.3725, "").source());
        assertEquals(0.5, CpuPowerModels.ramBand(2, "9\t1\t4\n").lowFactor(), 1e-12);
        assertEquals(2.0, CpuPowerModels.ramBand(2, "9\t1\t4\n").highFactor(), 1e-12);
    }

    @Test
    void anInternalErrorIsOneLineAndTheTdpCurve() {
        // a malformed figure (one number where the configuration gives two) stands for any internal error
        CpuPowerModel m = CpuPowerModels.resolve(List.of(5.0), null, null, "x", 8, 2, HardwareShare.NONE,
                new CpuTdp(100, "t"), log, notes);
        assertEquals(0.0, m.watts(0), 0.0);
        assertEquals(200.0, m.watts(1), 1e-9, "2 packages of 100 W over 8 CPUs");
        assertEquals(200.0, m.tdpWatts(), 1e-9);
        assertEquals("tdp", m.data());
        assertTrue(logged.toString(StandardCharsets.UTF_8).contains("internal error"), logged.toString(StandardCharsets.UTF_8));
    }

    @Test
    void theArchitectureScanTakesTheFirstOfEquallyLongWordsAndReadsEveryLine() {
        CcfCoefficients tie = new CcfCoefficients(List.of(), "a 1\tFirst\nb 1\tSecond\nlonger 1\tLast", List.of(), List.of());
        assertEquals("First", tie.architecture("CPU a 1 b 1"));
        assertEquals("Last", tie.architecture("the longer 1"), "the last line, without a line break");
        assertNull(tie.architecture("a 10"));
        assertNull(tie.architecture("1"));
        CcfCoefficients platforms = made(List.of(), List.of(), List.of(new String[] {"EPYC 7763", "10", "ccf"},
                new String[] {"AMD EPYC 7763", "20", "ga"}, new String[] {"EPYC 7764", "30", "ccf"}));
        assertEquals("20", platforms.threadsPerPackage("AMD EPYC 7763 64-Core Processor")[0], "the longest found");
        assertEquals("10", platforms.threadsPerPackage("EPYC 7763")[0]);
        CcfCoefficients reversed = made(List.of(), List.of(), List.of(new String[] {"AMD EPYC 7763", "20", "ga"},
                new String[] {"EPYC 7763", "10", "ccf"}));
        assertEquals("20", reversed.threadsPerPackage("AMD EPYC 7763 64-Core Processor")[0]);
    }
}
