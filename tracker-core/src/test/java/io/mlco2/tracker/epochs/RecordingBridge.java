package io.mlco2.tracker.epochs;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/** Stands in for {@code io.mlco2.agent.bootstrap.Bridge} in the weaving tests: records every call it gets. */
public final class RecordingBridge {

    static final String INTERNAL_NAME = "io/mlco2/tracker/epochs/RecordingBridge";

    static final List<List<Object>> EVENTS = Collections.synchronizedList(new ArrayList<>());

    private RecordingBridge() {
    }

    public static void event(String op, Object a) {
        EVENTS.add(Arrays.asList(op, a));
    }

    public static void event(String op, Object a, Object b) {
        EVENTS.add(Arrays.asList(op, a, b));
    }

    public static void event(String op, Object a, int n) {
        EVENTS.add(Arrays.asList(op, a, n));
    }
}
