package io.mlco2.tracker.energy;

/** Energy units: the one place a joule becomes a kilowatt-hour. */
public final class Energy {

    /** 1 kWh = 1000 W x 3600 s. */
    public static final double JOULES_PER_KWH = 3.6e6;

    private Energy() {
    }

    /** {@code energyJoules} in kWh. */
    public static double kwh(double energyJoules) {
        return energyJoules / JOULES_PER_KWH;
    }
}
