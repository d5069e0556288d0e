package io.mlco2.tracker.cpu;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A cpuset list whose range has no start is malformed, not a negative CPU number. */
class HardwareShareCpuListTest {

    @Test
    void aRangeWithoutItsStartIsMalformed() {
        assertEquals(0, HardwareShare.cpuCount("-3"));
        assertEquals(0, HardwareShare.cpuCount("0-1,-3"));
    }

    @Test
    void aRangeOfOneCpuCountsOne() {
        assertEquals(1, HardwareShare.cpuCount("3-3"));
        // 0-3 is 4 CPUs, 5 one, 7-7 one
        assertEquals(4 + 1 + 1, HardwareShare.cpuCount("0-3,5,7-7"));
        assertEquals(0, HardwareShare.cpuCount("4-3"), "a backwards range is malformed");
    }
}
