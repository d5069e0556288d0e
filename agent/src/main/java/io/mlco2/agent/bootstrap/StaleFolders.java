package io.mlco2.agent.bootstrap;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The extraction folders that JVMs killed without their exit hooks (SIGKILL, the OOM killer) leave in the temporary
 * folder, and how a live JVM keeps its own from being taken for one: each holds a lock on its folder's
 * {@link #LIVE_LOCK} file for its life, and the sweep, on a low-priority daemon thread long after the start, deletes
 * only folders of dead pids whose lock nobody holds.
 */
final class StaleFolders {

    private StaleFolders() {
    }

    /** The file in each extraction folder whose lock says "a JVM is using this folder", in any PID namespace. */
    static final String LIVE_LOCK = ".live";

    /** Held open (with its lock) for this JVM's life: the lock ends with the process, however it ends. */
    private static volatile java.nio.channels.FileChannel liveLock;

    /**
     * Locks {@code dir/.live} for as long as this JVM lives. A pid alone cannot say a folder is unused: JVMs in
     * other PID namespaces (containers) sharing {@code /tmp} have pids that look dead here. A lock on a file is
     * seen by every process of the machine's kernel, and the kernel drops it when the process dies.
     */
    static void holdLiveLock(Path dir) {
        try {
            Path f = dir.resolve(LIVE_LOCK);
            java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(f, StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE);
            f.toFile().deleteOnExit();
            if (ch.tryLock() != null) {
                liveLock = ch;
            } else {
                ch.close();
            }
        } catch (Throwable ignored) {
            // Without it, the sweep falls back on the pid (a folder of a JVM in another namespace may then go).
        }
    }

    /** {@code true} when another process holds {@code dir/.live}'s lock: that folder is in use. */
    static boolean lockedByALiveProcess(Path dir) {
        Path f = dir.resolve(LIVE_LOCK);
        if (!Files.isRegularFile(f, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(f, StandardOpenOption.WRITE,
                java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            java.nio.channels.FileLock l = ch.tryLock();
            if (l == null) {
                return true;
            }
            l.release();
            return false;
        } catch (java.nio.channels.OverlappingFileLockException e) {
            return true; // held by this JVM
        } catch (IOException e) {
            return true; // cannot tell: keep it
        }
    }

    /**
     * Names of the folders {@link AgentClassLoader#privateTempDirectory} makes: pid, time, random. In a holder: compiled by the
     * sweep, long after the start, not by this class's initialisation on the start-up path.
     */
    private static final class FolderName {
        static final java.util.regex.Pattern PATTERN =
                java.util.regex.Pattern.compile(AgentClassLoader.FOLDER_PREFIX + "(\\d+)-[0-9a-f]+-[0-9a-f]+");
    }

    /**
     * How long after the agent's start the sweep runs: a job that ends sooner leaves it to the next one. Not in a
     * short job's start-up or its first seconds of training, where its ~5 ms of CPU (listing the temporary folder,
     * the owner lookup) competed with the job's threads for the cores (docs/PERFORMANCE.md).
     */
    static final long SWEEP_DELAY_MILLIS = 30_000;

    /**
     * Runs {@link #sweepStale} on a daemon thread, {@link #SWEEP_DELAY_MILLIS} after the start: never on the
     * start-up path, never an exception to anyone.
     */
    static void sweepInBackground(Path base, Path keep) {
        try {
            Thread t = new Thread(new Runnable() {
                @Override
                public void run() {
                    try {
                        Thread.sleep(SWEEP_DELAY_MILLIS); // not while the agent and the job start
                        sweepStale(base, keep);
                    } catch (Throwable ignored) {
                        // best effort: a folder left behind costs disk, nothing else
                    }
                }
            }, "mlco2-sweep");
            t.setDaemon(true);
            t.setPriority(Thread.MIN_PRIORITY);
            t.start();
        } catch (Throwable ignored) {
            // as above
        }
    }

    /**
     * Deletes the extraction folders that JVMs killed without their exit hooks (SIGKILL, the OOM killer) left in
     * {@code base}: only folders named as ours, owned by this user, whose pid is no longer alive and whose
     * {@link #LIVE_LOCK} no process holds, holding nothing but regular {@code .jar} files and that lock file. A folder
     * of a live process (here, or in another PID namespace, or a pid reused since) is left alone.
     *
     * @return how many folders were deleted
     */
    static int sweepStale(Path base, Path keep) throws IOException {
        int deleted = 0;
        java.nio.file.attribute.UserPrincipal me = Files.getOwner(keep, java.nio.file.LinkOption.NOFOLLOW_LINKS);
        try (java.nio.file.DirectoryStream<Path> dirs = Files.newDirectoryStream(base)) {
            for (Path d : dirs) {
                String name = d.getFileName().toString();
                if (!name.startsWith(AgentClassLoader.FOLDER_PREFIX)) {
                    continue; // the prefix by hand: a glob would compile one more regular expression
                }
                java.util.regex.Matcher m = FolderName.PATTERN.matcher(name);
                if (d.equals(keep) || !m.matches()
                        || !Files.isDirectory(d, java.nio.file.LinkOption.NOFOLLOW_LINKS)
                        || !me.equals(Files.getOwner(d, java.nio.file.LinkOption.NOFOLLOW_LINKS))) {
                    continue;
                }
                long pid;
                try {
                    pid = Long.parseLong(m.group(1));
                } catch (NumberFormatException e) {
                    continue;
                }
                java.util.Optional<ProcessHandle> process = ProcessHandle.of(pid); // no method reference: no class spun
                if ((process.isPresent() && process.get().isAlive()) || lockedByALiveProcess(d)) {
                    continue;
                }
                List<Path> files = new ArrayList<>();
                boolean onlyJars = true;
                try (java.nio.file.DirectoryStream<Path> in = Files.newDirectoryStream(d)) {
                    for (Path f : in) {
                        String fn = f.getFileName().toString();
                        onlyJars &= (fn.endsWith(".jar") || fn.equals(LIVE_LOCK))
                                && Files.isRegularFile(f, java.nio.file.LinkOption.NOFOLLOW_LINKS);
                        files.add(f);
                    }
                }
                if (!onlyJars) {
                    continue;
                }
                for (Path f : files) {
                    Files.deleteIfExists(f);
                }
                Files.deleteIfExists(d);
                deleted++;
            }
        }
        return deleted;
    }
}
