package io.mlco2.tracker.metrics;

import io.mlco2.tracker.energy.Component;
import io.mlco2.tracker.energy.EnergySource;
import io.mlco2.tracker.energy.Method;
import io.mlco2.tracker.energy.Reading;

/** A source that returns a fixed power, or throws when {@code failing}. */
final class FakeSource implements EnergySource {

    private final Component component;
    private final String device;
    volatile double watts;
    volatile boolean failing;

    FakeSource(Component component, String device, double watts) {
        this.component = component;
        this.device = device;
        this.watts = watts;
    }

    @Override
    public Component component() {
        return component;
    }

    @Override
    public String deviceId() {
        return device;
    }

    @Override
    public Method method() {
        return component == Component.RAM ? Method.RAM_MODEL : Method.CPU_LOAD_MODEL;
    }

    @Override
    public String hardwareName() {
        return "fake";
    }

    @Override
    public double tdpWatts() {
        return 100;
    }

    @Override
    public String tdpSource() {
        return "test";
    }

    @Override
    public Reading read(long monotonicNanos) {
        if (failing) {
            throw new IllegalStateException("device gone");
        }
        return Reading.power(watts, 0.5);
    }
}
