package io.mlco2.it.jobs;

import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;

/**
 * An unchanged DL4J-on-Spark training job (the driver): a small {@code SparkDl4jMultiLayer} with a
 * {@code ParameterAveragingTrainingMaster} ({@code rddTrainingApproach(Direct)}) trained for {@code args[0]} epochs,
 * one {@code fit(JavaRDD)} call each, then scored once (no epoch). The master comes from {@code spark.master}. It
 * prints each fit's own duration, DL4J's epoch count and the application id, for the test to compare with the
 * reports.
 *
 * <p>dl4j-spark's classes are reached by reflection: this module compiles without dl4j-spark, which only the opt-in
 * profile {@code spark-dl4j} resolves (Dl4jSparkIT runs this job on its class path).
 */
public final class Dl4jSparkJob {

    private Dl4jSparkJob() {
    }

    public static void main(String[] args) throws Exception {
        int epochs = Integer.parseInt(args[0]);
        JavaSparkContext sc = new JavaSparkContext(new SparkConf().setAppName("mlco2-dl4j-spark-it"));
        try {
            Nd4j.getRandom().setSeed(42);
            List<DataSet> batches = new ArrayList<>();
            for (int b = 0; b < 16; b++) {
                INDArray x = Nd4j.rand(64, 16).subi(0.5);
                INDArray y = Nd4j.zeros(64, 2);
                for (int i = 0; i < 64; i++) {
                    y.putScalar(i, x.getDouble(i, 0) > 0 ? 0 : 1, 1.0);
                }
                batches.add(new DataSet(x, y));
            }
            JavaRDD<DataSet> data = sc.parallelize(batches, 2);
            MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(42).updater(new Sgd(0.1)).list()
                    .layer(new DenseLayer.Builder().nIn(16).nOut(64).activation(Activation.TANH).build())
                    .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(64).nOut(2)
                            .activation(Activation.SOFTMAX).build())
                    .build();

            Class<?> builderClass = Class.forName(
                    "org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster$Builder");
            Object builder = builderClass.getConstructor(int.class).newInstance(64);
            builder = builderClass.getMethod("batchSizePerWorker", int.class).invoke(builder, 64);
            builder = builderClass.getMethod("averagingFrequency", int.class).invoke(builder, 2);
            builder = builderClass.getMethod("workerPrefetchNumBatches", int.class).invoke(builder, 0);
            Class<?> approach = Class.forName("org.deeplearning4j.spark.api.RDDTrainingApproach");
            builder = builderClass.getMethod("rddTrainingApproach", approach).invoke(builder,
                    approach.getField("Direct").get(null));
            Object trainingMaster = builderClass.getMethod("build").invoke(builder);

            Class<?> sparkNetClass = Class.forName("org.deeplearning4j.spark.impl.multilayer.SparkDl4jMultiLayer");
            Constructor<?> ctor = sparkNetClass.getConstructor(JavaSparkContext.class, MultiLayerConfiguration.class,
                    Class.forName("org.deeplearning4j.spark.api.TrainingMaster"));
            Object sparkNet = ctor.newInstance(sc, conf, trainingMaster);
            Method fit = sparkNetClass.getMethod("fit", JavaRDD.class);
            for (int e = 1; e <= epochs; e++) {
                long t0 = System.nanoTime();
                fit.invoke(sparkNet, data);
                System.out.printf("fit %d seconds=%.6f%n", e, (System.nanoTime() - t0) / 1e9);
                Thread.sleep(300); // between epochs: outside them
            }
            Object score = sparkNetClass.getMethod("calculateScore", JavaRDD.class, boolean.class)
                    .invoke(sparkNet, data, true);
            Object network = sparkNetClass.getMethod("getNetwork").invoke(sparkNet);
            Object epochCount = network.getClass().getMethod("getEpochCount").invoke(network);
            System.out.println("DL4J-SPARK DONE epochs=" + epochs + " epochCount=" + epochCount + " score=" + score
                    + " app=" + sc.sc().applicationId());
        } finally {
            sc.stop();
        }
    }
}
