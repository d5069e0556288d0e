package io.mlco2.tracker.epochs;

import io.mlco2.tracker.base.Log;
import io.mlco2.tracker.epochs.fake.FakeSparkComputationGraph;
import io.mlco2.tracker.epochs.fake.FakeSparkDl4jMultiLayer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.objectweb.asm.Opcodes;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link Dl4jSparkFramework}'s hooks woven into stand-ins shaped as dl4j-spark's wrappers and run with a clock the
 * test moves: 100 ns per pass over the data, 7 ns between calls, and the run's energy growing by {@link #WATTS} J per
 * ns, so each epoch's energy is known beforehand.
 */
class Dl4jSparkFrameworkTest {

    private static final long PASS_NANOS = 100;
    private static final long GAP_NANOS = 7;
    /** Joules per nanosecond of the test's clock. */
    private static final double WATTS = 3;

    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final Log log = new Log(new PrintStream(err, true, StandardCharsets.UTF_8), Log.Level.INFO);
    private long now;

    @AfterEach
    void tearDown() {
        RecordingBridge.forward = null;
        RecordingBridge.EVENTS.clear();
    }

    private EpochTracker epochs(Path dir) {
        EpochTracker epochs = new EpochTracker(new EpochTracker.Settings("r", dir, null, 1, null, 1, 400, 0,
                Instant.EPOCH), log, () -> now, () -> 0);
        epochs.process(0, new double[3]);
        RecordingBridge.forward = new BridgeHook(epochs, List.of(new Dl4jSparkFramework()), log);
        return epochs;
    }

    /** {@code fake} with the hooks of {@code target} woven in, defined under its own name in a loader of its own. */
    private static Class<?> woven(Class<?> fake, String target) throws Exception {
        byte[] bytes;
        try (InputStream in = fake.getResourceAsStream(fake.getSimpleName() + ".class")) {
            bytes = in.readAllBytes();
        }
        HookWeaver weaver = new HookWeaver(RecordingBridge.INTERNAL_NAME);
        return HookWeaverTest.define(fake.getName(), weaver.weave(bytes, new Dl4jSparkFramework().hooks(target)));
    }

    /** {@code fit(RDD)} on the woven wrapper; what it throws is thrown as is. */
    private static Object fitRdd(Class<?> c, Object wrapper, List<Object> data) throws Throwable {
        try {
            return c.getMethod("fit", Iterable.class).invoke(wrapper, new java.util.ArrayDeque<>(data));
        } catch (java.lang.reflect.InvocationTargetException e) {
            throw e.getCause();
        }
    }

    /** The run's energy up to {@code t} on the test's clock. */
    private static double joulesAt(long t) {
        return WATTS * t;
    }

    @Test
    void eachOuterFitOfAMultiLayerWrapperIsOneEpochAndReturnsTheNetwork(@TempDir Path dir) throws Throwable {
        EpochTracker epochs = epochs(dir);
        Class<?> c = woven(FakeSparkDl4jMultiLayer.class, Dl4jSparkFramework.MULTI_LAYER);
        c.getField("duringPass").set(null, new Runnable() {
            @Override
            public void run() {
                now += PASS_NANOS;
            }
        });
        Object wrapper = c.getConstructor().newInstance();
        Object network = c.getField("network").get(wrapper);
        List<Object> data = List.of("a", "b", "c");

        // Each call as a user makes it; the overloads it goes through (fit(RDD) -> fit(JavaRDD), fit(path, n) ->
        // fit(path) -> fitPaths(paths) -> fitPaths(paths, loader), fitLabeledPoint -> fit(JavaRDD)) are one epoch.
        List<long[]> expected = new ArrayList<>();
        String[] calls = {"fit(RDD)", "fit(JavaRDD)", "fit(path, n)", "fitPaths(paths)", "fitLabeledPoint"};
        for (String call : calls) {
            now += GAP_NANOS;
            long start = now;
            Object returned = switch (call) {
                case "fit(RDD)" -> fitRdd(c, wrapper, data);
                case "fit(JavaRDD)" -> c.getMethod("fit", List.class).invoke(wrapper, data);
                case "fit(path, n)" -> c.getMethod("fit", String.class, int.class).invoke(wrapper, "hdfs:/d", 4);
                case "fitPaths(paths)" -> c.getMethod("fitPaths", List.class).invoke(wrapper, List.of("p0", "p1"));
                default -> c.getMethod("fitLabeledPoint", List.class).invoke(wrapper, data);
            };
            assertSame(network, returned, call + " returns the network unchanged");
            expected.add(new long[] {start, now});
        }
        now += GAP_NANOS;
        long end = now;
        epochs.process(end, new double[] {joulesAt(end), 0, 0});

        assertEquals(calls.length, network.getClass().getField("epochCount").get(network),
                "the wrapper's own work ran once per call");
        assertEquals(3 + 3 + 2 + 2 + 3, c.getField("trained").get(wrapper));
        List<PhaseRow> rows = epochs.rows();
        assertEquals(calls.length, rows.size(), rows.toString());
        double epochJoules = 0;
        for (int i = 0; i < rows.size(); i++) {
            PhaseRow r = rows.get(i);
            long[] span = expected.get(i);
            assertEquals(EpochTracker.EPOCH, r.phase());
            assertEquals(i + 1, r.number(), calls[i]);
            assertEquals(PASS_NANOS / 1e9, r.durationSeconds(), 1e-15, calls[i]);
            assertEquals(joulesAt(span[1]) - joulesAt(span[0]), r.energyJoules(), 1e-9, calls[i]);
            epochJoules += r.energyJoules();
        }
        assertEquals(joulesAt(end) - epochJoules, epochs.outsideEpochsJoules(), 1e-9,
                "the gaps between calls are outside epochs");
        assertEquals(0, epochs.plannedEpochs(), "the planned count is unknown");
        String out = err.toString(StandardCharsets.UTF_8);
        assertFalse(out.contains("failed"), out);
        assertTrue(out.contains("the planned number of epochs is unknown (set mlco2.epochs=N)"), out);
    }

