package io.mlco2.nvml;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NvmlReturnTest {

    @Test
    void mapsEveryKnownCodeToItsName() {
        for (NvmlReturn r : NvmlReturn.values()) {
            assertEquals(r, NvmlReturn.of(r.code()));
        }
        assertEquals(NvmlReturn.GPU_IS_LOST, NvmlReturn.of(15));
        assertEquals(NvmlReturn.INSUFFICIENT_SIZE, NvmlReturn.of(7));
        assertEquals("Not Supported", NvmlReturn.of(3).message());
    }

    @Test
    void unknownCodesAreUnknown() {
        assertEquals(NvmlReturn.UNKNOWN, NvmlReturn.of(12345));
        assertEquals(NvmlReturn.UNKNOWN, NvmlReturn.of(-7));
    }

    @Test
    void classifiesTheThreeCasesCallersTreatDifferently() {
        assertTrue(NvmlReturn.NOT_SUPPORTED.isNotSupported());
        assertTrue(NvmlReturn.FUNCTION_NOT_FOUND.isNotSupported());
        assertTrue(NvmlReturn.GPU_IS_LOST.isDeviceLost());
        assertFalse(NvmlReturn.NOT_FOUND.isDeviceLost());
        assertFalse(NvmlReturn.NOT_FOUND.isNotSupported());
        assertFalse(NvmlReturn.GPU_IS_LOST.isNotSupported());
    }

    @Test
    void exceptionNamesCallCodeAndMessage() {
        NvmlException e = new NvmlException("nvmlDeviceGetPowerUsage", NvmlReturn.GPU_IS_LOST);
        assertEquals(NvmlReturn.GPU_IS_LOST, e.code());
        assertEquals("nvmlDeviceGetPowerUsage: GPU_IS_LOST (GPU is lost)", e.getMessage());
        assertEquals(0, e.getStackTrace().length);
    }

    @Test
    void codesJustPastTheKnownOnesAreUnknownAndOnlySuccessIsSuccess() {
        int highestKnown = 0;
        for (NvmlReturn r : NvmlReturn.values()) {
            if (r != NvmlReturn.UNKNOWN) {
                highestKnown = Math.max(highestKnown, r.code());
            }
            assertEquals(r == NvmlReturn.SUCCESS, r.isSuccess(), r.name());
        }
        assertEquals(NvmlReturn.UNKNOWN, NvmlReturn.of(highestKnown + 1));
        assertEquals(NvmlReturn.UNKNOWN, NvmlReturn.of(highestKnown + 2));
    }
}
