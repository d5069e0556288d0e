package io.mlco2.tracker.epochs.fake;

import java.util.List;

/**
 * Shaped as dl4j-spark 1.0.0-M2's {@code SparkComputationGraph} where {@code Dl4jSparkFrameworkTest} needs it (a
 * {@code List} stands for a {@code JavaRDD}): {@code fit}, {@code fitPaths} and {@code fitMultiDataSet} each end a
 * pass by adding one to the graph's epoch count and return the graph.
 */
public class FakeSparkComputationGraph {

    public int epochCount;

    public FakeSparkComputationGraph fit(List<?> javaRdd) {
        epochCount++;
        return this;
    }

    public FakeSparkComputationGraph fitPaths(List<String> paths, Object loader) {
        epochCount++;
        return this;
    }

    /** {@code fitMultiDataSet(String path)}: lists the files, then {@code fitPathsMultiDataSet}. */
    public FakeSparkComputationGraph fitMultiDataSet(String path) {
        return fitPathsMultiDataSet(List.of(path + "/0.bin"));
    }

    public FakeSparkComputationGraph fitMultiDataSet(List<?> javaRdd) {
        epochCount++;
        return this;
    }

    public FakeSparkComputationGraph fitPathsMultiDataSet(List<String> paths) {
        return fitPaths(paths, "SerializedMultiDataSetLoader");
    }
}
