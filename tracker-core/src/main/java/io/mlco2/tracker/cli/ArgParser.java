// Over 400 lines: the declaration, the parsing and the generated usage share one model of options and operands.
package io.mlco2.tracker.cli;

import io.mlco2.tracker.config.Parsers;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The command line's one argument parser: a command declares each option and operand once (name, value type,
 * default, help text), and this class parses its arguments and writes its usage from that declaration.
 *
 * <p>Accepted forms: {@code --name value} and {@code --name=value} for an option with a value, {@code --name} for a
 * flag, operands anywhere among the options, {@code --} ending the options (what follows is operands), and
 * {@code -h}/{@code --help} anywhere among the options asking for the usage. A repeated option keeps its last value.
 * An option's value is the next argument whatever it looks like ({@code --hours -1} is the value {@code -1}).
 *
 * <p>Bad input is a {@link BadArgs} whose message is one line naming the value and what is accepted; {@link Cli}
 * prints it after the command's name with a pointer to {@code --help} and exits 2.
 *
 * <p>Hand-written rather than picocli 4.7.7: in a measured prototype (the same options, a cold JVM) picocli added
 * about 230 ms of CPU time to every run, as much as the whole {@code version} command took, for a command line of
 * four commands and ten options.
 */
public final class ArgParser {

    static final String PROGRAM = "java -jar mlco2-agent.jar";
    private static final int WIDTH = 100;

    private final String command;
    private final String summary;
    private final List<Option<?>> options = new ArrayList<>();
    private final List<Operand<?>> operands = new ArrayList<>();

    /** A parser for {@code command}; {@code summary} is the one line that {@code --help} lists it with. */
    public ArgParser(String command, String summary) {
        this.command = command;
        this.summary = summary;
    }

    /**
     * How the text of a value becomes a value. {@code parse} throws {@link IllegalArgumentException} whose message
     * says what is wrong with the text ("not a number"); {@code accepted} says what is accepted ("hours &gt; 0").
     */
    public static final class Type<T> {
        final Function<String, T> parse;
        final String accepted;

        public Type(Function<String, T> parse, String accepted) {
            this.parse = parse;
            this.accepted = accepted;
        }

        T parse(String text) {
            return parse.apply(text);
        }
    }

    /** The longest text value: a name or a region, never a document (a 100 KB name took a minute to match). */
    static final int MAX_TEXT = 256;

    /** Non-blank text of at most {@link #MAX_TEXT} characters, trimmed. */
    public static Type<String> text(String accepted) {
        return new Type<>(new TextParser(), accepted);
    }

    private static final class TextParser implements Function<String, String> {
        private final Function<String, String> string = Parsers.string();

        @Override
        public String apply(String s) {
            if (s.length() > MAX_TEXT) {
                throw new IllegalArgumentException("longer than " + MAX_TEXT + " characters");
            }
            return string.apply(s);
        }
    }

    /** A finite number in [{@code min}, {@code max}]. */
    public static Type<Double> number(double min, double max, String accepted) {
        return new Type<>(Parsers.doubleIn(min, max), accepted);
    }

    /** An integer in [{@code min}, {@code max}]. */
    public static Type<Integer> integer(int min, int max, String accepted) {
        return new Type<>(Parsers.intIn(min, max), accepted);
    }

    /** A duration such as {@code 500ms}, {@code 1s}, {@code 2m}, {@code 1h} (a bare number is seconds), at least {@code min}. */
    public static Type<Duration> duration(Duration min, String accepted) {
        return new Type<>(Parsers.duration(min), accepted);
    }

    /** A path; {@code must} says what it must be (a regular file, a directory) or is {@link PathCheck#ANY}. */
    public static Type<Path> path(PathCheck must, String accepted) {
        return new Type<>(new PathParser(must), accepted);
    }

    /** What a path value must name. */
    public enum PathCheck { ANY, FILE, DIRECTORY }

    private static final class PathParser implements Function<String, Path> {
        private final PathCheck must;

