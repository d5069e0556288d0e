package io.mlco2.it.jobs;

import io.mlco2.agent.bootstrap.Mlco2;

/**
 * Code that is neither DJL nor DL4J, measured through the public API: three {@code epoch} phases of busy work, each
 * with a {@code validation} phase inside. Runs the same with and without the agent.
 *
 * <p>Arguments: {@code [waitForAgent=false]}: when true, waits (at most 30 s) for the agent to be ready first. Prints
 * {@code attached=...}, one {@code in epoch N} line per epoch (from {@link Mlco2#currentEpoch()}) and {@code DONE}.
 */
public final class PhaseJob {

    private static volatile double sink;

    public static void main(String[] args) throws Exception {
        boolean waitForAgent = args.length > 0 && Boolean.parseBoolean(args[0]);
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (waitForAgent && !Mlco2.attached() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        System.out.println("attached=" + Mlco2.attached());
        for (int i = 0; i < 3; i++) {
            try (Mlco2.Phase epoch = Mlco2.phase("epoch")) {
                busy(400);
                System.out.println("in epoch " + Mlco2.currentEpoch());
                try (Mlco2.Phase validation = Mlco2.phase("validation")) {
                    busy(100);
                }
            }
        }
        System.out.println("DONE");
    }

    private static void busy(long millis) {
        long end = System.nanoTime() + millis * 1_000_000;
        double x = 0;
        while (System.nanoTime() < end) {
            x += Math.sqrt(x + 1);
        }
        sink = x;
    }
}
