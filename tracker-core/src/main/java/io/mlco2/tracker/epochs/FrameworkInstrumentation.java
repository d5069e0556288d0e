package io.mlco2.tracker.epochs;

import io.mlco2.tracker.runtime.Log;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.matcher.ElementMatcher;
import net.bytebuddy.utility.JavaModule;

import java.io.InputStream;
import java.net.JarURLConnection;
import java.net.URL;
import java.net.URLConnection;
import java.security.ProtectionDomain;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static net.bytebuddy.matcher.ElementMatchers.isPublic;
import static net.bytebuddy.matcher.ElementMatchers.isStatic;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.returns;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

/**
 * Weaves {@link DjlAdvice} and {@link Dl4jAdvice} into the framework classes, those already loaded (retransformed,
 * since the agent starts after {@code premain} returned) and those loaded later. Only a version it recognises is
 * touched: the version is read from the framework's jar, and every method the advice goes on must be there with the
 * expected signature; anything else is left alone with one info line.
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

    static final ElementMatcher<MethodDescription> DJL_FIT = isStatic().and(named("fit")).and(takesArguments(4))
            .and(takesArgument(0, named(TRAINER))).and(takesArgument(1, int.class));
    static final ElementMatcher<MethodDescription> DJL_NOTIFY = named("notifyListeners").and(takesArguments(1))
            .and(takesArgument(0, named("java.util.function.Consumer")));
    static final ElementMatcher<MethodDescription> DL4J_EPOCH = isPublic().and(named("fit")).and(takesArguments(1))
            .and(takesArgument(0, named(DATA_SET_ITERATOR).or(named(MULTI_DATA_SET_ITERATOR))))
            .and(returns(void.class));
    static final ElementMatcher<MethodDescription> DL4J_PLANNED = isPublic().and(named("fit")).and(takesArguments(2))
            .and(takesArgument(0, named(DATA_SET_ITERATOR).or(named(MULTI_DATA_SET_ITERATOR))))
            .and(takesArgument(1, int.class));

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
     * Builds the transformer without registering it: {@link LazyFrameworkHooks} calls it for the framework classes
     * only, once a framework shows up (Byte Buddy is not loaded by a job that uses neither framework).
     */
    static java.lang.instrument.ClassFileTransformer makeRaw(EpochTracker epochs, Log log) {
        return builder(epochs, log).makeRaw();
    }

    private static AgentBuilder builder(EpochTracker epochs, Log log) {
        Gate djl = new Gate("DJL", log, epochs) {
            @Override
            String version(ClassLoader loader) {
                return manifestVersion(loader, "ai/djl/training/EasyTrain.class");
            }

            @Override
            boolean recognised(String version) {
                return djlVersionRecognised(version);
            }
        };
        Gate dl4j = new Gate("DL4J", log, epochs) {
            @Override
            String version(ClassLoader loader) {
                return pomVersion(loader, "META-INF/maven/org.deeplearning4j/deeplearning4j-nn/pom.properties");
            }

            @Override
            boolean recognised(String version) {
                return dl4jVersionRecognised(version);
            }
        };
        return new AgentBuilder.Default()
                .disableClassFormatChanges()
                .with(AgentBuilder.RedefinitionStrategy.RETRANSFORMATION)
                .with(AgentBuilder.InitializationStrategy.NoOp.INSTANCE)
                .with(AgentBuilder.TypeStrategy.Default.DECORATE)
                .with(new Errors(log))
                .type(djl.on(EASY_TRAIN, DJL_FIT))
                .transform(advice(DjlAdvice.Fit.class, DJL_FIT))
                .type(djl.on(TRAINER, DJL_NOTIFY))
                .transform(advice(DjlAdvice.Notify.class, DJL_NOTIFY))
                .type(dl4j.on(MULTI_LAYER_NETWORK, DL4J_EPOCH, DL4J_PLANNED))
                .transform(advice(Dl4jAdvice.Epoch.class, DL4J_EPOCH))
                .transform(advice(Dl4jAdvice.Planned.class, DL4J_PLANNED))
                .type(dl4j.on(COMPUTATION_GRAPH, DL4J_EPOCH, DL4J_PLANNED))
                .transform(advice(Dl4jAdvice.Epoch.class, DL4J_EPOCH))
                .transform(advice(Dl4jAdvice.Planned.class, DL4J_PLANNED));
    }

    private static AgentBuilder.Transformer advice(Class<?> adviceClass, ElementMatcher<? super MethodDescription> on) {
        return (DynamicType.Builder<?> builder, TypeDescription type, ClassLoader loader, JavaModule module,
                ProtectionDomain pd) -> builder.visit(Advice.to(adviceClass).on(on));
    }

    /**
     * Matches a framework class by name, then only in a class loader where the framework's version is recognised and
     * the class has every method the advice goes on. Says once per framework what it found.
     */
    private abstract static class Gate {

        private final String framework;
        private final Log log;
        private final EpochTracker epochs;
        private final Map<Object, Boolean> byLoader = new ConcurrentHashMap<>();

        Gate(String framework, Log log, EpochTracker epochs) {
            this.framework = framework;
            this.log = log;
            this.epochs = epochs;
        }

        abstract String version(ClassLoader loader);

        abstract boolean recognised(String version);

        @SafeVarargs
        final AgentBuilder.RawMatcher on(String className, ElementMatcher<? super MethodDescription>... methods) {
            return (TypeDescription type, ClassLoader loader, JavaModule module, Class<?> redefined, ProtectionDomain pd) -> {
                if (!type.getName().equals(className)) {
                    return false;
                }
                boolean ok = versionOk(loader);
                for (ElementMatcher<? super MethodDescription> m : methods) {
                    if (ok && type.getDeclaredMethods().filter(m).isEmpty()) {
                        log.once("epochs:" + framework + ":signature", Log.Level.INFO, "epochs: " + framework + " "
                                + version(loader) + " is not recognised (" + className
                                + " lacks an expected method): its epochs are not detected; Mlco2.phase still works");
                        ok = false;
                    }
                }
                if (ok) {
                    epochs.detected(framework + " " + version(loader));
                    log.once("epochs:" + framework + ":on", Log.Level.INFO, "epochs: " + framework + " "
                            + version(loader) + " detected; its epochs are measured");
                }
                return ok;
            };
        }

        private boolean versionOk(ClassLoader loader) {
            Object key = loader == null ? Gate.class : loader;
            return byLoader.computeIfAbsent(key, k -> {
                String v = version(loader);
                boolean ok = recognised(v);
                if (!ok) {
                    log.once("epochs:" + framework + ":version", Log.Level.INFO, "epochs: " + framework + " version "
                            + (v == null ? "unknown" : v) + " is not recognised: left alone, its epochs are not"
                            + " detected (Mlco2.phase still works)");
                }
                return ok;
            });
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

    /** Byte Buddy's errors: one line per class, never thrown. */
    private static final class Errors extends AgentBuilder.Listener.Adapter {

        private final Log log;

        Errors(Log log) {
            this.log = log;
        }

        @Override
        public void onError(String typeName, ClassLoader classLoader, JavaModule module, boolean loaded,
                            Throwable throwable) {
            log.once("epochs:error:" + typeName, Log.Level.INFO, "epochs: could not instrument " + typeName + " ("
                    + Log.describe(throwable) + "); left alone, its epochs are not detected");
        }

        @Override
        public void onTransformation(TypeDescription type, ClassLoader classLoader, JavaModule module, boolean loaded,
                                     DynamicType dynamicType) {
            log.debug("epochs: instrumented " + type.getName() + (loaded ? " (already loaded)" : ""));
        }
    }
}
