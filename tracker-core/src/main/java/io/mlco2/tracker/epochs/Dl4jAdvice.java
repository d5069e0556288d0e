package io.mlco2.tracker.epochs;

import net.bytebuddy.asm.Advice;

import java.util.function.BiFunction;

/**
 * Code woven into DL4J's {@code MultiLayerNetwork} and {@code ComputationGraph}: JDK types only (see
 * {@link DjlAdvice}), exceptions suppressed.
 */
final class Dl4jAdvice {

    private Dl4jAdvice() {
    }

    /** {@code fit(DataSetIterator)} and {@code fit(MultiDataSetIterator)}: one epoch each. */
    static final class Epoch {

        private Epoch() {
        }

        @Advice.OnMethodEnter(suppress = Throwable.class)
        @SuppressWarnings("unchecked")
        static void enter(@Advice.This Object model) throws Exception {
            Object hook = Class.forName("io.mlco2.agent.bootstrap.Bridge", true, ClassLoader.getSystemClassLoader())
                    .getMethod("hook").invoke(null);
            if (hook != null) {
                ((BiFunction<String, Object[], Object>) hook).apply("dl4j.epoch.enter", new Object[] {model});
            }
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        @SuppressWarnings("unchecked")
        static void exit(@Advice.This Object model, @Advice.Thrown Throwable thrown) throws Exception {
            Object hook = Class.forName("io.mlco2.agent.bootstrap.Bridge", true, ClassLoader.getSystemClassLoader())
                    .getMethod("hook").invoke(null);
            if (hook != null) {
                ((BiFunction<String, Object[], Object>) hook).apply("dl4j.epoch.exit", new Object[] {model, thrown});
            }
        }
    }

    /** {@code fit(DataSetIterator, int numEpochs)} and {@code fit(MultiDataSetIterator, int numEpochs)}. */
    static final class Planned {

        private Planned() {
        }

        @Advice.OnMethodEnter(suppress = Throwable.class)
        @SuppressWarnings("unchecked")
        static void enter(@Advice.This Object model, @Advice.Argument(1) int numEpochs) throws Exception {
            Object hook = Class.forName("io.mlco2.agent.bootstrap.Bridge", true, ClassLoader.getSystemClassLoader())
                    .getMethod("hook").invoke(null);
            if (hook != null) {
                ((BiFunction<String, Object[], Object>) hook).apply("dl4j.planned", new Object[] {model, numEpochs});
            }
        }
    }
}
