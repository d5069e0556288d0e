package io.mlco2.tracker.epochs;

import io.mlco2.tracker.epochs.HookWeaver.Arg;
import io.mlco2.tracker.epochs.HookWeaver.Call;
import io.mlco2.tracker.epochs.HookWeaver.Hook;
import io.mlco2.tracker.base.Log;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;

import java.io.InputStream;
import java.lang.instrument.ClassFileTransformer;
import java.net.JarURLConnection;
import java.net.URL;
import java.net.URLConnection;
import java.security.ProtectionDomain;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The hooks woven into the framework classes ({@link HookWeaver}), those already loaded (retransformed, since the
 * agent starts after {@code premain} returned) and those loaded later. Only a version it recognises is touched: the
 * version is read from the framework's jar, and every method a hook goes on must be there with the expected
 * signature; anything else is left alone with one info line. The woven calls go to
 * {@code io.mlco2.agent.bootstrap.Bridge.event}, which hands them to {@link BridgeHook}.
 */
final class FrameworkInstrumentation {

    static final String EASY_TRAIN = "ai.djl.training.EasyTrain";
    static final String TRAINER = "ai.djl.training.Trainer";
    static final String MULTI_LAYER_NETWORK = "org.deeplearning4j.nn.multilayer.MultiLayerNetwork";
    static final String COMPUTATION_GRAPH = "org.deeplearning4j.nn.graph.ComputationGraph";
    static final String DATA_SET_ITERATOR = "org.nd4j.linalg.dataset.api.iterator.DataSetIterator";
    static final String MULTI_DATA_SET_ITERATOR = "org.nd4j.linalg.dataset.api.iterator.MultiDataSetIterator";

    /** DJL 0.20.0 and later 0.x: {@code EasyTrain} and {@code notifyListeners} unchanged since; tested on 0.36.0. */
    private static final Pattern DJL_VERSION = Pattern.compile("0\\.(\\d+)\\.\\d+.*");
    /** DL4J 1.0.0-beta6 to 1.0.0-M2.1: tested on 1.0.0-M2.1. */
    private static final Pattern DL4J_VERSION = Pattern.compile("1\\.0\\.0-(M[12](\\.\\d+)?|beta[67])");

    /** {@code static void EasyTrain.fit(Trainer trainer, int numEpoch, Dataset train, Dataset validate)}. */
    static final Hook DJL_FIT = new Hook("static void fit(Trainer, int, Dataset, Dataset)", new HookMatcher(0),
            Call.of("djl.fit.enter", Arg.param(0), Arg.param(1)), Call.of("djl.fit.exit", Arg.param(0)), true);

    /** {@code void Trainer.notifyListeners(Consumer<TrainingListener> listenerConsumer)}: after it. */
    static final Hook DJL_NOTIFY = new Hook("void notifyListeners(Consumer)", new HookMatcher(1),
            null, Call.of("djl.notified", Arg.self(), Arg.param(0)), false);

    /** {@code public void fit(DataSetIterator)} and {@code fit(MultiDataSetIterator)}: one epoch each. */
    static final Hook DL4J_EPOCH = new Hook("public void fit(DataSetIterator or MultiDataSetIterator)", new HookMatcher(2),
            Call.of("dl4j.epoch.enter", Arg.self()), Call.of("dl4j.epoch.exit", Arg.self(), Arg.thrown()), true);

    /** {@code public void fit(DataSetIterator, int numEpochs)} and {@code fit(MultiDataSetIterator, int)}. */
    static final Hook DL4J_PLANNED = new Hook("public fit(DataSetIterator or MultiDataSetIterator, int)", new HookMatcher(3),
            Call.of("dl4j.planned", Arg.self(), Arg.param(1)), null, false);

    /**
     * The four hooks' method tests, by number in the order above. One class with a switch rather than four lambdas,
     * and no lambda elsewhere on this path: each would be a class the JDK spins when a framework shows up, with its
     * share of the compilations that follow (docs/PERFORMANCE.md).
     */
    private static final class HookMatcher implements HookWeaver.MethodMatcher {
        private final int hook;

        HookMatcher(int hook) {
            this.hook = hook;
        }

        @Override
        public boolean matches(int access, String name, String desc) {
            boolean isStatic = (access & Opcodes.ACC_STATIC) != 0;
            boolean isPublic = (access & Opcodes.ACC_PUBLIC) != 0;
            switch (hook) {
                case 0:
                    return isStatic && name.equals("fit") && args(desc, 4)
                            && arg(desc, 0, "L" + internal(TRAINER) + ";") && arg(desc, 1, "I");
                case 1:
                    return !isStatic && name.equals("notifyListeners") && desc.equals("(Ljava/util/function/Consumer;)V");
                case 2:
                    return isPublic && !isStatic && name.equals("fit")
                            && (desc.equals("(L" + internal(DATA_SET_ITERATOR) + ";)V")
                            || desc.equals("(L" + internal(MULTI_DATA_SET_ITERATOR) + ";)V"));
                default:
                    return isPublic && !isStatic && name.equals("fit") && args(desc, 2) && arg(desc, 1, "I")
                            && (arg(desc, 0, "L" + internal(DATA_SET_ITERATOR) + ";")
                            || arg(desc, 0, "L" + internal(MULTI_DATA_SET_ITERATOR) + ";"));
            }
        }
    }

