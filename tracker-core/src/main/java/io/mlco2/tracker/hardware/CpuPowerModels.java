package io.mlco2.tracker.hardware;

import io.mlco2.tracker.base.Log;
import io.mlco2.tracker.cpu.CpuPowerModel;
import io.mlco2.tracker.cpu.HardwareShare;
import io.mlco2.tracker.cpu.ModelBand;
import io.mlco2.tracker.format.Fmt;

import java.util.List;
import java.util.Locale;

/**
 * Picks the CPU power model where no counter measures the CPU (docs/MODELS.md), first that applies:
 * <ol>
 *   <li>{@code mlco2.cpu.watts-per-vcpu}: the user's idle and full-load watts per vCPU;</li>
 *   <li>a known EC2 instance type ({@code mlco2.cloud.instance-type}, else DMI {@code product_name} on EC2):
 *       Teads' package watts at 0, 10, 50 and 100 % (interpolated);</li>
 *   <li>a TDP the user set, or a bare-metal CPU found in the TDP table: TDP per thread (TDP / threads per
 *       package) at full load, with the idle floor of the CPU's architecture (CCF's min over max);</li>
 *   <li>a CPU model in Cloud Carbon Footprint's architecture lists: that architecture's min and max watts per vCPU
 *       (the cloud's file: {@code mlco2.region}'s provider, else DMI's, else AWS's);</li>
 *   <li>otherwise (VMs often hide the model: {@code AMD EPYC}, {@code Common KVM processor}): the average of the
 *       cloud's coefficient rows, or of all three clouds' rows, stated as such.</li>
 * </ol>
 * Each curve is for this JVM's share: the VM's vCPUs, or fewer under a container's CPU limit. The band is the
 * spread of the SPECpower servers of the architecture (10th-90th percentile of watts per thread, at idle and at
 * full load, as factors of the coefficient), or for the averages the spread of the rows averaged. The TDP the
 * static estimate counts is the same share of the package: TDP x vCPUs / threads per package.
 */
public final class CpuPowerModels {

    private CpuPowerModels() {
    }

    /**
     * The model for {@code cpuModel} on {@code share} of a machine of {@code logicalProcessors} CPUs in
     * {@code packages} packages. Never throws: an internal error gives the generic average.
     *
     * @param wattsPerVcpu   {@code mlco2.cpu.watts-per-vcpu} (idle, full), or {@code null}
     * @param instanceType   {@code mlco2.cloud.instance-type}, or {@code null}
     * @param region         {@code mlco2.region}, or {@code null} (its provider picks the coefficient file)
     * @param tdp            the CPU's TDP per package and where it came from ({@link CpuTdp#resolve}: the user's,
     *                       the table's or the default)
     */
    public static CpuPowerModel resolve(List<Double> wattsPerVcpu, String instanceType, String region, String cpuModel,
                                        int logicalProcessors, int packages, HardwareShare share, CpuTdp tdp,
                                        Log log, List<String> notes) {
        try {
            return resolve(CcfCoefficients.bundled(), wattsPerVcpu, instanceType, region, cpuModel, logicalProcessors,
                    packages, share, tdp, log, notes);
        } catch (RuntimeException | LinkageError e) {
            log.warn("internal error (" + Log.describe(e) + "); going on without it");
            double v = share.vcpus(logicalProcessors);
            return CpuPowerModel.perVcpu(v, 0, tdp.tdpWatts() * packages / Math.max(1, logicalProcessors), "tdp",
                    CpuPowerModel.count(v) + " CPUs", 1, 1, "none", tdp.tdpWatts() * packages, tdp.source());
        }
    }

