package io.mlco2.it.jobs;

import io.mlco2.agent.bootstrap.Mlco2;

/**
 * {@link DjlTrainingJob} started once the agent is ready (at most 30 s of waiting), as a job that loads its data for a
 * while before training would be: DJL's planned epochs then come from {@code EasyTrain.fit} itself. Same arguments
 * and output as {@link DjlTrainingJob}.
 */
public final class DjlAfterAgentJob {

    public static void main(String[] args) throws Exception {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!Mlco2.attached() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        DjlTrainingJob.main(args);
    }
}
