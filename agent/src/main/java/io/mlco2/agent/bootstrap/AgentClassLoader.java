package io.mlco2.agent.bootstrap;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Enumeration;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

/**
 * The class loader of the agent's implementation and libraries (OSHI, JNA, Jackson, Micrometer).
 *
 * <p>They travel inside the agent jar as nested jars under {@value #NESTED_DIR}, are copied to a private
 * temporary folder, and are loaded by a loader whose parent is the platform class loader: the application's
 * class path is never consulted, so an application that brings OSHI 3.4.2 and JNA 4.3.0 (DL4J) or JNA 5.17 (DJL)
 * keeps its own versions and the agent keeps its own. JNA cannot be relocated (its native code is bound to
 * {@code com.sun.jna}), which is why isolation is by loader rather than by shading.
 */
final class AgentClassLoader {

    static final String NESTED_DIR = "mlco2-inst/";

    /** Name prefix of the extraction folders in {@code java.io.tmpdir}. */
    static final String FOLDER_PREFIX = "mlco2-agent-";

    private AgentClassLoader() {
    }

    /** The agent jar this class was loaded from. */
    static File agentJar() throws Exception {
        return new File(AgentClassLoader.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    }

    /** Extracts the nested jars of the agent jar and returns a loader over them. */
    static ClassLoader create() throws Exception {
        return create(agentJar());
    }

    /**
     * Nested jars the start-up path needs, in the order the loader searches them: a {@link URLClassLoader} opens
     * its jars lazily, in order, so the libraries only the command line or optional features use (Jackson,
     * Micrometer) are not even opened by a run that does not need them.
     */
    private static final List<String> SEARCH_ORDER = List.of("tracker-core-", "nvml-bindings-", "oshi-common-",
            "oshi-core-", "jna-jpms-", "jna-platform-jpms-", "slf4j-api-", "slf4j-nop-", "asm-");

    /**
     * Nested jars extracted at start: the agent itself, the NVML binding (whose driver check needs no JNA) and ASM
     * (126 KB, which the epoch hooks load as soon as DJL or DL4J shows up): 0.6 MB. The others (OSHI, which Linux with
     * a readable {@code /proc} never asks, JNA, Jackson, Micrometer and the exporters' libraries: ~14 MB) are
     * extracted the first time a class or resource is not found in these ({@link Loader}).
     */
    private static final List<String> EAGER = List.of("tracker-core-", "nvml-bindings-", "asm-");

    static boolean eager(String fileName) {
        for (String p : EAGER) {
            if (fileName.startsWith(p)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Extracts the start-up jars of {@code jar} into a new private temporary folder and returns a loader over
     * them, which extracts the others when first needed.
     */
    static URLClassLoader create(File jar) throws Exception {
        Path dir = privateTempDirectory();
        StaleFolders.sweepInBackground(dir.getParent(), dir);
        dir.toFile().deleteOnExit();
        StaleFolders.holdLiveLock(dir);
        int[] nested = {0};
        List<Path> jars = extract(jar, dir, true, nested);
        if (nested[0] == 0) {
            throw new IOException("no nested jars under " + NESTED_DIR + " in " + jar);
        }
        return new Loader(urls(jars), jar, dir, nested[0] == jars.size());
    }

    /**
     * Copies the nested jars of {@code jar} into {@code dir}: the start-up ones ({@link #eager}) or the others, as
     * {@code startUp} says; {@code nested[0]} counts every nested jar seen.
     */
    static List<Path> extract(File jar, Path dir, boolean startUp, int[] nested) throws IOException {
        List<Path> jars = new ArrayList<>();
        byte[] buffer = new byte[64 * 1024];
        try (JarFile jf = new JarFile(jar, false)) {
            Enumeration<JarEntry> entries = jf.entries();
            while (entries.hasMoreElements()) {
                JarEntry e = entries.nextElement();
                String name = e.getName();
                if (!name.startsWith(NESTED_DIR) || !name.endsWith(".jar") || name.indexOf('/', NESTED_DIR.length()) >= 0) {
                    continue;
                }
                String file = name.substring(NESTED_DIR.length());
                nested[0]++;
                if (eager(file) != startUp) {
                    continue;
                }
                Path target = dir.resolve(file);
                try {
                    target.toFile().deleteOnExit();
                } catch (IllegalStateException shuttingDown) {
                    // extracted during the JVM's exit: the next agent's sweep removes the folder (StaleFolders.sweepStale)
                }
                // The agent jar stores its nested jars uncompressed (agent/pom.xml): this is a plain copy.
                try (InputStream in = jf.getInputStream(e);
                     OutputStream out = Files.newOutputStream(target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                    int n;
                    while ((n = in.read(buffer)) > 0) {
                        out.write(buffer, 0, n);
                    }
                }
                jars.add(target);
            }
        }
        return jars;
    }

    private static URL[] urls(List<Path> jars) throws IOException {
        jars.sort(new Comparator<Path>() { // not a lambda: no class spun at start-up
            @Override
            public int compare(Path a, Path b) {
                return Integer.compare(searchRank(a), searchRank(b));
            }
        });
        List<URL> urls = new ArrayList<>();
        for (Path p : jars) {
            urls.add(p.toUri().toURL());
        }
        return urls.toArray(new URL[0]);
    }

    /**
     * The agent's loader (parent: the platform loader). A class or resource not found in the jars extracted so far
     * makes it extract the remaining nested jars once, add them to its path and look again; a search for all
     * resources of a name (service files) extracts them first, so that nothing is missed.
     */
    static final class Loader extends URLClassLoader {

        static {
            ClassLoader.registerAsParallelCapable();
        }

        /** Package of the JDK's Attach API. */
        private static final String ATTACH_API = "com.sun.tools.attach.";

        private final File jar;
        private final Path dir;
        private final Object lock = new Object();
        private volatile boolean complete;

        Loader(URL[] urls, File jar, Path dir, boolean complete) {
            super("mlco2-agent", urls, ClassLoader.getPlatformClassLoader());
            this.jar = jar;
            this.dir = dir;
            this.complete = complete;
        }

        /** Whether every nested jar is extracted and on the path. */
        boolean complete() {
            return complete;
        }

        /** Extracts the nested jars not extracted yet and adds them to the path; false when there were none. */
        boolean extractRest() throws IOException {
            if (complete) {
                return false;
            }
            synchronized (lock) {
                if (complete) {
                    return false;
                }
                try {
                    for (URL u : urls(extract(jar, dir, false, new int[1]))) {
                        addURL(u);
                    }
                } finally {
                    complete = true; // once: a failure is not retried at every lookup
                }
                return true;
            }
        }

        @Override
        protected Class<?> findClass(String name) throws ClassNotFoundException {
            if (name.startsWith(ATTACH_API)) {
                return attachApi(name);
            }
            try {
                return super.findClass(name);
            } catch (ClassNotFoundException e) {
                if (complete) {
                    throw e;
                }
                try {
                    extractRest();
                } catch (IOException | RuntimeException x) {
                    e.addSuppressed(x);
                    throw e;
                }
                return super.findClass(name);
            }
        }

        /**
         * The JDK's Attach API ({@code list}, {@code attach}): module {@code jdk.attach} is defined to the application
         * class loader, which this loader's parent (the platform loader) does not see. Only that module is asked, never
         * the application's class path.
         */
        private static Class<?> attachApi(String name) throws ClassNotFoundException {
            Module m = ModuleLayer.boot().findModule("jdk.attach").orElse(null);
            if (m == null || m.getClassLoader() == null) {
                throw new ClassNotFoundException(name + " (this Java runtime has no module jdk.attach: a JRE, not a JDK?)");
            }
            return Class.forName(name, false, m.getClassLoader());
        }

        @Override
        public URL findResource(String name) {
            URL u = super.findResource(name);
            if (u == null && !complete) {
                try {
                    extractRest();
                } catch (IOException | RuntimeException e) {
                    return null;
                }
                u = super.findResource(name);
            }
            return u;
        }

        @Override
        public Enumeration<URL> findResources(String name) throws IOException {
            extractRest();
            return super.findResources(name);
        }
    }

    /**
     * A new folder only this user can read, under {@code java.io.tmpdir}. Named from the pid, the time and a
     * non-cryptographic random number rather than {@link Files#createTempDirectory}'s {@code SecureRandom}, whose
     * first use costs ~20 ms of the agent's start-up: the name need not be secret, because the folder is created
     * atomically (it fails if anything, a planted link included, is already there, and the next name is tried) and
     * with mode 0700 from the start.
     */
    static Path privateTempDirectory() throws IOException {
        Path base = Path.of(System.getProperty("java.io.tmpdir"));
        boolean posix = base.getFileSystem().supportedFileAttributeViews().contains("posix");
        long pid = pid();
        for (int attempt = 0; attempt < 16; attempt++) {
            Path dir = base.resolve(FOLDER_PREFIX + pid + "-" + Long.toHexString(System.nanoTime()) + "-"
                    + Long.toHexString(java.util.concurrent.ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE));
            try {
                return posix ? Files.createDirectory(dir, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                        java.nio.file.attribute.PosixFilePermissions.fromString("rwx------")))
                        : Files.createDirectory(dir);
            } catch (java.nio.file.FileAlreadyExistsException e) {
                // taken (or planted): try another name
            }
        }
        return Files.createTempDirectory(FOLDER_PREFIX);
    }

    /**
     * This JVM's pid: on Linux from the {@code /proc/self} link, else from {@link ProcessHandle} (whose first use
     * also sets up the JDK's process-reaper executor: ~5 ms of start-up).
     */
    static long pid() {
        try {
            return Long.parseLong(Files.readSymbolicLink(Path.of("/proc/self")).toString());
        } catch (Exception | LinkageError e) {
            return ProcessHandle.current().pid();
        }
    }

    private static int searchRank(Path jar) {
        String f = jar.getFileName().toString();
        for (int i = 0; i < SEARCH_ORDER.size(); i++) {
            if (f.startsWith(SEARCH_ORDER.get(i))) {
                return i;
            }
        }
        return SEARCH_ORDER.size();
    }
}
