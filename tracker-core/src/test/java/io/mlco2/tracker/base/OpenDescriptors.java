package io.mlco2.tracker.base;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** This JVM's open files, for tests that check a file is released (Linux: the links of /proc/self/fd). */
public final class OpenDescriptors {

    private OpenDescriptors() {
    }

    /**
     * How many of this JVM's open file descriptors point at {@code path} or, for a folder, at a file under it; only
     * those, since the test JVM's other threads open and close files of their own meanwhile.
     */
    public static int at(Path path) throws IOException {
        Path target = path.toRealPath();
        int n = 0;
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc/self/fd"))) {
            for (Path fd : fds) {
                try {
                    if (Files.readSymbolicLink(fd).startsWith(target)) {
                        n++;
                    }
                } catch (IOException closedMeanwhile) {
                    // the listing's own descriptor, or one another thread closed since
                }
            }
        }
        return n;
    }
}
