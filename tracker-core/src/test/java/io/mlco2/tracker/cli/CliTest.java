package io.mlco2.tracker.cli;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The command line as a whole: help for every command, and one error style for every command. */
class CliTest {

    /** The options and operands of each command as README's "Use" section documents them. */
    private static final Map<String, List<String>> DOCUMENTED = Map.of(
            "version", List.of(),
            "estimate", List.of("--hardware NAME", "--hours H", "--region R", "--count N", "--pue P", "--json"),
            "replay", List.of("TRACE.csv", "--interval D", "--counter-interval D"),
            "report", List.of("--html FILE", "--no-html", "DIR..."),
            "list", List.of(),
            "attach", List.of("PID", "[ARGS]"));

    private static EstimateCommandTest.Result run(String... args) {
        return EstimateCommandTest.run(args);
    }

    @ParameterizedTest
    @ValueSource(strings = {"version", "estimate", "replay", "report", "list", "attach"})
    void everyCommandPrintsItsUsageOnHelpAndExitsZero(String command) {
        for (String[] args : List.of(new String[] {command, "--help"}, new String[] {command, "-h"},
                new String[] {"help", command}, new String[] {command, "--bogus", "-h"})) {
            EstimateCommandTest.Result r = run(args);
            assertEquals(0, r.code(), String.join(" ", args) + ": " + r.err());
            assertEquals("", r.err());
            String[] lines = r.out().split("\\R");
            assertTrue(lines[0].startsWith("usage: java -jar mlco2-agent.jar " + command), lines[0]);
            for (String documented : DOCUMENTED.get(command)) {
                assertTrue(r.out().contains("\n  " + documented + " "), documented + " in " + r.out());
            }
            assertTrue(r.out().contains("-h, --help"), r.out());
            for (String line : lines) {
                assertTrue(line.length() <= 100, line);
            }
        }
    }

    @Test
    void helpListsEveryCommand() {
        for (String help : List.of("--help", "-h", "help")) {
            EstimateCommandTest.Result r = run(help);
            assertEquals(0, r.code());
            for (String command : DOCUMENTED.keySet()) {
                assertTrue(r.out().contains("\n  " + command), command + " in " + r.out());
            }
            assertTrue(r.out().contains("<command> --help"), r.out());
        }
        EstimateCommandTest.Result none = run();
        assertEquals(2, none.code(), "no command is bad input");
        assertEquals("", none.out());
        assertTrue(none.err().startsWith("usage: "), none.err());
    }

    @Test
    void theIssuesExampleReadsAsWritten() {
        EstimateCommandTest.Result r = run("estimate", "--hardware", "T4", "--hours", "abc", "--region", "FR");
        assertEquals("estimate: --hours: 'abc' is not a number; expected hours > 0, e.g. 12 or 0.5; "
                + "see: java -jar mlco2-agent.jar estimate --help" + System.lineSeparator(), r.err());
    }

