package io.mlco2.tracker.epochs.fake;

/** A third framework's model for {@code FrameworksTest}: {@code train(n)} runs {@code n} epochs. */
public class FakeLearner {

    public int done;

    public void train(int epochs) {
        for (int i = 0; i < epochs; i++) {
            epoch(i == failAt);
        }
    }

    /** The epoch number that throws, -1 for none. */
    public int failAt = -1;

    public void epoch(boolean fail) {
        if (fail) {
            throw new IllegalStateException("epoch failed");
        }
        done++;
    }
}
