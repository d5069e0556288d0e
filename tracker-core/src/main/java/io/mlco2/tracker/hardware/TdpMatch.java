package io.mlco2.tracker.hardware;

/**
 * A hardware name matched to a TDP table row.
 *
 * @param query       the name as the hardware reported it
 * @param matchedName the table row's name
 * @param tdpWatts    thermal design power, W
 * @param table       which bundled table, e.g. {@code gpu table (mlco2/impact gpus.csv)}
 */
public record TdpMatch(String query, String matchedName, double tdpWatts, String table) {
}
