package io.mlco2.tracker.carbon;

import io.mlco2.tracker.format.Fmt;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where the source has a forecast (ukgrid): how much lower the run's emissions would have been had it started at
 * the lowest-intensity window of the forecast's next 24 h, same duration, same energy spread evenly. An estimate,
 * and labelled so: the forecast is a forecast, and a real run's power is not even.
 */
public final class CarbonAwareHint {

    static final Duration HORIZON = Duration.ofHours(24);

    private CarbonAwareHint() {
    }

    /**
     * The hint's section, or {@code null} when there is no forecast, the run is longer than it, or no window of it
     * is lower than the run's mean intensity.
     *
     * @param meanGramsPerKwh the run's energy-weighted mean intensity
     */
    public static Map<String, Object> of(IntensitySeries forecast, double durationSeconds, double energyKwh, double pue,
                                         double meanGramsPerKwh) {
        if (forecast == null || forecast.size() < 2 || !(durationSeconds > 0) || !(energyKwh > 0)) {
            return null;
        }
        List<Map.Entry<Instant, Double>> points = forecast.points();
        Instant first = points.get(0).getKey();
        Instant last = points.get(points.size() - 1).getKey();
        // The last point holds for one step more (the slots are even: half-hours for ukgrid).
        Instant end = last.plus(Duration.between(points.get(points.size() - 2).getKey(), last));
        if (end.isAfter(first.plus(HORIZON))) {
            end = first.plus(HORIZON);
        }
        Duration run = Duration.ofNanos((long) (durationSeconds * 1e9));
        Instant best = null;
        double bestMean = Double.POSITIVE_INFINITY;
        // The lowest window of a step function starts on a step or ends on one: both are tried.
        for (Map.Entry<Instant, Double> p : points) {
            for (Instant from : new Instant[] {p.getKey(), p.getKey().minus(run)}) {
                Instant to = from.plus(run);
                if (from.isBefore(first) || to.isAfter(end)) {
                    continue;
                }
                IntensitySeries.Coverage c = forecast.integrate(from, to);
                double mean = c.minGramsPerKwh() == c.maxGramsPerKwh() ? c.minGramsPerKwh()
                        : c.gramSecondsPerKwh() / c.coveredSeconds();
                if (mean < bestMean) {
                    bestMean = mean;
                    best = from;
                }
            }
        }
        if (best == null || !(bestMean < meanGramsPerKwh)) {
            return null;
        }
        double actualKg = Emissions.kg(energyKwh, pue, meanGramsPerKwh);
        double hintKg = Emissions.kg(energyKwh, pue, bestMean);
        double share = (actualKg - hintKg) / actualKg;
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("estimate", true);
        m.put("window_start", best.toString());
        m.put("window_end", best.plus(run).toString());
        m.put("forecast_mean_g_per_kwh", bestMean);
        m.put("emissions_kg", hintKg);
        m.put("lower_by_kg", actualKg - hintKg);
        m.put("lower_by_share", share);
        m.put("text", "Estimate: started at " + best + ", in the lowest-intensity window of the next 24 h's forecast ("
                + Fmt.fixed(bestMean, 1) + " gCO2eq/kWh over " + Fmt.fixed(durationSeconds / 3600, 1) + " h), the same "
                + "energy would have emitted " + Fmt.fixed(hintKg, 6) + " kgCO2eq, " + Fmt.fixed(share * 100, 0)
                + " % less.");
        return m;
    }
}
