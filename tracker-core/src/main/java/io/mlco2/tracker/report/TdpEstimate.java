package io.mlco2.tracker.report;

/**
 * The ML Emissions Calculator's static estimate for the same hardware and duration: TDP x hours x intensity
 * (Lacoste et al. 2019), without PUE, as the calculator computes it.
 *
 * @param tdpWatts    summed TDP of the tracked CPU and GPU devices (a modelled CPU: the TDP of its share, TDP x
 *                    vCPUs / threads per package, so that a VM is compared with its own share)
 * @param energyKwh   tdpWatts x hours / 1000
 * @param emissionsKg energyKwh x intensity / 1000
 * @param hardware    what was counted, e.g. {@code 1 x Intel Xeon Gold 6148 (150 W, cpu table)}
 */
public record TdpEstimate(double tdpWatts, double energyKwh, double emissionsKg, String hardware) {
}
