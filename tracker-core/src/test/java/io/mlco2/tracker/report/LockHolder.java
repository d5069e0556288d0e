package io.mlco2.tracker.report;

import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Another process that only reads a file and holds a shared lock on it until its standard input closes: what any
 * user who can read {@code emissions.csv} can do. Prints {@code locked} once it holds the lock.
 */
public final class LockHolder {

    public static void main(String[] args) throws Exception {
        try (FileChannel ch = FileChannel.open(Path.of(args[0]), StandardOpenOption.READ);
             var lock = ch.lock(0, Long.MAX_VALUE, true)) {
            System.out.println("locked");
            System.out.flush();
            while (System.in.read() >= 0) {
                // Hold until the test closes our stdin (or dies).
            }
        }
    }
}