    static CpuPowerModel resolve(CcfCoefficients ccf, List<Double> wattsPerVcpu, String instanceType, String region,
                                 String cpuModel, int logicalProcessors, int packages, HardwareShare share, CpuTdp tdp,
                                 Log log, List<String> notes) {
        boolean tdpConfigured = tdp.source().equals(CpuTdp.CONFIGURED);
        boolean tdpKnown = tdpConfigured || !tdp.source().startsWith(CpuTdp.DEFAULT);
        int logical = Math.max(1, logicalProcessors);
        double vcpus = share.vcpus(logical);
        boolean vm = share.virtualMachine();
        String cloud = cloud(region, share.cloud());
        String arch = ccf.architecture(cpuModel);
        String shareText = CpuPowerModel.count(vcpus) + (share.cpuLimited(logical) ? " of " + logical + " CPUs (container limit)"
                : vm ? " vCPUs of a VM" : " threads of " + Math.max(1, packages) + " package(s)");

        String type = instanceType != null ? instanceType : share.dmiProduct();
        TeadsInstances.Instance instance = TeadsInstances.find(type);
        if (instanceType != null && instance == null) {
            log.warn("mlco2.cloud.instance-type '" + instanceType + "' is not in the bundled EC2 table (Teads): "
                    + "expected an EC2 instance type such as c5.2xlarge; going on without it");
            notes.add("mlco2.cloud.instance-type '" + instanceType + "' unknown: ignored");
        }

        // the share of the package's TDP the static estimate counts
        int threads;
        String threadsSource;
        String[] listed = ccf.threadsPerPackage(cpuModel);
        if (listed == null && instance != null) {
            listed = ccf.threadsPerPackage(instance.platformCpu());
        }
        if (!vm) {
            threads = Math.max(1, logical / Math.max(1, packages));
            threadsSource = "this machine";
        } else if (listed != null) {
            threads = Integer.parseInt(listed[0]);
            threadsSource = listed[1];
        } else {
            threads = ccf.medianThreadsPerPackage();
            threadsSource = "median of CCF's AWS platforms, CPU model hidden";
        }
        double tdpShare = tdp.tdpWatts() * vcpus / threads;
        String tdpSource = tdp.source() + "; " + CpuPowerModel.count(vcpus) + " of " + threads
                + " threads per package (" + threadsSource + ")";

        if (wattsPerVcpu != null) {
            return CpuPowerModel.perVcpu(vcpus, wattsPerVcpu.get(0), wattsPerVcpu.get(1), "mlco2.cpu.watts-per-vcpu",
                    shareText, 1, 1, "none: the figures are the user's", tdpShare, tdpSource);
        }
        if (instance != null) {
            double f = Math.min(vcpus, instance.vcpus()) / instance.vcpus();
            double[] w = instance.packageWatts().clone();
            for (int i = 0; i < w.length; i++) {
                w[i] *= f;
            }
            String platformArch = ccf.architecture(instance.platformCpu());
            double[] spread = archFactors(ccf, platformArch);
            return new CpuPowerModel(TeadsInstances.LOADS.clone(), w, vcpus, "teads:" + instance.type(),
                    CpuPowerModel.count(vcpus) + " of " + instance.platformVcpus() + " vCPUs ("
                            + instance.platformCpu() + ")",
                    Fmt.fixed(w[0], 2) + "-" + Fmt.fixed(w[3], 2) + " W at 0-100 % (10 %: " + Fmt.fixed(w[1], 2)
                            + ", 50 %: " + Fmt.fixed(w[2], 2) + ")",
                    spread[0], spread[1], bandText(ccf, platformArch), tdpShare, tdpSource);
        }
        if (tdpConfigured || (tdpKnown && !vm)) {
            double maxPerThread = tdp.tdpWatts() / threads;
            CcfCoefficients.Row r = arch == null ? null : row(ccf, cloud, arch);
            double idleRatio = r != null ? r.minWattsPerVcpu() / r.maxWattsPerVcpu() : averageIdleRatio(ccf.rows());
            double[] f = archFactors(ccf, arch);
            return CpuPowerModel.perVcpu(vcpus, maxPerThread * idleRatio, maxPerThread,
                    "tdp:" + Fmt.fixed(tdp.tdpWatts(), 0) + " W (" + tdp.source() + ") / " + threads
                            + " threads, idle " + Fmt.fixed(idleRatio * 100, 0) + " % ("
                            + (r != null ? "ccf:" + r.cloud() + ":" + arch : "ccf average") + ")",
                    shareText, f[0], f[1], bandText(ccf, arch), tdpShare, tdpSource);
        }
        if (arch != null) {
            CcfCoefficients.Row r = row(ccf, cloud, arch);
            if (r != null) {
                double[] f = archFactors(ccf, arch);
                return CpuPowerModel.perVcpu(vcpus, r.minWattsPerVcpu(), r.maxWattsPerVcpu(),
                        "ccf:" + r.cloud() + ":" + arch, shareText, f[0], f[1], bandText(ccf, arch), tdpShare, tdpSource);
            }
        }
        List<CcfCoefficients.Row> rows = cloud.isEmpty() ? ccf.rows() : ccf.rows(cloud);
        double min = 0;
        double max = 0;
        for (CcfCoefficients.Row r : rows) {
            min += r.minWattsPerVcpu() / rows.size();
            max += r.maxWattsPerVcpu() / rows.size();
        }
        double[] f = averageFactors(rows);
        String which = cloud.isEmpty() ? "ccf:average of " + rows.size() + " rows (aws, gcp, azure)"
                : "ccf:" + cloud + ":average of " + rows.size() + " architectures";
        notes.add("CPU model '" + cpuModel + "' names no architecture: CPU power from the " + which.substring(4)
                + " per vCPU (set mlco2.cpu.watts-per-vcpu or mlco2.cloud.instance-type to correct it)");
        return CpuPowerModel.perVcpu(vcpus, min, max, which, shareText, f[0], f[1], averageBandText(rows.size()),
                tdpShare, tdpSource);
    }

