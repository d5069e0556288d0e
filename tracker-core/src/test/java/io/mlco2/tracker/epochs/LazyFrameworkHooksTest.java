package io.mlco2.tracker.epochs;

import io.mlco2.tracker.base.Log;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.nio.charset.StandardCharsets;
import java.security.ProtectionDomain;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

class LazyFrameworkHooksTest {

    private static final byte[] WOVEN = {1, 2, 3};

    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final Log log = new Log(new PrintStream(err, true, StandardCharsets.UTF_8), Log.Level.INFO);
    private final Instrumentation inst = mock(Instrumentation.class);
    private final AtomicInteger builds = new AtomicInteger();
    private final AtomicInteger delegated = new AtomicInteger();

    /** A stand-in for the weaving transformer: weaves every class it is given into {@link #WOVEN}. */
    private final ClassFileTransformer fakeBb = new ClassFileTransformer() {
        @Override
        public byte[] transform(Module module, ClassLoader loader, String className, Class<?> redefined,
                                ProtectionDomain pd, byte[] classfile) {
            delegated.incrementAndGet();
            return WOVEN;
        }
    };

    private LazyFrameworkHooks hooks(Supplier<ClassFileTransformer> build) {
        when(inst.getAllLoadedClasses()).thenReturn(new Class<?>[] {String.class, LazyFrameworkHooksTest.class});
        LazyFrameworkHooks h = new LazyFrameworkHooks(inst, () -> {
            builds.incrementAndGet();
            return build.get();
        }, log);
        h.register();
        return h;
    }

    private static byte[] load(LazyFrameworkHooks h, String internalName) {
        return h.transform(null, null, internalName, null, null, new byte[] {0});
    }

    @Test
    void nothingIsBuiltForAJobWithoutAFramework() {
        LazyFrameworkHooks h = hooks(() -> fakeBb);
        verify(inst).addTransformer(h, true);
        assertNull(load(h, "java/util/ArrayList"));
        assertNull(load(h, "com/example/Train"));
        assertNull(load(h, null));
        assertFalse(h.started());
        assertEquals(0, builds.get(), "the weaving transformer is never built");
    }

    @Test
    void theFirstFrameworkClassStartsTheBuildOnceAndOnlyTheAdvisedClassesAreWoven() {
        LazyFrameworkHooks h = hooks(() -> fakeBb);
        assertNull(load(h, "ai/djl/ndarray/NDManager"), "not a class that carries advice");
        assertTrue(h.started());
        assertNull(load(h, "org/nd4j/linalg/factory/Nd4j"));
        assertArrayEquals(WOVEN, load(h, "ai/djl/training/EasyTrain"));
        assertArrayEquals(WOVEN, load(h, "org/deeplearning4j/nn/multilayer/MultiLayerNetwork"));
        assertEquals(1, builds.get());
        assertEquals(2, delegated.get());
    }

    @Test
    void anAdvisedClassLoadingBeforeTheTransformerIsReadyWaitsForIt() throws Exception {
        CountDownLatch building = new CountDownLatch(1);
        LazyFrameworkHooks h = hooks(() -> {
            building.countDown();
            try {
                Thread.sleep(300);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            return fakeBb;
        });
        assertArrayEquals(WOVEN, load(h, "ai/djl/training/Trainer"), "the trigger itself: waits, then woven");
        assertTrue(building.await(0, java.util.concurrent.TimeUnit.SECONDS));
        assertEquals(1, builds.get());
    }

    @Test
    void aFailedBuildIsOneLineAndEveryClassIsLeftAlone() {
        LazyFrameworkHooks h = hooks(() -> {
            throw new NoClassDefFoundError("org/objectweb/asm/ClassVisitor");
        });
        assertNull(load(h, "ai/djl/training/EasyTrain"));
        assertNull(load(h, "ai/djl/training/Trainer"));
        String out = err.toString(StandardCharsets.UTF_8);
        assertEquals(1, out.lines().filter(l -> l.contains("framework detection is off")).count(), out);
        assertTrue(out.contains("ClassVisitor"), out);
    }

    @Test
    void aThrowingTransformerIsOneLineAndTheClassLoadsUnchanged() {
        LazyFrameworkHooks h = hooks(() -> new ClassFileTransformer() {
            @Override
            public byte[] transform(Module module, ClassLoader loader, String className, Class<?> redefined,
                                    ProtectionDomain pd, byte[] classfile) {
                throw new IllegalStateException("boom");
            }
        });
        assertNull(load(h, "ai/djl/training/EasyTrain"));
        assertNull(load(h, "ai/djl/training/EasyTrain"));
        String out = err.toString(StandardCharsets.UTF_8);
        assertEquals(1, out.lines().filter(l -> l.contains("could not instrument ai.djl.training.EasyTrain")).count(), out);
    }

    @Test
    void binaryAndInternalNamesAreRecognisedAlike() {
        LazyFrameworkHooks h = hooks(() -> fakeBb);
        for (String n : new String[] {"ai/djl/nn/Block", "org/deeplearning4j/nn/Layer", "org/nd4j/linalg/Nd4j",
                "ai/djlx/Y", "org/nd4jx/Z", "com/example/ai/djl/X", "java/lang/String"}) {
            assertEquals(h.isFramework(n), h.isFrameworkBinaryName(n.replace('/', '.')), n);
        }
        assertTrue(h.isFrameworkBinaryName("ai.djl.training.Trainer"));
        assertFalse(h.isFrameworkBinaryName("ai.djlx.Trainer"));
    }
}
