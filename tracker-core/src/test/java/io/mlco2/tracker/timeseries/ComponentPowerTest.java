package io.mlco2.tracker.timeseries;

import io.mlco2.tracker.energy.Component;
import io.mlco2.tracker.energy.EnergyAccumulator;
import io.mlco2.tracker.energy.EnergySource;
import io.mlco2.tracker.energy.Method;
import io.mlco2.tracker.energy.Reading;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** One component's devices summed at one instant: what a samples row and the power chart show. */
class ComponentPowerTest {

    private static final long S = 1_000_000_000L;

    /** A device of {@code component} measured by {@code method}; the test feeds its accumulator the readings. */
    record Device(Component component, Method method, String deviceId) implements EnergySource {
        public String hardwareName() {
            return "";
        }

        public double tdpWatts() {
            return Double.NaN;
        }

        public String tdpSource() {
            return "";
        }

        public Reading read(long monotonicNanos) {
            throw new UnsupportedOperationException("the test adds the readings");
        }
    }

    /** An accumulator that has seen {@code watts} (at {@code utilization}) constantly over {@code seconds}. */
    static EnergyAccumulator steady(Component c, Method m, double watts, double utilization, int seconds) {
        EnergyAccumulator a = new EnergyAccumulator(new Device(c, m, "d"));
        a.add(Reading.power(watts, utilization), 0);
        a.add(Reading.power(watts, utilization), seconds * S);
        return a;
    }

    @Test
    void powerAndEnergyAreSummedOverAComponentsDevicesAndUtilisationAveragedOverThoseThatHaveOne() {
        EnergyAccumulator unread = new EnergyAccumulator(new Device(Component.CPU, Method.RAPL, "dead"));
        unread.add(Reading.FAILED, 0);
        unread.add(Reading.FAILED, 10 * S);
        List<EnergyAccumulator> devices = List.of(
                unread, // first: a device without a reading does not make the sum unknown
                steady(Component.CPU, Method.RAPL, 30, 0.2, 10),
                steady(Component.GPU, Method.NVML_POWER, 200, 0.9, 5),
                steady(Component.CPU, Method.CPU_LOAD_MODEL, 12, Double.NaN, 10),
                steady(Component.CPU, Method.RAPL, 8, 0.6, 10));
        Map<Component, ComponentPower> m = ComponentPower.of(devices);

        assertEquals(List.of(Component.CPU, Component.GPU, Component.RAM), List.copyOf(m.keySet()));
        ComponentPower cpu = m.get(Component.CPU);
        assertEquals(30 + 12 + 8, cpu.powerWatts(), 1e-12);
        assertEquals((30 + 12 + 8) * 10, cpu.energyJoules(), 1e-9);
        assertEquals((0.2 + 0.6) / 2, cpu.utilization(), 1e-12);
        assertEquals("rapl+cpu-load-model", cpu.method(), "each method once, in the devices' order");
        assertEquals(new ComponentPower(200, 200 * 5, 0.9, "nvml-power"), m.get(Component.GPU));
        assertEquals(new ComponentPower(Double.NaN, 0, Double.NaN, "none"), m.get(Component.RAM), "no device");
    }

    @Test
    void devicesWithoutAnyReadingHaveNoPowerNoUtilisationAndNoEnergy() {
        EnergyAccumulator unread = new EnergyAccumulator(new Device(Component.GPU, Method.NVML_ENERGY_COUNTER, "0"));
        unread.add(Reading.FAILED, 0);
        ComponentPower gpu = ComponentPower.of(List.of(unread)).get(Component.GPU);
        assertEquals(new ComponentPower(Double.NaN, 0, Double.NaN, "nvml-energy-counter"), gpu);
    }
}
