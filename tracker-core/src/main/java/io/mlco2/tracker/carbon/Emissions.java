package io.mlco2.tracker.carbon;

import io.mlco2.tracker.energy.Energy;

/**
 * The emissions formula, written once: {@code emissions_g = energy_kwh x PUE x intensity_g_per_kwh}. Every figure of
 * CO2eq the agent shows (run summary, epochs, forecast, metrics, HTML, the calculator's estimate, the cleaner-region
 * comparison, the {@code estimate} command) comes from here. The ML Emissions Calculator's estimate applies no PUE:
 * its callers pass {@code 1.0}.
 */
public final class Emissions {

    private Emissions() {
    }

    /** Grams of CO2eq for {@code energyKwh} of IT energy, with {@code pue}, on a grid of {@code gramsPerKwh}. */
    public static double grams(double energyKwh, double pue, double gramsPerKwh) {
        return energyKwh * pue * gramsPerKwh;
    }

    /** {@link #grams} in kilograms. */
    public static double kg(double energyKwh, double pue, double gramsPerKwh) {
        return grams(energyKwh, pue, gramsPerKwh) / 1000.0;
    }

    /** {@link #kg} of an energy in joules. */
    public static double kgOfJoules(double energyJoules, double pue, double gramsPerKwh) {
        return kg(Energy.kwh(energyJoules), pue, gramsPerKwh);
    }

    /** {@link #grams} of an energy in joules. */
    public static double gramsOfJoules(double energyJoules, double pue, double gramsPerKwh) {
        return grams(Energy.kwh(energyJoules), pue, gramsPerKwh);
    }
}
