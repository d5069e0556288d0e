package io.mlco2.it.metrics;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code CpuWorkJob cpuMillis releaseFile}: spins until its thread has used {@code cpuMillis} of CPU time (the same
 * work however busy the machine is), prints {@code WORK DONE}, then rests until {@code releaseFile} exists (at most
 * 5 minutes) and returns from main.
 */
public final class CpuWorkJob {

    public static void main(String[] args) throws Exception {
        long cpuNanos = Long.parseLong(args[0]) * 1_000_000L;
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long start = threads.getCurrentThreadCpuTime();
        double x = 0;
        while (threads.getCurrentThreadCpuTime() - start < cpuNanos) {
            for (int i = 0; i < 100_000; i++) {
                x += Math.sqrt(x + i);
            }
        }
        System.out.println("WORK DONE " + (x > 0));
        System.out.flush();
        Path release = Path.of(args[1]);
        long deadline = System.nanoTime() + 300_000_000_000L;
        while (!Files.exists(release) && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
    }
}
