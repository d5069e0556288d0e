package io.mlco2.tracker.epochs;

import net.bytebuddy.asm.Advice;

import java.util.function.BiFunction;

/**
 * Code woven into DJL's classes. It runs in DJL's class loader, which cannot see the agent's classes, so it uses
 * JDK types only: it finds the bridge on the system class path and calls its {@code BiFunction}. Every advice
 * suppresses its own exceptions, so DJL runs on unchanged whatever happens here.
 */
final class DjlAdvice {

    private DjlAdvice() {
    }

    /** {@code static void EasyTrain.fit(Trainer trainer, int numEpoch, Dataset train, Dataset validate)}. */
    static final class Fit {

        private Fit() {
        }

        @Advice.OnMethodEnter(suppress = Throwable.class)
        @SuppressWarnings("unchecked")
        static void enter(@Advice.Argument(0) Object trainer, @Advice.Argument(1) int numEpoch) throws Exception {
            Object hook = Class.forName("io.mlco2.agent.bootstrap.Bridge", true, ClassLoader.getSystemClassLoader())
                    .getMethod("hook").invoke(null);
            if (hook != null) {
                ((BiFunction<String, Object[], Object>) hook).apply("djl.fit.enter", new Object[] {trainer, numEpoch});
            }
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        @SuppressWarnings("unchecked")
        static void exit(@Advice.Argument(0) Object trainer) throws Exception {
            Object hook = Class.forName("io.mlco2.agent.bootstrap.Bridge", true, ClassLoader.getSystemClassLoader())
                    .getMethod("hook").invoke(null);
            if (hook != null) {
                ((BiFunction<String, Object[], Object>) hook).apply("djl.fit.exit", new Object[] {trainer});
            }
        }
    }

    /** {@code final void Trainer.notifyListeners(Consumer<TrainingListener> listenerConsumer)}. */
    static final class Notify {

        private Notify() {
        }

        @Advice.OnMethodExit(suppress = Throwable.class)
        @SuppressWarnings("unchecked")
        static void exit(@Advice.This Object trainer, @Advice.Argument(0) Object consumer) throws Exception {
            Object hook = Class.forName("io.mlco2.agent.bootstrap.Bridge", true, ClassLoader.getSystemClassLoader())
                    .getMethod("hook").invoke(null);
            if (hook != null) {
                ((BiFunction<String, Object[], Object>) hook).apply("djl.notified", new Object[] {trainer, consumer});
            }
        }
    }
}
