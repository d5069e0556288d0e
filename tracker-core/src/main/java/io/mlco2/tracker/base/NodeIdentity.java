package io.mlco2.tracker.base;

import java.util.Locale;

/**
 * Who wrote a report: the host, this JVM's pid, and on a Spark executor the application id and executor id taken
 * from its command line ({@code ...CoarseGrainedExecutorBackend --executor-id 1 --hostname h --app-id app-...};
 * the YARN and Kubernetes backends take the same options). {@link #nodeId()} is unique per JVM on a host and safe
 * in a file name: {@code <host>-<pid>}, prefixed {@code exec<id>-} on an executor.
 */
public final class NodeIdentity {

    private final String host;
    private final long pid;
    private final String sparkAppId;
    private final String sparkExecutorId;

    public NodeIdentity(String host, long pid, String sparkAppId, String sparkExecutorId) {
        this.host = host == null || host.isBlank() ? "localhost" : host;
        this.pid = pid;
        this.sparkAppId = blankToNull(sparkAppId);
        this.sparkExecutorId = blankToNull(sparkExecutorId);
    }

    /** This JVM: {@code host} as the caller knows it, the pid, and the Spark options of {@code sun.java.command}. */
    public static NodeIdentity current(String host) {
        String command = System.getProperty("sun.java.command", "");
        return new NodeIdentity(host, Pid.current(), option(command, "--app-id"), option(command, "--executor-id"));
    }

    /** From a command line such as {@code sun.java.command}: Spark options only when its main class is an executor backend. */
    public static NodeIdentity fromCommand(String host, long pid, String command) {
        return new NodeIdentity(host, pid, option(command, "--app-id"), option(command, "--executor-id"));
    }

    /** The value after {@code name} in an executor backend's command line, or null. */
    static String option(String command, String name) {
        if (command == null) {
            return null;
        }
        String[] words = command.trim().split("\\s+");
        if (words.length == 0 || !words[0].endsWith("ExecutorBackend")) {
            return null;
        }
        for (int i = 1; i + 1 < words.length; i++) {
            if (words[i].equals(name)) {
                return words[i + 1];
            }
        }
        return null;
    }

    public String host() {
        return host;
    }

    public long pid() {
        return pid;
    }

    /** The Spark application id on an executor, else null. */
    public String sparkAppId() {
        return sparkAppId;
    }

    /** The Spark executor id on an executor, else null. */
    public String sparkExecutorId() {
        return sparkExecutorId;
    }

    public boolean isSparkExecutor() {
        return sparkExecutorId != null;
    }

    /** Unique per JVM on its host, made of {@code [A-Za-z0-9._-]} only. */
    public String nodeId() {
        String base = safe(host) + "-" + pid;
        return sparkExecutorId == null ? base : "exec" + safe(sparkExecutorId) + "-" + base;
    }

    /** {@code s} with every character outside {@code [A-Za-z0-9._-]} replaced by {@code _}, lower case. */
    public static String safe(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean ok = c < 128 && (Character.isLetterOrDigit(c) || c == '.' || c == '-' || c == '_');
            b.append(ok ? c : '_');
        }
        return b.toString().toLowerCase(Locale.ROOT);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    @Override
    public String toString() {
        return nodeId();
    }
}
