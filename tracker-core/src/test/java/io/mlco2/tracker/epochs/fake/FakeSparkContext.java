package io.mlco2.tracker.epochs.fake;

/**
 * Shaped as Spark 3.5's {@code SparkContext} where {@code SparkFrameworkTest} needs it: the constructor learns the
 * application id, then calls the private {@code postApplicationStart()}; {@code applicationId()} is public.
 */
public class FakeSparkContext {

    private final String applicationId;
    public int posted;

    public FakeSparkContext(String applicationId) {
        this.applicationId = applicationId;
        postApplicationStart();
    }

    public String applicationId() {
        return applicationId;
    }

    private void postApplicationStart() {
        posted++;
    }
}
