package io.mlco2.tracker.epochs.fake;

import java.util.List;

/**
 * Shaped as dl4j-spark 1.0.0-M2's {@code SparkDl4jMultiLayer} where {@code Dl4jSparkFrameworkTest} needs it (an
 * {@code Iterable} stands for an {@code RDD}, a {@code List} for a {@code JavaRDD}): the {@code fit} overloads call
 * one another as there, each pass over the data ends by adding one to the network's epoch count, and every
 * {@code fit} returns the network. Data holding {@code "fail"} makes the pass throw, as a failed Spark job does.
 */
public class FakeSparkDl4jMultiLayer {

    /** Stands for the {@code MultiLayerNetwork}: what {@code fit} returns. */
    public static final class Network {
        public int epochCount;
    }

    /** Runs during each pass (the test's clock moves there); none when {@code null}. */
    public static Runnable duringPass;

    public final Network network = new Network();
    /** The records the training master was given, all passes together. */
    public int trained;

    /** {@code fit(RDD<DataSet>)}: {@code fit(rdd.toJavaRDD())}. */
    public Network fit(Iterable<?> rdd) {
        return fit(List.copyOf((java.util.Collection<?>) rdd));
    }

    /** {@code fit(JavaRDD<DataSet>)}: one pass of the training master. */
    public Network fit(List<?> javaRdd) {
        train(javaRdd);
        network.epochCount++;
        return network;
    }

    /** {@code fit(String path)}: lists the files, then {@code fitPaths}. */
    public Network fit(String path) {
        return fitPaths(List.of(path + "/0.bin", path + "/1.bin"));
    }

    /** {@code fit(String path, int minPartitions)}: {@code fit(path)}. */
    public Network fit(String path, int minPartitions) {
        return fit(path);
    }

    public Network fitPaths(List<String> paths) {
        return fitPaths(paths, "SerializedDataSetLoader");
    }

    public Network fitPaths(List<String> paths, Object loader) {
        train(paths);
        network.epochCount++;
        return network;
    }

    /** {@code fitLabeledPoint(JavaRDD<LabeledPoint>)}: converts, then {@code fit(JavaRDD)}. */
    public Network fitLabeledPoint(List<?> points) {
        return fit(List.copyOf(points));
    }

    private void train(List<?> data) {
        if (data.contains("fail")) {
            throw new IllegalStateException("Job aborted due to stage failure");
        }
        if (duringPass != null) {
            duringPass.run();
        }
        trained += data.size();
    }

    /** Not an epoch: evaluation. */
    public double calculateScore(List<?> data, boolean average) {
        return data.size();
    }
}
