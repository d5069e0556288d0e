package io.mlco2.tracker.base;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * The system property that tells another process (through the Attach API: {@code list}, {@code attach}) that the
 * agent is in this JVM, and what it does there. The agent's bootstrap ({@code io.mlco2.agent.bootstrap.AgentMain},
 * loaded apart from this module, so with its own copy of the name) sets it to its start time in epoch milliseconds;
 * the runtime replaces that with {@value #DISABLED} when {@code mlco2.enabled=false} and {@value #FAILED} when it could
 * not start. A JVM loads the agent once: either way a later attach is refused.
 */
public final class AgentMarker {

    /** The property's name: outside {@code mlco2.}, which names configuration keys. */
    public static final String PROPERTY = "io.mlco2.agent.since";

    /** The agent is loaded but stood down ({@code mlco2.enabled=false}). */
    public static final String DISABLED = "disabled";

    /** The agent is loaded but could not start. */
    public static final String FAILED = "failed";

    private AgentMarker() {
    }

    /** Sets this JVM's marker to {@code state}; a security manager that refuses it costs only the marker. */
    public static void mark(String state) {
        try {
            System.setProperty(PROPERTY, state);
        } catch (Throwable ignored) {
            // list and attach then show the start time or nothing: the job is not disturbed
        }
    }

    /** Whether a JVM whose marker is {@code value} has the agent measuring it. */
    public static boolean measuring(String value) {
        return value != null && !DISABLED.equals(value) && !FAILED.equals(value);
    }

    /**
     * What a marker says, in words: {@code no} (no agent), {@code measuring since <UTC time>}, or why a loaded agent
     * does not measure.
     */
    public static String describe(String value) {
        if (value == null) {
            return "no";
        }
        if (DISABLED.equals(value)) {
            return "no (agent loaded with mlco2.enabled=false)";
        }
        if (FAILED.equals(value)) {
            return "no (agent loaded, failed to start)";
        }
        try {
            return "measuring since " + Instant.ofEpochMilli(Long.parseLong(value)).truncatedTo(ChronoUnit.SECONDS);
        } catch (NumberFormatException e) {
            return "measuring";
        }
    }
}
