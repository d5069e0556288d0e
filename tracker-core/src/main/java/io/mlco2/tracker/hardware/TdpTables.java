package io.mlco2.tracker.hardware;

import io.mlco2.tracker.format.Tsv;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Bundled CPU and GPU TDP tables with name matching that survives real device strings
 * ({@code Intel(R) Xeon(R) Gold 6148 CPU @ 2.40GHz}, {@code Tesla V100-SXM2-32GB}, {@code NVIDIA H200}).
 * Loaded once from {@code io/mlco2/tracker/data/gpus.tsv} (gpus.json's rows) and {@code cpus.tsv} (the rows of {@code cpus.json}) in the jar (built by
 * {@code scripts/build-data.py}; sources in {@code docs/DATA.md}). Thread safe (immutable).
 *
 * <p>No match gives an empty {@link Optional}: the caller picks a default (e.g. {@link #DEFAULT_CPU_TDP_WATTS}) and
 * warns. A generic name without a model number ({@code Intel(R) Xeon(R) Processor}, as some VMs report) does not
 * match: guessing one Xeon's TDP would be invented precision.
 */
public final class TdpTables {

    /** CodeCarbon's default for a CPU it cannot find. */
    public static final double DEFAULT_CPU_TDP_WATTS = 85.0;

    /** {@link TdpMatch#table()} for rows of the ML CO2 Impact calculator's table (and the GPUs added to it). */
    public static final String CALCULATOR_TABLE = "gpu table (mlco2/impact gpus.csv)";
    /** {@link TdpMatch#table()} for rows of CodeCarbon's CPU table. */
    public static final String CPU_TABLE = "cpu table (CodeCarbon cpu_power.csv)";

    private static final String DATA = "/io/mlco2/tracker/data/";

    private static final class Holder {
        static final TdpTables BUNDLED = load();
    }

    /** One row of the calculator's accelerator table: {@code type} is {@code gpu}, {@code tpu} or {@code cpu}. */
    public record CalculatorRow(String name, String type, double tdpWatts, String source) {
    }

    private final List<CalculatorRow> calculatorRows;
    private final CpuIndex cpus;
    /** Matcher rows of the calculator's table by subset, built when first asked for (a run on a machine without a
     * GPU builds few or none). */
    private final Map<String, List<NameMatcher.Row<CalculatorRow>>> matcherRows = new ConcurrentHashMap<>();

    private TdpTables(List<CalculatorRow> calculatorRows, CpuIndex cpus) {
        this.calculatorRows = List.copyOf(calculatorRows);
        this.cpus = cpus;
    }

    /** Every row of the calculator's table as a matcher row. */
    private List<NameMatcher.Row<CalculatorRow>> calculator() {
        return rows("all");
    }

    /** The calculator's GPUs and TPUs. */
    private List<NameMatcher.Row<CalculatorRow>> accelerators() {
        return rows("accelerators");
    }

    /** The calculator's CPU rows. */
    private List<NameMatcher.Row<CalculatorRow>> calculatorCpus() {
        return rows("cpus");
    }

    /** The matcher rows of a subset ({@code all}, {@code accelerators}, {@code cpus}), built at its first use. */
    private List<NameMatcher.Row<CalculatorRow>> rows(String subset) {
        List<NameMatcher.Row<CalculatorRow>> rows = matcherRows.get(subset);
        if (rows != null) {
            return rows;
        }
        List<NameMatcher.Row<CalculatorRow>> out = new ArrayList<>();
        for (CalculatorRow r : calculatorRows) {
            boolean cpu = r.type().equals("cpu");
            if (subset.equals("all") || (subset.equals("cpus") == cpu)) {
                out.add(NameMatcher.row(r.name(), r));
            }
        }
        rows = List.copyOf(out);
        List<NameMatcher.Row<CalculatorRow>> raced = matcherRows.putIfAbsent(subset, rows);
        return raced != null ? raced : rows;
    }

    public static TdpTables bundled() {
        return Holder.BUNDLED;
    }

    /** A CPU model name (as in {@code /proc/cpuinfo}) in CodeCarbon's CPU table, then the calculator's CPU rows. */
    public Optional<TdpMatch> cpu(String modelName) {
        // Written without Optional.map's lambdas: this runs on the agent's start-up path (docs/PERFORMANCE.md).
        Optional<NameMatcher.Row<Double>> m = cpus.best(modelName);
        if (m.isPresent()) {
            return Optional.of(new TdpMatch(modelName, m.get().name(), m.get().value(), CPU_TABLE));
        }
        Optional<NameMatcher.Row<CalculatorRow>> c = NameMatcher.best(modelName, calculatorCpus());
        return c.isPresent() ? Optional.of(calculatorMatch(modelName, c.get())) : Optional.empty();
    }

    /** A GPU or TPU name (as NVML reports it) in the calculator's table. */
    public Optional<TdpMatch> gpu(String deviceName) {
        return NameMatcher.best(deviceName, accelerators()).map(r -> calculatorMatch(deviceName, r));
    }

    /**
     * Any hardware the ML CO2 Impact calculator offers (its table mixes GPUs, TPUs and a few CPUs), then any CPU of
     * CodeCarbon's table: what {@code estimate --hardware} accepts.
     */
    public Optional<TdpMatch> hardware(String name) {
        Optional<TdpMatch> m = NameMatcher.best(name, calculator()).map(r -> calculatorMatch(name, r));
        return m.isPresent() ? m : cpus.best(name).map(r -> new TdpMatch(name, r.name(), r.value(), CPU_TABLE));
    }

    /** Up to {@code limit} bundled hardware names closest to {@code name}, accelerators first. */
    public List<String> suggestions(String name, int limit) {
        List<String> out = new ArrayList<>(NameMatcher.closest(name, calculator(), limit));
        for (String s : NameMatcher.closest(name, cpus.all(), limit)) {
            if (out.size() < limit + 2 && !out.contains(s)) {
                out.add(s);
            }
        }
        return out.subList(0, Math.min(out.size(), limit));
    }

    /** The calculator's rows (plus the GPUs this project added, see docs/DATA.md), in table order. */
    public List<CalculatorRow> calculatorRows() {
        return calculatorRows;
    }

    private static TdpMatch calculatorMatch(String query, NameMatcher.Row<CalculatorRow> r) {
        return new TdpMatch(query, r.name(), r.value().tdpWatts(), CALCULATOR_TABLE);
    }

    /**
     * Reads the bundled tables without Jackson or JSON (this runs on the agent's start-up path): the small GPU
     * table from {@code gpus.tsv} (gpus.json's rows, checked equal by {@code TdpTablesTest}; its matcher rows built
     * when first needed), the 4,898 CPU rows as {@link CpuIndex} (precomputed tokens, rows built only for
     * candidates).
     */
    private static TdpTables load() {
        return new TdpTables(calculatorRows(Tsv.resourceText(TdpTables.class, DATA + "gpus.tsv")),
                CpuIndex.bundled());
    }

    /** The rows of a {@code gpus.tsv} text ({@code name, type, tdp_watts, source}). */
    static List<CalculatorRow> calculatorRows(String tsv) {
        List<CalculatorRow> rows = new ArrayList<>();
        for (String[] f : Tsv.rows(tsv, 4, "gpus.tsv")) {
            rows.add(new CalculatorRow(f[0], f[1], Double.parseDouble(f[2]), f[3]));
        }
        return rows;
    }

}
