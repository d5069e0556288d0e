package io.mlco2.tracker.carbon;

import io.mlco2.tracker.base.Log;

import java.util.List;

/** The grid intensity of a run, from its configured region and override. */
public final class IntensityResolver {

    private IntensityResolver() {
    }

    /**
     * The bundled tables' intensity of {@code region} ({@code mlco2.region}; the world average when it is not set or
     * not known, said in the log and in {@code notes}), replaced by {@code overrideGramsPerKwh}
     * ({@code mlco2.carbon-intensity}) when that is set.
     */
    public static GridIntensity resolve(String region, Double overrideGramsPerKwh, Log log, List<String> notes) {
        CarbonIntensities table = CarbonIntensities.bundled();
        GridIntensity g;
        if (region == null) {
            g = table.world();
            if (overrideGramsPerKwh == null) {
                String msg = "no region configured (mlco2.region): using the world average "
                        + g.gramsPerKwh() + " gCO2eq/kWh";
                log.debug(msg); // the summary line says "world average" and how to set the region
                notes.add(msg);
            }
        } else {
            try {
                g = table.resolve(region);
            } catch (UnknownRegionException e) {
                g = table.world();
                String msg = "mlco2.region: " + e.getMessage() + "; using the world average " + g.gramsPerKwh() + " gCO2eq/kWh";
                log.warn(msg);
                notes.add(msg);
            } catch (RuntimeException e) {
                g = table.world();
                log.warn("region tables failed (" + Log.describe(e) + "); using the world average");
            }
        }
        return overrideGramsPerKwh == null ? g : g.withOverride(overrideGramsPerKwh);
    }
}
