package io.mlco2.it.jobs;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.rnn.DuplicateToTimeSeriesVertex;
import org.deeplearning4j.nn.conf.graph.rnn.LastTimeStepVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.dataset.api.MultiDataSetPreProcessor;
import org.nd4j.linalg.dataset.api.iterator.MultiDataSetIterator;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A DL4J sequence-to-sequence job shaped like DL4J's {@code AdditionModelWithSeq2Seq} example: a
 * {@code ComputationGraph} whose LSTM encoder reads "12+34" (reversed, one-hot), whose last time step is repeated
 * along the decoder's input ("Go" and the sum's digits), and whose LSTM decoder writes the sum's digits and "End".
 * Trained by a loop of {@code net.fit(MultiDataSetIterator)}, one call per epoch, over additions generated here with a
 * fixed seed (the example's own {@code MultiDataSetIterator} does the same), offline. It knows nothing of the agent.
 *
 * <p>Arguments: {@code [epochs=6] [samples=640] [exitCode=0]}. Prints one line per epoch and a final
 * {@code TRAINING DONE epochs=N} line with the epochs it ran.
 */
public final class Dl4jSeq2SeqJob {

    private static final int DIGITS = 2;
    /** One-hot width: digits 0-9, '+', ' ' (padding), Go, End. */
    private static final int VECTOR = 14;
    private static final int PLUS = 10;
    private static final int SPACE = 11;
    private static final int GO = 12;
    private static final int END = 13;
    private static final int BATCH = 32;

    /** The additions, batched once; {@link #reset} starts them again. */
    private static final class Additions implements MultiDataSetIterator {
        private final List<MultiDataSet> batches = new ArrayList<>();
        private MultiDataSetPreProcessor preProcessor;
        private int next;

        Additions(int samples, Random random) {
            for (int done = 0; done < samples; done += BATCH) {
                batches.add(batch(Math.min(BATCH, samples - done), random));
            }
        }

        private static MultiDataSet batch(int size, Random random) {
            int max = (int) Math.pow(10, DIGITS);
            int inLength = 2 * DIGITS + 1;
            int outLength = DIGITS + 2; // the sum's DIGITS + 1 digits, and Go before them (input) or End after them
            INDArray encoderIn = Nd4j.zeros(size, VECTOR, inLength);
            INDArray decoderIn = Nd4j.zeros(size, VECTOR, outLength);
            INDArray labels = Nd4j.zeros(size, VECTOR, outLength);
            for (int i = 0; i < size; i++) {
                int a = random.nextInt(max);
                int b = random.nextInt(max);
                String question = new StringBuilder(pad(a, DIGITS) + "+" + pad(b, DIGITS)).reverse().toString();
                for (int t = 0; t < inLength; t++) {
                    encoderIn.putScalar(new int[] {i, symbol(question.charAt(t)), t}, 1.0);
                }
                String sum = pad(a + b, DIGITS + 1);
                decoderIn.putScalar(new int[] {i, GO, 0}, 1.0);
                for (int t = 0; t < DIGITS + 1; t++) {
                    decoderIn.putScalar(new int[] {i, symbol(sum.charAt(t)), t + 1}, 1.0);
                    labels.putScalar(new int[] {i, symbol(sum.charAt(t)), t}, 1.0);
                }
                labels.putScalar(new int[] {i, END, DIGITS + 1}, 1.0);
            }
            return new org.nd4j.linalg.dataset.MultiDataSet(new INDArray[] {encoderIn, decoderIn},
                    new INDArray[] {labels});
        }

        private static String pad(int n, int width) {
            return " ".repeat(width - Integer.toString(n).length()) + n;
        }

        private static int symbol(char c) {
            return c == '+' ? PLUS : c == ' ' ? SPACE : c - '0';
        }

        @Override
        public boolean hasNext() {
            return next < batches.size();
        }

        @Override
        public MultiDataSet next() {
            MultiDataSet batch = batches.get(next++);
            if (preProcessor != null) {
                preProcessor.preProcess(batch);
            }
            return batch;
        }

        @Override
        public MultiDataSet next(int num) {
            return next();
        }

        @Override
        public void setPreProcessor(MultiDataSetPreProcessor preProcessor) {
            this.preProcessor = preProcessor;
        }

        @Override
        public MultiDataSetPreProcessor getPreProcessor() {
            return preProcessor;
        }

        @Override
        public boolean resetSupported() {
            return true;
        }

        @Override
        public boolean asyncSupported() {
            return false;
        }

        @Override
        public void reset() {
            next = 0;
        }
    }

    public static void main(String[] args) {
        int epochs = args.length > 0 ? Integer.parseInt(args[0]) : 6;
        int samples = args.length > 1 ? Integer.parseInt(args[1]) : 640;
        int exitCode = args.length > 2 ? Integer.parseInt(args[2]) : 0;
        int hidden = 128;
        long start = System.nanoTime();

        Nd4j.getRandom().setSeed(42);
        Additions data = new Additions(samples, new Random(42));
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder()
                .seed(42).weightInit(WeightInit.XAVIER).updater(new Adam(0.005))
                .graphBuilder()
                .addInputs("additionIn", "sumOut")
                .setInputTypes(InputType.recurrent(VECTOR), InputType.recurrent(VECTOR))
                .addLayer("encoder", new LSTM.Builder().nIn(VECTOR).nOut(hidden).activation(Activation.SOFTSIGN)
                        .build(), "additionIn")
                .addVertex("lastTimeStep", new LastTimeStepVertex("additionIn"), "encoder")
                .addVertex("duplicateTimeStep", new DuplicateToTimeSeriesVertex("sumOut"), "lastTimeStep")
                .addLayer("decoder", new LSTM.Builder().nIn(VECTOR + hidden).nOut(hidden)
                        .activation(Activation.SOFTSIGN).build(), "sumOut", "duplicateTimeStep")
                .addLayer("output", new RnnOutputLayer.Builder().nIn(hidden).nOut(VECTOR).activation(Activation.SOFTMAX)
                        .lossFunction(LossFunctions.LossFunction.MCXENT).build(), "decoder")
                .setOutputs("output")
                .build();
        ComputationGraph net = new ComputationGraph(conf);
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
