package io.mlco2.agent.bootstrap;

import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Another process holding a folder's {@code .live} lock until its standard input closes: a JVM in another PID
 * namespace whose pid looks dead here. Prints {@code locked} once it holds it.
 */
public final class LiveLockHolder {

    public static void main(String[] args) throws Exception {
        try (FileChannel ch = FileChannel.open(Path.of(args[0]), StandardOpenOption.WRITE);
             var lock = ch.lock()) {
            System.out.println("locked");
            System.out.flush();
            while (System.in.read() >= 0) {
                // Hold until the test closes our stdin.
            }
        }
    }
}
