package io.mlco2.tracker.runtime;

import io.mlco2.tracker.energy.Component;
import io.mlco2.tracker.energy.EnergySource;
import io.mlco2.tracker.energy.Method;
import io.mlco2.tracker.energy.Reading;

/** Energy sources of known power on a test's clock, for the tests of other packages that run a {@link Trackers} tracker. */
public final class FakePower {

    private FakePower() {
    }

    /** A device of {@code component} drawing {@code watts} constantly (power readings). */
    public record ConstantPower(Component component, double watts) implements EnergySource {
        public String deviceId() {
            return component.key();
        }

        public Method method() {
            return component == Component.GPU ? Method.NVML_POWER : Method.CPU_LOAD_MODEL;
        }

        public String hardwareName() {
            return "Fake " + component.key();
        }

        public double tdpWatts() {
            return 2 * watts;
        }

        public String tdpSource() {
            return "test";
        }

        public Reading read(long monotonicNanos) {
            return Reading.power(watts, 0.5);
        }
    }

    /** A GPU whose energy counter reads {@code a t + b t^2} joules at {@code t} seconds: a power that grows. */
    public record GrowingPower(double a, double b) implements EnergySource {
        public Component component() {
            return Component.GPU;
        }

        public String deviceId() {
            return "0";
        }

        public Method method() {
            return Method.NVML_ENERGY_COUNTER;
        }

        public String hardwareName() {
            return "Fake GPU";
        }

        public double tdpWatts() {
            return 300;
        }

        public String tdpSource() {
            return "test";
        }

        /** The counter at {@code t} seconds, J. */
        public double joules(double t) {
            return a * t + b * t * t;
        }

        public Reading read(long monotonicNanos) {
            double t = monotonicNanos / 1e9;
            return Reading.counter(joules(t), Double.POSITIVE_INFINITY, a + 2 * b * t, 0.5);
        }
    }
}
