package io.mlco2.tracker.base;

import java.time.Duration;

/**
 * Runs a task on a daemon thread of its own and waits for it at most a given time: the exit path's way to do work
 * that may hang (a device read, a server that does not answer) without being held by it.
 */
public final class BoundedRun {

    private BoundedRun() {
    }

    /**
     * Starts {@code task} on a daemon thread named {@code threadName} (the agent's class loader as its context loader)
     * and waits for it at most {@code limit} (at least 1 ms). Returns {@code null} when it finished in time, else the
     * thread, still running. An interrupt of the waiting thread ends the wait and is kept.
     */
    public static Thread within(Runnable task, String threadName, Duration limit) {
        Thread t = new Thread(task, threadName);
        t.setDaemon(true);
        t.setContextClassLoader(BoundedRun.class.getClassLoader());
        t.start();
        try {
            t.join(Math.max(1, limit.toMillis()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return t.isAlive() ? t : null;
    }
}
