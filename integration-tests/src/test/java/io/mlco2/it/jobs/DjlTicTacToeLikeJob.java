package io.mlco2.it.jobs;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.EasyTrain;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.Batch;
import ai.djl.training.listener.TrainingListener;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.translate.Batchifier;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A training job driven the way DJL's {@code TrainTicTacToe} example drives its reinforcement learning: no
 * {@code EasyTrain.fit}, but a loop of many short steps. Each game of tic-tac-toe is played by an epsilon-greedy agent
 * that scores the 9 moves with the network ({@code Trainer.evaluate}); its positions go to a replay buffer, and after
 * each game one replayed batch is trained with {@code EasyTrain.trainBatch} and {@code Trainer.step}. An epoch is a
 * number of games, ended by the job's own {@code trainer.notifyListeners(l -> l.onEpoch(trainer))}, as in the example.
 * DJL's RL classes ({@code RlEnv}, {@code QAgent}) are not used: the game and the Q-value target (+1 for a winning
 * move, -1 for an occupied cell, 0 otherwise) are generated here, offline. It knows nothing of the agent.
 *
 * <p>Arguments: {@code [epochs=6] [gamesPerEpoch=150] [exitCode=0]}. Prints one line per epoch and a final
 * {@code TRAINING DONE epochs=N} line with the epochs it ran.
 */
public final class DjlTicTacToeLikeJob {

    private static final int[][] LINES = {
        {0, 1, 2}, {3, 4, 5}, {6, 7, 8}, {0, 3, 6}, {1, 4, 7}, {2, 5, 8}, {0, 4, 8}, {2, 4, 6}};
    private static final int FEATURES = 18; // 9 cells (+1 mine, -1 the opponent's, 0 empty) and the move, one-hot
    private static final int REPLAY = 4096;
    private static final int BATCH = 32;

    /** Prints one line per finished epoch. */
    private static final class EpochPrinter extends ai.djl.training.listener.TrainingListenerAdapter {
        private int epoch;

        @Override
        public void onEpoch(Trainer trainer) {
            epoch++;
            System.out.printf("epoch %d done%n", epoch);
        }
    }

    public static void main(String[] args) throws Exception {
        int epochs = args.length > 0 ? Integer.parseInt(args[0]) : 6;
        int games = args.length > 1 ? Integer.parseInt(args[1]) : 150;
        int exitCode = args.length > 2 ? Integer.parseInt(args[2]) : 0;
        // One PyTorch thread unless told otherwise: each operation on so small a network takes microseconds, and a
        // pool of threads per operation only adds waiting (several times slower on a busy 2-core machine).
        if (System.getProperty("ai.djl.pytorch.num_threads") == null) {
            System.setProperty("ai.djl.pytorch.num_threads", "1");
            System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
        }
        long start = System.nanoTime();
        Random random = new Random(42);
        List<float[]> replayX = new ArrayList<>();
        List<Float> replayY = new ArrayList<>();
        int ran = 0;
        try (NDManager manager = NDManager.newBaseManager()) {
            manager.getEngine().setRandomSeed(42);
            SequentialBlock q = new SequentialBlock()
                    .add(Linear.builder().setUnits(128).build()).add(Activation::relu)
                    .add(Linear.builder().setUnits(64).build()).add(Activation::relu)
                    .add(Linear.builder().setUnits(1).build());
            try (Model model = Model.newInstance("tictactoe-q")) {
                model.setBlock(q);
                DefaultTrainingConfig cfg = new DefaultTrainingConfig(Loss.l2Loss())
                        .optOptimizer(Optimizer.adam().optLearningRateTracker(Tracker.fixed(0.001f)).build())
                        .addTrainingListeners(TrainingListener.Defaults.basic())
                        .addTrainingListeners(new EpochPrinter());
                try (Trainer trainer = model.newTrainer(cfg)) {
                    trainer.initialize(new Shape(1, FEATURES));
                    for (int epoch = 0; epoch < epochs; epoch++) {
                        for (int game = 0; game < games; game++) {
                            play(trainer, manager, random, 0.3, replayX, replayY);
                            train(trainer, manager, random, replayX, replayY);
                        }
                        trainer.notifyListeners(listener -> listener.onEpoch(trainer));
                        ran++;
                    }
                }
            }
        }
        System.out.printf("TRAINING DONE epochs=%d wall_ms=%d%n", ran, (System.nanoTime() - start) / 1_000_000);
        System.exit(exitCode);
    }

    /** One game, both sides played by the network (epsilon-greedy); each move's position and target is replayed. */
    private static void play(Trainer trainer, NDManager manager, Random random, double epsilon, List<float[]> replayX,
                             List<Float> replayY) {
        int[] board = new int[9]; // +1 X, -1 O
        int player = 1;
        for (int moves = 0; moves < 9; moves++) {
            int move;
            if (random.nextDouble() < epsilon) {
                move = random.nextInt(9);
            } else {
                float[][] candidates = new float[9][];
                for (int a = 0; a < 9; a++) {
                    candidates[a] = features(board, player, a);
                }
                try (NDManager step = manager.newSubManager()) {
                    NDArray scores = trainer.evaluate(new NDList(step.create(candidates))).singletonOrThrow();
                    move = (int) scores.argMax().getLong();
                }
            }
            boolean occupied = board[move] != 0;
            float[] position = features(board, player, move);
            if (!occupied) {
                board[move] = player;
            }
            remember(replayX, replayY, position, occupied ? -1f : wins(board, player) ? 1f : 0f);
            if (occupied) {
                // A random legal move instead, so the game goes on.
                List<Integer> free = new ArrayList<>();
                for (int c = 0; c < 9; c++) {
                    if (board[c] == 0) {
                        free.add(c);
                    }
                }
                if (free.isEmpty()) {
                    return;
                }
                board[free.get(random.nextInt(free.size()))] = player;
            }
            if (wins(board, player)) {
                return;
            }
            player = -player;
        }
    }

    /** One replayed batch, through {@code EasyTrain.trainBatch} and {@code Trainer.step} as the example does. */
    private static void train(Trainer trainer, NDManager manager, Random random, List<float[]> replayX,
                              List<Float> replayY) {
        if (replayX.size() < BATCH) {
            return;
        }
        float[][] x = new float[BATCH][];
        float[] y = new float[BATCH];
        for (int i = 0; i < BATCH; i++) {
            int pick = random.nextInt(replayX.size());
            x[i] = replayX.get(pick);
            y[i] = replayY.get(pick);
        }
        NDManager step = manager.newSubManager();
        try (Batch batch = new Batch(step, new NDList(step.create(x)), new NDList(step.create(y).reshape(BATCH, 1)),
                BATCH, Batchifier.STACK, Batchifier.STACK, 0, 0)) {
            EasyTrain.trainBatch(trainer, batch);
            trainer.step();
        }
    }

    private static void remember(List<float[]> replayX, List<Float> replayY, float[] x, float y) {
        if (replayX.size() == REPLAY) {
            replayX.remove(0);
            replayY.remove(0);
        }
        replayX.add(x);
        replayY.add(y);
    }

    private static float[] features(int[] board, int player, int move) {
        float[] f = new float[FEATURES];
        for (int c = 0; c < 9; c++) {
            f[c] = board[c] * player;
        }
        f[9 + move] = 1f;
        return f;
    }

    private static boolean wins(int[] board, int player) {
        for (int[] line : LINES) {
            if (board[line[0]] == player && board[line[1]] == player && board[line[2]] == player) {
                return true;
            }
        }
        return false;
    }
}
