package io.mlco2.tracker.hardware;

import io.mlco2.tracker.format.Tsv;

import java.util.Locale;

/**
 * Teads' per-instance EC2 watts ({@code teads-instances.tsv}, from CCF's copy of the Teads dataset): for each
 * instance type its vCPUs, the platform's vCPUs and CPU, and the CPU package's and the memory's watts for the
 * instance's share at idle, 10, 50 and 100 % load. Read at the first lookup only. Immutable.
 */
public final class TeadsInstances {

    /** The loads Teads gives watts at. */
    public static final double[] LOADS = {0, 0.1, 0.5, 1};

    /**
     * One instance type.
     *
     * @param packageWatts the CPU package's watts for the instance at {@link #LOADS}
     * @param ramWatts     the memory's watts at {@link #LOADS}
     */
    public record Instance(String type, int vcpus, int platformVcpus, String platformCpu, double memoryGb,
                           double[] packageWatts, double[] ramWatts) {
    }

    private TeadsInstances() {
    }

    private static final class Holder {
        static final String TEXT = Tsv.resourceText(TeadsInstances.class, "/io/mlco2/tracker/data/teads-instances.tsv");
    }

    /** The instance type {@code type} (case-insensitive, e.g. {@code c5.2xlarge}), or {@code null}. */
    public static Instance find(String type) {
        if (type == null || type.isBlank()) {
            return null;
        }
        String t = type.trim().toLowerCase(Locale.ROOT);
        for (String[] f : Tsv.rows(Holder.TEXT, 13, "teads-instances.tsv")) {
            if (f[0].toLowerCase(Locale.ROOT).equals(t)) {
                return new Instance(f[0], Integer.parseInt(f[1]), Integer.parseInt(f[2]), f[3], Double.parseDouble(f[4]),
                        numbers(f, 5), numbers(f, 9));
            }
        }
        return null;
    }

    private static double[] numbers(String[] f, int from) {
        double[] v = new double[4];
        for (int i = 0; i < 4; i++) {
            v[i] = Double.parseDouble(f[from + i]);
        }
        return v;
    }
}
