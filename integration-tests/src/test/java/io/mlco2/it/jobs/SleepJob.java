package io.mlco2.it.jobs;

/**
 * A trivial job for tests that need a child JVM but not a training run: burns CPU for {@code ms} milliseconds,
 * prints a line, exits with {@code exitCode}. Arguments: {@code [ms=500] [exitCode=0] [mode=exit|throw|thread-exit|halt]}.
 */
public final class SleepJob {

    public static void main(String[] args) throws Exception {
        long ms = args.length > 0 ? Long.parseLong(args[0]) : 500;
        int exitCode = args.length > 1 ? Integer.parseInt(args[1]) : 0;
        String mode = args.length > 2 ? args[2] : "exit";
        long end = System.nanoTime() + ms * 1_000_000;
        double x = 0;
        while (System.nanoTime() < end) {
            x += Math.sqrt(x + 1);
        }
        System.out.println("SLEEP JOB DONE " + (x > 0));
        switch (mode) {
            case "throw" -> throw new IllegalStateException("job failed on purpose");
            case "halt" -> Runtime.getRuntime().halt(exitCode); // no exit hook runs
            case "thread-exit" -> {
                Thread t = new Thread(() -> System.exit(exitCode), "app-exit");
                t.start();
                t.join();
            }
            default -> System.exit(exitCode);
        }
    }
}
