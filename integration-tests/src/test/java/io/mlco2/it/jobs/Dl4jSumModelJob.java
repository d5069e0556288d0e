package io.mlco2.it.jobs;

import org.deeplearning4j.datasets.iterator.utilty.ListDataSetIterator;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * A DL4J regression job shaped like DL4J's {@code SumModel} example: a {@code MultiLayerNetwork} MLP learns the sum of
 * its inputs (MSE loss, identity output, Nesterov momentum), trained by a loop of {@code iterator.reset();
 * net.fit(iterator)}, one call per epoch, as the example does. Larger than the example (whose epochs take
 * milliseconds) so that an epoch lasts long enough to measure. Synthetic data in memory, offline; it knows nothing of
 * the agent.
 *
 * <p>Arguments: {@code [epochs=6] [samples=4096] [exitCode=0]}. Prints one line per epoch and a final
 * {@code TRAINING DONE epochs=N} line with the epochs it ran.
 */
public final class Dl4jSumModelJob {

    public static void main(String[] args) {
        int epochs = args.length > 0 ? Integer.parseInt(args[0]) : 6;
        int samples = args.length > 1 ? Integer.parseInt(args[1]) : 4096;
        int exitCode = args.length > 2 ? Integer.parseInt(args[2]) : 0;
        int inputs = 16;
        long start = System.nanoTime();

        Nd4j.getRandom().setSeed(42);
        INDArray x = Nd4j.rand(samples, inputs);
        INDArray y = x.sum(true, 1);
        ListDataSetIterator<DataSet> data = new ListDataSetIterator<>(new DataSet(x, y).asList(), 128);

        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder()
                .seed(42).weightInit(WeightInit.XAVIER).updater(new Nesterovs(0.001, 0.9)).list()
                .layer(new DenseLayer.Builder().nIn(inputs).nOut(256).activation(Activation.TANH).build())
                .layer(new DenseLayer.Builder().nIn(256).nOut(256).activation(Activation.TANH).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nIn(256).nOut(1)
                        .activation(Activation.IDENTITY).build())
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        int ran = 0;
        for (int i = 0; i < epochs; i++) {
            data.reset();
            net.fit(data);
            ran++;
            System.out.printf("epoch %d done, score %.4f%n", ran, net.score());
        }
        System.out.printf("TRAINING DONE epochs=%d wall_ms=%d%n", ran, (System.nanoTime() - start) / 1_000_000);
        System.exit(exitCode);
    }
}
