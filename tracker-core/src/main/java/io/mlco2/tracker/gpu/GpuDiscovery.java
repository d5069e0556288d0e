package io.mlco2.tracker.gpu;

import io.mlco2.tracker.base.Log;
import io.mlco2.tracker.config.Config;
import io.mlco2.tracker.energy.SourceGroup;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The run's GPUs, found without holding the start: NVML opens on its own daemon thread while the rest is
 * discovered, and a hung NVML call costs GPU tracking only, since the wait for it ends after {@link #OPEN_WAIT} or
 * as soon as the JVM starts exiting.
 */
public final class GpuDiscovery {

    /** Longest the agent waits for NVML to open its GPUs before tracking without them. */
    public static final Duration OPEN_WAIT = Duration.ofSeconds(15);

    /** How much longer NVML may take to open once the JVM is exiting. */
    public static final Duration OPEN_GRACE_AT_EXIT = Duration.ofSeconds(1);

    private final CompletableFuture<GpuSupport> opened = new CompletableFuture<>();

    private GpuDiscovery() {
    }

    /** Starts opening NVML and the selected GPUs on the daemon thread {@code mlco2-gpu-open}. Never throws. */
    public static GpuDiscovery start(Config config, Log log) {
        GpuDiscovery d = new GpuDiscovery();
        Thread opener = new Thread(new Opener(config, log, d.opened), "mlco2-gpu-open");
        opener.setDaemon(true);
        opener.setContextClassLoader(GpuDiscovery.class.getClassLoader());
        opener.start();
        return d;
    }

    /**
     * The GPUs once opened (a group with no sources when NVML or the devices are unavailable), or {@code null} when
     * opening failed or did not finish in time; why there is no GPU energy goes to {@code notes} and the log.
     *
     * @param exiting completes when the JVM is shutting down and wants its reports: the wait ends then
     */
    public SourceGroup await(CompletableFuture<?> exiting, Log log, List<String> notes) {
        GpuSupport gpu = awaitOpen(exiting, log, notes);
        if (gpu != null && !gpu.sources().isEmpty()) {
            if (gpu.sharedWithOtherProcesses()) {
                notes.add("GPU shared with other processes: see gpu_devices.this_process_energy_kwh");
            }
        } else {
            boolean noted = false;
            for (String n : notes) {
                noted |= n.startsWith("GPU:");
            }
            if (gpu != null || !noted) {
                String why = gpu == null ? "GPU support failed to start" : gpu.unavailableReason();
                log.info("GPU: none (" + shortReason(why) + ")");
                log.debug("no GPU energy: " + why + " (GPU energy 0, method none)");
                notes.add("GPU: " + why);
            }
        }
        return gpu;
    }

    /** Reasons up to this long are printed whole: the library's own message is worth its line. */
    static final int SHORT_REASON = 120;

    /**
     * The reason, or a long one's first clause ({@code no NVIDIA driver on this machine}) without its details (the
     * list of paths looked at), which go to the debug line and the report's notes.
     */
    static String shortReason(String why) {
        if (why.length() <= SHORT_REASON) {
            return why;
        }
        int cut = why.length();
        for (String end : new String[] {" (", "; ", ": "}) {
            int i = why.indexOf(end);
            if (i > 0 && i < cut) {
                cut = i;
            }
        }
        return why.substring(0, cut);
    }

    private GpuSupport awaitOpen(CompletableFuture<?> exiting, Log log, List<String> notes) {
        try {
            CompletableFuture.anyOf(opened, exiting).get(OPEN_WAIT.toMillis(), TimeUnit.MILLISECONDS);
            if (!opened.isDone()) {
                // Exiting: a healthy NVML opens in milliseconds once the rest of the start-up is done.
                opened.get(OPEN_GRACE_AT_EXIT.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            // Timed out: handled below.
        }
        if (opened.isDone()) {
            return opened.getNow(null);
        }
        String why = "NVML did not finish opening the GPUs " + (exiting.isDone() ? "before the JVM exited"
                : "within " + OPEN_WAIT.toSeconds() + " s") + " (a hung driver call?); GPUs not tracked";
        log.warn(why);
        notes.add("GPU: " + why);
        // If it ever finishes, release NVML: nothing will read it.
        opened.thenAccept(g -> {
            if (g != null) {
                g.close();
            }
        });
        return null;
    }

    /** Opens the GPUs (a class, not a lambda: on the start-up path, docs/PERFORMANCE.md). */
    private static final class Opener implements Runnable {
        private final Config config;
        private final Log log;
        private final CompletableFuture<GpuSupport> opened;

        Opener(Config config, Log log, CompletableFuture<GpuSupport> opened) {
            this.config = config;
            this.log = log;
            this.opened = opened;
        }

        @Override
        public void run() {
            GpuSupport g = null;
            try {
                g = GpuSupport.open(config, log);
            } catch (Throwable t) {
                log.warn("internal error (" + Log.describe(t) + "); going on without it");
            }
            opened.complete(g);
        }
    }
}
