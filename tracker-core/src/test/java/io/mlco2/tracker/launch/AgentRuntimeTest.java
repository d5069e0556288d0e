package io.mlco2.tracker.launch;

import io.mlco2.tracker.base.Log;
import io.mlco2.tracker.config.Config;
import io.mlco2.tracker.energy.Component;
import io.mlco2.tracker.energy.EnergySource;
import io.mlco2.tracker.energy.Method;
import io.mlco2.tracker.energy.Reading;
import io.mlco2.tracker.runtime.Tracker;
import io.mlco2.tracker.runtime.Trackers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** The exit path's bound on the work it waits for. */
class AgentRuntimeTest {

    final ByteArrayOutputStream err = new ByteArrayOutputStream();
    final Log log = new Log(new PrintStream(err, true, StandardCharsets.UTF_8), Log.Level.DEBUG);

    /** A GPU whose every read hangs until {@code hang} is released. */
    record HungGpu(CountDownLatch hang) implements EnergySource {
        @Override
        public Component component() {
            return Component.GPU;
        }

        @Override
        public String deviceId() {
            return "0";
        }

        @Override
        public Method method() {
            return Method.NVML_POWER;
        }

        @Override
        public String hardwareName() {
            return "hung gpu";
        }

        @Override
        public double tdpWatts() {
            return 50;
        }

        @Override
        public String tdpSource() {
            return "test";
        }

        @Override
        public Reading read(long monotonicNanos) {
            try {
                hang.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return Reading.power(10, 0.25);
        }
    }

    @Test
    void aHungSourceNeverHoldsShutdownPastTheTimeout(@TempDir Path out) {
        CountDownLatch never = new CountDownLatch(1);
        Config config = Config.load("output.dir=" + out + ";run-id=run-1", Map.of(), Map.of(), log);
        Tracker t = Trackers.of(config, log, List.of(new HungGpu(never)), System::nanoTime);
        long t0 = System.nanoTime();
        AgentRuntime.stopWithin(t, Duration.ofMillis(300), log);
        long tookMs = (System.nanoTime() - t0) / 1_000_000;
        never.countDown();
        // Released, the shutdown thread goes on and writes the reports into the temporary folder: let it finish
        // before the folder is deleted.
        for (Thread th : Thread.getAllStackTraces().keySet()) {
            if (th.getName().equals("mlco2-shutdown")) {
                try {
                    th.join(10_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
        assertTrue(tookMs < 5_000, "returned after " + tookMs + " ms");
        assertTrue(err.toString().contains("not written within mlco2.shutdown.timeout=300ms"), err.toString());
    }
}