    /**
     * Bad input to any command: exit 2, nothing on stdout, one line on stderr that starts with the command, names the
     * bad value (quoted) or what is missing, says what is accepted, and points to the command's --help.
     */
    @ParameterizedTest
    @ValueSource(strings = {
        "version|--bogus|'--bogus'",
        "version|extra|'extra'",
        "estimate|--hardware T4 --hours 1 --region FR --bogus|'--bogus'",
        "estimate|--hardware T4 --hours 1 --region FR --count 0|'0'",
        "estimate|--hardware T4 --hours 1 --region FR --count=many|'many'",
        "estimate|--hardware T4 --hours 1 --region FR --pue 0.5|'0.5'",
        "estimate|--hardware T4 --hours -2 --region FR|'-2'",
        "estimate|--hardware T4 --hours 1 --region FR --json=yes|'yes'",
        "estimate|--hardware T4 --hours 1 --region FR --pue|missing --pue P",
        "estimate|--hours 1 --region FR|missing --hardware NAME",
        "estimate|--hardware T4 --hours 1|missing --region R",
        "estimate|--hardware Quantum-9000 --hours 1 --region FR|'Quantum-9000'",
        "estimate|--hardware T4 --hours 1 --region Atlantis|'Atlantis'",
        "estimate|--hardware T4 --hours 1 --region FR stray|'stray'",
        "replay||missing TRACE.csv",
        "replay|/nonexistent/trace.csv|'/nonexistent/trace.csv'",
        "replay|--interval soon|'soon'",
        "replay|--counter-interval 0|'0'",
        "replay|--interval|missing --interval D",
        "replay|--bogus|'--bogus'",
        "report||missing DIR...",
        "report|/nonexistent/dir|'/nonexistent/dir'",
        "report|--html|missing --html FILE",
        "report|--html= .|''",
        "report|--bogus .|'--bogus'",
        "report|--no-html --html x.html .|--no-html",
        "nosuchcommand||'nosuchcommand'",
    })
    void everyErrorHasTheSameStyle(String spec) {
        String[] parts = spec.split("\\|", -1);
        String command = parts[0];
        List<String> args = new java.util.ArrayList<>(List.of(command));
        if (!parts[1].isEmpty()) {
            args.addAll(List.of(parts[1].split(" ")));
        }
        EstimateCommandTest.Result r = run(args.toArray(new String[0]));
        assertEquals(2, r.code(), spec + ": " + r.out() + r.err());
        assertEquals("", r.out(), spec);
        List<String> lines = r.err().lines().toList();
        assertEquals(1, lines.size(), spec + ": " + r.err());
        String line = lines.get(0);
        String who = command.equals("nosuchcommand") ? "mlco2-agent" : command;
        assertTrue(line.startsWith(who + ": "), line);
        assertTrue(line.contains(parts[2]), parts[2] + " in " + line);
        assertTrue(line.contains("; expected "), line);
        String help = command.equals("nosuchcommand") ? "mlco2-agent.jar --help" : "mlco2-agent.jar " + command + " --help";
        assertTrue(line.endsWith("; see: java -jar " + help), line);
    }

    /**
     * docs/RELIABILITY.md, hostile conditions: before, {@code --hours 1e308} printed "Infinity kWh" with exit 0, a
     * 100 KB {@code --hardware} took about a minute before its error, and control characters in a value reached
     * the terminal raw.
     */
    @org.junit.jupiter.api.Test
    void nonFiniteResultsHugeValuesAndControlCharactersAreOneClearLine() {
        EstimateCommandTest.Result inf = run("estimate", "--hardware", "NVIDIA A100-SXM4-80GB", "--hours", "1e308",
                "--count", "1000", "--region", "FR");
        assertEquals(2, inf.code(), inf.out() + inf.err());
        assertEquals("", inf.out());
        assertEquals(1, inf.err().lines().count(), inf.err());
        assertTrue(inf.err().contains("is beyond a finite number of kWh"), inf.err());

        String huge = "A".repeat(100_000);
        EstimateCommandTest.Result big = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(
                java.time.Duration.ofSeconds(20), () -> run("estimate", "--hardware", huge, "--hours", "1", "--region", "FR"));
        assertEquals(2, big.code(), big.err());
        assertEquals(1, big.err().lines().count());
        assertTrue(big.err().contains("is longer than 256 characters"), big.err());
        assertTrue(big.err().length() < 1000, "the value is not echoed whole: " + big.err().length() + " characters");

        EstimateCommandTest.Result esc = run("estimate", "--hardware", "\u001b[2J\u001b[31mX", "--hours", "1", "--region", "FR");
        assertEquals(2, esc.code(), esc.err());
        assertFalse(esc.err().contains("\u001b"), "no raw ESC");
        assertTrue(esc.err().contains("\\u001b[31mX"), esc.err()); // the leading one is trimmed, like any blank
    }
}