    /**
     * The memory model's band: Teads' EC2 RAM watts per GB, 10th percentile at idle to 90th at 100 %
     * ({@code ram-band.tsv}), as factors of {@code wattsPerGb}.
     */
    public static ModelBand ramBand(double wattsPerGb) {
        try {
            return ramBand(wattsPerGb, io.mlco2.tracker.format.Tsv.resourceText(CpuPowerModels.class,
                    "/io/mlco2/tracker/data/ram-band.tsv"));
        } catch (RuntimeException e) {
            return ModelBand.exact("none: the band's table is unreadable");
        }
    }

    /** {@link #ramBand(double)} from the text of {@code ram-band.tsv}; a malformed text is none. */
    static ModelBand ramBand(double wattsPerGb, String tsv) {
        try {
            String[] f = io.mlco2.tracker.format.Tsv.rows(tsv, 3, "ram-band.tsv").get(0);
            return new ModelBand(Double.parseDouble(f[1]) / wattsPerGb, Double.parseDouble(f[2]) / wattsPerGb,
                    "Teads EC2 RAM watts per GB (" + f[0] + " instance types): 10th percentile at idle ("
                            + Fmt.fixed(Double.parseDouble(f[1]), 2) + ") to 90th at full load ("
                            + Fmt.fixed(Double.parseDouble(f[2]), 2) + ")");
        } catch (RuntimeException e) {
            return ModelBand.exact("none: the band's table is unreadable");
        }
    }

    /** The provider of {@code region} ({@code aws:us-east-1} is {@code aws}) when CCF has its file, else {@code dmi}. */
    static String cloud(String region, String dmi) {
        if (region != null) {
            String p = region.substring(0, Math.max(0, region.indexOf(':'))).trim().toLowerCase(Locale.ROOT);
            if (p.equals("aws") || p.equals("gcp") || p.equals("azure")) {
                return p;
            }
        }
        return dmi == null ? "" : dmi;
    }

    /** {@code arch}'s row in {@code cloud}'s file, else in AWS's (the one with every architecture), else null. */
    static CcfCoefficients.Row row(CcfCoefficients ccf, String cloud, String arch) {
        CcfCoefficients.Row r = cloud.isEmpty() ? null : ccf.row(cloud, arch);
        return r != null ? r : ccf.row("aws", arch);
    }

    /**
     * The band of {@code arch} as factors of its AWS coefficients: the lower of the SPECpower servers' 10th
     * percentile over the coefficient at idle and at full load, and the higher of their 90th percentiles; for an
     * unknown architecture ({@code null}) or one without servers, {@link #averageFactors} of all rows.
     */
    static double[] archFactors(CcfCoefficients ccf, String arch) {
        CcfCoefficients.Band b = arch == null ? null : ccf.band(arch);
        CcfCoefficients.Row r = arch == null ? null : row(ccf, "aws", arch);
        if (b == null || r == null) {
            return averageFactors(ccf.rows());
        }
        return new double[] {
            Math.min(b.idleP10() / r.minWattsPerVcpu(), b.fullP10() / r.maxWattsPerVcpu()),
            Math.max(b.idleP90() / r.minWattsPerVcpu(), b.fullP90() / r.maxWattsPerVcpu())};
    }

    static String bandText(CcfCoefficients ccf, String arch) {
        CcfCoefficients.Band b = arch == null ? null : ccf.band(arch);
        return b == null ? averageBandText(ccf.rows().size())
                : "SPECpower: " + b.servers() + " " + arch + " servers, 10th-90th percentile of watts per thread";
    }

    private static String averageBandText(int rows) {
        return "the lowest and highest of the " + rows + " coefficient rows averaged";
    }

    /** The band of an average: the lowest and highest rows' min and max over the average's. */
    static double[] averageFactors(List<CcfCoefficients.Row> rows) {
        double minSum = 0;
        double maxSum = 0;
        double minLow = Double.MAX_VALUE;
        double minHigh = 0;
        double maxLow = Double.MAX_VALUE;
        double maxHigh = 0;
        for (CcfCoefficients.Row r : rows) {
            minSum += r.minWattsPerVcpu();
            maxSum += r.maxWattsPerVcpu();
            minLow = Math.min(minLow, r.minWattsPerVcpu());
            minHigh = Math.max(minHigh, r.minWattsPerVcpu());
            maxLow = Math.min(maxLow, r.maxWattsPerVcpu());
            maxHigh = Math.max(maxHigh, r.maxWattsPerVcpu());
        }
        double minMean = minSum / rows.size();
        double maxMean = maxSum / rows.size();
        return new double[] {Math.min(minLow / minMean, maxLow / maxMean), Math.max(minHigh / minMean, maxHigh / maxMean)};
    }

    static double averageIdleRatio(List<CcfCoefficients.Row> rows) {
        double min = 0;
        double max = 0;
        for (CcfCoefficients.Row r : rows) {
            min += r.minWattsPerVcpu();
            max += r.maxWattsPerVcpu();
        }
        return min / max;
    }
}
