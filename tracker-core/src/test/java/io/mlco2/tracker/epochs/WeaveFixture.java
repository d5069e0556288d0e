package io.mlco2.tracker.epochs;

import java.util.Iterator;
import java.util.function.Consumer;

/** Methods of the shapes the framework hooks meet, woven by {@code HookWeaverTest} and run in their own loader. */
public class WeaveFixture {

    public static int count;
    public static String caught;

    /** Like {@code EasyTrain.fit}: early returns, a handler of its own, a loop, an exception leaving it. */
    public static void fit(WeaveFixture trainer, int epochs, Object train, Object validate) {
        if (trainer == null) {
            throw new IllegalArgumentException("no trainer");
        }
        if (epochs == 0) {
            return;
        }
        try {
            if (epochs < 0) {
                throw new IllegalStateException("negative");
            }
        } catch (IllegalStateException e) {
            caught = e.getMessage();
            return;
        }
        for (int i = 0; i < epochs; i++) {
            count++;
        }
    }

    /** Like DL4J's {@code fit(DataSetIterator)}: synchronized, may throw from the middle of a loop. */
    public synchronized void fitEpoch(Iterator<?> it) {
        while (it.hasNext()) {
            Object o = it.next();
            if (o == null) {
                throw new NullPointerException("null item");
            }
            count++;
        }
    }

    /** Like {@code Trainer.notifyListeners}: the hook only runs after it. */
    public void notifyListeners(Consumer<Object> listeners) {
        listeners.accept(this);
    }

    /** A loop that starts at the first instruction (a stack map frame at offset 0), storing into its parameter. */
    public static void spin(int n) {
        do {
            n--;
            count++;
        } while (n > 0);
    }

    /** Two-slot parameters around the one the hook reads. */
    public static void wide(long big, Object p, double d) {
        if ("throw".equals(p)) {
            throw new UnsupportedOperationException(big + " " + d);
        }
        count += (int) big;
    }

    /** Stores into the parameter an exit hook would read. */
    public void reassigns(Object p) {
        p = "changed";
        caught = (String) p;
    }

    /** Returns a value, like dl4j-spark's {@code fit(JavaRDD)} returning the network. */
    public int value(Object p) {
        return p.hashCode();
    }

    /** Returns a two-slot value from either of two returns. */
    public static long wideValue(long v) {
        if (v < 0) {
            return -v;
        }
        return v * 2;
    }

    /** Not woven: runs unchanged. */
    public static int untouched(int x) {
        return x * 2;
    }
}
