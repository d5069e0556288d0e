package io.mlco2.it.metrics;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code spin FILE [THREADS]}: THREADS (1) threads busy until FILE exists; {@code sleep FILE}: sleeps until FILE
 * exists. Returns from main without System.exit.
 */
public final class HostShareJob {

    public static void main(String[] args) throws Exception {
        Path stop = Path.of(args[1]);
        if (!args[0].equals("spin")) {
            while (!Files.exists(stop)) {
                Thread.sleep(20);
            }
            return;
        }
        int threads = args.length > 2 ? Integer.parseInt(args[2]) : 1;
        Thread[] spinners = new Thread[threads];
        for (int i = 0; i < threads; i++) {
            spinners[i] = new Thread(new Spin(stop));
            spinners[i].start();
        }
        for (Thread t : spinners) {
            t.join();
        }
        System.out.println("DONE");
    }

    private static final class Spin implements Runnable {
        private final Path stop;

        Spin(Path stop) {
            this.stop = stop;
        }

        @Override
        public void run() {
            double x = 0;
            while (!Files.exists(stop)) {
                long until = System.nanoTime() + 20_000_000L;
                while (System.nanoTime() < until) {
                    x += Math.sqrt(x + 1);
                }
            }
            if (x < 0) {
                System.out.println(x);
            }
        }
    }
}
