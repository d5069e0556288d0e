package io.mlco2.tracker.epochs;

import io.mlco2.tracker.base.Log;
import io.mlco2.tracker.epochs.HookWeaver.Arg;
import io.mlco2.tracker.epochs.HookWeaver.Call;
import io.mlco2.tracker.epochs.HookWeaver.Hook;
import io.mlco2.tracker.epochs.fake.FakeLearner;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.objectweb.asm.Opcodes;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

/** {@link Frameworks#ALL} is the only registration: a framework is one {@link Framework} class and one line. */
class FrameworksTest {

    private static final String LEARNER = FakeLearner.class.getName().replace('.', '/');

    /** A third framework, written as DJL's and DL4J's are: its model is {@link FakeLearner}. */
    static final class FakeFramework implements Framework {

        @Override
        public String name() {
            return "FAKE";
        }

        @Override
        public List<String> triggers() {
            return List.of("io/mlco2/tracker/epochs/fake/");
        }

        @Override
        public List<String> targets() {
            return List.of(LEARNER);
        }

        @Override
        public List<Hook> hooks(String target) {
            return List.of(
                    new Hook("public void train(int)", MethodShape.of(Opcodes.ACC_PUBLIC, 0, "train", "V", "I"),
                            Call.of("fake.planned", Arg.self(), Arg.param(0)), null, false),
                    new Hook("public void epoch(boolean)", MethodShape.of(Opcodes.ACC_PUBLIC, 0, "epoch", "V", "Z"),
                            Call.of("fake.enter", Arg.self()), Call.of("fake.exit", Arg.self(), Arg.thrown()), true));
        }

        /** Its version: 2.1 wherever its model class is found. */
        @Override
        public String version(ClassLoader loader) {
            return loader != null && loader.getResource(LEARNER + ".class") != null ? "2.1" : null;
        }

        @Override
        public boolean accepts(String version) {
            return "2.1".equals(version);
        }

        @Override
        public String eventPrefix() {
            return "fake.";
        }

        @Override
        public Events events(EpochTracker epochs, Log log) {
            return new Events() {
                private Span open;

                @Override
                public synchronized boolean on(String op, Object[] a) {
                    switch (op) {
                        case "fake.planned" -> epochs.plan((Integer) a[1], "FAKE train");
                        case "fake.enter" -> open = epochs.begin(EpochTracker.EPOCH, epochs.now());
                        case "fake.exit" -> {
                            if (a[1] == null) {
                                epochs.end(open, epochs.now());
                            } else {
                                epochs.cancel(open, epochs.now());
                            }
                        }
                        default -> {
                            return false;
                        }
                    }
                    return true;
                }
            };
        }
    }

    @TempDir
    Path dir;

    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final Log log = new Log(new PrintStream(err, true, StandardCharsets.UTF_8), Log.Level.INFO);

    @AfterEach
    void tearDown() {
        RecordingBridge.forward = null;
        RecordingBridge.EVENTS.clear();
    }

    /** Defines {@link FakeLearner} in a loader of its own, bytes passed through {@code transformer} (as the JVM). */
    private static Class<?> loadThrough(ClassFileTransformer transformer) throws Exception {
        String name = FakeLearner.class.getName();
        ClassLoader loader = new ClassLoader(FrameworksTest.class.getClassLoader()) {
            @Override
            protected Class<?> loadClass(String n, boolean resolve) throws ClassNotFoundException {
                if (!n.equals(name)) {
                    return super.loadClass(n, resolve);
                }
                synchronized (getClassLoadingLock(n)) {
                    Class<?> c = findLoadedClass(n);
                    if (c != null) {
                        return c;
                    }
                    try (InputStream in = getResourceAsStream(LEARNER + ".class")) {
                        byte[] bytes = in.readAllBytes();
                        byte[] woven = transformer.transform(null, this, LEARNER, null, null, bytes);
                        byte[] b = woven == null ? bytes : woven;
                        return defineClass(n, b, 0, b.length);
                    } catch (IOException | java.lang.instrument.IllegalClassFormatException e) {
                        throw new ClassNotFoundException(n, e);
                    }
                }
            }
        };
        return Class.forName(name, true, loader);
    }

    @Test
    void aThirdFrameworkIsOneDescriptorAndOneLineAndGoesThroughTheGenericPath() throws Throwable {
        AtomicLong clock = new AtomicLong();
        EpochTracker epochs = new EpochTracker(new EpochTracker.Settings("r", dir, null, 1, null, 1, 400, 0,
                Instant.EPOCH), log, clock::incrementAndGet, () -> 0);
        List<Framework> all = List.of(new DjlFramework(), new Dl4jFramework(), new FakeFramework()); // the one line
        BridgeHook bridge = new BridgeHook(epochs, all, log);
        RecordingBridge.forward = bridge;
        Instrumentation inst = mock(Instrumentation.class);
        when(inst.getAllLoadedClasses()).thenReturn(new Class<?>[0]);
        Supplier<ClassFileTransformer> build = () -> {
            bridge.prepare();
            return new FrameworkInstrumentation.Weaving(all, epochs, log, RecordingBridge.INTERNAL_NAME);
        };
        LazyFrameworkHooks hooks = new LazyFrameworkHooks(inst, all, build, log);
        hooks.register();
        assertFalse(hooks.started());

        epochs.process(0, new double[3]);
        Class<?> learnerClass = loadThrough(hooks);
        assertTrue(hooks.started(), "its model class is under its trigger");
        Object learner = learnerClass.getConstructor().newInstance();
        HookWeaverTest.call(learnerClass, learner, "train", 3);
        learnerClass.getField("failAt").set(learner, 1);
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> HookWeaverTest.call(learnerClass, learner, "train", 2));
        assertEquals("epoch failed", e.getMessage(), "the model's own exception, unchanged");
        epochs.process(1_000_000, new double[] {1000, 0, 0});

