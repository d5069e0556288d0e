package io.mlco2.tracker.metrics;

import io.mlco2.tracker.base.Log;
import io.mlco2.tracker.base.NodeIdentity;
import io.mlco2.tracker.format.Json;
import io.mlco2.tracker.report.ReportFiles;
import io.mlco2.tracker.report.ReportFiles;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * This JVM's scrape endpoint as a Prometheus {@code file_sd} target file, {@code <dir>/<run_id>.<node_id>.json}:
 * <pre>[{"targets":["127.0.0.1:41234"],"labels":{"run_id":"...","node":"..."}}]</pre>
 * Prometheus' {@code file_sd_configs} watches the folder, so any number of JVMs on a host, each on a free port,
 * are scraped without a port planned per JVM. Written atomically (a temporary {@code .json.tmp} then a rename: the
 * {@code *.json} glob never sees half a file); deleted by {@link #close} at exit. A JVM killed with SIGKILL leaves its
 * file behind, and Prometheus shows that target down.
 */
public final class FileSdTarget implements AutoCloseable {

    private final Path file;
    private final Log log;

    private FileSdTarget(Path file, Log log) {
        this.file = file;
        this.log = log;
    }

    /** {@code <run_id>.<node_id>.json}, the run id made file-name safe as the reports' names are. */
    static String fileName(String runId, String nodeId) {
        return ReportFiles.stem(runId, nodeId) + ".json";
    }

    /** The file's text: one target group, the target {@code host:port} and the labels {@code run_id} and {@code node}. */
    static String json(String target, String runId, String nodeId) {
        Map<String, Object> labels = new LinkedHashMap<>();
        labels.put("run_id", runId);
        labels.put("node", nodeId);
        Map<String, Object> group = new LinkedHashMap<>();
        group.put("targets", List.of(target));
        group.put("labels", labels);
        return Json.writePretty(List.of(group)) + "\n";
    }

    /**
     * The address Prometheus should scrape for an endpoint bound to {@code bindHost}: that address itself, or this
     * host's name where the endpoint listens on every interface ({@code 0.0.0.0}, {@code ::}); IPv6 in brackets.
     */
    static String target(String bindHost, String hostname, int port) {
        String host = bindHost;
        try {
            if (InetAddress.getByName(bindHost).isAnyLocalAddress()) {
                host = hostname;
            }
        } catch (IOException | RuntimeException e) {
            // Bound already, so it resolves; keep the name as given.
        }
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }

    /** {@link #write(Path, String, NodeIdentity, String, int, Log)} with the folder as configured. */
    public static FileSdTarget write(String dir, String runId, NodeIdentity node, String bindHost, int port, Log log) {
        Path path;
        try {
            path = Path.of(dir.trim());
        } catch (RuntimeException e) {
            log.warn("mlco2.metrics.prometheus.file-sd-dir=" + dir + " is not a directory path (" + Log.describe(e)
                    + "); no file_sd target written, the endpoint on port " + port + " serves on");
            return null;
        }
        return write(path, runId, node, bindHost, port, log);
    }

    /**
     * Writes the target file for an endpoint on {@code bindHost:port}; {@code null} (and one line) when the folder
     * cannot be created or written. The endpoint serves either way.
     */
    public static FileSdTarget write(Path dir, String runId, NodeIdentity node, String bindHost, int port, Log log) {
        Path file = dir.resolve(fileName(runId, node.nodeId()));
        try {
            ReportFiles.ensureDir(dir);
            ReportFiles.writeAtomically(file, json(target(bindHost, node.host(), port), runId, node.nodeId()));
        } catch (IOException | RuntimeException e) {
            log.warn("Prometheus file_sd target not written to mlco2.metrics.prometheus.file-sd-dir=" + dir + " ("
                    + Log.describe(e) + "); the endpoint on port " + port + " serves on, without it Prometheus "
                    + "does not find it");
            return null;
        }
        log.info("Prometheus file_sd target " + file);
        return new FileSdTarget(file, log);
    }

    Path file() {
        return file;
    }

    /** Deletes the target file: Prometheus stops scraping this JVM, which is exiting. */
    @Override
    public void close() {
        try {
            Files.deleteIfExists(file);
        } catch (IOException | RuntimeException e) {
            log.warn("Prometheus file_sd target " + file + " not removed (" + Log.describe(e)
                    + "); Prometheus shows it down until it is deleted");
        }
    }
}
