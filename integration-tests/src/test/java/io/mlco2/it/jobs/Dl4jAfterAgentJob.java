package io.mlco2.it.jobs;

import io.mlco2.agent.bootstrap.Mlco2;

/**
 * {@link Dl4jTrainingJob} started once the agent is ready (at most 30 s of waiting), as a job that loads its data for
 * a while before training would be: DL4J's planned epochs then come from {@code fit(iterator, epochs)} itself. Same
 * arguments and output as {@link Dl4jTrainingJob}.
 */
public final class Dl4jAfterAgentJob {

    public static void main(String[] args) throws Exception {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!Mlco2.attached() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        Dl4jTrainingJob.main(args);
    }
}
