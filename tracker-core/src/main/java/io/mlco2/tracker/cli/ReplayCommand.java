package io.mlco2.tracker.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mlco2.tracker.config.Parsers;
import io.mlco2.tracker.gpu.GpuReplay;
import io.mlco2.tracker.base.Log;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * {@code replay TRACE.csv [--interval 1s] [--counter-interval 1s]}: feeds a recorded NVML trace through the GPU
 * accounting the agent uses live (see {@link GpuReplay}) and prints, per phase and for the whole trace, the trace's
 * counter delta, what the accounting measured, and what power integration alone would have measured, as JSON.
 */
public final class ReplayCommand implements Command {

    static final String USAGE = "usage: replay TRACE.csv [--interval 1s] [--counter-interval 1s]";

    @Override
    public int run(String[] args, PrintStream out, PrintStream err) {
        Path trace = null;
        Duration interval = Duration.ofSeconds(1);
        Duration counterInterval = Duration.ofSeconds(1);
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--interval") || a.equals("--counter-interval")) {
                if (i + 1 >= args.length) {
                    err.println(a + " needs a value such as 1s or 100ms; " + USAGE);
                    return 2;
                }
                Duration d;
                try {
                    d = Parsers.duration(Duration.ofMillis(1)).apply(args[++i]);
                } catch (IllegalArgumentException e) {
                    err.println(a + " '" + args[i] + "': " + e.getMessage() + " (expected e.g. 1s, 100ms); " + USAGE);
                    return 2;
                }
                if (a.equals("--interval")) {
                    interval = d;
                } else {
                    counterInterval = d;
                }
            } else if (a.startsWith("-")) {
                err.println("unknown option '" + a + "'; " + USAGE);
                return 2;
            } else if (trace == null) {
                trace = Path.of(a);
            } else {
                err.println("one trace only, got '" + trace + "' and '" + a + "'; " + USAGE);
                return 2;
            }
        }
        if (trace == null) {
            err.println("no trace given; " + USAGE);
            return 2;
        }
        if (!Files.isRegularFile(trace)) {
            err.println("trace '" + trace + "' is not a readable file; " + USAGE);
            return 2;
        }
        GpuReplay.Result r;
        try {
            r = GpuReplay.run(trace, interval, counterInterval, new Log(err, Log.Level.WARN));
        } catch (IllegalArgumentException e) {
            err.println("not a trace: " + e.getMessage());
            return 2;
        } catch (IOException e) {
            err.println("cannot read trace: " + Log.describe(e));
            return 2;
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
        o.put("power_usage_integrated_j", round(w.powerUsageIntegratedJoules(), 3));
        num(o, "power_usage_error_pct", round(w.powerUsageErrorPct(), 3));
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
