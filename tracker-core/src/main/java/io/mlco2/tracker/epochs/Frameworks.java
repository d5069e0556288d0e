package io.mlco2.tracker.epochs;

import java.util.List;

/** The frameworks whose epochs are detected: adding one is a {@link Framework} class and a line here. */
final class Frameworks {

    static final List<Framework> ALL = List.of(new DjlFramework(), new Dl4jFramework(), new SparkFramework(),
            new Dl4jSparkFramework());

    private Frameworks() {
    }
}
