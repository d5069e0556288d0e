package io.mlco2.tracker.epochs;

import io.mlco2.tracker.base.Log;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** DJL's events as EasyTrain sends them, with a stand-in for DJL's TrainingListener. */
class DjlFrameworkTest {

    /** Stand-in for {@code ai.djl.training.listener.TrainingListener}. */
    public interface Listener {
        void onEpoch(Object trainer);

        void onTrainingBatch(Object trainer, Object batch);

        void onTrainingBegin(Object trainer);

        void onTrainingEnd(Object trainer);

        int someFutureMethod();
    }

    /** Stand-in for DJL's Trainer: the listener interface is looked up in its class loader. */
    static final class Trainer {
    }

    private final Log log = new Log(new PrintStream(OutputStream.nullOutputStream()), Log.Level.INFO);
    private long now;

    private EpochTracker epochs(Path dir) {
        return new EpochTracker(new EpochTracker.Settings("r", dir, null, 1, null, 1, 400, 0, Instant.EPOCH), log,
                () -> now, () -> 0);
    }

    private void notify(DjlFramework.Epochs djl, Object trainer, Consumer<Listener> c) throws Exception {
        djl.notified(trainer, c);
    }

    @Test
    void easyTrainFitGivesThePlanAndOneRowPerOnEpoch(@TempDir Path dir) throws Exception {
        EpochTracker epochs = epochs(dir);
        DjlFramework.Epochs djl = new DjlFramework.Epochs(epochs, log, Listener.class.getName(), () -> 0);
        Object trainer = new Trainer();
        epochs.process(0, new double[3]);
        now = 1;
        notify(djl, trainer, l -> l.onTrainingBegin(trainer));
        now = 10;
        djl.fitEnter(trainer, 3);
        assertEquals(3, epochs.plannedEpochs());
        assertEquals("DJL EasyTrain.fit", epochs.plannedEpochsSource());
        for (int e = 1; e <= 3; e++) {
            now = e * 100L;
            notify(djl, trainer, l -> l.onTrainingBatch(trainer, null));
            notify(djl, trainer, l -> l.onEpoch(trainer));
        }
        now = 400;
        djl.fitExit(trainer);
        notify(djl, trainer, l -> l.onTrainingEnd(trainer));
        notify(djl, trainer, l -> assertEquals(0, l.someFutureMethod()));
        epochs.process(1000, new double[] {1000, 0, 0});
        List<PhaseRow> rows = epochs.rows();
        assertEquals(3, rows.size());
        assertEquals(90e-9, rows.get(0).durationSeconds(), 1e-15, "from fit, not from the trainer's creation");
        assertEquals(3, rows.get(2).number());
    }

    @Test
    void aTrainingThatBeganBeforeTheAgentStartsAtEasyTrainsFirstLoad(@TempDir Path dir) throws Exception {
        EpochTracker epochs = epochs(dir);
        DjlFramework.Epochs djl = new DjlFramework.Epochs(epochs, log, Listener.class.getName(), () -> 5);
        Object trainer = new Trainer();
        epochs.process(0, new double[3]);
        now = 50;
        notify(djl, trainer, l -> l.onTrainingBatch(trainer, null));
        now = 100;
        notify(djl, trainer, l -> l.onEpoch(trainer));
        now = 200;
        notify(djl, trainer, l -> l.onEpoch(trainer));
        notify(djl, trainer, l -> l.onTrainingEnd(trainer));
        epochs.process(1000, new double[] {1000, 0, 0});
        List<PhaseRow> rows = epochs.rows();
        assertEquals(2, rows.size());
        assertEquals(95e-9, rows.get(0).durationSeconds(), 1e-15);
        assertEquals(0, epochs.plannedEpochs(), "the running fit's epochs cannot be known");
    }

    @Test
    void aConsumerThatThrowsIsTheCallersProblemOnly(@TempDir Path dir) {
        DjlFramework.Epochs djl = new DjlFramework.Epochs(epochs(dir), log, Listener.class.getName(), () -> 0);
        Consumer<Listener> bad = l -> {
            throw new IllegalStateException("boom");
        };
        BridgeHook hook = new BridgeHook(epochs(dir), List.of(new DjlFramework(Listener.class.getName())), log);
        assertEquals(null, hook.apply("djl.notified", new Object[] {new Trainer(), bad}), "swallowed by the bridge");
        assertThrows(IllegalStateException.class, () -> djl.notified(new Trainer(), bad), "thrown to the bridge");
        assertTrue(DjlFramework.Epochs.defaultValue(boolean.class).equals(false));
    }
}
