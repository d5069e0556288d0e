package io.mlco2.tracker.cli;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code java -jar mlco2-agent.jar <command> [args]}: the agent's command line. Each command declares its options in
 * an {@link ArgParser}; this class parses with it, prints {@code --help}, and reports bad input the same way for every
 * command: one line on stderr, {@code <command>: <what>: '<value>' is <problem>; expected <accepted>}, a pointer to
 * {@code <command> --help}, exit code 2.
 */
public final class Cli {

    private Cli() {
    }

    static Map<String, Command> commands() {
        Map<String, Command> c = new LinkedHashMap<>();
        for (Command cmd : new Command[] {new VersionCommand(), new EstimateCommand(), new ReplayCommand(),
                new ReportCommand(), new RunningJvms.ListCommand(), new RunningJvms.AttachCommand()}) {
            c.put(cmd.parser().command(), cmd);
        }
        return c;
    }

    /** Entry point called by the agent jar's bootstrap {@code Main}. */
    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    public static int run(String[] args, PrintStream out, PrintStream err) {
        Map<String, Command> commands = commands();
        if (args.length == 0) {
            err.println(usage(commands));
            return 2;
        }
        String name = args[0];
        if (name.equals("--help") || name.equals("-h") || name.equals("help")) {
            if (args.length > 1 && commands.containsKey(args[1])) {
                out.println(commands.get(args[1]).parser().usage());
            } else {
                out.println(usage(commands));
            }
            return 0;
        }
        Command cmd = commands.get(name);
        if (cmd == null) {
            err.println("mlco2-agent: '" + name + "' is not a command; expected one of "
                    + String.join(", ", commands.keySet()) + "; see: " + ArgParser.PROGRAM + " --help");
            return 2;
        }
        try {
            ArgParser.Parsed parsed = cmd.parser().parse(Arrays.copyOfRange(args, 1, args.length));
            if (parsed.help()) {
                out.println(cmd.parser().usage());
                return 0;
            }
            return cmd.run(parsed, out, err);
        } catch (ArgParser.BadArgs e) {
            err.println(name + ": " + e.getMessage() + "; see: " + ArgParser.PROGRAM + " " + name + " --help");
            return 2;
        } catch (RuntimeException e) {
            err.println(name + " failed: " + e);
            return 1;
        }
    }

    /** What {@code --help} prints: every command's synopsis and summary. */
    static String usage(Map<String, Command> commands) {
        String nl = System.lineSeparator();
        StringBuilder s = new StringBuilder("usage: ").append(ArgParser.PROGRAM).append(" <command> [args]").append(nl);
        for (Command c : commands.values()) {
            s.append("  ").append(c.parser().synopsis()).append(nl);
            s.append("      ").append(c.parser().summary()).append(nl);
        }
        s.append(ArgParser.PROGRAM).append(" <command> --help: the command's options").append(nl);
        s.append("as an agent: java -javaagent:mlco2-agent.jar=mlco2.region=FR -jar your-app.jar");
        return s.toString();
    }
}