        PathParser(PathCheck must) {
            this.must = must;
        }

        @Override
        public Path apply(String s) {
            if (s.isBlank()) {
                throw new IllegalArgumentException("empty");
            }
            Path p;
            try {
                p = Path.of(s);
            } catch (InvalidPathException e) {
                throw new IllegalArgumentException("not a path (" + e.getReason() + ")");
            }
            if (must == PathCheck.FILE && !Files.isRegularFile(p)) {
                throw new IllegalArgumentException("not a readable file");
            }
            if (must == PathCheck.DIRECTORY && !Files.isDirectory(p)) {
                throw new IllegalArgumentException("not a directory");
            }
            return p;
        }
    }

    /** A declared option: {@code label} is null for a flag; {@code defaultText} is parsed like a given value. */
    public static final class Option<T> {
        final String name;
        final String label;
        final Type<T> type;
        final boolean required;
        final String defaultText;
        final String help;

        Option(String name, String label, Type<T> type, boolean required, String defaultText, String help) {
            this.name = name;
            this.label = label;
            this.type = type;
            this.required = required;
            this.defaultText = defaultText;
            this.help = help;
        }

        boolean flag() {
            return label == null;
        }
    }

    /**
     * A declared operand (an argument that is not an option); {@code many}: one or more, else exactly one;
     * {@code optional}: zero or one.
     */
    public static final class Operand<T> {
        final String label;
        final Type<T> type;
        final boolean many;
        final boolean optional;
        final String help;

        Operand(String label, Type<T> type, boolean many, boolean optional, String help) {
            this.label = label;
            this.type = type;
            this.many = many;
            this.optional = optional;
            this.help = help;
        }

        /** The label as the synopsis shows it: {@code FILE}, {@code DIR...} or {@code [ARGS]}. */
        String shown() {
            return optional ? "[" + label + "]" : label + (many ? "..." : "");
        }
    }

    /** An option that must be given. */
    public <T> Option<T> required(String name, String label, Type<T> type, String help) {
        return add(new Option<>(name, label, type, true, null, help));
    }

    /** An option that may be given; {@code defaultText} (null: no value) is what it is when it is not. */
    public <T> Option<T> optional(String name, String label, Type<T> type, String defaultText, String help) {
        return add(new Option<>(name, label, type, false, defaultText, help));
    }

    /** An option without a value: true when given. */
    public Option<Boolean> flag(String name, String help) {
        return add(new Option<>(name, null, null, false, null, help));
    }

    private <T> Option<T> add(Option<T> o) {
        if (!o.name.startsWith("--") || o.name.contains("=") || option(o.name) != null || o.name.equals("--help")) {
            throw new IllegalArgumentException("bad or repeated option declaration " + o.name);
        }
        options.add(o);
        return o;
    }

    /** Exactly one operand. */
    public <T> Operand<T> operand(String label, Type<T> type, String help) {
        return addOperand(new Operand<>(label, type, false, false, help));
    }

    /** One or more operands; they must be the last operands declared. */
    public <T> Operand<T> operands(String label, Type<T> type, String help) {
        return addOperand(new Operand<>(label, type, true, false, help));
    }

    /** Zero or one operand; it must be the last operand declared. */
    public <T> Operand<T> optionalOperand(String label, Type<T> type, String help) {
        return addOperand(new Operand<>(label, type, false, true, help));
    }

    private <T> Operand<T> addOperand(Operand<T> o) {
        if (!operands.isEmpty() && (operands.get(operands.size() - 1).many || operands.get(operands.size() - 1).optional)) {
            throw new IllegalArgumentException("an operand after " + operands.get(operands.size() - 1).shown());
        }
        operands.add(o);
        return o;
    }

    private Option<?> option(String name) {
        for (Option<?> o : options) {
            if (o.name.equals(name)) {
                return o;
            }
        }
        return null;
    }

    public String command() {
        return command;
    }

    public String summary() {
        return summary;
    }

