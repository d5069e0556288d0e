package io.mlco2.it.epochs;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Epochs and forecasts on three more kinds of training program, each an unchanged job with synthetic data, in a
 * child JVM with the agent: a reinforcement-learning loop of short DJL steps (DJL's {@code TrainTicTacToe}), a DL4J
 * regression MLP ({@code SumModel}) and a DL4J LSTM encoder-decoder on a {@code ComputationGraph}
 * ({@code AdditionModelWithSeq2Seq}). Each job prints the epochs it ran; the agent must report as many complete
 * rows, the rows plus the energy outside them must make the run's total, and a forecast must follow every epoch from
 * {@code mlco2.predict.after-epochs} on, with its error against the actual. How close the forecasts come depends on
 * the machine's load and is measured by {@code scripts/forecast-check}, not here.
 */
class ProgramsEpochsIT {

    private static final Pattern DONE = Pattern.compile("TRAINING DONE epochs=(\\d+) ");

    /** The epochs the job says it ran. */
    private static int epochsRan(EpochRun r) {
        Matcher m = DONE.matcher(r.stdout);
        assertTrue(m.find(), "the job's TRAINING DONE line\n" + r.describe());
        return Integer.parseInt(m.group(1));
    }

    /**
     * Epochs ended by the job's own {@code trainer.notifyListeners(l -> l.onEpoch(trainer))} after many
     * {@code EasyTrain.trainBatch} steps, with no {@code EasyTrain.fit}: the planned count comes from
     * {@code mlco2.epochs}.
     */
    @Test
    void djlReinforcementLearningLoopOfShortSteps(@TempDir Path dir) throws Exception {
        EpochRun r = EpochRun.run(dir, "djl-tictactoe", "mlco2.epochs=5", EpochRun.djlClassPath(),
                "io.mlco2.it.jobs.DjlTicTacToeLikeJob", "5", "100");
        int ran = epochsRan(r);
        assertEquals(5, ran, r.describe());
        r.assertEpochRows(ran);
        r.assertForecast(1, 5, "mlco2.epochs", ran);
        r.assertQuietStderr();
    }

    /** A loop of {@code net.fit(iterator)} on a {@code MultiLayerNetwork}, first forecast after epoch 2. */
    @Test
    void dl4jRegressionMlpFitOncePerEpoch(@TempDir Path dir) throws Exception {
        EpochRun r = EpochRun.run(dir, "dl4j-sum", "mlco2.epochs=5;mlco2.predict.after-epochs=2",
                EpochRun.dl4jClassPath(), "io.mlco2.it.jobs.Dl4jSumModelJob", "5", "2048");
        int ran = epochsRan(r);
        assertEquals(5, ran, r.describe());
        r.assertEpochRows(ran);
        r.assertForecast(2, 5, "mlco2.epochs", ran);
        r.assertQuietStderr();
    }

    /**
     * A loop of {@code fit(MultiDataSetIterator)} on a {@code ComputationGraph} with two inputs (encoder and
     * decoder), first forecast after epoch 3.
     */
    @Test
    void dl4jSeq2SeqComputationGraphFitOncePerEpoch(@TempDir Path dir) throws Exception {
        EpochRun r = EpochRun.run(dir, "dl4j-seq2seq", "mlco2.epochs=5;mlco2.predict.after-epochs=3",
                EpochRun.dl4jClassPath(), "io.mlco2.it.jobs.Dl4jSeq2SeqJob", "5", "320");
        int ran = epochsRan(r);
        assertEquals(5, ran, r.describe());
        r.assertEpochRows(ran);
        r.assertForecast(3, 5, "mlco2.epochs", ran);
        r.assertQuietStderr();
    }
}
