package io.mlco2.tracker.gpu;

import io.mlco2.nvml.Nvml;
import io.mlco2.nvml.ProcessInfo;
import io.mlco2.tracker.base.Log;
import io.mlco2.tracker.config.Config;
import io.mlco2.tracker.energy.EnergyAccumulator;
import io.mlco2.tracker.energy.SourceGroup;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Waiting for the GPUs: what {@link GpuDiscovery#await} returns and notes for each way opening can end. */
class GpuDiscoveryTest {

    private static final long PID = 4242;

    private final ByteArrayOutputStream logged = new ByteArrayOutputStream();
    private final Log log = new Log(new PrintStream(logged, true, StandardCharsets.UTF_8), Log.Level.DEBUG);
    private final List<String> notes = new ArrayList<>();

    private String logText() {
        return logged.toString(StandardCharsets.UTF_8);
    }

    /** A discovery whose opening thread was never started: the test completes {@code opened} itself. */
    private static GpuDiscovery pending(CompletableFuture<GpuSupport>[] opened) throws Exception {
        Constructor<GpuDiscovery> c = GpuDiscovery.class.getDeclaredConstructor();
        c.setAccessible(true);
        GpuDiscovery d = c.newInstance();
        Field f = GpuDiscovery.class.getDeclaredField("opened");
        f.setAccessible(true);
        @SuppressWarnings("unchecked")
        CompletableFuture<GpuSupport> future = (CompletableFuture<GpuSupport>) f.get(d);
        opened[0] = future;
        return d;
    }

    @SuppressWarnings("unchecked")
    private static CompletableFuture<GpuSupport>[] slot() {
        return new CompletableFuture[1];
    }

    @Test
    void startOpensOnADaemonThreadAndAwaitReturnsWhatItOpened() {
        GpuDiscovery d = GpuDiscovery.start(Config.defaults(), log);
        assertNotNull(d);
        SourceGroup g = d.await(new CompletableFuture<>(), log, notes);
        assertNotNull(g, "opening finished (with or without GPUs on this machine)");
        GpuSupport gpu = (GpuSupport) g;
        assertEquals(gpu.sources().isEmpty(), gpu.unavailableReason() != null);
        if (gpu.sources().isEmpty()) {
            assertEquals(List.of("GPU: " + gpu.unavailableReason()), notes);
        }
        gpu.close();
    }

    @Test
    void trackedGpusNeedNoNote() throws Exception {
        CompletableFuture<GpuSupport>[] opened = slot();
        GpuDiscovery d = pending(opened);
        GpuSupport gpu = GpuSupport.open(Config.defaults(), log, new FakeNvml(1), Map.of(), PID);
        opened[0].complete(gpu);
        assertSame(gpu, d.await(new CompletableFuture<>(), log, notes));
        assertEquals(List.of(), notes);
        assertFalse(logText().contains("GPU: none"), logText());
        gpu.close();
    }

    @Test
    void aGpuSharedWithOtherProcessesIsNoted() throws Exception {
        FakeNvml nvml = new FakeNvml(1);
        nvml.devices.get(0).processes = List.of(new ProcessInfo(PID, 0, 0, 0), new ProcessInfo(PID + 1, 0, 0, 0));
        GpuSupport gpu = GpuSupport.open(Config.defaults(), log, nvml, Map.of(), PID);
        new EnergyAccumulator(gpu.sources().get(0)).sample(1); // the first read sees the other process
        CompletableFuture<GpuSupport>[] opened = slot();
        GpuDiscovery d = pending(opened);
        opened[0].complete(gpu);
        assertSame(gpu, d.await(new CompletableFuture<>(), log, notes));
        assertEquals(List.of("GPU shared with other processes: see gpu_devices.this_process_energy_kwh"), notes);
        gpu.close();
    }

    @Test
    void withoutGpusTheReasonIsNotedAndLogged() throws Exception {
        String reason = "no NVIDIA driver in this test";
        GpuSupport gpu = GpuSupport.open(Config.defaults(), log, Nvml.unavailable(reason), Map.of(), PID);
        CompletableFuture<GpuSupport>[] opened = slot();
        GpuDiscovery d = pending(opened);
        opened[0].complete(gpu);
        notes.add("GPU: an earlier note"); // a GPU support that opened always says why it has no GPU
        assertSame(gpu, d.await(new CompletableFuture<>(), log, notes));
        assertEquals(List.of("GPU: an earlier note", "GPU: " + reason), notes);
        assertTrue(logText().contains("[mlco2] GPU: none (no NVIDIA driver in this test)\n"), "one short line at info\n" + logText());
        assertTrue(logText().contains("no GPU energy: " + reason + " (GPU energy 0, method none)"),
                "the whole reason at debug\n" + logText());
    }

    @Test
    void aLongReasonIsItsFirstClauseAndAShortOneIsWhole() {
        String noDriver = "no NVIDIA driver on this machine (none of /proc/driver/nvidia, /dev/nvidiactl, /dev/nvidia0,"
                + " /dev/dxg, /usr/lib/wsl/lib exists and no libnvidia-ml on the library path; set"
                + " -Dmlco2.nvml.library=<path> to load NVML anyway)";
        assertEquals("no NVIDIA driver on this machine", GpuDiscovery.shortReason(noDriver));
        String library = "nvmlInit_v2 in 'libnvidia-ml.so.1' returned DRIVER_NOT_LOADED (Driver Not Loaded)";
        assertEquals(library, GpuDiscovery.shortReason(library), "the library's own message is kept");
    }

    @Test
    void aReasonOfTheLimitsLengthIsWholeAndALongerOneThatStartsWithASeparatorIsNotCutToNothing() {
        String clause = "no GPU selected";
        String atLimit = clause + " (" + "x".repeat(GpuDiscovery.SHORT_REASON - clause.length() - 3) + ")";
        assertEquals(GpuDiscovery.SHORT_REASON, atLimit.length());
        assertEquals(atLimit, GpuDiscovery.shortReason(atLimit));
        assertEquals(clause, GpuDiscovery.shortReason(atLimit + "y"), "one character over: its first clause");

        String leading = ": " + "z".repeat(GpuDiscovery.SHORT_REASON) + "; details";
        assertEquals(": " + "z".repeat(GpuDiscovery.SHORT_REASON), GpuDiscovery.shortReason(leading),
                "a separator at the start is no clause end: cut at the next one");
    }

    @Test
    void aFailedOpeningIsNotedOnce() throws Exception {
        CompletableFuture<GpuSupport>[] opened = slot();
        GpuDiscovery d = pending(opened);
        opened[0].complete(null);
        notes.add("CPU: not a GPU note");
        assertNull(d.await(new CompletableFuture<>(), log, notes));
        assertEquals(List.of("CPU: not a GPU note", "GPU: GPU support failed to start"), notes);
        assertTrue(logText().contains("GPU: none (GPU support failed to start)"), logText());
    }

    @Test
    void aFailedOpeningAlreadyExplainedIsNotNotedAgain() throws Exception {
        CompletableFuture<GpuSupport>[] opened = slot();
        GpuDiscovery d = pending(opened);
        opened[0].complete(null);
        notes.add("CPU: not a GPU note");
        notes.add("GPU: already explained");
        notes.add("carbon: not a GPU note either");
        assertNull(d.await(new CompletableFuture<>(), log, notes));
        assertEquals(List.of("CPU: not a GPU note", "GPU: already explained", "carbon: not a GPU note either"), notes);
        assertFalse(logText().contains("GPU: none"), logText());
    }

    @Test
    void anOpeningUnfinishedAtExitIsGivenUpAndClosedWhenItEnds() throws Exception {
        CompletableFuture<GpuSupport>[] opened = slot();
        GpuDiscovery d = pending(opened);
        long t0 = System.nanoTime();
        assertNull(d.await(CompletableFuture.completedFuture(null), log, notes)); // waits the 1 s grace
        long waitedMillis = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(waitedMillis >= GpuDiscovery.OPEN_GRACE_AT_EXIT.toMillis() - 50, waitedMillis + " ms");
        assertEquals(1, notes.size());
        assertTrue(notes.get(0).startsWith("GPU: NVML did not finish opening the GPUs before the JVM exited"), notes.get(0));
        assertTrue(logText().contains("WARN: NVML did not finish opening the GPUs before the JVM exited"), logText());

        FakeNvml nvml = new FakeNvml(1);
        GpuSupport late = GpuSupport.open(Config.defaults(), log, nvml, Map.of(), PID);
        opened[0].complete(late);
        assertEquals(1, nvml.closes, "NVML opened after the wait is released, since nothing reads it");
    }

    @Test
    void anInterruptedWaitGivesUpAndKeepsTheInterrupt() throws Exception {
        CompletableFuture<GpuSupport>[] opened = slot();
        GpuDiscovery d = pending(opened);
        Thread.currentThread().interrupt();
        try {
            assertNull(d.await(new CompletableFuture<>(), log, notes));
            assertTrue(Thread.currentThread().isInterrupted(), "the interrupt is kept for the caller");
        } finally {
            Thread.interrupted();
        }
        assertEquals(1, notes.size());
        assertTrue(notes.get(0).startsWith("GPU: NVML did not finish opening the GPUs within "
                + GpuDiscovery.OPEN_WAIT.toSeconds() + " s"), notes.get(0));
        opened[0].complete(null); // finishing with nothing later is harmless
    }
}
