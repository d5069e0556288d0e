package io.mlco2.tracker.cpu;

import io.mlco2.tracker.energy.Component;
import io.mlco2.tracker.energy.EnergySource;
import io.mlco2.tracker.energy.Method;
import io.mlco2.tracker.energy.Reading;
import io.mlco2.tracker.base.Log;

/** A RAPL zone as an energy source: package zones for the CPU, {@code dram} zones for memory. */
public final class RaplSource implements EnergySource {

    private final RaplZone zone;
    private final Component component;
    private final String hardwareName;
    private final double tdpWatts;
    private final String tdpSource;

    public RaplSource(RaplZone zone, Component component, String hardwareName, double tdpWatts, String tdpSource) {
        this.zone = zone;
        this.component = component;
        this.hardwareName = hardwareName;
        this.tdpWatts = tdpWatts;
        this.tdpSource = tdpSource;
    }

    @Override
    public Component component() {
        return component;
    }

    @Override
    public String deviceId() {
        return zone.name() + (component == Component.RAM ? "@" + zone.dir().getFileName() : "");
    }

    @Override
    public Method method() {
        return Method.RAPL;
    }

    @Override
    public String hardwareName() {
        return hardwareName;
    }

    @Override
    public double tdpWatts() {
        return tdpWatts;
    }

    @Override
    public String tdpSource() {
        return tdpSource;
    }

    @Override
    public Reading read(long monotonicNanos) {
        try {
            return Reading.counter(zone.readEnergyJoules(), zone.maxEnergyRangeJoules(), Double.NaN, Double.NaN);
        } catch (Exception e) {
            Log.get().once("rapl-read:" + zone.dir(), Log.Level.WARN, "RAPL zone " + zone.dir() + " ("
                    + zone.name() + ") can no longer be read (" + Log.describe(e) + "); its energy so far is kept");
            return Reading.FAILED;
        }
    }
}
