package io.mlco2.tracker.carbon;

import java.time.Duration;
import java.time.Instant;

/**
 * Where a run's grid carbon intensity over time comes from ({@code mlco2.carbon-intensity.source}): a file, a live
 * API, or another implementation. The agent asks it for a step function ({@link #series()}) and integrates the
 * run's energy over it ({@link IntensityLedger}); where the series says nothing, the region's yearly average is
 * used, and the summary says which share of the energy used which.
 *
 * <p>Rules for an implementation: {@link #start()} returns at once, and every read of a file or the network runs
 * on the provider's own daemon thread, with short timeouts; {@link #series()}, {@link #knownUntil()} and
 * {@link #forecast()} are cheap and never block (the sampler thread calls them); nothing throws: a failure is one
 * line on the log (never a secret such as a token in it) and the last good value stays in the series.
 */
public interface IntensityProvider {

    /** The source's name in reports: {@code file}, {@code electricitymaps}, {@code ukgrid}. */
    String name();

    /** Where the values come from, in words (a file's path, an API and zone); no secret. */
    String description();

    /** Starts reading on the provider's own daemon thread; returns at once. */
    void start();

    /** The intensity over time, as known now. */
    IntensitySeries series();

    /**
     * Until when {@link #series()} is settled: a later read may still change what follows (a live API's next
     * value). {@link Instant#MIN} before the first successful read, {@link Instant#MAX} for a complete file.
     */
    Instant knownUntil();

    /**
     * At the end of the run: a last read to settle the series up to {@code runEnd} (a live API's history), waited
     * for at most {@code limit}. Never throws.
     */
    void finish(Instant runEnd, Duration limit);

    /** The forecast of the coming hours where the source has one, else {@code null}. */
    IntensitySeries forecast();

    /** Stops the provider's thread. */
    void close();
}
