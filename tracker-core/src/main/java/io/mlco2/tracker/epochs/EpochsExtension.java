package io.mlco2.tracker.epochs;

import io.mlco2.tracker.runtime.Log;
import io.mlco2.tracker.runtime.Tracker;

import java.lang.instrument.Instrumentation;

/**
 * Installs epoch and phase tracking on a tracker: the {@link EpochTracker} as a sample listener and two summary
 * sections ({@code epochs}, {@code forecast}), the bridge for {@code Mlco2.phase} and the framework advice, and the
 * detection of DJL and DL4J.
 */
public final class EpochsExtension {

    private EpochsExtension() {
    }

    /** Called by {@code Extensions.install} before sampling starts. Throws only what {@code guarded} reports. */
    public static EpochTracker install(Tracker tracker, Instrumentation inst) {
        Log log = tracker.log();
        EpochTracker epochs = new EpochTracker(EpochTracker.Settings.of(tracker), log, System::nanoTime,
                () -> EpochTracker.joulesTotal(tracker.accumulators()));
        tracker.addListener(epochs);
        tracker.addSection("epochs", epochs::epochsSection);
        tracker.addSection("forecast", epochs::forecastSection);
        EpochTracker.activate(epochs);
        BridgeHook hook = new BridgeHook(epochs, new DjlEpochs(epochs, log), new Dl4jEpochs(epochs), log);
        if (!BridgeHook.register(hook, log)) {
            log.info("epochs: the agent jar is not on the system class path; framework epochs and Mlco2.phase are off");
            return epochs;
        }
        if (inst == null) {
            return epochs;
        }
        try {
            FrameworkInstrumentation.install(inst, epochs, log);
        } catch (Throwable t) {
            log.info("epochs: framework detection is off (" + Log.describe(t) + "); Mlco2.phase still works");
        }
        return epochs;
    }
}
