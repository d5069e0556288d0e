package io.mlco2.agent.bootstrap;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyBoolean;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;

class FirstLoadsTest {

    private static URLClassLoader loaderWith(Path dir, String resource) throws Exception {
        if (resource != null) {
            Path f = dir.resolve(resource);
            Files.createDirectories(f.getParent());
            Files.write(f, new byte[] {(byte) 0xCA, (byte) 0xFE});
        }
        return new URLClassLoader(new URL[] {dir.toUri().toURL()}, null);
    }

    @Test
    void watchesOnlyWhereTheApplicationsClassPathHoldsAFramework(@TempDir Path dir) throws Exception {
        Instrumentation none = mock(Instrumentation.class);
        try (URLClassLoader app = loaderWith(dir.resolve("plain"), "com/example/Main.class")) {
            assertFalse(FirstLoads.installIfOnClassPath(none, app));
        }
        verify(none, never()).addTransformer(any(ClassFileTransformer.class), anyBoolean());

        for (String framework : new String[] {"ai/djl/training/EasyTrain.class", "org/deeplearning4j/optimize/Solver.class"}) {
            Instrumentation inst = mock(Instrumentation.class);
            try (URLClassLoader app = loaderWith(dir.resolve(framework.substring(0, 2)), framework)) {
                assertTrue(FirstLoads.installIfOnClassPath(inst, app), framework);
            }
            verify(inst).addTransformer(any(FirstLoads.class), org.mockito.ArgumentMatchers.eq(false));
        }
    }

    @Test
    void aFailingLookupIsNotAnError() {
        ClassLoader broken = new ClassLoader(null) {
            @Override
            public URL getResource(String name) {
                throw new IllegalStateException("boom");
            }
        };
        assertFalse(FirstLoads.installIfOnClassPath(mock(Instrumentation.class), broken));
    }

    @Test
    void notesTheFirstLoadOfAWatchedClassAndChangesNothing() throws Exception {
        Instrumentation inst = mock(Instrumentation.class);
        java.util.List<ClassFileTransformer> added = new java.util.ArrayList<>();
        org.mockito.Mockito.doAnswer(a -> added.add(a.getArgument(0))).when(inst).addTransformer(any(), anyBoolean());
        ClassLoader app = new ClassLoader(null) {
            @Override
            public URL getResource(String name) {
                return name.equals("org/deeplearning4j/optimize/Solver.class") ? FirstLoadsTest.class.getResource("FirstLoadsTest.class") : null;
            }
        };
        assertTrue(FirstLoads.installIfOnClassPath(inst, app));
        ClassFileTransformer t = added.get(0);
        assertNull(t.transform(null, "org/example/Other", null, null, new byte[] {1}));
        assertEquals(0, FirstLoads.nanos("org/example/Other"));
        long before = System.nanoTime();
        assertNull(t.transform(null, "org/deeplearning4j/optimize/Solver", null, null, new byte[] {1}), "changes no class");
        long first = FirstLoads.nanos("org/deeplearning4j/optimize/Solver");
        assertTrue(first >= before);
        t.transform(null, "org/deeplearning4j/optimize/Solver", null, null, new byte[] {1});
        assertEquals(first, FirstLoads.nanos("org/deeplearning4j/optimize/Solver"), "the first load only");
    }
}
