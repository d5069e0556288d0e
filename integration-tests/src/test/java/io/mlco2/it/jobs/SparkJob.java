package io.mlco2.it.jobs;

import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * A Spark driver, run in its own JVM by {@code SparkClusterIT} (the cluster and the agent's options come as
 * {@code spark.*} system properties, as {@code spark-submit} passes them). Three stages:
 * <ol>
 *   <li>{@code hold}: one task per executor; each writes {@code <control>/running-<its pid>} and keeps its core busy
 *       until {@code <control>/release} exists (the test kills one executor in between);</li>
 *   <li>waits until the cluster has two executors again (Spark relaunches a killed one);</li>
 *   <li>{@code spread}: a short task on each executor.</li>
 * </ol>
 * Prints {@code app-id <id>} and {@code executors <n>} on stdout.
 */
public final class SparkJob {

    private SparkJob() {
    }

    /** Keeps a core busy until the release file exists (at most 120 s); returns this JVM's pid. */
    public static final class Hold implements Function<Integer, Long> {
        private final String control;

        Hold(String control) {
            this.control = control;
        }

        @Override
        public Long call(Integer task) throws Exception {
            long pid = ProcessHandle.current().pid();
            Path dir = Path.of(control);
            Files.writeString(dir.resolve("running-" + pid), "task " + task);
            long end = System.nanoTime() + 120_000_000_000L;
            double x = 0;
            while (!Files.exists(dir.resolve("release")) && System.nanoTime() < end) {
                for (int i = 1; i < 200_000; i++) {
                    x += Math.sqrt(i);
                }
            }
            return x < 0 ? -pid : pid;
        }
    }

    /** 300 ms of work; returns this JVM's pid. */
    public static final class Spread implements Function<Integer, Long> {
        @Override
        public Long call(Integer task) {
            long end = System.nanoTime() + 300_000_000L;
            double x = 0;
            while (System.nanoTime() < end) {
                x += Math.sqrt(task + x);
            }
            long pid = ProcessHandle.current().pid();
            return x < 0 ? -pid : pid;
        }
    }

    public static void main(String[] args) throws Exception {
        String control = args[0];
        SparkConf conf = new SparkConf().setAppName("mlco2-spark-it");
        try (JavaSparkContext sc = new JavaSparkContext(conf)) {
            System.out.println("app-id " + sc.sc().applicationId());
            awaitExecutors(sc, 2);
            List<Long> held = sc.parallelize(Arrays.asList(0, 1), 2).map(new Hold(control)).collect();
            System.out.println("hold " + held);
            awaitExecutors(sc, 2);
            List<Long> spread = sc.parallelize(Arrays.asList(0, 1, 2, 3), 4).map(new Spread()).collect();
            System.out.println("spread " + spread);
            System.out.println("executors " + (sc.sc().statusTracker().getExecutorInfos().length - 1));
        }
    }

    /** Waits (at most 120 s) until {@code n} executors are registered (the list also holds the driver). */
    private static void awaitExecutors(JavaSparkContext sc, int n) throws InterruptedException {
        long end = System.nanoTime() + 120_000_000_000L;
        while (sc.sc().statusTracker().getExecutorInfos().length - 1 < n && System.nanoTime() < end) {
            Thread.sleep(100);
        }
    }
}
