package io.mlco2.tracker.cli;

import com.sun.tools.attach.AgentInitializationException;
import com.sun.tools.attach.AgentLoadException;
import com.sun.tools.attach.AttachNotSupportedException;
import com.sun.tools.attach.VirtualMachine;
import com.sun.tools.attach.VirtualMachineDescriptor;
import io.mlco2.tracker.base.AgentMarker;
import io.mlco2.tracker.base.Log;
import io.mlco2.tracker.config.Config;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * {@code list} and {@code attach}: this user's running JVMs, and the agent loaded into one of them while it runs,
 * through the JDK's Attach API (module {@code jdk.attach}; the agent jar's loader hands that package to it).
 *
 * <p>A JVM runs the agent when its system property {@value #RUNNING_PROPERTY} is set: the agent's bootstrap
 * ({@code AgentMain}) sets it to its start time, whether it was started by {@code -javaagent} or attached, and the
 * runtime to {@code disabled} or {@code failed} where it does not measure ({@link AgentMarker}).
 */
final class RunningJvms {

    /** Set by the agent ({@link AgentMarker}): its start time in epoch millis, or why it does not measure. */
    static final String RUNNING_PROPERTY = AgentMarker.PROPERTY;

    /** Set by the jar's {@code Main} to the agent jar's path: what {@code attach} loads into the other JVM. */
    static final String JAR_PROPERTY = "io.mlco2.agent.jar";

    private RunningJvms() {
    }

    /**
     * {@code list}: the JVMs of this user, each with whether the agent measures it. The command classes, like this
     * outer class, name no type of the Attach API ({@link AttachApi} does): they are loaded with every command, on a
     * JRE without module {@code jdk.attach} too.
     */
    static final class ListCommand implements Command {

        private final ArgParser parser = new ArgParser("list",
                "list this user's running JVMs (pid, main class) and whether the agent measures each");

        @Override
        public ArgParser parser() {
            return parser;
        }

        @Override
        public int run(ArgParser.Parsed args, PrintStream out, PrintStream err) {
            return noAttachApi("list", err) ? 1 : AttachApi.list(out);
        }
    }

    /** {@code attach PID [ARGS]}: loads the agent into a running JVM, which is measured from then to its exit. */
    static final class AttachCommand implements Command {

        private final ArgParser parser = new ArgParser("attach",
                "measure a running JVM from now on; its report is written at its exit");
        private final ArgParser.Operand<Integer> pid = parser.operand("PID",
                ArgParser.integer(1, Integer.MAX_VALUE, "a process id (see: list)"), "the JVM to measure");
        private final ArgParser.Operand<String> agentArgs = parser.optionalOperand("ARGS",
                new ArgParser.Type<>(new NotBlank(), "key=value;key=value (the keys of the README's table)"),
                "agent arguments, as after -javaagent:mlco2-agent.jar=");

        @Override
        public ArgParser parser() {
            return parser;
        }

        @Override
        public int run(ArgParser.Parsed parsed, PrintStream out, PrintStream err) throws ArgParser.BadArgs {
            String args = parsed.get(agentArgs);
            String refused = refusedArguments(args);
            if (refused != null) {
                throw new ArgParser.BadArgs("ARGS: " + refused + "; nothing attached");
            }
            return noAttachApi("attach", err) ? 1 : AttachApi.attach(parsed.get(pid), args, out, err);
        }
    }

    /** Whether this Java runtime lacks module {@code jdk.attach} (a JRE), said in one line. */
    static boolean noAttachApi(String command, PrintStream err) {
        if (ModuleLayer.boot().findModule("jdk.attach").isPresent()) {
            return false;
        }
        err.println(command + ": this Java runtime (" + System.getProperty("java.home") + ") has no module jdk.attach,"
                + " which the command needs; run it with a JDK's java");
        return true;
    }

    /** The agent arguments' text: not blank. Checked against the configuration's keys by the command. */
    private static final class NotBlank implements java.util.function.Function<String, String> {
        @Override
        public String apply(String s) {
            if (s.isBlank()) {
                throw new IllegalArgumentException("empty");
            }
            return s;
        }
    }

    /**
     * The first problem the agent would report with these arguments (an unknown key, a value it does not accept, a
     * part without {@code =}), without its "using the default" tail; null when it would take them all.
     */
    static String refusedArguments(String args) {
        if (args == null) {
            return null;
        }
        ByteArrayOutputStream lines = new ByteArrayOutputStream();
        Config.load(args, Map.of(), Map.of(), new Log(new PrintStream(lines, true, StandardCharsets.UTF_8), Log.Level.WARN));
        String text = lines.toString(StandardCharsets.UTF_8);
        if (text.isBlank()) {
            return null;
        }
        String first = text.split("\\R", 2)[0].replaceFirst("^\\[mlco2] WARN: ", "");
        int using = first.indexOf("; using ");
        return using > 0 ? first.substring(0, using) : first;
    }

    /**
     * Whether the process catches SIGQUIT ({@code SigCgt} of {@code /proc/<pid>/status}, Linux); true where that
     * cannot be read (elsewhere the JDK's own checks apply).
     */
    static boolean catchesSigquit(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"), StandardCharsets.UTF_8)) {
                if (line.startsWith("SigCgt:")) {
                    return (Long.parseUnsignedLong(line.substring(7).trim(), 16) & (1L << (3 - 1))) != 0; // SIGQUIT = 3
                }
            }
        } catch (IOException | RuntimeException e) {
            // not readable: not Linux
        }
        return true;
    }

    /** Whether the process has HotSpot's library mapped (Linux), for a JVM that the perf-data listing misses. */
    private static boolean mapsJvm(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "maps"), StandardCharsets.UTF_8)) {
                if (line.endsWith("/libjvm.so")) {
                    return true;
                }
            }
        } catch (IOException | RuntimeException e) {
            // not readable: not a process of this user, or not Linux
        }
        return false;
    }

    /** {@code measuring since <UTC time>} where the agent runs, {@code no} without it, or why it does not measure. */
    static String agentState(Properties props) {
        return AgentMarker.describe(props.getProperty(RUNNING_PROPERTY));
    }

    /** Where the attached agent writes its reports: its output folder as that JVM resolves it. */
    static String outputDir(String args, Properties props, long pid) {
        Config config = Config.load(args, stringMap(props), environmentOf(pid),
                new Log(new PrintStream(java.io.OutputStream.nullOutputStream()), Log.Level.ERROR));
        Path dir = Path.of(config.get(Config.OUTPUT_DIR));
        String cwd = props.getProperty("user.dir");
        return (cwd == null ? dir : Path.of(cwd).resolve(dir)).normalize() + "/";
    }

    private static Map<String, String> stringMap(Properties props) {
        Map<String, String> m = new HashMap<>();
        for (String k : props.stringPropertyNames()) {
            m.put(k, props.getProperty(k));
        }
        return m;
    }

    /** The process's {@code MLCO2_*} environment (Linux, a process of this user), else none. */
    private static Map<String, String> environmentOf(long pid) {
        Map<String, String> env = new HashMap<>();
        try {
            byte[] bytes = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "environ"));
            for (String entry : new String(bytes, StandardCharsets.UTF_8).split("\0")) {
                int eq = entry.indexOf('=');
                if (eq > 0 && entry.startsWith("MLCO2_")) {
                    env.put(entry.substring(0, eq), entry.substring(eq + 1));
                }
            }
        } catch (IOException | RuntimeException e) {
            // not readable: the folder is then as the arguments and system properties say
        }
        return env;
    }

    /** A main class and its arguments as one printable line of at most 100 characters. */
    static String shownMain(String command) {
        String c = Log.printable(command == null || command.isBlank() ? "?" : command);
        return c.length() > 100 ? c.substring(0, 97) + "..." : c;
    }

    private static String reason(Exception e) {
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : Log.printable(m);
    }

    /**
     * Everything that uses the Attach API's types, in a class of its own: loaded only once {@link #noAttachApi} found
     * module {@code jdk.attach}, since loading a class that names those types (a {@code catch} of one) fails without it.
     */
    static final class AttachApi {

        private AttachApi() {
        }

        /** {@code list}'s work: the table of this user's JVMs but this one. */
        static int list(PrintStream out) {
            List<VirtualMachineDescriptor> vms = new ArrayList<>(VirtualMachine.list());
            vms.sort(Comparator.comparingLong(AttachApi::pidOf));
            String self = Long.toString(ProcessHandle.current().pid());
            out.println(String.format("%-8s %-36s %s", "PID", "AGENT", "MAIN"));
            int shown = 0;
            for (VirtualMachineDescriptor d : vms) {
                if (d.id().equals(self)) {
                    continue;
                }
                out.println(String.format("%-8s %-36s %s", d.id(), agentOf(d), shownMain(d.displayName())));
                shown++;
            }
            if (shown == 0) {
                out.println("(no other JVM of user " + System.getProperty("user.name", "?") + " is running)");
            }
            return 0;
        }

        /** {@code measuring since <time>}, {@code no}, or why it cannot be told. */
        private static String agentOf(VirtualMachineDescriptor d) {
            if (!catchesSigquit(pidOf(d))) {
                return "unknown (-Xrs, or still starting)";
            }
            VirtualMachine vm = null;
            try {
                vm = VirtualMachine.attach(d);
                return agentState(vm.getSystemProperties());
            } catch (AttachNotSupportedException | IOException | RuntimeException e) {
                return "unknown (attach refused)";
            } finally {
                detach(vm);
            }
        }

        /** {@code attach}'s work, once the arguments are known good. */
        static int attach(long target, String args, PrintStream out, PrintStream err) throws ArgParser.BadArgs {
            String refusal = notAttachable(target);
            if (refusal != null) {
                err.println("attach: " + refusal);
                return 1;
            }
            String jar = System.getProperty(JAR_PROPERTY);
            if (jar == null) {
                err.println("attach: the agent jar is unknown; run it as java -jar mlco2-agent.jar attach " + target);
                return 1;
            }
            VirtualMachine vm;
            try {
                vm = VirtualMachine.attach(Long.toString(target)); // a JVM that catches SIGQUIT (notAttachable)
            } catch (AttachNotSupportedException | IOException e) {
                err.println("attach: JVM " + target + " refused the attach (" + reason(e) + "); a JVM started with"
                        + " -XX:+DisableAttachMechanism, or another user's, cannot be attached to");
                return 1;
            }
            try {
                Properties before = vm.getSystemProperties();
                String marker = before.getProperty(RUNNING_PROPERTY);
                if (marker != null) {
                    err.println(AgentMarker.measuring(marker)
                            ? "attach: JVM " + target + " is already measured by the agent (" + agentState(before)
                                    + "); its report comes at its exit"
                            : "attach: JVM " + target + " already has the agent, not measuring (" + agentState(before)
                                    + "); a JVM loads it once: restart the job to measure it");
                    return 1;
                }
                try {
                    vm.loadAgent(jar, args);
                } catch (AgentLoadException | AgentInitializationException e) {
                    err.println("attach: JVM " + target + " did not load the agent (" + reason(e) + "); a JVM started"
                            + " with -XX:-EnableDynamicAgentLoading refuses it: start it with -javaagent");
                    return 1;
                }
                Properties after = vm.getSystemProperties();
                if (after.getProperty(RUNNING_PROPERTY) == null) {
                    err.println("attach: JVM " + target + " loaded the agent but it did not start; see that JVM's stderr");
                    return 1;
                }
                out.println("attached to JVM " + target + " (" + shownMain(after.getProperty("sun.java.command", ""))
                        + "): measuring from now; the report is written at its exit into " + outputDir(args, after, target));
                return 0;
            } catch (IOException e) {
                err.println("attach: JVM " + target + " stopped answering (" + reason(e) + "); it may have exited");
                return 1;
            } finally {
                detach(vm);
            }
        }

        /**
         * Why {@code pid} cannot be attached to, or null: bad input (no such process, this command's own, not a JVM) is
         * thrown, a JVM that cannot be attached to (another user's, one that would die of it) is returned.
         *
         * <p>Only a process known to be a JVM that catches SIGQUIT is ever attached to: the Attach API asks a JVM that has
         * not opened its attach socket yet to open it with SIGQUIT, whose default action ends a process (one that is no
         * JVM, or a JVM started with {@code -Xrs}).
         */
        static String notAttachable(long pid) throws ArgParser.BadArgs {
            Optional<ProcessHandle> p = ProcessHandle.of(pid);
            if (p.isEmpty() || !p.get().isAlive()) {
                throw ArgParser.BadArgs.value("PID", Long.toString(pid), "no running process", "the pid of a running JVM (see: list)");
            }
            if (pid == ProcessHandle.current().pid()) {
                throw ArgParser.BadArgs.value("PID", Long.toString(pid), "this command's own JVM", "another JVM's pid (see: list)");
            }
            String owner = p.get().info().user().orElse(null);
            String me = System.getProperty("user.name");
            if (owner != null && me != null && !owner.equals(me)) {
                return "JVM " + pid + " runs as user " + owner + ", this command as " + me
                        + "; run it as that user (sudo -u " + owner + " java -jar mlco2-agent.jar attach " + pid + ")";
            }
            boolean listed = false;
            for (VirtualMachineDescriptor d : VirtualMachine.list()) {
                listed |= d.id().equals(Long.toString(pid));
            }
            if (!listed && !mapsJvm(pid)) { // mapped but not listed: a JVM started with -XX:-UsePerfData
                throw ArgParser.BadArgs.value("PID", Long.toString(pid), "not a JVM (" + shownMain(p.get().info().command().orElse("?")) + ")",
                        "the pid of a running JVM (see: list)");
            }
            if (!catchesSigquit(pid)) {
                return "JVM " + pid + " does not catch SIGQUIT (started with -Xrs, or still starting): attaching would"
                        + " end it; try again once it runs, or start it with -javaagent";
            }
            return null;
        }

        private static long pidOf(VirtualMachineDescriptor d) {
            try {
                return Long.parseLong(d.id());
            } catch (NumberFormatException e) {
                return Long.MAX_VALUE;
            }
        }

        private static void detach(VirtualMachine vm) {
            if (vm != null) {
                try {
                    vm.detach();
                } catch (IOException | RuntimeException ignored) {
                    // the other JVM went away: nothing to release
                }
            }
        }
    }
}
