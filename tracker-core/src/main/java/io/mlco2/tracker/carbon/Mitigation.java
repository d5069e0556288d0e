package io.mlco2.tracker.carbon;

/**
 * The paper's recommended mitigation for a run, from data only: for a cloud region, the provider's cleanest
 * region and what the run would have emitted there; for a country or zone, where its intensity ranks.
 *
 * @param text              one sentence for the stderr summary and the report
 * @param alternativeRegion the cleaner region's id, or empty when there is none
 * @param alternativeGramsPerKwh its intensity, {@code NaN} when none
 * @param alternativeEmissionsKg what the same energy would have emitted there, {@code NaN} when none
 * @param rank              1-based rank of this region among bundled places of its kind (1 = cleanest), 0 when not ranked
 * @param rankOutOf         number of places ranked, 0 when not ranked
 */
public record Mitigation(String text, String alternativeRegion, double alternativeGramsPerKwh,
                         double alternativeEmissionsKg, int rank, int rankOutOf) {
}
