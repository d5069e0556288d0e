package io.mlco2.tracker.timeseries;

import io.mlco2.tracker.energy.Component;
import io.mlco2.tracker.energy.EnergyAccumulator;
import io.mlco2.tracker.energy.Method;

import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One component's devices summed at one instant: the figures a time-series row and the power chart need.
 *
 * @param powerWatts       sum of the devices' last known power; {@code NaN} when no device has one
 * @param energyJoules     sum of the devices' energy since the start
 * @param utilization      mean of the devices' last utilisation in [0, 1]; {@code NaN} when unknown
 * @param method           the devices' methods joined with {@code +}; {@code none} without devices
 */
public record ComponentPower(double powerWatts, double energyJoules, double utilization, String method) {

    /** The current figures of every component, in {@link Component} order. Reads volatile fields only. */
    public static Map<Component, ComponentPower> of(List<EnergyAccumulator> accumulators) {
        Map<Component, ComponentPower> out = new EnumMap<>(Component.class);
        for (Component c : Component.values()) {
            double power = Double.NaN;
            double energy = 0;
            double utilSum = 0;
            int utilN = 0;
            Set<String> methods = new LinkedHashSet<>();
            for (EnergyAccumulator a : accumulators) {
                if (a.source().component() != c) {
                    continue;
                }
                double p = a.powerWatts();
                if (!Double.isNaN(p)) {
                    power = Double.isNaN(power) ? p : power + p;
                }
                energy += a.energyJoules();
                double u = a.utilization();
                if (!Double.isNaN(u)) {
                    utilSum += u;
                    utilN++;
                }
                methods.add(a.method().key());
            }
            out.put(c, new ComponentPower(power, energy, utilN == 0 ? Double.NaN : utilSum / utilN,
                    methods.isEmpty() ? Method.NONE.key() : String.join("+", methods)));
        }
        return out;
    }
}
