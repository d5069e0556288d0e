package io.mlco2.tracker.epochs;

import io.mlco2.tracker.base.Log;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.lang.instrument.ClassFileTransformer;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FrameworkInstrumentationTest {

    @TempDir
    Path dir;

    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final Log log = new Log(new PrintStream(err, true, StandardCharsets.UTF_8), Log.Level.INFO);
    private EpochTracker epochs;
    private ClassFileTransformer weaving;

    @BeforeEach
    void setUp() {
        RecordingBridge.EVENTS.clear();
        epochs = new EpochTracker(new EpochTracker.Settings("r", dir, null, 1, null, 1, 400, 0, Instant.EPOCH), log,
                () -> 0, () -> 0);
        weaving = new FrameworkInstrumentation.Weaving(Frameworks.ALL, epochs, log, RecordingBridge.INTERNAL_NAME);
    }

    /** A jar with DJL's class names and shapes: {@code Trainer.notifyListeners}, {@code EasyTrain.fit}. */
    private Path fakeDjl(String version, boolean withNotify) throws IOException {
        Path jar = dir.resolve("djl-" + version + (withNotify ? "" : "-odd") + ".jar");
        Manifest mf = new Manifest();
        mf.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        mf.getMainAttributes().put(Attributes.Name.SPECIFICATION_VERSION, version);
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), mf)) {
            put(out, "ai/djl/training/dataset/Dataset", dataset());
            put(out, "ai/djl/training/Trainer", trainer(withNotify));
            put(out, "ai/djl/training/EasyTrain", easyTrain());
        }
        return jar;
    }

    private static void put(JarOutputStream out, String name, byte[] bytes) throws IOException {
        out.putNextEntry(new JarEntry(name + ".class"));
        out.write(bytes);
        out.closeEntry();
    }

    private static byte[] dataset() {
        ClassWriter cw = new ClassWriter(0);
        cw.visit(Opcodes.V11, Opcodes.ACC_PUBLIC | Opcodes.ACC_INTERFACE | Opcodes.ACC_ABSTRACT,
                "ai/djl/training/dataset/Dataset", null, "java/lang/Object", null);
        cw.visitEnd();
        return cw.toByteArray();
    }

    private static byte[] trainer(boolean withNotify) {
        ClassWriter cw = new ClassWriter(ClassWriter.COMPUTE_MAXS);
        cw.visit(Opcodes.V11, Opcodes.ACC_PUBLIC, "ai/djl/training/Trainer", null, "java/lang/Object", null);
        MethodVisitor init = cw.visitMethod(Opcodes.ACC_PUBLIC, "<init>", "()V", null, null);
        init.visitCode();
        init.visitVarInsn(Opcodes.ALOAD, 0);
        init.visitMethodInsn(Opcodes.INVOKESPECIAL, "java/lang/Object", "<init>", "()V", false);
        init.visitInsn(Opcodes.RETURN);
        init.visitMaxs(0, 0);
        init.visitEnd();
        MethodVisitor m = cw.visitMethod(Opcodes.ACC_PUBLIC, withNotify ? "notifyListeners" : "notifyAll2",
                "(Ljava/util/function/Consumer;)V", null, null);
        m.visitCode();
        m.visitVarInsn(Opcodes.ALOAD, 1);
        m.visitVarInsn(Opcodes.ALOAD, 0);
        m.visitMethodInsn(Opcodes.INVOKEINTERFACE, "java/util/function/Consumer", "accept", "(Ljava/lang/Object;)V",
                true);
        m.visitInsn(Opcodes.RETURN);
        m.visitMaxs(0, 0);
        m.visitEnd();
        cw.visitEnd();
        return cw.toByteArray();
    }

    /** {@code static void fit(Trainer t, int n, Dataset a, Dataset b) { if (n < 0) throw new IllegalArgumentException(); }} */
    private static byte[] easyTrain() {
        ClassWriter cw = new ClassWriter(ClassWriter.COMPUTE_FRAMES);
        cw.visit(Opcodes.V11, Opcodes.ACC_PUBLIC, "ai/djl/training/EasyTrain", null, "java/lang/Object", null);
        MethodVisitor m = cw.visitMethod(Opcodes.ACC_PUBLIC | Opcodes.ACC_STATIC, "fit",
                "(Lai/djl/training/Trainer;ILai/djl/training/dataset/Dataset;Lai/djl/training/dataset/Dataset;)V",
                null, null);
        m.visitCode();
        Label ok = new Label();
        m.visitVarInsn(Opcodes.ILOAD, 1);
        m.visitJumpInsn(Opcodes.IFGE, ok);
        m.visitTypeInsn(Opcodes.NEW, "java/lang/IllegalArgumentException");
        m.visitInsn(Opcodes.DUP);
        m.visitMethodInsn(Opcodes.INVOKESPECIAL, "java/lang/IllegalArgumentException", "<init>", "()V", false);
        m.visitInsn(Opcodes.ATHROW);
        m.visitLabel(ok);
        m.visitInsn(Opcodes.RETURN);
        m.visitMaxs(0, 0);
        m.visitEnd();
        cw.visitEnd();
        return cw.toByteArray();
    }

    /** Loads classes from {@code jar} through {@code transformer}, as the JVM does with a registered one. */
    private static final class TransformingLoader extends URLClassLoader {
        private final ClassFileTransformer transformer;

        TransformingLoader(Path jar, ClassLoader parent, ClassFileTransformer transformer) throws IOException {
            super(new URL[] {jar.toUri().toURL()}, parent);
            this.transformer = transformer;
        }

        @Override
        protected Class<?> findClass(String name) throws ClassNotFoundException {
            String internal = name.replace('.', '/');
            try (InputStream in = getResourceAsStream(internal + ".class")) {
                if (in == null) {
                    throw new ClassNotFoundException(name);
                }
                byte[] bytes = in.readAllBytes();
                byte[] woven = transformer.transform(null, this, internal, null, null, bytes);
                byte[] b = woven == null ? bytes : woven;
                return defineClass(name, b, 0, b.length);
            } catch (IOException | java.lang.instrument.IllegalClassFormatException e) {
                throw new ClassNotFoundException(name, e);
            }
        }
    }

    /** The bytes of the fake {@code EasyTrain} as {@code loader} finds them. */
    private static byte[] easyTrainBytes(ClassLoader loader) throws IOException {
        try (InputStream in = loader.getResourceAsStream("ai/djl/training/EasyTrain.class")) {
            return in.readAllBytes();
        }
    }

    @Test
    void aRecognisedDjlIsWovenAndItsCallsReachTheBridge() throws Throwable {
        try (TransformingLoader l = new TransformingLoader(fakeDjl("0.36.0", true), getClass().getClassLoader(),
                weaving)) {
            Class<?> easyTrain = Class.forName("ai.djl.training.EasyTrain", true, l);
            Class<?> trainerClass = Class.forName("ai.djl.training.Trainer", true, l);
            Object trainer = trainerClass.getConstructor().newInstance();
            HookWeaverTest.call(easyTrain, null, "fit", trainer, 2, null, null);
            assertThrows(IllegalArgumentException.class,
                    () -> HookWeaverTest.call(easyTrain, null, "fit", trainer, -1, null, null));
            Consumer<Object> listeners = o -> RecordingBridge.EVENTS.add(List.of("listener", o));
            HookWeaverTest.call(trainerClass, trainer, "notifyListeners", listeners);
            assertEquals(List.of(List.of("djl.fit.enter", trainer, 2), List.of("djl.fit.exit", trainer),
                    List.of("djl.fit.enter", trainer, -1), List.of("djl.fit.exit", trainer),
                    List.of("listener", trainer), List.of("djl.notified", trainer, listeners)),
                    List.copyOf(RecordingBridge.EVENTS));
        }
        String out = err.toString(StandardCharsets.UTF_8);
        assertEquals(0, out.lines().filter(s -> s.contains("detected")).count(), "at debug: the summary says it\n" + out);
        assertTrue(epochs.epochsSection().toString().contains("DJL 0.36.0"), epochs.epochsSection().toString());
    }

    @Test
    void anUnrecognisedVersionIsLeftAloneWithOneLine() throws Throwable {
        Path jar = fakeDjl("0.19.0", true);
        try (URLClassLoader l = new URLClassLoader(new URL[] {jar.toUri().toURL()}, getClass().getClassLoader())) {
            byte[] bytes = easyTrainBytes(l);
            assertNull(weaving.transform(null, l, "ai/djl/training/EasyTrain", null, null, bytes));
            assertNull(weaving.transform(null, l, "ai/djl/training/EasyTrain", null, null, bytes));
        }
        String out = err.toString(StandardCharsets.UTF_8);
        assertEquals(1, out.lines().filter(s -> s.contains("DJL version 0.19.0 is not recognised")).count(), out);
    }

    @Test
    void aClassWithoutTheExpectedMethodIsLeftAloneAndTheOthersAreStillWoven() throws Throwable {
        try (TransformingLoader l = new TransformingLoader(fakeDjl("0.36.0", false), getClass().getClassLoader(),
                weaving)) {
            Class<?> trainerClass = Class.forName("ai.djl.training.Trainer", true, l);
            Class<?> easyTrain = Class.forName("ai.djl.training.EasyTrain", true, l);
            Object trainer = trainerClass.getConstructor().newInstance();
            HookWeaverTest.call(easyTrain, null, "fit", trainer, 1, null, null);
            assertEquals(List.of(List.of("djl.fit.enter", trainer, 1), List.of("djl.fit.exit", trainer)),
                    List.copyOf(RecordingBridge.EVENTS));
        }
        String out = err.toString(StandardCharsets.UTF_8);
        assertTrue(out.contains("epochs: DJL 0.36.0 is not recognised (ai.djl.training.Trainer lacks void"
                + " notifyListeners(Consumer))"), out);
    }

    @Test
    void aLoaderThatDoesNotSeeTheAgentsBridgeIsLeftAlone() throws Throwable {
        Path jar = fakeDjl("0.36.0", true);
        byte[] bytes;
        try (URLClassLoader isolated = new URLClassLoader(new URL[] {jar.toUri().toURL()},
                ClassLoader.getPlatformClassLoader())) {
            bytes = easyTrainBytes(isolated);
            assertNull(weaving.transform(null, isolated, "ai/djl/training/EasyTrain", null, null, bytes));
            assertNull(weaving.transform(null, null, "ai/djl/training/EasyTrain", null, null, bytes),
                    "the boot loader sees no bridge");
        }
        String out = err.toString(StandardCharsets.UTF_8);
        assertTrue(out.contains("does not see the agent jar of the system class path"), out);
        try (URLClassLoader l = new URLClassLoader(new URL[] {jar.toUri().toURL()}, getClass().getClassLoader())) {
            assertNotNull(weaving.transform(null, l, "ai/djl/training/EasyTrain", null, null, bytes),
                    "a loader that delegates to the system class path is woven");
        }
    }

    @Test
    void theAgentsTransformerIsBuiltAfterItsWeaverPassedTheWarmUp() {
        assertTrue(FrameworkInstrumentation.makeRaw(epochs, log) instanceof FrameworkInstrumentation.Weaving);
    }

    @Test
    void otherClassesAreNeverTouched() throws Exception {
        byte[] bytes = HookWeaverTest.original();
        assertNull(weaving.transform(null, getClass().getClassLoader(), "io/mlco2/tracker/epochs/WeaveFixture", null,
                null, bytes));
        assertNull(weaving.transform(null, getClass().getClassLoader(), null, null, null, bytes));
        assertArrayEquals(HookWeaverTest.original(), bytes);
        assertEquals("", err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void recognisedVersions() {
        Framework djl = new DjlFramework();
        Framework dl4j = new Dl4jFramework();
        assertTrue(djl.accepts("0.36.0"));
        assertTrue(djl.accepts("0.20.0"));
        assertFalse(djl.accepts("0.19.0"));
        assertFalse(djl.accepts("1.0.0"));
        assertFalse(djl.accepts(null));
        assertTrue(dl4j.accepts("1.0.0-M2.1"));
        assertTrue(dl4j.accepts("1.0.0-M1"));
        assertTrue(dl4j.accepts("1.0.0-beta7"));
        assertTrue(dl4j.accepts("1.0.0-beta6"));
        assertFalse(dl4j.accepts("1.0.0-beta5"));
        assertFalse(dl4j.accepts("0.9.1"));
        assertFalse(dl4j.accepts("1.0.0-M3"));
        assertFalse(dl4j.accepts(null));
    }

    @Test
    void versionsOfAbsentJarsAreUnknown() {
        assertNull(new DjlFramework().version(getClass().getClassLoader()));
        assertNull(new Dl4jFramework().version(null));
    }

    @Test
    void twoFrameworksThatWeaveOneClassAreRefusedWithTheClassNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new FrameworkInstrumentation.Weaving(List.of(new DjlFramework(), new DjlFramework()), epochs, log,
                        RecordingBridge.INTERNAL_NAME));
        assertTrue(e.getMessage().contains("ai.djl.training.EasyTrain"), e.getMessage());
    }
}
