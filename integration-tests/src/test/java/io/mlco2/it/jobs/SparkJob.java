package io.mlco2.it.jobs;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.EasyTrain;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.ArrayDataset;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.api.java.function.Function;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;

/**
 * A Spark driver, run in its own JVM by {@code SparkClusterIT} (the cluster and the agent's options come as
 * {@code spark.*} system properties, as {@code spark-submit} passes them). Three stages:
 * <ol>
 *   <li>{@code hold}: one task per executor; each writes {@code <control>/running-<its pid>} and keeps its core busy
 *       until {@code <control>/release} exists (the test kills one executor in between);</li>
 *   <li>waits until the cluster has two executors again (Spark relaunches a killed one);</li>
 *   <li>{@code train}: one partition per executor, each training a small MLP with DJL's {@code EasyTrain.fit} for
 *       {@value #EPOCHS} epochs on synthetic data (as {@code DjlTrainingJob}, smaller).</li>
 * </ol>
 * Prints {@code app-id <id>} and {@code executors <n>} on stdout.
 */
public final class SparkJob {

    private SparkJob() {
    }

    /** Keeps a core busy until the release file exists (at most 120 s); returns this JVM's pid. */
    public static final class Hold implements Function<Integer, Long> {
        private final String control;

        Hold(String control) {
            this.control = control;
        }

        @Override
        public Long call(Integer task) throws Exception {
            long pid = ProcessHandle.current().pid();
            Path dir = Path.of(control);
            Files.writeString(dir.resolve("running-" + pid), "task " + task);
            long end = System.nanoTime() + 120_000_000_000L;
            double x = 0;
            while (!Files.exists(dir.resolve("release")) && System.nanoTime() < end) {
                for (int i = 1; i < 200_000; i++) {
                    x += Math.sqrt(i);
                }
            }
            return x < 0 ? -pid : pid;
        }
    }

    /** The epochs each executor trains. */
    public static final int EPOCHS = 2;

    /** Trains a small MLP with DJL in this executor; returns this JVM's pid. */
    public static final class Train implements FlatMapFunction<Iterator<Integer>, Long> {
        @Override
        public Iterator<Long> call(Iterator<Integer> partition) throws Exception {
            int inputs = 64;
            int classes = 4;
            try (NDManager manager = NDManager.newBaseManager()) {
                manager.getEngine().setRandomSeed(42);
                NDArray x = manager.randomUniform(0f, 1f, new Shape(1024, inputs));
                NDArray y = x.matMul(manager.randomNormal(new Shape(inputs, classes))).argMax(1)
                        .toType(DataType.FLOAT32, false);
                ArrayDataset data = new ArrayDataset.Builder().setData(x).optLabels(y).setSampling(64, true).build();
                SequentialBlock mlp = new SequentialBlock()
                        .add(Linear.builder().setUnits(64).build()).add(Activation.reluBlock())
                        .add(Linear.builder().setUnits(classes).build());
                try (Model model = Model.newInstance("mlp")) {
                    model.setBlock(mlp);
                    DefaultTrainingConfig cfg = new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                            .optOptimizer(Optimizer.adam().optLearningRateTracker(Tracker.fixed(0.01f)).build());
                    try (Trainer trainer = model.newTrainer(cfg)) {
                        trainer.initialize(new Shape(1, inputs));
                        EasyTrain.fit(trainer, EPOCHS, data, null);
                    }
                }
            }
            return List.of(ProcessHandle.current().pid()).iterator();
        }
    }

    public static void main(String[] args) throws Exception {
        String control = args[0];
        SparkConf conf = new SparkConf().setAppName("mlco2-spark-it");
        try (JavaSparkContext sc = new JavaSparkContext(conf)) {
            System.out.println("app-id " + sc.sc().applicationId());
            awaitExecutors(sc, 2);
            List<Long> held = sc.parallelize(Arrays.asList(0, 1), 2).map(new Hold(control)).collect();
            System.out.println("hold " + held);
            awaitExecutors(sc, 2);
            List<Long> trained = sc.parallelize(Arrays.asList(0, 1), 2).mapPartitions(new Train()).collect();
            System.out.println("trained " + trained);
            System.out.println("executors " + (sc.sc().statusTracker().getExecutorInfos().length - 1));
        }
    }

    /** Waits (at most 120 s) until {@code n} executors are registered (the list also holds the driver). */
    private static void awaitExecutors(JavaSparkContext sc, int n) throws InterruptedException {
        long end = System.nanoTime() + 120_000_000_000L;
        while (sc.sc().statusTracker().getExecutorInfos().length - 1 < n && System.nanoTime() < end) {
            Thread.sleep(100);
        }
    }
}
