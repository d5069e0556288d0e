package io.mlco2.tracker.cli;

import java.io.PrintStream;

/** One subcommand of {@code java -jar mlco2-agent.jar}. */
public interface Command {

    /** Runs with the arguments after the command name; returns the process exit code (0 ok, 2 bad input). */
    int run(String[] args, PrintStream out, PrintStream err);
}