    @Test
    void aFailedFitLeavesNoRowAndItsNumberGoesToTheNextEpoch(@TempDir Path dir) throws Throwable {
        EpochTracker epochs = epochs(dir);
        Class<?> c = woven(FakeSparkDl4jMultiLayer.class, Dl4jSparkFramework.MULTI_LAYER);
        c.getField("duringPass").set(null, null);
        Object wrapper = c.getConstructor().newInstance();
        now = 10;
        c.getMethod("fit", List.class).invoke(wrapper, List.of("a"));
        now = 20;
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> fitRdd(c, wrapper, List.of("fail")));
        assertEquals("Job aborted due to stage failure", e.getMessage(), "the job's exception, unchanged");
        now = 30;
        c.getMethod("fit", List.class).invoke(wrapper, List.of("b"));
        now = 40;
        epochs.process(now, new double[] {joulesAt(now), 0, 0});
        List<PhaseRow> rows = epochs.rows();
        assertEquals(2, rows.size(), rows.toString());
        assertEquals(List.of(1, 2), List.of(rows.get(0).number(), rows.get(1).number()));
        assertEquals(0, epochs.epochInProgress(), "no epoch left open by the failure");
        List<Object> ops = new ArrayList<>();
        for (List<Object> ev : RecordingBridge.EVENTS) {
            ops.add(ev.get(0));
        }
        assertEquals(List.of(Dl4jSparkFramework.EPOCH_ENTER, Dl4jSparkFramework.EPOCH_EXIT,
                Dl4jSparkFramework.EPOCH_ENTER, Dl4jSparkFramework.EPOCH_ENTER, Dl4jSparkFramework.EPOCH_EXIT,
                Dl4jSparkFramework.EPOCH_EXIT, Dl4jSparkFramework.EPOCH_ENTER, Dl4jSparkFramework.EPOCH_EXIT), ops,
                "fit(RDD) enters fit(JavaRDD); the exception leaves both");
    }

    @Test
    void eachFitOfAGraphWrapperIsOneEpochAndWrappersAreToldApart(@TempDir Path dir) throws Throwable {
        EpochTracker epochs = epochs(dir);
        Class<?> c = woven(FakeSparkComputationGraph.class, Dl4jSparkFramework.GRAPH);
        Object a = c.getConstructor().newInstance();
        Object b = c.getConstructor().newInstance();
        now = 10;
        assertSame(a, c.getMethod("fit", List.class).invoke(a, List.of(1)));
        now = 20;
        assertSame(a, c.getMethod("fitMultiDataSet", String.class).invoke(a, "file:/d"));
        now = 30;
        assertSame(b, c.getMethod("fitMultiDataSet", List.class).invoke(b, List.of(1)));
        now = 40;
        assertSame(b, c.getMethod("fitPaths", List.class, Object.class).invoke(b, List.of("p"), null));
        now = 50;
        epochs.process(now, new double[] {joulesAt(now), 0, 0});
        assertEquals(4, epochs.rows().size(), epochs.rows().toString());
        assertEquals(2, c.getField("epochCount").get(a));
        assertEquals(2, c.getField("epochCount").get(b));
    }

    @Test
    void aWrapperStillInsideAFitDoesNotHoldBackAnothersEpochs(@TempDir Path dir) {
        EpochTracker epochs = epochs(dir);
        Dl4jSparkFramework.Epochs events = new Dl4jSparkFramework.Epochs(epochs);
        Object a = new Object();
        Object b = new Object();
        now = 10;
        events.enter(a);
        now = 20;
        events.enter(b);
        events.exit(b, null);
        events.exit(b, null); // an unmatched exit changes nothing
        now = 30;
        events.enter(b);
        now = 40;
        events.exit(b, null);
        now = 50;
        epochs.process(now, new double[] {joulesAt(now), 0, 0});
        List<PhaseRow> rows = epochs.rows();
        assertEquals(2, rows.size(), "b's two epochs; a's still open");
        assertEquals(List.of(2, 3), List.of(rows.get(0).number(), rows.get(1).number()));
    }

    /** The hooks against the declarations of dl4j-spark_2.12 1.0.0-M2's wrappers (javap). */
    @Test
    void theHooksGoOnTheFitMethodsOf1_0_0_M2() {
        String mln = "Lorg/deeplearning4j/nn/multilayer/MultiLayerNetwork;";
        String cg = "Lorg/deeplearning4j/nn/graph/ComputationGraph;";
        String rdd = "Lorg/apache/spark/rdd/RDD;";
        String jrdd = "Lorg/apache/spark/api/java/JavaRDD;";
        String str = "Ljava/lang/String;";
        int pub = Opcodes.ACC_PUBLIC;
        Dl4jSparkFramework f = new Dl4jSparkFramework();
        List<HookWeaver.Hook> ml = f.hooks(Dl4jSparkFramework.MULTI_LAYER);
        assertTrue(matches(ml, pub, "fit", "(" + rdd + ")" + mln));
        assertTrue(matches(ml, pub, "fit", "(" + jrdd + ")" + mln));
        assertTrue(matches(ml, pub, "fit", "(" + str + ")" + mln));
        assertTrue(matches(ml, pub, "fitPaths", "(" + jrdd + "Lorg/deeplearning4j/core/loader/DataSetLoader;)" + mln));
        assertFalse(matches(ml, pub, "fit", "(" + str + "I)" + mln), "calls fit(String)");
        assertFalse(matches(ml, pub, "fitPaths", "(" + jrdd + ")" + mln), "calls fitPaths(paths, loader)");
        assertFalse(matches(ml, pub, "fitLabeledPoint", "(" + jrdd + ")" + mln), "calls fit(JavaRDD)");
        assertFalse(matches(ml, pub, "calculateScore", "(" + jrdd + "Z)D"));
        assertFalse(matches(ml, pub | Opcodes.ACC_STATIC, "fit", "(" + jrdd + ")" + mln));
        assertFalse(matches(ml, Opcodes.ACC_PRIVATE, "fit", "(" + jrdd + ")" + mln));
        assertFalse(matches(ml, pub, "fitMultiDataSet", "(" + jrdd + ")" + cg), "the graph's only");
        List<HookWeaver.Hook> g = f.hooks(Dl4jSparkFramework.GRAPH);
        assertTrue(matches(g, pub, "fit", "(" + rdd + ")" + cg));
        assertTrue(matches(g, pub, "fitMultiDataSet", "(" + jrdd + ")" + cg));
        assertTrue(matches(g, pub, "fitMultiDataSet", "(" + str + ")" + cg));
        assertTrue(matches(g, pub, "fitPaths", "(" + jrdd + "Lorg/deeplearning4j/core/loader/MultiDataSetLoader;)" + cg));
        assertFalse(matches(g, pub, "fitPathsMultiDataSet", "(" + jrdd + ")" + cg), "calls fitPaths(paths, loader)");
        for (HookWeaver.Hook h : g) {
            assertEquals(Dl4jSparkFramework.EPOCH_ENTER, h.enter().op());
            assertEquals(Dl4jSparkFramework.EPOCH_EXIT, h.exit().op());
            assertTrue(h.exitOnThrow());
        }
        assertTrue(f.accepts("1.0.0-M2"));
        assertTrue(f.accepts("1.0.0-M2.1"));
        assertTrue(f.accepts("1.0.0-M1"));
        assertFalse(f.accepts("1.0.0-beta7"));
        assertFalse(f.accepts(null));
    }

    private static boolean matches(List<HookWeaver.Hook> hooks, int access, String name, String descriptor) {
        for (HookWeaver.Hook h : hooks) {
            if (h.matcher().matches(access, name, descriptor)) {
                return true;
            }
        }
        return false;
    }
}
