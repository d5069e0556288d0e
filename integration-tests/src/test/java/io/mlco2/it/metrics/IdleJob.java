package io.mlco2.it.metrics;

/** A job that works for a while and returns from main without System.exit: the JVM exits only if no agent thread holds it. */
public final class IdleJob {

    public static void main(String[] args) throws Exception {
        long millis = args.length > 0 ? Long.parseLong(args[0]) : 2000;
        long end = System.nanoTime() + millis * 1_000_000;
        double x = 0;
        while (System.nanoTime() < end) {
            x += Math.sqrt(x + 1);
        }
        System.out.println("IDLE DONE " + (x > 0));
    }
}
