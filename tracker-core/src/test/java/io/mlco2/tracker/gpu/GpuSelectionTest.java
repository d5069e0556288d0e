package io.mlco2.tracker.gpu;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GpuSelectionTest {

    private static final List<String> UUIDS = List.of("GPU-aaaa-1111", "GPU-bbbb-2222", "GPU-cccc-3333", "GPU-dddd-4444");

    @Test
    void allVisibleByDefault() {
        assertEquals(List.of(0, 1, 2, 3), GpuSelection.select(UUIDS, null, null).indices());
    }

    @Test
    void idsByIndexOrUuidPrefix() {
        assertEquals(List.of(2, 1), GpuSelection.select(UUIDS, List.of("2", "GPU-bbbb"), null).indices());
        assertEquals(List.of(3), GpuSelection.select(UUIDS, List.of("dddd-4444"), null).indices());
        GpuSelection.Result r = GpuSelection.select(UUIDS, List.of("9", "GPU-zzzz", "0"), null);
        assertEquals(List.of(0), r.indices());
        assertEquals(2, r.notes().size());
    }

    @Test
    void cudaVisibleDevicesNarrowsLikeCuda() {
        assertEquals(List.of(1, 3), GpuSelection.select(UUIDS, null, "3,1").indices().stream().sorted().toList());
        assertEquals(List.of(), GpuSelection.select(UUIDS, null, "").indices());
        assertEquals(List.of(), GpuSelection.select(UUIDS, null, "-1").indices());
        // CUDA stops at the first entry that names no device
        assertEquals(List.of(0), GpuSelection.select(UUIDS, null, "0,7,2").indices());
        assertEquals(List.of(2), GpuSelection.select(UUIDS, null, "GPU-cccc").indices());
    }

    @Test
    void bothNarrow() {
        GpuSelection.Result r = GpuSelection.select(UUIDS, List.of("0", "1"), "1,2");
        assertEquals(List.of(1), r.indices());
        assertFalse(r.notes().isEmpty());
        assertTrue(r.notes().get(0).contains("CUDA_VISIBLE_DEVICES hides it"));
    }

    @Test
    void anAmbiguousUuidPrefixSelectsNothing() {
        assertEquals(List.of(), GpuSelection.select(UUIDS, List.of("GPU-"), null).indices());
    }

    @Test
    void anIndexMustBeBelowTheCountAndMinusOneHidesAllWithoutANote() {
        GpuSelection.Result past = GpuSelection.select(UUIDS, List.of(String.valueOf(UUIDS.size())), null);
        assertEquals(List.of(), past.indices());
        assertEquals(1, past.notes().size(), past.notes().toString());
        assertTrue(past.notes().get(0).contains("'" + UUIDS.size() + "' names no GPU (there are " + UUIDS.size() + ")"),
                past.notes().toString());
        assertEquals(List.of(UUIDS.size() - 1), GpuSelection.select(UUIDS, List.of(String.valueOf(UUIDS.size() - 1)), null).indices());
        assertEquals(List.of(), GpuSelection.select(UUIDS, null, "-1").notes());
        GpuSelection.Result unknown = GpuSelection.select(UUIDS, null, "1,GPU-zzzz,2");
        assertEquals(List.of(1), unknown.indices());
        assertEquals(1, unknown.notes().size());
        assertTrue(unknown.notes().get(0).contains("'GPU-zzzz' names no GPU"), unknown.notes().toString());
    }

    @Test
    void anEmptyCudaEntryEndsTheListAndAnIndexTooLongForAnIntNamesNoGpu() {
        GpuSelection.Result gap = GpuSelection.select(UUIDS, null, "1,,2");
        assertEquals(List.of(1), gap.indices());
        assertEquals(List.of(), gap.notes());
        String huge = "99999999999";
        GpuSelection.Result r = GpuSelection.select(UUIDS, List.of(huge), null);
        assertEquals(List.of(), r.indices());
        assertEquals(1, r.notes().size());
        assertTrue(r.notes().get(0).contains("'" + huge + "' names no GPU"), r.notes().toString());
    }
}