    static String internal(String className) {
        return className.replace('.', '/');
    }

    private static boolean args(String descriptor, int n) {
        return Type.getArgumentTypes(descriptor).length == n;
    }

    private static boolean arg(String descriptor, int i, String argDescriptor) {
        Type[] t = Type.getArgumentTypes(descriptor);
        return i < t.length && t[i].getDescriptor().equals(argDescriptor);
    }

    private FrameworkInstrumentation() {
    }

    static boolean djlVersionRecognised(String version) {
        if (version == null) {
            return false;
        }
        Matcher m = DJL_VERSION.matcher(version);
        return m.matches() && Integer.parseInt(m.group(1)) >= 20;
    }

    static boolean dl4jVersionRecognised(String version) {
        return version != null && DL4J_VERSION.matcher(version).matches();
    }

    /**
     * The transformer of the framework classes (its weaver tried once on a class of its own), not registered:
     * {@link LazyFrameworkHooks} calls it for those classes only, once a framework shows up.
     */
    static ClassFileTransformer makeRaw(EpochTracker epochs, Log log) {
        Weaving w = new Weaving(epochs, log, HookWeaver.BRIDGE);
        try {
            w.weaver.warmUp(); // the weaving code loaded here, not in the first framework class's loading
        } catch (Exception e) {
            throw new IllegalStateException("the weaver fails on its own test class: " + Log.describe(e), e);
        }
        return w;
    }

    /** A framework and the check of its version in a class loader (read once per loader). */
    private static final class Gate {

        private final String framework;
        private final Log log;
        private final EpochTracker epochs;
        private final Map<Object, java.util.Optional<String>> versions = new ConcurrentHashMap<>();

        /** {@code framework} is {@code DJL} or {@code DL4J}. */
        Gate(String framework, Log log, EpochTracker epochs) {
            this.framework = framework;
            this.log = log;
            this.epochs = epochs;
        }

        private boolean djl() {
            return framework.equals("DJL");
        }

        /** The framework's version in {@code loader}'s jar, {@code null} when unknown. */
        String version(ClassLoader loader) {
            Object key = loader == null ? Gate.class : loader;
            java.util.Optional<String> v = versions.get(key);
            if (v == null) {
                v = java.util.Optional.ofNullable(djl() ? manifestVersion(loader, "ai/djl/training/EasyTrain.class")
                        : pomVersion(loader, "META-INF/maven/org.deeplearning4j/deeplearning4j-nn/pom.properties"));
                java.util.Optional<String> raced = versions.putIfAbsent(key, v);
                v = raced != null ? raced : v;
            }
            return v.orElse(null);
        }

        boolean versionOk(ClassLoader loader) {
            String v = version(loader);
            boolean ok = djl() ? djlVersionRecognised(v) : dl4jVersionRecognised(v);
            if (!ok) {
                log.once("epochs:" + framework + ":version", Log.Level.INFO, "epochs: " + framework + " version "
                        + (v == null ? "unknown" : v) + " is not recognised: left alone, its epochs are not"
                        + " detected (Mlco2.phase still works)");
            }
            return ok;
        }

        void notRecognised(ClassLoader loader, String className, String why) {
            log.once("epochs:" + framework + ":signature", Log.Level.INFO, "epochs: " + framework + " "
                    + version(loader) + " is not recognised (" + className.replace('/', '.') + " " + why
                    + "): its epochs are not detected; Mlco2.phase still works");
        }

        void detected(ClassLoader loader) {
            epochs.detected(framework + " " + version(loader));
            log.once("epochs:" + framework + ":on", Log.Level.INFO, "epochs: " + framework + " " + version(loader)
                    + " detected; its epochs are measured");
        }
    }

    /**
     * Weaves the hooks into {@code EasyTrain}, {@code Trainer}, {@code MultiLayerNetwork} and
     * {@code ComputationGraph}, only in a class loader where the framework's version is recognised and the bridge
     * resolves to the agent's; anything else leaves the class unchanged with one line.
     */
    static final class Weaving implements ClassFileTransformer {

        private final Log log;
        private final HookWeaver weaver;
        private final String bridgeResource;
        private final Map<String, Gate> gates;
        private final Map<String, List<Hook>> hooks;
        private final Map<Object, Boolean> bridgeByLoader = new ConcurrentHashMap<>();

        Weaving(EpochTracker epochs, Log log, String bridge) {
            this.log = log;
            this.weaver = new HookWeaver(bridge);
            this.bridgeResource = bridge + ".class";
            Gate djl = new Gate("DJL", log, epochs);
            Gate dl4j = new Gate("DL4J", log, epochs);
            this.gates = Map.of(internal(EASY_TRAIN), djl, internal(TRAINER), djl,
                    internal(MULTI_LAYER_NETWORK), dl4j, internal(COMPUTATION_GRAPH), dl4j);
            this.hooks = Map.of(internal(EASY_TRAIN), List.of(DJL_FIT), internal(TRAINER), List.of(DJL_NOTIFY),
                    internal(MULTI_LAYER_NETWORK), List.of(DL4J_EPOCH, DL4J_PLANNED),
                    internal(COMPUTATION_GRAPH), List.of(DL4J_EPOCH, DL4J_PLANNED));
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
