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
}
