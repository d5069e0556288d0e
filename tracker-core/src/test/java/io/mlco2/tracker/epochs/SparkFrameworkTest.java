package io.mlco2.tracker.epochs;

import io.mlco2.tracker.base.Log;
import io.mlco2.tracker.epochs.fake.FakeSparkContext;
import io.mlco2.tracker.runtime.RunContext;
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
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;

class SparkFrameworkTest {

    private static final String CONTEXT = FakeSparkContext.class.getName();

    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final Log log = new Log(new PrintStream(err, true, StandardCharsets.UTF_8), Log.Level.INFO);

    @AfterEach
    void tearDown() {
        RecordingBridge.forward = null;
        RecordingBridge.EVENTS.clear();
        SparkFramework.joinFrom(null);
    }

    /** {@link FakeSparkContext} with the Spark hook woven in, defined in a loader of its own. */
    private static Class<?> wovenContext() throws Exception {
        byte[] bytes;
        try (InputStream in = FakeSparkContext.class.getResourceAsStream("FakeSparkContext.class")) {
            bytes = in.readAllBytes();
        }
        HookWeaver weaver = new HookWeaver(RecordingBridge.INTERNAL_NAME);
        return HookWeaverTest.define(CONTEXT, weaver.weave(bytes,
                new SparkFramework().hooks(SparkFramework.SPARK_CONTEXT)));
    }

    @Test
    void theDriverJoinsTheRunOfItsFirstContextsApplication(@TempDir Path dir) throws Exception {
        RunContext run = mock(RunContext.class);
        SparkFramework.joinFrom(run);
        EpochTracker epochs = new EpochTracker(new EpochTracker.Settings("r", dir, null, 1, null, 1, 400, 0,
                Instant.EPOCH), log, System::nanoTime, () -> 0);
        RecordingBridge.forward = new BridgeHook(epochs, List.of(new SparkFramework()), log);
        Class<?> c = wovenContext();

        Object first = c.getConstructor(String.class).newInstance("app-20260101000000-0000");
        verify(run).joinRun("app-20260101000000-0000");
        assertEquals(1, c.getField("posted").get(first), "the context's own method ran unchanged");
        assertEquals(List.of(List.of(SparkFramework.STARTED, first)), RecordingBridge.EVENTS, "after it, with the context");

        c.getConstructor(String.class).newInstance("app-20260101000000-0001");
        c.getConstructor(String.class).newInstance("app-20260101000000-0002");
        verify(run, never()).joinRun("app-20260101000000-0001");
        String out = err.toString(StandardCharsets.UTF_8);
        assertEquals(1, out.lines().filter(l -> l.contains("another SparkContext")).count(), out);
        assertTrue(out.contains("stays that of the first (app-20260101000000-0000)"), out);
    }

    @Test
    void noRunOrNoIdJoinsNothing() throws Exception {
        RunContext run = mock(RunContext.class);
        new SparkFramework.Join(null, log).started(new FakeSparkContext("app-1"));
        SparkFramework.Join join = new SparkFramework.Join(run, log);
        join.started(new FakeSparkContext(""));
        join.started(null);
        verify(run, never()).joinRun(anyString());
        join.started(new FakeSparkContext("app-2"));
        verify(run).joinRun("app-2");
    }

    @Test
    void theHookGoesOnlyOnThePrivateInstanceMethodAndTheVersionsAreSpark3And4() {
        HookWeaver.MethodMatcher m = new SparkFramework().hooks(SparkFramework.SPARK_CONTEXT).get(0).matcher();
        assertTrue(m.matches(Opcodes.ACC_PRIVATE, "postApplicationStart", "()V"));
        assertFalse(m.matches(Opcodes.ACC_PRIVATE | Opcodes.ACC_STATIC, "postApplicationStart", "()V"));
        assertFalse(m.matches(Opcodes.ACC_PUBLIC, "postApplicationStart", "()V"));
        assertFalse(m.matches(Opcodes.ACC_PRIVATE, "postEnvironmentUpdate", "()V"));
        assertFalse(m.matches(Opcodes.ACC_PRIVATE, "postApplicationStart", "(Ljava/lang/String;)V"));
        SparkFramework f = new SparkFramework();
        assertTrue(f.accepts("3.5.9"));
        assertTrue(f.accepts("3.0.0"));
        assertTrue(f.accepts("4.0.1"));
        assertFalse(f.accepts("2.4.8"));
        assertFalse(f.accepts(null));
    }
}
