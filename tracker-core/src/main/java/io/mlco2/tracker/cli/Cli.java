package io.mlco2.tracker.cli;

import io.mlco2.tracker.base.Version;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/** {@code java -jar mlco2-agent.jar <command> [args]}: the agent's command line. */
public final class Cli {

    private Cli() {
    }

    static Map<String, Command> commands() {
        Map<String, Command> c = new LinkedHashMap<>();
        c.put("version", (args, out, err) -> {
            out.println("mlco2-agent " + Version.get());
            return 0;
        });
        c.put("estimate", new EstimateCommand());
        c.put("replay", new ReplayCommand());
        c.put("report", new ReportCommand());
        return c;
    }

    /** Entry point called by the agent jar's bootstrap {@code Main}. */
    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    public static int run(String[] args, PrintStream out, PrintStream err) {
        Map<String, Command> commands = commands();
        if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h") || args[0].equals("help")) {
            usage(args.length == 0 ? err : out, commands);
            return args.length == 0 ? 2 : 0;
        }
        Command cmd = commands.get(args[0]);
        if (cmd == null) {
            err.println("unknown command '" + args[0] + "'; accepted: " + String.join(", ", commands.keySet()));
            return 2;
        }
        try {
            return cmd.run(Arrays.copyOfRange(args, 1, args.length), out, err);
        } catch (RuntimeException e) {
            err.println(args[0] + " failed: " + e);
            return 1;
        }
    }

    private static void usage(PrintStream s, Map<String, Command> commands) {
        s.println("usage: java -jar mlco2-agent.jar <command> [args]");
        s.println("  version                          print the agent's version");
        s.println("  estimate --hardware NAME --hours H --region R [--count N] [--pue P] [--json]");
        s.println("                                   the ML Emissions Calculator's estimate");
        s.println("  replay TRACE.csv [--interval 1s] [--counter-interval 1s]");
        s.println("                                   replay a recorded NVML trace through the GPU accounting");
        s.println("  report [--html FILE | --no-html] DIR...");
        s.println("                                   merge the reports of several runs or nodes");
        s.println("as an agent: java -javaagent:mlco2-agent.jar=mlco2.region=FR -jar your-app.jar");
    }
}
