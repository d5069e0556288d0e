package io.mlco2.it.jobs;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.EasyTrain;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.ArrayDataset;
import ai.djl.training.evaluator.Accuracy;
import ai.djl.training.listener.TrainingListener;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;

/**
 * A real training job: an MLP on synthetic MNIST-shaped data (in memory, offline), trained with DJL's PyTorch CPU
 * engine through {@link EasyTrain#fit}. It knows nothing of the agent.
 *
 * <p>Arguments: {@code [epochs=3] [samples=4096] [exitCode=0]}. Prints one line per epoch and a final
 * {@code TRAINING DONE} line (on a terminal, a progress bar too); exits with {@code exitCode} so tests can check that the agent keeps it.
 */
public final class DjlTrainingJob {

    /** Prints one line per finished epoch. */
    private static final class EpochPrinter extends ai.djl.training.listener.TrainingListenerAdapter {
        private int epoch;

        @Override
        public void onEpoch(Trainer trainer) {
            epoch++;
            System.out.printf("epoch %d done%n", epoch);
        }
    }

    /**
     * On a terminal, a progress bar as DJL's own draws it: redrawn with a carriage return after each batch, no newline
     * while the epoch runs, so the line belongs to the job for the whole epoch.
     */
    private static final class ProgressBar extends ai.djl.training.listener.TrainingListenerAdapter {
        private final int batches;
        private int batch;

        ProgressBar(int batches) {
            this.batches = batches;
        }

        @Override
        public void onTrainingBatch(Trainer trainer, TrainingListener.BatchData batchData) {
            batch++;
            int pct = Math.min(100, 100 * batch / batches);
            System.out.print("\rTraining: " + pct + "% |" + "=".repeat(pct / 5) + " ".repeat(20 - pct / 5) + "|"
                    + (batch == batches ? "\n" : ""));
            System.out.flush();
        }

        @Override
        public void onEpoch(Trainer trainer) {
            batch = 0;
        }
    }

    public static void main(String[] args) throws Exception {
        int epochs = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        int samples = args.length > 1 ? Integer.parseInt(args[1]) : 4096;
        int exitCode = args.length > 2 ? Integer.parseInt(args[2]) : 0;
        // Optional: keep training one more epoch at a time until this file exists (at most 5 minutes), so that a
        // test can observe the job while it trains, however fast the machine is.
        java.nio.file.Path until = args.length > 3 ? java.nio.file.Path.of(args[3]) : null;
        int inputs = 28 * 28;
        int classes = 10;
        long start = System.nanoTime();
        try (NDManager manager = NDManager.newBaseManager()) {
            manager.getEngine().setRandomSeed(42);
            // Labels depend on the input, so the network has something to learn and accuracy climbs.
            NDArray x = manager.randomUniform(0f, 1f, new Shape(samples, inputs));
            NDArray w = manager.randomNormal(new Shape(inputs, classes));
            NDArray y = x.matMul(w).argMax(1).toType(ai.djl.ndarray.types.DataType.FLOAT32, false);
            ArrayDataset data = new ArrayDataset.Builder().setData(x).optLabels(y)
                    .setSampling(128, true).build();

            SequentialBlock mlp = new SequentialBlock()
                    .add(Linear.builder().setUnits(256).build()).add(Activation::relu)
                    .add(Linear.builder().setUnits(128).build()).add(Activation::relu)
                    .add(Linear.builder().setUnits(classes).build());
            try (Model model = Model.newInstance("mlp")) {
                model.setBlock(mlp);
                DefaultTrainingConfig cfg = new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                        .addEvaluator(new Accuracy())
                        .optOptimizer(Optimizer.adam().optLearningRateTracker(Tracker.fixed(0.001f)).build())
                        .addTrainingListeners(TrainingListener.Defaults.basic())
                        .addTrainingListeners(new EpochPrinter());
                if (System.console() != null) {
                    cfg.addTrainingListeners(new ProgressBar(samples / 128));
                }
                try (Trainer trainer = model.newTrainer(cfg)) {
                    trainer.initialize(new Shape(1, inputs));
                    EasyTrain.fit(trainer, epochs, data, null);
                    while (until != null && !java.nio.file.Files.exists(until)
                            && System.nanoTime() - start < 300_000_000_000L) {
                        EasyTrain.fit(trainer, 1, data, null);
                        epochs++;
                    }
                }
            }
        }
        System.out.printf("TRAINING DONE epochs=%d wall_ms=%d%n", epochs, (System.nanoTime() - start) / 1_000_000);
        System.exit(exitCode);
    }
}