    /** The arguments after the command's name, parsed. */
    public static final class Parsed {
        private final Map<Option<?>, Object> values = new HashMap<>();
        private final Map<Operand<?>, List<Object>> operandValues = new HashMap<>();
        private boolean help;

        /** Whether {@code -h} or {@code --help} was given: the caller prints {@link #usage()} and nothing else. */
        public boolean help() {
            return help;
        }

        /** Whether the option was given on the command line. */
        public boolean has(Option<?> o) {
            return values.containsKey(o);
        }

        /** The option's value: the last one given, else its default, else null ({@code false} for a flag). */
        @SuppressWarnings("unchecked")
        public <T> T get(Option<T> o) {
            if (values.containsKey(o)) {
                return (T) values.get(o);
            }
            if (o.flag()) {
                return (T) Boolean.FALSE;
            }
            return o.defaultText == null ? null : o.type.parse(o.defaultText);
        }

        /** The operand's value; the first one of an operand that takes several; null for an optional one not given. */
        public <T> T get(Operand<T> o) {
            List<T> all = all(o);
            return all.isEmpty() ? null : all.get(0);
        }

        /** The operand's values, in the order given. */
        @SuppressWarnings("unchecked")
        public <T> List<T> all(Operand<T> o) {
            return (List<T>) List.copyOf(operandValues.getOrDefault(o, List.of()));
        }
    }

