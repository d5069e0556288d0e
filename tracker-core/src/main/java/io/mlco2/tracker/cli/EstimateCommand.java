package io.mlco2.tracker.cli;

import java.io.PrintStream;

/** TEMPORARY stub: replaced by its issue. */
public final class EstimateCommand implements Command {
    @Override
    public int run(String[] args, PrintStream out, PrintStream err) {
        err.println("not implemented yet");
        return 2;
    }
}
