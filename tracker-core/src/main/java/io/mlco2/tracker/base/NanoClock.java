package io.mlco2.tracker.base;

import java.util.function.LongSupplier;

/**
 * {@link System#nanoTime()} as a {@link LongSupplier}: a class rather than the method reference, which would be a
 * class spun by the JDK at its first use on the agent's start-up path (docs/PERFORMANCE.md, start-up).
 */
public final class NanoClock implements LongSupplier {

    public static final NanoClock INSTANCE = new NanoClock();

    private NanoClock() {
    }

    @Override
    public long getAsLong() {
        return System.nanoTime();
    }
}
