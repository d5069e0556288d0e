package io.mlco2.tracker.cli;

import io.mlco2.tracker.base.Version;

import java.io.PrintStream;

/** {@code version}: prints the agent's version. */
final class VersionCommand implements Command {

    private final ArgParser parser = new ArgParser("version", "print the agent's version");

    @Override
    public ArgParser parser() {
        return parser;
    }

    @Override
    public int run(ArgParser.Parsed args, PrintStream out, PrintStream err) {
        out.println("mlco2-agent " + Version.get());
        return 0;
    }
}
