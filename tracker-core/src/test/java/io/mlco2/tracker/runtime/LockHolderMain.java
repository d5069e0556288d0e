package io.mlco2.tracker.runtime;

import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A second JVM for {@link HostLeaseTest} (file locks are per process): {@code hold FILE} locks FILE, prints
 * {@code locked}, and holds it until its standard input ends; {@code try FILE} prints {@code got} or {@code busy}.
 */
public final class LockHolderMain {

    private LockHolderMain() {
    }

    public static void main(String[] args) throws Exception {
        try (FileChannel c = FileChannel.open(Path.of(args[1]), StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            if (args[0].equals("hold")) {
                FileLock lock = c.lock();
                System.out.println("locked");
                System.out.flush();
                while (System.in.read() >= 0) {
                    // hold until the parent closes our input
                }
                lock.release();
            } else {
                FileLock lock = c.tryLock();
                System.out.println(lock == null ? "busy" : "got");
            }
        }
    }
}