        assertEquals(4, learnerClass.getField("done").get(learner), "the model's own work is unchanged");
        List<PhaseRow> rows = epochs.rows();
        assertEquals(4, rows.size(), "3 epochs, then 1 of 2 before the failed one (dropped): " + rows);
        assertEquals(5, epochs.plannedEpochs(), "train(3), then train(2): 2 more");
        assertEquals("FAKE train", epochs.plannedEpochsSource());
        assertTrue(epochs.epochsSection().toString().contains("FAKE 2.1"), epochs.epochsSection().toString());
        String out = err.toString(StandardCharsets.UTF_8);
        assertEquals(0, out.lines().filter(l -> l.contains("detected")).count(), "at debug: the summary says it\n" + out);
        assertEquals(List.of("fake.planned", "fake.enter", "fake.exit"), opsOf(RecordingBridge.EVENTS.subList(0, 3)));
    }

    private static List<Object> opsOf(List<List<Object>> events) {
        List<Object> ops = new ArrayList<>();
        for (List<Object> e : events) {
            ops.add(e.get(0));
        }
        return ops;
    }

    @Test
    void eachFrameworkIsConsistentAndTheirNamesDoNotOverlap() {
        Set<String> prefixes = new HashSet<>();
        Set<String> targets = new HashSet<>();
        for (Framework f : Frameworks.ALL) {
            assertTrue(prefixes.add(f.eventPrefix()), "a prefix of its own: " + f.name());
            for (String other : prefixes) {
                assertTrue(other.equals(f.eventPrefix()) || !f.eventPrefix().startsWith(other)
                        && !other.startsWith(f.eventPrefix()), f.eventPrefix() + " vs " + other);
            }
            for (String t : f.targets()) {
                assertTrue(targets.add(t), "one framework per target: " + t);
                assertTrue(f.triggers().stream().anyMatch(t::startsWith), t + " loads under one of its triggers");
                for (Hook h : f.hooks(t)) {
                    for (Call c : new Call[] {h.enter(), h.exit()}) {
                        if (c != null) {
                            assertTrue(c.op().startsWith(f.eventPrefix()), c.op() + " reaches " + f.name());
                        }
                    }
                }
            }
        }
        assertEquals(Set.of("djl.", "dl4j.", "spark.", "dl4jspark."), prefixes);
    }

    /**
     * The agent's start-up makes the descriptors and reads their names ({@link LazyFrameworkHooks}): that must load
     * neither the weaver, ASM nor a framework's event state (a run without a framework never needs them); only the
     * descriptors and their interfaces.
     */
    @Test
    void theStartUpPathLoadsNoHookClasses() throws Exception {
        List<String> loaded = Collections.synchronizedList(new ArrayList<>());
        URL main = Frameworks.class.getProtectionDomain().getCodeSource().getLocation();
        URL asm = Opcodes.class.getProtectionDomain().getCodeSource().getLocation();
        try (URLClassLoader l = new URLClassLoader(new URL[] {main, asm}, ClassLoader.getPlatformClassLoader()) {
            @Override
            protected Class<?> findClass(String name) throws ClassNotFoundException {
                loaded.add(name);
                return super.findClass(name);
            }
        }) {
            Class<?> lazy = Class.forName(LazyFrameworkHooks.class.getName(), true, l);
            var ctor = lazy.getDeclaredConstructor(Instrumentation.class, Supplier.class,
                    Class.forName(Log.class.getName(), false, l));
            ctor.setAccessible(true);
            Object hooks = ctor.newInstance(null, null, null);
            Method isFramework = lazy.getDeclaredMethod("isFramework", String.class);
            isFramework.setAccessible(true);
            assertEquals(true, isFramework.invoke(hooks, "ai/djl/training/Trainer"));
            assertEquals(true, isFramework.invoke(hooks, "org/nd4j/linalg/factory/Nd4j"));
            assertTrue(loaded.contains(DjlFramework.class.getName()), loaded.toString());
            for (String c : loaded) {
                assertFalse(c.startsWith("org.objectweb.asm.") || c.contains("HookWeaver") || c.contains("MethodShape")
                        || c.contains("HookAdapter") || c.contains("$Epochs") || c.contains("FrameworkInstrumentation"),
                        "loaded at start-up: " + c + " in " + loaded);
            }
        }
    }
}
