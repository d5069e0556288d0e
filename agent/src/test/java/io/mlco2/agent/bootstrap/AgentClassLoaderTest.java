package io.mlco2.agent.bootstrap;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AgentClassLoaderTest {

    static byte[] jarWith(String entry, byte[] content) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JarOutputStream out = new JarOutputStream(bytes)) {
            out.putNextEntry(new JarEntry(entry));
            out.write(content);
            out.closeEntry();
        }
        return bytes.toByteArray();
    }

    static File agentJar(Path dir, byte[] nested) throws IOException {
        File f = dir.resolve("agent.jar").toFile();
        try (OutputStream os = Files.newOutputStream(f.toPath()); JarOutputStream out = new JarOutputStream(os)) {
            out.putNextEntry(new JarEntry("io/mlco2/agent/bootstrap/AgentMain.class"));
            out.write(new byte[] {1});
            out.closeEntry();
            out.putNextEntry(new JarEntry("mlco2-inst/lib.jar"));
            out.write(nested);
            out.closeEntry();
            out.putNextEntry(new JarEntry("mlco2-inst/sub/ignored.jar"));
            out.write(nested);
            out.closeEntry();
        }
        return f;
    }

    @Test
    void loadsOnlyTheNestedJarsFromLocalFilesWithThePlatformLoaderAsParent(@TempDir Path dir) throws Exception {
        File jar = agentJar(dir, jarWith("data/hello.txt", "hi".getBytes()));
        try (URLClassLoader loader = AgentClassLoader.create(jar)) {
            assertEquals(ClassLoader.getPlatformClassLoader(), loader.getParent());
            assertEquals(0, loader.getURLs().length, "lib.jar is not a start-up jar: extracted when first needed");
            assertNotNull(loader.getResource("data/hello.txt"));
            assertEquals(1, loader.getURLs().length);
            for (URL u : loader.getURLs()) {
                assertEquals("file", u.getProtocol(), "nothing is loaded from the network: " + u);
            }
            assertNotNull(loader.getResource("data/hello.txt"));
            // The application's classes (here: the test class path) are invisible to the agent's loader...
            assertThrows(ClassNotFoundException.class, () -> loader.loadClass(Test.class.getName()));
            assertNull(loader.getResource("io/mlco2/agent/bootstrap/AgentClassLoaderTest.class"));
            // ...while the JDK's are visible.
            assertNotNull(loader.loadClass("com.sun.net.httpserver.HttpServer"));
            assertNotNull(loader.loadClass("java.lang.instrument.Instrumentation"));
        }
    }

    static File agentJar(Path dir, java.util.Map<String, byte[]> nested) throws IOException {
        File f = dir.resolve("agent2.jar").toFile();
        try (OutputStream os = Files.newOutputStream(f.toPath()); JarOutputStream out = new JarOutputStream(os)) {
            for (java.util.Map.Entry<String, byte[]> e : nested.entrySet()) {
                out.putNextEntry(new JarEntry("mlco2-inst/" + e.getKey()));
                out.write(e.getValue());
                out.closeEntry();
            }
        }
        return f;
    }

    private static byte[] classBytes(Class<?> c) throws IOException {
        try (java.io.InputStream in = c.getResourceAsStream(c.getName().substring(c.getName().lastIndexOf('.') + 1) + ".class")) {
            return in.readAllBytes();
        }
    }

    /** A class only the deferred jar holds, loaded through the agent's loader. */
    public static final class Deferred {
    }

    @Test
    void theStartUpJarsAreExtractedAtOnceAndTheOthersWhenFirstNeeded(@TempDir Path dir) throws Exception {
        File jar = agentJar(dir, new java.util.LinkedHashMap<>(java.util.Map.of(
                "tracker-core-1.jar", jarWith("io/mlco2/data.txt", "core".getBytes()),
                "jackson-databind-2.jar", jarWith("io/mlco2/agent/bootstrap/AgentClassLoaderTest$Deferred.class",
                        classBytes(Deferred.class)),
                "micrometer-core-1.jar", jarWith("META-INF/services/x.Y", "m".getBytes()))));
        try (URLClassLoader loader = AgentClassLoader.create(jar)) {
            AgentClassLoader.Loader l = (AgentClassLoader.Loader) loader;
            Path folder = Path.of(loader.getURLs()[0].toURI()).getParent();
            try (var files = Files.list(folder)) {
                assertEquals(java.util.List.of(".live", "tracker-core-1.jar"),
                        files.map(p -> p.getFileName().toString()).sorted().toList(), "the start-up jar and the folder's live lock");
            }
            assertNotNull(loader.getResource("io/mlco2/data.txt"));
            assertTrue(!l.complete(), "a resource of a start-up jar extracts nothing more");

            Class<?> c = loader.loadClass(Deferred.class.getName());
            assertEquals(loader, c.getClassLoader(), "found after the deferred jars were extracted");
            assertTrue(l.complete());
            try (var files = Files.list(folder)) {
                assertEquals(3, files.filter(p -> p.toString().endsWith(".jar")).count());
            }
            assertEquals(3, loader.getURLs().length);
            assertEquals("tracker-core-1.jar", Path.of(loader.getURLs()[0].toURI()).getFileName().toString(),
                    "the start-up jar stays first on the path");
            assertThrows(ClassNotFoundException.class, () -> loader.loadClass("io.mlco2.Absent"));
            assertEquals(3, loader.getURLs().length, "extracted once");
        }
    }

    /** {@code list} and {@code attach} get the JDK's Attach API from module jdk.attach, extracting nothing for it. */
    @Test
    void theAttachApiComesFromModuleJdkAttach(@TempDir Path dir) throws Exception {
        File jar = agentJar(dir, java.util.Map.of(
                "tracker-core-1.jar", jarWith("io/mlco2/data.txt", "core".getBytes()),
                "micrometer-core-1.jar", jarWith("META-INF/services/x.Y", "m".getBytes())));
        try (URLClassLoader loader = AgentClassLoader.create(jar)) {
            Class<?> vm = loader.loadClass("com.sun.tools.attach.VirtualMachine");
            assertEquals("jdk.attach", vm.getModule().getName());
            assertTrue(!((AgentClassLoader.Loader) loader).complete(), "no deferred jar extracted for it");
            assertThrows(ClassNotFoundException.class, () -> loader.loadClass("com.sun.tools.attach.Absent"));
        }
    }

    @Test
    void aSearchForEveryResourceOfANameSeesTheDeferredJars(@TempDir Path dir) throws Exception {
        File jar = agentJar(dir, java.util.Map.of(
                "tracker-core-1.jar", jarWith("META-INF/services/x.Y", "a".getBytes()),
                "micrometer-core-1.jar", jarWith("META-INF/services/x.Y", "b".getBytes())));
        try (URLClassLoader loader = AgentClassLoader.create(jar)) {
            assertEquals(2, java.util.Collections.list(loader.getResources("META-INF/services/x.Y")).size());
        }
    }

    @Test
    void aJarWithoutNestedJarsIsAClearError(@TempDir Path dir) throws Exception {
        File f = dir.resolve("empty.jar").toFile();
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(f.toPath()))) {
            out.putNextEntry(new JarEntry("x.txt"));
            out.closeEntry();
        }
        IOException e = assertThrows(IOException.class, () -> AgentClassLoader.create(f));
        assertTrue(e.getMessage().contains("no nested jars under mlco2-inst/"), e.getMessage());
    }

    @Test
    void theExtractionFolderIsNewAndOnlyTheUsersAndAPlantedNameIsNeverReused() throws Exception {
        Path a = AgentClassLoader.privateTempDirectory();
        Path b = AgentClassLoader.privateTempDirectory();
        try {
            assertTrue(Files.isDirectory(a, java.nio.file.LinkOption.NOFOLLOW_LINKS));
            assertTrue(!a.equals(b), "a new folder each time");
            assertTrue(a.getFileName().toString().startsWith("mlco2-agent-" + ProcessHandle.current().pid() + "-"));
            assertEquals(java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"),
                    Files.getPosixFilePermissions(a), "0700 from its creation");
        } finally {
            Files.deleteIfExists(a);
            Files.deleteIfExists(b);
        }
    }

    @Test
    void foldersLeftByKilledJvmsAreSweptAndNothingElse(@TempDir Path base) throws Exception {
        Path mine = Files.createDirectory(base.resolve("mlco2-agent-" + ProcessHandle.current().pid() + "-1-2"));
        long dead = deadPid();
        Path stale = Files.createDirectory(base.resolve("mlco2-agent-" + dead + "-a1-b2"));
        Files.write(stale.resolve("tracker-core.jar"), new byte[] {1, 2, 3});
        Files.write(stale.resolve("oshi-core.jar"), new byte[] {4});
        Path staleWithOther = Files.createDirectory(base.resolve("mlco2-agent-" + dead + "-a1-b3"));
        Files.write(staleWithOther.resolve("notes.txt"), new byte[] {1});
        Path live = Files.createDirectory(base.resolve("mlco2-agent-" + ProcessHandle.current().pid() + "-a1-b2"));
        Files.write(live.resolve("x.jar"), new byte[] {1});
        Path otherName = Files.createDirectory(base.resolve("mlco2-agent-12345678901234567890"));
        Path target = Files.createDirectory(base.resolve("elsewhere"));
        Files.write(target.resolve("keep.jar"), new byte[] {1});
        Path link = Files.createSymbolicLink(base.resolve("mlco2-agent-" + dead + "-c1-d2"), target);

        assertEquals(1, StaleFolders.sweepStale(base, mine));
        assertTrue(!Files.exists(stale), "a killed JVM's folder of jars is deleted");
        assertTrue(Files.isDirectory(mine) && Files.isDirectory(live) && Files.isDirectory(staleWithOther)
                && Files.isDirectory(otherName), "ours, a live pid's, one holding other files, another name: kept");
        assertTrue(Files.isSymbolicLink(link) && Files.exists(target.resolve("keep.jar")), "a link is never followed");
    }

    /**
     * docs/RELIABILITY.md, "extraction folders across PID namespaces": a JVM in another container sharing
     * {@code /tmp} has a pid that is dead here, but it holds its folder's {@code .live} lock. Before, the sweep
     * deleted that live JVM's jars.
     */
    @Test
    void aFolderWhoseLiveLockIsHeldIsKeptThoughItsPidLooksDead(@TempDir Path base) throws Exception {
        Path mine = Files.createDirectory(base.resolve("mlco2-agent-" + ProcessHandle.current().pid() + "-1-2"));
        long dead = deadPid();
        Path otherNamespace = Files.createDirectory(base.resolve("mlco2-agent-" + dead + "-a1-b2"));
        Files.write(otherNamespace.resolve("tracker-core.jar"), new byte[] {1});
        Files.write(otherNamespace.resolve(StaleFolders.LIVE_LOCK), new byte[0]);
        Path killed = Files.createDirectory(base.resolve("mlco2-agent-" + dead + "-a1-b3"));
        Files.write(killed.resolve("tracker-core.jar"), new byte[] {1});
        Files.write(killed.resolve(StaleFolders.LIVE_LOCK), new byte[0]); // its holder died: no lock
        Process holder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), LiveLockHolder.class.getName(),
                otherNamespace.resolve(StaleFolders.LIVE_LOCK).toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try {
            java.io.BufferedReader r = new java.io.BufferedReader(new java.io.InputStreamReader(holder.getInputStream()));
            assertEquals("locked", r.readLine());
            assertEquals(1, StaleFolders.sweepStale(base, mine));
            assertTrue(Files.exists(otherNamespace.resolve("tracker-core.jar")), "the live JVM's jars are kept");
            assertTrue(!Files.exists(killed), "a folder whose lock nobody holds is swept, its lock file too");
        } finally {
            holder.getOutputStream().close();
            holder.waitFor();
        }
        assertEquals(1, StaleFolders.sweepStale(base, mine), "once its holder ends, that folder goes too");
    }

    @Test
    void theExtractionFolderHoldsItsLiveLock(@TempDir Path dir) throws Exception {
        Path folder = Files.createDirectory(dir.resolve("f"));
        StaleFolders.holdLiveLock(folder);
        assertTrue(StaleFolders.lockedByALiveProcess(folder), "held by this JVM");
    }

    /** A pid that no process has now. */
    private static long deadPid() {
        for (long p = 4_000_000L; p > 100_000L; p -= 7919) {
            if (ProcessHandle.of(p).isEmpty()) {
                return p;
            }
        }
        throw new IllegalStateException("no free pid found");
    }
}
