package io.mlco2.agent.bootstrap;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
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

    /** Extracts the nested jars of {@code jar} into a new private temporary folder and returns a loader over them. */
    static URLClassLoader create(File jar) throws Exception {
        Path dir = Files.createTempDirectory("mlco2-agent-");
        dir.toFile().deleteOnExit();
        List<URL> urls = new ArrayList<>();
        try (JarFile jf = new JarFile(jar)) {
            Enumeration<JarEntry> entries = jf.entries();
            while (entries.hasMoreElements()) {
                JarEntry e = entries.nextElement();
                String name = e.getName();
                if (!name.startsWith(NESTED_DIR) || !name.endsWith(".jar") || name.indexOf('/', NESTED_DIR.length()) >= 0) {
                    continue;
                }
                Path target = dir.resolve(name.substring(NESTED_DIR.length()));
                try (InputStream in = jf.getInputStream(e)) {
                    Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
                }
                target.toFile().deleteOnExit();
                urls.add(target.toUri().toURL());
            }
        }
        if (urls.isEmpty()) {
            throw new IOException("no nested jars under " + NESTED_DIR + " in " + jar);
        }
        return new URLClassLoader("mlco2-agent", urls.toArray(new URL[0]), ClassLoader.getPlatformClassLoader());
    }
}
