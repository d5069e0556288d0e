package io.mlco2.tracker.energy;

import java.util.Locale;

/** The parts of a machine whose energy the tracker reports separately. */
public enum Component {
    CPU, GPU, RAM;

    /** Lower-case name used in reports, metric tags and JSON keys. */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }
}
