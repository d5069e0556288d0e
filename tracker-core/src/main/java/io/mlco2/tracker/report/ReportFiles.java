package io.mlco2.tracker.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * File names and creation rules for every report: {@code <run_id>.<node_id><suffix>} (one name per JVM, so any
 * number of JVMs share a folder), no symlink followed at the report's path, permissions from the umask.
 */
public final class ReportFiles {

    public static final String JSON = ".json";
    public static final String HTML = ".html";
    public static final String SAMPLES = ".samples.csv";
    public static final String EPOCHS = ".epochs.csv";

    private ReportFiles() {
    }

    /**
     * {@code dir/<run_id>.<node_id><suffix>}: the one name of a JVM's report of a run (the run id made safe by
     * {@link #safeRunId}; the node id is {@code base.NodeIdentity#nodeId()}, already safe).
     */
    public static Path file(Path dir, String runId, String nodeId, String suffix) {
        return dir.resolve(stem(runId, nodeId) + suffix);
    }

    /** {@code <run_id>.<node_id>}: what every report file name of a JVM starts with. */
    public static String stem(String runId, String nodeId) {
        return safeRunId(runId) + "." + nodeId;
    }

    /**
     * A run id reduced to {@code [A-Za-z0-9._-]}. When characters had to be replaced, a hash of the original id is
     * appended ({@code a/b} -> {@code a_b-1c2d3e4f}), so that ids that differ only there ({@code a/b}, {@code a:b})
     * never share a file name.
     */
    public static String safeRunId(String runId) {
        String f = runId.replaceAll("[^A-Za-z0-9._-]", "_");
        if (!f.equals(runId)) {
            int h = 0x811c9dc5; // FNV-1a over the UTF-8 bytes
            for (byte b : runId.getBytes(StandardCharsets.UTF_8)) {
                h = (h ^ (b & 0xff)) * 0x01000193;
            }
            f = f + "-" + String.format("%08x", h);
        }
        return f.isEmpty() || f.startsWith(".") ? "run" + f : f;
    }

    /** Creates {@code dir} (and parents) if missing. */
    public static Path ensureDir(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir);
        }
        return dir;
    }

    /** Refuses a symbolic link planted at {@code file}: the agent writes only regular files it owns. */
    public static void refuseSymlink(Path file) throws IOException {
        if (Files.isSymbolicLink(file)) {
            throw new IOException("refusing to write " + file + ": it is a symbolic link");
        }
    }

    /**
     * Refuses to replace anything at {@code file} that is not a regular file: a symbolic link, a device node
     * ({@code /dev/full}), a FIFO, a folder. The agent and {@code report} only ever replace their own reports.
     */
    public static void refuseNonRegular(Path file) throws IOException {
        refuseSymlink(file);
        if (Files.exists(file, LinkOption.NOFOLLOW_LINKS) && !Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException("refusing to replace " + file + ": it is not a regular file (a device, FIFO or folder)");
        }
    }

    /**
     * Writes {@code text} to {@code file} through a temporary file and an atomic rename. A write that fails (a full
     * disk) removes its temporary file: nothing half-written is left beside the reports.
     */
    public static void writeAtomically(Path file, String text) throws IOException {
        refuseNonRegular(file);
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        try {
            Files.write(tmp, text.getBytes(StandardCharsets.UTF_8), StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
            try {
                Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException | RuntimeException e) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException | RuntimeException ignored) {
                // The write's failure is the one to report.
            }
            throw e;
        }
    }
}
