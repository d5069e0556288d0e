package io.mlco2.tracker.cli;

import java.io.PrintStream;

/** One subcommand of {@code java -jar mlco2-agent.jar}. */
public interface Command {

    /** The command's options and operands, declared once: {@link Cli} parses with it and prints its usage. */
    ArgParser parser();

    /**
     * Runs with the parsed arguments; returns the process exit code (0 ok, 1 failed).
     *
     * @throws ArgParser.BadArgs when a value turns out not to be accepted (exit 2)
     */
    int run(ArgParser.Parsed args, PrintStream out, PrintStream err) throws ArgParser.BadArgs;
}
