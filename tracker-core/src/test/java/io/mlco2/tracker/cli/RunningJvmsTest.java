package io.mlco2.tracker.cli;

import com.sun.tools.attach.VirtualMachine;
import com.sun.tools.attach.VirtualMachineDescriptor;
import io.mlco2.tracker.config.Config;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code list} and {@code attach} up to the point of loading the agent (the whole attach, with the agent jar, is
 * integration-tests' AttachIT): their refusals, each one line and a non-zero exit, and that a process is never
 * signalled unless it is a JVM that catches SIGQUIT.
 */
class RunningJvmsTest {

    /** A child JVM's main: waits to be ended. */
    public static final class Sleeper {
        public static void main(String[] args) throws InterruptedException {
            Thread.sleep(120_000);
        }
    }

    private static EstimateCommandTest.Result run(String... args) {
        return EstimateCommandTest.run(args);
    }

    private static String self() {
        return Long.toString(ProcessHandle.current().pid());
    }

    /** One line on stderr, nothing on stdout. */
    private static String oneLine(EstimateCommandTest.Result r) {
        assertEquals("", r.out());
        String[] lines = r.err().split("\\R");
        assertEquals(1, lines.length, r.err());
        return lines[0];
    }

    @Test
    void aProcessThatIsNoJvmIsRefusedAndNeverSignalled() throws Exception {
        Process sleep = new ProcessBuilder("sleep", "60").start();
        try {
            assertFalse(RunningJvms.catchesSigquit(sleep.pid()), "sleep leaves SIGQUIT to its default action");
            EstimateCommandTest.Result r = run("attach", Long.toString(sleep.pid()));
            assertEquals(2, r.code(), r.err());
            String line = oneLine(r);
            assertTrue(line.startsWith("attach: PID: '" + sleep.pid() + "' is not a JVM ("), line);
            assertTrue(line.contains("sleep); expected"), "names the program: " + line);
            assertTrue(line.endsWith("expected the pid of a running JVM (see: list); see: java -jar mlco2-agent.jar attach --help"), line);
            Thread.sleep(200);
            assertTrue(sleep.isAlive(), "a SIGQUIT would have ended it");
        } finally {
            sleep.destroy();
        }
        assertTrue(RunningJvms.catchesSigquit(ProcessHandle.current().pid()), "a JVM catches SIGQUIT");
    }

    @Test
    void noSuchProcessAndThisCommandsOwnJvmAreBadInput() throws Exception {
        Process gone = new ProcessBuilder("true").start();
        assertTrue(gone.waitFor(10, TimeUnit.SECONDS));
        EstimateCommandTest.Result r = run("attach", Long.toString(gone.pid()));
        assertEquals(2, r.code(), r.err());
        assertEquals("attach: PID: '" + gone.pid() + "' is no running process; expected the pid of a running JVM"
                + " (see: list); see: java -jar mlco2-agent.jar attach --help", oneLine(r));

        r = run("attach", self());
        assertEquals(2, r.code(), r.err());
        assertEquals("attach: PID: '" + self() + "' is this command's own JVM; expected another JVM's pid (see: list);"
                + " see: java -jar mlco2-agent.jar attach --help", oneLine(r));

        r = run("attach", "abc");
        assertEquals(2, r.code(), r.err());
        assertTrue(oneLine(r).startsWith("attach: PID: 'abc' is not an integer; expected a process id (see: list)"), r.err());
    }

    @Test
    void agentArgumentsTheAgentWouldRefuseAreRefusedBeforeAnythingIsAttached() {
        EstimateCommandTest.Result r = run("attach", self(), "region=FR;pue=0.5");
        assertEquals(2, r.code(), r.err());
        String line = oneLine(r);
        assertTrue(line.startsWith("attach: ARGS: mlco2.pue=0.5 (agent argument) is not valid: accepted "
                + Config.PUE.accepted() + "; nothing attached; see:"), line);

        r = run("attach", self(), "colour=red");
        assertEquals(2, r.code(), r.err());
        assertTrue(oneLine(r).startsWith("attach: ARGS: unknown key mlco2.colour (agent argument)"), r.err());

        r = run("attach", self(), "just-a-word");
        assertEquals(2, r.code(), r.err());
        assertTrue(oneLine(r).contains("'just-a-word' ignored: accepted key=value pairs separated by ';'"), r.err());

        assertEquals(null, RunningJvms.refusedArguments("mlco2.region=FR;pue=1.2;output.dir=/tmp/x"));
        assertEquals(null, RunningJvms.refusedArguments(null));
    }

    @Test
    void theAgentsStateIsItsStartTimeInUtcOrWhyItDoesNotMeasure() {
        Properties p = new Properties();
        assertEquals("no", RunningJvms.agentState(p));
        p.setProperty(RunningJvms.RUNNING_PROPERTY, Long.toString(86_400_000L + 3_723_456L)); // 1 day 1 h 2 min 3.456 s
        assertEquals("measuring since 1970-01-02T01:02:03Z", RunningJvms.agentState(p));
        p.setProperty(RunningJvms.RUNNING_PROPERTY, "disabled");
        assertEquals("no (agent loaded with mlco2.enabled=false)", RunningJvms.agentState(p));
        p.setProperty(RunningJvms.RUNNING_PROPERTY, "failed");
        assertEquals("no (agent loaded, failed to start)", RunningJvms.agentState(p));
    }

    /**
     * Two child JVMs: one that already runs the agent (its marker property given on its command line), one started
     * with {@code -Xrs}, which SIGQUIT would end. {@code list} shows both; {@code attach} refuses both, and both
     * live on.
     */
    @Test
    void listShowsTheJvmsAndAttachRefusesOneMeasuredOrOneItWouldEnd() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String cp = System.getProperty("java.class.path");
        Process measured = new ProcessBuilder(java, "-D" + RunningJvms.RUNNING_PROPERTY + "=0", "-cp", cp,
                Sleeper.class.getName(), "measured").start();
        Process xrs = new ProcessBuilder(java, "-Xrs", "-cp", cp, Sleeper.class.getName(), "xrs").start();
        String jarBefore = System.getProperty(RunningJvms.JAR_PROPERTY);
        System.setProperty(RunningJvms.JAR_PROPERTY, "/nonexistent/mlco2-agent.jar");
        try {
            awaitListed(measured.pid());
            awaitListed(xrs.pid());
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!RunningJvms.catchesSigquit(measured.pid()) && System.nanoTime() < deadline) {
                Thread.sleep(20); // a JVM is listed before it catches SIGQUIT
            }
            EstimateCommandTest.Result list = run("list");
            assertEquals(0, list.code(), list.err());
            assertEquals("", list.err());
            List<String> lines = List.of(list.out().split("\\R"));
            assertTrue(lines.get(0).matches("PID +AGENT +MAIN"), lines.get(0));
            assertTrue(lines.contains(String.format("%-8s %-36s %s", measured.pid(), "measuring since 1970-01-01T00:00:00Z",
                    Sleeper.class.getName() + " measured")), list.out());
            assertTrue(lines.contains(String.format("%-8s %-36s %s", xrs.pid(), "unknown (-Xrs, or still starting)",
                    Sleeper.class.getName() + " xrs")), list.out());
            for (String line : lines) {
                assertFalse(line.startsWith(self() + " "), "its own JVM is not listed: " + line);
            }

            EstimateCommandTest.Result r = run("attach", Long.toString(measured.pid()));
            assertEquals(1, r.code(), r.err());
            assertEquals("attach: JVM " + measured.pid() + " is already measured by the agent (measuring since"
                    + " 1970-01-01T00:00:00Z); its report comes at its exit", oneLine(r));

            r = run("attach", Long.toString(xrs.pid()));
            assertEquals(1, r.code(), r.err());
            assertTrue(oneLine(r).startsWith("attach: JVM " + xrs.pid() + " does not catch SIGQUIT (started with -Xrs"), r.err());

            Thread.sleep(200);
            assertTrue(measured.isAlive() && xrs.isAlive(), "both JVMs live on");
        } finally {
            if (jarBefore == null) {
                System.clearProperty(RunningJvms.JAR_PROPERTY);
            } else {
                System.setProperty(RunningJvms.JAR_PROPERTY, jarBefore);
            }
            measured.destroy();
            xrs.destroy();
            measured.waitFor(10, TimeUnit.SECONDS);
            xrs.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** Waits until the JVM's perf data shows it (its start), at most 30 s. */
    private static void awaitListed(long pid) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            List<String> ids = new ArrayList<>();
            for (VirtualMachineDescriptor d : VirtualMachine.list()) {
                ids.add(d.id());
            }
            if (ids.contains(Long.toString(pid))) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("JVM " + pid + " not listed within 30 s");
    }
}
