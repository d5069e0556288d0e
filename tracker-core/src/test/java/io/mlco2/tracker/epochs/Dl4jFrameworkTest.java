package io.mlco2.tracker.epochs;

import io.mlco2.tracker.base.Log;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.objectweb.asm.Opcodes;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class Dl4jFrameworkTest {

    /** Stand-in for a DL4J model: overrides equals like MultiLayerNetwork, counts epochs like it. */
    public static final class Model {
        public int epochs;

        public int getEpochCount() {
            return epochs;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Model;
        }

        @Override
        public int hashCode() {
            return 1;
        }
    }

    private final Log log = new Log(new PrintStream(OutputStream.nullOutputStream()), Log.Level.INFO);
    private long now;

    private EpochTracker epochs(Path dir) {
        return new EpochTracker(new EpochTracker.Settings("r", dir, null, 1, null, 1, 400, 0, Instant.EPOCH), log,
                () -> now, () -> 0);
    }

    @Test
    void nestedFitOverloadsCountOnceAndTheOuterFitGivesThePlan(@TempDir Path dir) {
        EpochTracker epochs = epochs(dir);
        Dl4jFramework.Epochs dl4j = new Dl4jFramework.Epochs(epochs, log, () -> 0);
        Model a = new Model();
        Model b = new Model();
        epochs.process(0, new double[3]);
        dl4j.planned(a, 2);
        for (int e = 0; e < 2; e++) {
            now = 10 + e * 100L;
            dl4j.enter(a);
            dl4j.enter(a); // fit(MultiDataSetIterator) calling fit(DataSetIterator)
            dl4j.planned(a, 99); // inside an epoch: ignored
            dl4j.enter(b);
            now += 50;
            dl4j.exit(b, new RuntimeException("b failed: no row"));
            dl4j.exit(a, null);
            dl4j.exit(a, null);
            a.epochs++;
        }
        epochs.process(1000, new double[] {1, 0, 0});
        assertEquals(2, epochs.rows().size(), "models told apart by identity, b's failed epoch dropped");
        assertEquals(2, epochs.plannedEpochs());
        assertTrue(epochs.plannedEpochsSource().startsWith("DL4J fit(iterator, 2)"));
    }

    @Test
    void oneEpochBeforeTheAgentIsRecoveredFromTheSolversFirstLoad(@TempDir Path dir) {
        EpochTracker epochs = epochs(dir);
        Dl4jFramework.Epochs dl4j = new Dl4jFramework.Epochs(epochs, log, () -> 5);
        Model m = new Model();
        m.epochs = 1;
        epochs.process(0, new double[3]);
        now = 100;
        dl4j.enter(m);
        now = 200;
        dl4j.exit(m, null);
        epochs.process(1000, new double[] {1, 0, 0});
        assertEquals(2, epochs.rows().size());
        assertEquals(95e-9, epochs.rows().get(0).durationSeconds(), 1e-15);
        assertEquals(2, epochs.rows().get(1).number());
    }

    /** Which of DL4J's {@code fit} overloads (their declarations in 1.0.0-M2.1's MultiLayerNetwork) get which hook. */
    @Test
    void theHooksGoOnTheIteratorFitOverloads() {
        String dsi = "Lorg/nd4j/linalg/dataset/api/iterator/DataSetIterator;";
        String mdsi = "Lorg/nd4j/linalg/dataset/api/iterator/MultiDataSetIterator;";
        for (String target : new Dl4jFramework().targets()) {
            List<HookWeaver.Hook> hooks = new Dl4jFramework().hooks(target);
            HookWeaver.MethodMatcher epoch = hooks.get(0).matcher();
            HookWeaver.MethodMatcher planned = hooks.get(1).matcher();
            int pub = Opcodes.ACC_PUBLIC;
            assertTrue(epoch.matches(pub, "fit", "(" + dsi + ")V"));
            assertTrue(epoch.matches(pub, "fit", "(" + mdsi + ")V"));
            assertFalse(epoch.matches(pub, "fit", "(Lorg/nd4j/linalg/dataset/api/DataSet;)V"));
            assertFalse(epoch.matches(pub, "fit", "(" + dsi + "I)V"));
            assertFalse(epoch.matches(Opcodes.ACC_PRIVATE, "fit", "(" + dsi + ")V"));
            assertTrue(planned.matches(pub, "fit", "(" + dsi + "I)V"));
            assertTrue(planned.matches(pub, "fit", "(" + mdsi + "I)V"));
            assertFalse(planned.matches(pub, "fit", "(" + dsi + ")V"));
            assertFalse(planned.matches(pub, "fit", "(Lorg/nd4j/linalg/api/ndarray/INDArray;I)V"));
            assertEquals(List.of("dl4j.epoch.enter", "dl4j.epoch.exit", "dl4j.planned"), List.of(
                    hooks.get(0).enter().op(), hooks.get(0).exit().op(), hooks.get(1).enter().op()));
        }
    }
}
