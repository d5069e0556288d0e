package io.mlco2.tracker.epochs;

import io.mlco2.tracker.base.Log;
import io.mlco2.tracker.epochs.HookWeaver.Hook;

import java.io.InputStream;
import java.lang.instrument.ClassFileTransformer;
import java.net.JarURLConnection;
import java.net.URL;
import java.net.URLConnection;
import java.security.ProtectionDomain;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.jar.Manifest;

/**
 * The hooks of the {@link Framework}s woven into their target classes ({@link HookWeaver}), those already loaded
 * (retransformed, since the agent starts after {@code premain} returned) and those loaded later. Only a version the
 * framework accepts is touched ({@link Framework#version}, {@link Framework#accepts}), and every method a hook goes
 * on must be there with the expected signature; anything else is left alone with one info line. The woven calls go
 * to {@code io.mlco2.agent.bootstrap.Bridge.event}, which hands them to {@link BridgeHook}.
 */
final class FrameworkInstrumentation {

    private FrameworkInstrumentation() {
    }

    /**
     * The transformer of the framework classes (its weaver tried once on a class of its own), not registered:
     * {@link LazyFrameworkHooks} calls it for those classes only, once a framework shows up.
     */
    static ClassFileTransformer makeRaw(EpochTracker epochs, Log log) {
        Weaving w = new Weaving(Frameworks.ALL, epochs, log, HookWeaver.BRIDGE);
        try {
            w.weaver.warmUp(); // the weaving code loaded here, not in the first framework class's loading
        } catch (Exception e) {
            throw new IllegalStateException("the weaver fails on its own test class: " + Log.describe(e), e);
        }
        return w;
    }

    /** A framework and the check of its version in a class loader (read once per loader). */
    private static final class Gate {

        private final Framework framework;
        private final String name;
        private final Log log;
        private final EpochTracker epochs;
        private final Map<Object, java.util.Optional<String>> versions = new ConcurrentHashMap<>();

        Gate(Framework framework, Log log, EpochTracker epochs) {
            this.framework = framework;
            this.name = framework.name();
            this.log = log;
            this.epochs = epochs;
        }

        /** The framework's version in {@code loader}'s jar, {@code null} when unknown. */
        String version(ClassLoader loader) {
            Object key = loader == null ? Gate.class : loader;
            java.util.Optional<String> v = versions.get(key);
            if (v == null) {
                v = java.util.Optional.ofNullable(framework.version(loader));
                java.util.Optional<String> raced = versions.putIfAbsent(key, v);
                v = raced != null ? raced : v;
            }
            return v.orElse(null);
        }

        boolean versionOk(ClassLoader loader) {
            String v = version(loader);
            boolean ok = framework.accepts(v);
            if (!ok) {
                log.once("epochs:" + name + ":version", Log.Level.INFO, "epochs: " + name + " version "
                        + (v == null ? "unknown" : v) + " is not recognised: left alone, its epochs are not"
                        + " detected (Mlco2.phase still works)");
            }
            return ok;
        }

        void notRecognised(ClassLoader loader, String className, String why) {
            log.once("epochs:" + name + ":signature", Log.Level.INFO, "epochs: " + name + " "
                    + version(loader) + " is not recognised (" + className.replace('/', '.') + " " + why
                    + "): its epochs are not detected; Mlco2.phase still works");
        }

        void detected(ClassLoader loader) {
            epochs.detected(name + " " + version(loader));
            log.once("epochs:" + name + ":on", Log.Level.DEBUG, "epochs: " + name + " " + version(loader)
                    + " detected; " + framework.measures());
        }
    }

    /**
     * Weaves each framework's hooks into its targets, only in a class loader where the framework's version is
     * accepted and the bridge resolves to the agent's; anything else leaves the class unchanged with one line.
     */
    static final class Weaving implements ClassFileTransformer {

        private final Log log;
        private final HookWeaver weaver;
        private final String bridgeResource;
        private final Map<String, Gate> gates = new HashMap<>();
        private final Map<String, List<Hook>> hooks = new HashMap<>();
        private final Map<Object, Boolean> bridgeByLoader = new ConcurrentHashMap<>();

