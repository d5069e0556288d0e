package io.mlco2.tracker.cpu;

import io.mlco2.tracker.format.Fmt;

/**
 * The CPU power of this JVM's share of the hardware as a function of load, where no counter measures it: a
 * piecewise-linear curve through watts at given loads (two points, idle and full, for Cloud Carbon Footprint's
 * {@code vCPUs x (min + load x (max - min))}; four for Teads' idle, 10, 50 and 100 %), with the data row and the
 * share it stands for, the uncertainty band of the figures it gives, and the share of the CPU's TDP the static
 * estimate counts for the same share. Immutable.
 */
public final class CpuPowerModel {

    private final double[] loads;
    private final double[] watts;
    private final double vcpus;
    private final String data;
    private final String share;
    private final String curve;
    private final double lowFactor;
    private final double highFactor;
    private final String band;
    private final double tdpWatts;
    private final String tdpSource;

    /**
     * @param loads      increasing loads from 0 to 1
     * @param watts      the share's watts at each load
     * @param vcpus      the vCPUs the curve is for (this JVM's share)
     * @param data       the data row, e.g. {@code ccf:aws:Cascade Lake}
     * @param share      e.g. {@code 2 of 96 vCPUs}
     * @param curve      the curve's figures as the data gives them, e.g. {@code 0.69-4.06 W/vCPU}
     * @param lowFactor  the band's low end as a factor of the modelled energy (at most 1)
     * @param highFactor the band's high end (at least 1)
     * @param band       where the band comes from
     * @param tdpWatts   the TDP of the share, for the static estimate; {@code NaN} where unknown
     * @param tdpSource  where {@code tdpWatts} comes from and which share it is
     */
    public CpuPowerModel(double[] loads, double[] watts, double vcpus, String data, String share, String curve,
                         double lowFactor, double highFactor, String band, double tdpWatts, String tdpSource) {
        if (loads.length < 2 || loads.length != watts.length || loads[0] != 0 || loads[loads.length - 1] != 1) {
            throw new IllegalArgumentException("a curve from load 0 to 1, one watt figure per load");
        }
        this.loads = loads.clone();
        this.watts = watts.clone();
        this.vcpus = vcpus;
        this.data = data;
        this.share = share;
        this.curve = curve;
        this.lowFactor = Math.min(1, lowFactor);
        this.highFactor = Math.max(1, highFactor);
        this.band = band;
        this.tdpWatts = tdpWatts;
        this.tdpSource = tdpSource;
    }

    /**
     * Cloud Carbon Footprint's curve: {@code vcpus x (minWattsPerVcpu + load x (maxWattsPerVcpu - minWattsPerVcpu))}.
     */
    public static CpuPowerModel perVcpu(double vcpus, double minWattsPerVcpu, double maxWattsPerVcpu, String data,
                                        String share, double lowFactor, double highFactor, String band,
                                        double tdpWatts, String tdpSource) {
        return new CpuPowerModel(new double[] {0, 1}, new double[] {vcpus * minWattsPerVcpu, vcpus * maxWattsPerVcpu},
                vcpus, data, share, Fmt.fixed(minWattsPerVcpu, 2) + "-" + Fmt.fixed(maxWattsPerVcpu, 2) + " W/vCPU",
                lowFactor, highFactor, band, tdpWatts, tdpSource);
    }

    /** The share's watts at {@code load} (clamped to 0..1; an unknown load counts as idle). */
    public double watts(double load) {
        double u = Double.isNaN(load) ? 0 : Math.max(0, Math.min(1, load));
        int i = 1;
        while (u > loads[i]) { // the last load is 1: the segment is found
            i++;
        }
        double f = (u - loads[i - 1]) / (loads[i] - loads[i - 1]);
        return watts[i - 1] + f * (watts[i] - watts[i - 1]);
    }

    public double vcpus() {
        return vcpus;
    }

    public String data() {
        return data;
    }

    public String share() {
        return share;
    }

    public String curve() {
        return curve;
    }

    public double lowFactor() {
        return lowFactor;
    }

    public double highFactor() {
        return highFactor;
    }

    public String band() {
        return band;
    }

    public double tdpWatts() {
        return tdpWatts;
    }

    public String tdpSource() {
        return tdpSource;
    }

    /** e.g. {@code ccf:aws:Cascade Lake, 2 of 96 vCPUs, 0.69-4.06 W/vCPU}. */
    public String describe() {
        return data + ", " + share + ", " + curve;
    }

    /** A count of CPUs as text: {@code 2}, or {@code 1.50} for a fractional quota. */
    public static String count(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Fmt.fixed(v, 2);
    }

    @Override
    public String toString() {
        return describe();
    }
}
