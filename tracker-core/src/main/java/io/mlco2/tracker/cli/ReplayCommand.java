package io.mlco2.tracker.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mlco2.tracker.gpu.GpuReplay;
import io.mlco2.tracker.base.Log;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;

/**
 * {@code replay TRACE.csv [--interval 1s] [--counter-interval 1s]}: feeds a recorded NVML trace through the GPU
 * accounting the agent uses live (see {@link GpuReplay}) and prints, per phase and for the whole trace, the trace's
 * counter delta, what the accounting measured, and what each power-only choice would have measured (the agent's,
 * {@code power_*}, and the instant reading's trapezoid, {@code instant_*}), as JSON.
 */
public final class ReplayCommand implements Command {

    private static final String TRACE_ACCEPTED = "a CSV file with a header holding t_ns and power_mW, then one row "
            + "per sample in time order (as recorded by trace.py)";

    private final ArgParser parser = new ArgParser("replay",
            "replay a recorded NVML trace through the GPU accounting; prints JSON");
    private final ArgParser.Operand<Path> traceArg = parser.operand("TRACE.csv",
            ArgParser.path(ArgParser.PathCheck.FILE, TRACE_ACCEPTED), "the trace");
    private final ArgParser.Option<Duration> intervalOpt = parser.optional("--interval", "D",
            ArgParser.duration(Duration.ofMillis(1), "a duration >= 1ms, e.g. 1s or 100ms"), "1s",
            "the sampling interval (the agent's mlco2.interval)");
    private final ArgParser.Option<Duration> counterIntervalOpt = parser.optional("--counter-interval", "D",
            ArgParser.duration(Duration.ofMillis(1), "a duration >= 1ms, e.g. 1s or 100ms"), "1s",
            "how often the NVML energy counter is read (mlco2.gpu.counter-interval)");

    @Override
    public ArgParser parser() {
        return parser;
    }

    @Override
    public int run(ArgParser.Parsed args, PrintStream out, PrintStream err) throws ArgParser.BadArgs {
        Path trace = args.get(traceArg);
        GpuReplay.Result r;
        try {
            r = GpuReplay.run(trace, args.get(intervalOpt), args.get(counterIntervalOpt), new Log(err, Log.Level.WARN));
        } catch (IllegalArgumentException e) {
            throw new ArgParser.BadArgs(traceArg.label + ": '" + trace + "' is not a trace (" + e.getMessage()
                    + "); expected " + TRACE_ACCEPTED);
        } catch (IOException e) {
            throw ArgParser.BadArgs.value(traceArg.label, trace.toString(), "not readable (" + Log.describe(e) + ")",
                    TRACE_ACCEPTED);
        }
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        try {
            out.println(mapper.writeValueAsString(toJson(mapper, trace, r)));
        } catch (IOException e) {
            err.println("cannot write JSON: " + Log.describe(e));
            return 1;
        }
        return 0;
    }

    static ObjectNode toJson(ObjectMapper mapper, Path trace, GpuReplay.Result r) {
        ObjectNode root = mapper.createObjectNode();
        root.put("trace", trace.toString());
        root.put("device", r.device());
        root.put("rows", r.rows());
        root.put("interval_s", r.interval().toNanos() / 1e9);
        root.put("counter_interval_s", r.counterInterval().toNanos() / 1e9);
        root.put("samples", r.samples());
        num(root, "power_boundary_uncertainty_s", round(r.powerBoundaryUncertaintySeconds(), 3));
        ObjectNode phases = root.putObject("phases");
        for (GpuReplay.Window w : r.phases()) {
            String key = w.name();
            for (int n = 2; phases.has(key); n++) {
                key = w.name() + "#" + n;
            }
            phases.set(key, window(mapper, w));
        }
        root.set("total", window(mapper, r.total()));
        return root;
    }

    private static ObjectNode window(ObjectMapper mapper, GpuReplay.Window w) {
        ObjectNode o = mapper.createObjectNode();
        o.put("span_s", round(w.spanSeconds(), 3));
        num(o, "counter_j", round(w.counterJoules(), 3));
        o.put("measured_j", round(w.measuredJoules(), 3));
        num(o, "error_pct", round(w.errorPct(), 4));
        o.put("method", w.method());
        o.put("power_integrated_j", round(w.powerIntegratedJoules(), 3));
        num(o, "power_error_pct", round(w.powerErrorPct(), 3));
        o.put("power_method", w.powerMethod());
        o.put("instant_integrated_j", round(w.instantIntegratedJoules(), 3));
        num(o, "instant_error_pct", round(w.instantErrorPct(), 3));
        o.put("instant_method", w.instantMethod());
        return o;
    }

    private static void num(ObjectNode o, String key, double v) {
        if (Double.isNaN(v)) {
            o.putNull(key);
        } else {
            o.put(key, v);
        }
    }

    private static double round(double v, int digits) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return v;
        }
        double f = Math.pow(10, digits);
        return Math.round(v * f) / f;
    }
}
