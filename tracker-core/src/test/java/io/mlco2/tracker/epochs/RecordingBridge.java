package io.mlco2.tracker.epochs;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.function.BiFunction;

/**
 * Stands in for {@code io.mlco2.agent.bootstrap.Bridge} in the weaving tests: records every call it gets, and passes
 * it on to {@link #forward} when one is set, as the bridge does to the agent's {@link BridgeHook}.
 */
public final class RecordingBridge {

    static final String INTERNAL_NAME = "io/mlco2/tracker/epochs/RecordingBridge";

    static final List<List<Object>> EVENTS = Collections.synchronizedList(new ArrayList<>());

    static volatile BiFunction<String, Object[], Object> forward;

    private RecordingBridge() {
    }

    public static void event(String op, Object a) {
        record(op, a);
    }

    public static void event(String op, Object a, Object b) {
        record(op, a, b);
    }

    public static void event(String op, Object a, int n) {
        record(op, a, n);
    }

    private static void record(String op, Object... args) {
        List<Object> e = new ArrayList<>();
        e.add(op);
        e.addAll(Arrays.asList(args));
        EVENTS.add(e);
        BiFunction<String, Object[], Object> f = forward;
        if (f != null) {
            f.apply(op, args);
        }
    }
}
