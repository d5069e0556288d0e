package io.mlco2.it.jobs;

import org.deeplearning4j.datasets.iterator.utilty.ListDataSetIterator;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * A real DL4J 1.0.0-M2.1 training job: an MLP on synthetic data (in memory, offline) trained with
 * {@code MultiLayerNetwork.fit(iterator, epochs)} on the CPU backend. It knows nothing of the agent.
 *
 * <p>It also uses the OSHI 3.4.2 that DL4J puts on its class path, as an application would: the agent's own OSHI
 * must not replace it. Arguments: {@code [epochs=3] [samples=4096] [exitCode=0]}. Prints an {@code OSHI} line, one
 * line per epoch and a final {@code TRAINING DONE} line.
 */
public final class Dl4jTrainingJob {

    public static void main(String[] args) {
        int epochs = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        int samples = args.length > 1 ? Integer.parseInt(args[1]) : 4096;
        int exitCode = args.length > 2 ? Integer.parseInt(args[2]) : 0;
        int inputs = 256;
        int classes = 10;
        long start = System.nanoTime();

        oshi.hardware.CentralProcessor cpu = new oshi.SystemInfo().getHardware().getProcessor();
        System.out.printf("OSHI %s processor: %s (%d logical)%n", oshi.SystemInfo.class.getPackage().getImplementationVersion(),
                cpu.getName(), cpu.getLogicalProcessorCount());

        Nd4j.getRandom().setSeed(42);
        INDArray x = Nd4j.rand(samples, inputs);
        INDArray w = Nd4j.randn(inputs, classes);
        INDArray labels = Nd4j.zeros(samples, classes);
        INDArray argMax = x.mmul(w).argMax(1);
        for (int i = 0; i < samples; i++) {
            labels.putScalar(i, argMax.getInt(i), 1.0);
        }
        ListDataSetIterator<DataSet> data = new ListDataSetIterator<>(new DataSet(x, labels).asList(), 128);

        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder()
                .seed(42).updater(new Adam(1e-3)).list()
                .layer(new DenseLayer.Builder().nIn(inputs).nOut(256).activation(Activation.RELU).build())
                .layer(new DenseLayer.Builder().nIn(256).nOut(128).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(128).nOut(classes)
                        .activation(Activation.SOFTMAX).build())
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        net.addListeners(new org.deeplearning4j.optimize.api.BaseTrainingListener() {
            @Override
            public void onEpochEnd(org.deeplearning4j.nn.api.Model model) {
                System.out.printf("epoch %d done%n", ((MultiLayerNetwork) model).getEpochCount() + 1);
            }
        });
        net.fit(data, epochs);
        System.out.printf("TRAINING DONE epochs=%d wall_ms=%d%n", epochs, (System.nanoTime() - start) / 1_000_000);
        System.exit(exitCode);
    }
}