        Weaving(List<Framework> frameworks, EpochTracker epochs, Log log, String bridge) {
            this.log = log;
            this.weaver = new HookWeaver(bridge);
            this.bridgeResource = bridge + ".class";
            for (Framework f : frameworks) {
                Gate gate = new Gate(f, log, epochs);
                for (String target : f.targets()) {
                    if (gates.put(target, gate) != null) {
                        throw new IllegalArgumentException(f.name() + " weaves " + target.replace('/', '.')
                                + ", which another framework weaves already");
                    }
                    hooks.put(target, List.copyOf(f.hooks(target)));
                }
            }
        }

        @Override
        public byte[] transform(Module module, ClassLoader loader, String className, Class<?> redefined,
                                ProtectionDomain pd, byte[] classfile) {
            Gate gate = className == null ? null : gates.get(className);
            if (gate == null) {
                return null;
            }
            try {
                if (!gate.versionOk(loader) || !bridgeResolves(loader, className)) {
                    return null;
                }
                byte[] woven = weaver.weave(classfile, hooks.get(className));
                gate.detected(loader);
                log.debug("epochs: instrumented " + className.replace('/', '.')
                        + (redefined != null ? " (already loaded)" : ""));
                return woven;
            } catch (HookWeaver.Rejected e) {
                gate.notRecognised(loader, className, e.getMessage());
                return null;
            } catch (Throwable e) {
                log.once("epochs:error:" + className, Log.Level.INFO, "epochs: could not instrument "
                        + className.replace('/', '.') + " (" + Log.describe(e) + "); left alone, its epochs are not"
                        + " detected");
                return null;
            }
        }

        /**
         * Whether the woven calls resolve to the bridge of the agent jar on the system class path: the framework's
         * loader must find the same bridge class file as the system loader (not one of its own, such as an older
         * copy of the agent jar on an application's class path, whose methods could differ).
         */
        private boolean bridgeResolves(ClassLoader loader, String className) {
            if (loader == null) {
                return false;
            }
            Boolean known = bridgeByLoader.get(loader);
            if (known != null) {
                return known;
            }
            URL system = ClassLoader.getSystemResource(bridgeResource);
            URL theirs = loader.getResource(bridgeResource);
            boolean same = system != null && theirs != null
                    && system.toExternalForm().equals(theirs.toExternalForm());
            if (!same) {
                log.once("epochs:bridge:" + className, Log.Level.INFO, "epochs: "
                        + className.replace('/', '.') + "'s class loader does not see the agent jar of the system"
                        + " class path (" + (theirs == null ? "none" : theirs) + "); left alone, its epochs are not"
                        + " detected");
            }
            bridgeByLoader.put(loader, same);
            return same;
        }
    }

    /** {@code Specification-Version} or {@code Implementation-Version} of the jar that holds {@code resource}. */
    static String manifestVersion(ClassLoader loader, String resource) {
        try {
            URL url = loader == null ? ClassLoader.getSystemResource(resource) : loader.getResource(resource);
            if (url == null) {
                return null;
            }
            URLConnection c = url.openConnection();
            if (!(c instanceof JarURLConnection jar)) {
                return null;
            }
            Manifest mf = jar.getManifest();
            if (mf == null) {
                return null;
            }
            String v = mf.getMainAttributes().getValue("Specification-Version");
            return v != null ? v : mf.getMainAttributes().getValue("Implementation-Version");
        } catch (Exception e) {
            return null;
        }
    }

    /** The {@code version} of a Maven {@code pom.properties} resource. */
    static String pomVersion(ClassLoader loader, String resource) {
        try {
            URL url = loader == null ? ClassLoader.getSystemResource(resource) : loader.getResource(resource);
            if (url == null) {
                return null;
            }
            Properties p = new Properties();
            try (InputStream in = url.openStream()) {
                p.load(in);
            }
            return p.getProperty("version");
        } catch (Exception e) {
            return null;
        }
    }
}