    /**
     * Parses the arguments after the command's name. Where {@code -h}/{@code --help} is among the options, the
     * result only says so, whatever else is wrong; otherwise the first problem is thrown.
     */
    public Parsed parse(String[] args) throws BadArgs {
        Parsed p = new Parsed();
        BadArgs first = null;
        boolean optionsEnded = false;
        int operandIndex = 0;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            BadArgs problem = null;
            if (!optionsEnded && a.equals("--")) {
                optionsEnded = true;
            } else if (!optionsEnded && (a.equals("-h") || a.equals("--help"))) {
                p.help = true;
            } else if (!optionsEnded && a.startsWith("-") && a.length() > 1) {
                int eq = a.indexOf('=');
                String name = eq > 0 ? a.substring(0, eq) : a;
                Option<?> o = option(name);
                if (o == null) {
                    problem = new BadArgs("'" + a + "' is not an option; expected " + optionNames());
                } else if (o.flag()) {
                    if (eq > 0) {
                        problem = BadArgs.value(name, a.substring(eq + 1), "a value", name + " alone (it takes none)");
                    } else {
                        p.values.put(o, Boolean.TRUE);
                    }
                } else if (eq < 0 && i + 1 >= args.length) {
                    problem = BadArgs.missing(name + " " + o.label, o.type.accepted);
                } else {
                    String value = eq > 0 ? a.substring(eq + 1) : args[++i];
                    try {
                        p.values.put(o, o.type.parse(value));
                    } catch (IllegalArgumentException e) {
                        problem = BadArgs.value(name, value, e.getMessage(), o.type.accepted);
                    }
                }
            } else if (operandIndex >= operands.size()) {
                problem = new BadArgs("'" + a + "' is one argument too many; expected " + synopsis());
            } else {
                Operand<?> o = operands.get(operandIndex);
                try {
                    Object v = o.type.parse(a);
                    List<Object> list = p.operandValues.get(o);
                    if (list == null) {
                        list = new ArrayList<>();
                        p.operandValues.put(o, list);
                    }
                    list.add(v);
                } catch (IllegalArgumentException e) {
                    problem = BadArgs.value(o.label, a, e.getMessage(), o.type.accepted);
                }
                if (!o.many) {
                    operandIndex++;
                }
            }
            if (first == null) {
                first = problem;
            }
        }
        if (p.help) {
            return p;
        }
        if (first != null) {
            throw first;
        }
        for (Option<?> o : options) {
            if (o.required && !p.values.containsKey(o)) {
                throw BadArgs.missing(o.name + " " + o.label, o.type.accepted);
            }
        }
        for (Operand<?> o : operands) {
            if (!o.optional && !p.operandValues.containsKey(o)) {
                throw BadArgs.missing(o.shown(), o.type.accepted);
            }
        }
        return p;
    }

    private String optionNames() {
        StringBuilder s = new StringBuilder();
        for (Option<?> o : options) {
            s.append(o.name).append(", ");
        }
        return s.append("--help").toString();
    }

    /** One line: the command and its options and operands, e.g. {@code estimate --hours H [--json]}. */
    public String synopsis() {
        return String.join(" ", synopsisItems());
    }

    private List<String> synopsisItems() {
        List<String> items = new ArrayList<>();
        items.add(command);
        for (Option<?> o : options) {
            String form = o.flag() ? o.name : o.name + " " + o.label;
            items.add(o.required ? form : "[" + form + "]");
        }
        for (Operand<?> o : operands) {
            items.add(o.shown());
        }
        return items;
    }

    /** What {@code <command> --help} prints: the synopsis, the summary, then one entry per option and operand. */
    public String usage() {
        List<String[]> rows = new ArrayList<>();
        for (Operand<?> o : operands) {
            rows.add(new String[] {o.shown(), o.help + (o.type.accepted == null ? ""
                    : ": " + o.type.accepted) + (o.many ? "; one or more" : "") + (o.optional ? "; optional" : "")});
        }
        for (Option<?> o : options) {
            String more = o.flag() ? "" : ": " + o.type.accepted;
            if (o.required) {
                more += "; required";
            } else if (o.defaultText != null) {
                more += "; default " + o.defaultText;
            }
            rows.add(new String[] {o.flag() ? o.name : o.name + " " + o.label, o.help + more});
        }
        rows.add(new String[] {"-h, --help", "print this help and exit"});
        int width = 0;
        for (String[] r : rows) {
            width = Math.max(width, r[0].length());
        }
        String nl = System.lineSeparator();
        StringBuilder s = new StringBuilder(wrap("usage: " + PROGRAM + " ", synopsisItems(), nl)).append(nl);
        s.append(summary).append(nl);
        for (String[] r : rows) {
            s.append(wrap("  " + r[0] + " ".repeat(width - r[0].length() + 2), List.of(r[1].split(" ")), nl)).append(nl);
        }
        return s.substring(0, s.length() - nl.length());
    }

    /** {@code head} then the words, folded to {@link #WIDTH} columns, continuation lines indented under the first word. */
    static String wrap(String head, List<String> words, String nl) {
        StringBuilder s = new StringBuilder(head);
        String indent = " ".repeat(head.length());
        int lineStart = 0;
        for (String word : words) {
            int lineLength = s.length() - lineStart;
            if (lineLength > head.length() && lineLength + 1 + word.length() > WIDTH) {
                s.append(nl);
                lineStart = s.length();
                s.append(indent);
            } else if (lineLength > head.length()) {
                s.append(' ');
            }
            s.append(word);
        }
        return s.toString();
    }

    /**
     * Bad input: its message is one line that names the value and what is accepted, without the command's name
     * ({@link Cli} adds it, and the pointer to {@code --help}).
     */
    public static final class BadArgs extends Exception {

        public BadArgs(String message) {
            super(message, null, false, false);
        }

        /** {@code <what>: '<value>' is <problem>; expected <accepted>}. */
        public static BadArgs value(String what, String value, String problem, String accepted) {
            return new BadArgs(what + ": '" + shown(value) + "' is " + problem + (accepted == null ? "" : "; expected " + accepted));
        }

        /** A value as an error line shows it: control characters escaped, at most 80 characters of it. */
        static String shown(String value) {
            String v = value.length() > 80 ? value.substring(0, 80) + "... (" + value.length() + " characters)" : value;
            return io.mlco2.tracker.base.Log.printable(v);
        }

        /** {@code missing <what>; expected <accepted>}. */
        public static BadArgs missing(String what, String accepted) {
            return new BadArgs("missing " + what + (accepted == null ? "" : "; expected " + accepted));
        }
    }
}
