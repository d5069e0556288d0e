package io.mlco2.tracker.runtime;

import io.mlco2.tracker.base.Log;
import io.mlco2.tracker.carbon.GridIntensity;
import io.mlco2.tracker.config.Config;
import io.mlco2.tracker.cpu.HostInfo;
import io.mlco2.tracker.energy.EnergySource;
import io.mlco2.tracker.energy.SourceGroup;

import java.time.Instant;
import java.util.List;
import java.util.function.LongSupplier;

/** Trackers over given sources, for the tests of other packages (the constructor is the runtime's own). */
public final class Trackers {

    private Trackers() {
    }

    /** A tracker of {@code sources} on {@code clock}, started now on it, on a fake host, France's grid (100 g/kWh). */
    public static Tracker of(Config config, Log log, List<EnergySource> sources, LongSupplier clock) {
        GridIntensity g = new GridIntensity("FR", "France", "France", "FRA", "", "", "", 100, "test", false);
        HostInfo host = new HostInfo("Fake CPU", 1, 4, 16_000_000_000L, "Linux", "h", null);
        return new Tracker(config, log, host, g, List.of(SourceGroup.of(sources)), clock, clock.getAsLong(),
                Instant.EPOCH, List.of());
    }
}
