package io.mlco2.tracker.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ArgParserTest {

    @TempDir
    Path tmp;

    /** A command with one option of each kind, declared as the real commands declare theirs. */
    private final ArgParser p = new ArgParser("demo", "a demonstration");
    private final ArgParser.Option<String> name = p.required("--name", "NAME", ArgParser.text("any text"), "a name");
    private final ArgParser.Option<Double> size = p.optional("--size", "S",
            ArgParser.number(Double.MIN_VALUE, Double.MAX_VALUE, "a number > 0"), "2.5", "a size");
    private final ArgParser.Option<Integer> count = p.optional("--count", "N",
            ArgParser.integer(1, 10, "an integer from 1 to 10"), null, "a count");
    private final ArgParser.Option<Duration> every = p.optional("--every", "D",
            ArgParser.duration(Duration.ofMillis(10), "a duration >= 10ms"), "1s", "a period");
    private final ArgParser.Option<Boolean> loud = p.flag("--loud", "be loud");
    private final ArgParser.Operand<Path> dirs = p.operands("DIR",
            ArgParser.path(ArgParser.PathCheck.DIRECTORY, "an existing directory"), "a folder");

    private ArgParser.Parsed parse(String... args) throws ArgParser.BadArgs {
        return p.parse(args);
    }

    private String error(String... args) {
        return assertThrows(ArgParser.BadArgs.class, () -> p.parse(args)).getMessage();
    }

    @Test
    void convertsEachTypeAndAppliesDefaults() throws Exception {
        ArgParser.Parsed r = parse("--name", " Ada ", tmp.toString());
        assertEquals("Ada", r.get(name), "text is trimmed");
        assertEquals(2.5, r.get(size), "the declared default, parsed");
        assertNull(r.get(count), "no default: null");
        assertEquals(Duration.ofSeconds(1), r.get(every));
        assertEquals(false, r.get(loud));
        assertFalse(r.has(size));
        assertEquals(List.of(tmp), r.all(dirs));

        r = parse("--name", "x", "--size", "0.25", "--count", "10", "--every", "250ms", "--loud", tmp.toString());
        assertEquals(0.25, r.get(size));
        assertEquals(10, r.get(count));
        assertEquals(Duration.ofMillis(250), r.get(every));
        assertEquals(true, r.get(loud));
        assertTrue(r.has(size) && r.has(loud));
    }

    @Test
    void equalsAndSpaceFormsAreTheSame() throws Exception {
        ArgParser.Parsed spaced = parse("--name", "a=b", "--size", "3", tmp.toString());
        ArgParser.Parsed joined = parse("--name=a=b", "--size=3", tmp.toString());
        assertEquals("a=b", spaced.get(name));
        assertEquals("a=b", joined.get(name), "the value is everything after the first '='");
        assertEquals(3.0, joined.get(size));
    }

    @Test
    void aRepeatedOptionKeepsItsLastValueAndOperandsAccumulateInOrder() throws Exception {
        Path a = Files.createDirectory(tmp.resolve("a"));
        Path b = Files.createDirectory(tmp.resolve("b"));
        ArgParser.Parsed r = parse(b.toString(), "--name", "first", a.toString(), "--name=second", "--size", "1",
                "--size", "4", b.toString());
        assertEquals("second", r.get(name));
        assertEquals(4.0, r.get(size));
        assertEquals(List.of(b, a, b), r.all(dirs));
        assertEquals(b, r.get(dirs));
    }

    @Test
    void anOptionsValueIsTheNextArgumentWhateverItLooksLike() {
        assertEquals("--size: '-1' is out of range; expected a number > 0", error("--name", "x", "--size", "-1", tmp.toString()));
    }

    @Test
    void doubleDashEndsTheOptions() throws Exception {
        ArgParser q = new ArgParser("cmd", "text operands");
        ArgParser.Option<Boolean> flag = q.flag("--flag", "a flag");
        ArgParser.Operand<String> words = q.operands("WORD", ArgParser.text("any text"), "a word");
        ArgParser.Parsed r = q.parse(new String[] {"a", "--", "-h", "--flag", "--bogus", "--"});
        assertFalse(r.help(), "-h after -- is an operand");
        assertEquals(false, r.get(flag), "--flag after -- is an operand");
        assertEquals(List.of("a", "-h", "--flag", "--bogus", "--"), r.all(words));
        assertEquals(List.of("-"), q.parse(new String[] {"-"}).all(words), "a lone '-' is an operand");
    }

    @Test
    void badValuesNameTheValueAndWhatIsAccepted() {
        assertEquals("--size: 'abc' is not a number; expected a number > 0", error("--name", "x", "--size", "abc", tmp.toString()));
        assertEquals("--size: '0' is out of range; expected a number > 0", error("--name", "x", "--size=0", tmp.toString()));
        assertEquals("--size: 'Infinity' is out of range; expected a number > 0",
                error("--name", "x", "--size=Infinity", tmp.toString()));
        assertEquals("--count: '1.5' is not an integer; expected an integer from 1 to 10",
                error("--name", "x", "--count", "1.5", tmp.toString()));
        assertEquals("--count: '11' is out of range; expected an integer from 1 to 10",
                error("--name", "x", "--count", "11", tmp.toString()));
        assertEquals("--every: 'soon' is not a duration; expected a duration >= 10ms",
                error("--name", "x", "--every", "soon", tmp.toString()));
        assertEquals("--every: '5ms' is below the minimum 10ms; expected a duration >= 10ms",
                error("--name", "x", "--every", "5ms", tmp.toString()));
        assertEquals("--name: ' ' is empty; expected any text", error("--name", " ", tmp.toString()));
        assertEquals("--loud: 'yes' is a value; expected --loud alone (it takes none)", error("--name", "x", "--loud=yes", tmp.toString()));
        Path file = tmp.resolve("f.txt");
        assertEquals("DIR: '" + file + "' is not a directory; expected an existing directory", error("--name", "x", file.toString()));
    }

    @Test
    void missingValuesOptionsAndOperandsAreNamed() {
        assertEquals("missing --size S; expected a number > 0", error(tmp.toString(), "--name", "x", "--size"));
        assertEquals("missing --name NAME; expected any text", error(tmp.toString()));
        assertEquals("missing DIR...; expected an existing directory", error("--name", "x"));
    }

    @Test
    void unknownOptionsAndExtraOperandsAreErrors() {
        assertEquals("'--bogus' is not an option; expected --name, --size, --count, --every, --loud, --help",
                error("--name", "x", "--bogus", tmp.toString()));
        assertEquals("'-x' is not an option; expected --name, --size, --count, --every, --loud, --help",
                error("-x", "--name", "x", tmp.toString()));
        ArgParser one = new ArgParser("cmd", "one operand");
        one.operand("FILE", ArgParser.text("a name"), "a file");
        ArgParser.BadArgs e = assertThrows(ArgParser.BadArgs.class, () -> one.parse(new String[] {"a", "b"}));
        assertEquals("'b' is one argument too many; expected cmd FILE", e.getMessage());
    }

    @Test
    void anOptionalLastOperandMayBeLeftOut() throws Exception {
        ArgParser q = new ArgParser("cmd", "an operand and an optional one");
        ArgParser.Operand<Integer> n = q.operand("N", ArgParser.integer(1, 9, "1 to 9"), "a number");
        ArgParser.Operand<String> more = q.optionalOperand("MORE", ArgParser.text("any text"), "more");
        assertEquals("cmd N [MORE]", q.synopsis());
        assertTrue(q.usage().matches("(?s).*\n  \\[MORE] +more: any text; optional\n.*"), q.usage());
        ArgParser.Parsed without = q.parse(new String[] {"3"});
        assertEquals(3, without.get(n));
        assertNull(without.get(more));
        assertEquals(List.of(), without.all(more));
        assertEquals("x=1;y", q.parse(new String[] {"3", "x=1;y"}).get(more));
        assertEquals("'c' is one argument too many; expected cmd N [MORE]",
                assertThrows(ArgParser.BadArgs.class, () -> q.parse(new String[] {"3", "b", "c"})).getMessage());
        assertEquals("missing N; expected 1 to 9",
                assertThrows(ArgParser.BadArgs.class, () -> q.parse(new String[0])).getMessage());
        assertThrows(IllegalArgumentException.class, () -> q.operand("LAST", ArgParser.text("t"), "after the optional one"));
    }

    @Test
    void theFirstProblemIsReported() {
        assertEquals("--size: 'x' is not a number; expected a number > 0", error("--size", "x", "--bogus"));
    }

    @Test
    void helpAnywhereAmongTheOptionsWinsOverEveryProblem() throws Exception {
        assertTrue(parse("-h").help());
        assertTrue(parse("--bogus", "--size", "x", "--help").help());
        assertFalse(parse("--name", "-h", tmp.toString()).help(), "-h as an option's value is that value");
        assertEquals("-h", parse("--name", "-h", tmp.toString()).get(name));
    }

    @Test
    void usageIsWrittenFromTheDeclaration() {
        assertEquals("demo --name NAME [--size S] [--count N] [--every D] [--loud] DIR...", p.synopsis());
        String nl = System.lineSeparator();
        assertEquals(String.join(nl,
                "usage: java -jar mlco2-agent.jar demo --name NAME [--size S] [--count N] [--every D] [--loud] DIR...",
                "a demonstration",
                "  DIR...       a folder: an existing directory; one or more",
                "  --name NAME  a name: any text; required",
                "  --size S     a size: a number > 0; default 2.5",
                "  --count N    a count: an integer from 1 to 10",
                "  --every D    a period: a duration >= 10ms; default 1s",
                "  --loud       be loud",
                "  -h, --help   print this help and exit"), p.usage());
    }

    @Test
    void longHelpIsFoldedAtSpacesUnderItsColumn() {
        String text = "word ".repeat(60).trim();
        String folded = ArgParser.wrap("  --opt X  ", List.of(text.split(" ")), "\n");
        for (String line : folded.split("\n")) {
            assertTrue(line.length() <= 100, line);
        }
        String[] lines = folded.split("\n");
        assertTrue(lines.length > 1);
        assertTrue(lines[1].startsWith(" ".repeat(11) + "word"), lines[1]);
        assertEquals(text, folded.replace("\n", " ").replace("  --opt X  ", "").replaceAll(" +", " ").trim());
    }

    @Test
    void anOptionIsDeclaredOnce() {
        assertThrows(IllegalArgumentException.class, () -> p.flag("--loud", "again"));
        assertThrows(IllegalArgumentException.class, () -> p.flag("--help", "taken"));
        assertThrows(IllegalArgumentException.class, () -> p.flag("-q", "long names only"));
    }
}
