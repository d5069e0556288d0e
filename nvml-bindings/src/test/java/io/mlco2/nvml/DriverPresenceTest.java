package io.mlco2.nvml;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Set;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DriverPresenceTest {

    private static Predicate<Path> only(String... paths) {
        Set<String> s = Set.of(paths);
        return p -> s.contains(p.toString());
    }

    @Test
    void aLinuxMachineWithoutAnyDriverTraceSkipsJnaAndSaysHowToForceIt() {
        String why = DriverPresence.absentReason(null, null, "Linux", null, "/usr/lib:/opt/x", only());
        assertNotNull(why);
        assertTrue(why.contains("no NVIDIA driver") && why.contains("/dev/nvidiactl") && why.contains("mlco2.nvml.library"), why);
    }

    @Test
    void anyDriverTraceMeansTry() {
        for (String marker : DriverPresence.MARKERS) {
            assertNull(DriverPresence.absentReason(null, null, "Linux", null, null, only(marker)), marker);
        }
    }

    @Test
    void anExplicitLibraryOrOneOnTheLibraryPathMeansTry() {
        Predicate<Path> none = only();
        assertNull(DriverPresence.absentReason("/opt/stub/libnvidia-ml.so.1", null, "Linux", null, null, none));
        assertNull(DriverPresence.absentReason(null, "/opt/stub/libnvidia-ml.so.1", "Linux", null, null, none));
        assertNull(DriverPresence.absentReason(null, null, "Linux", "/opt/stub", null,
                only("/opt/stub/libnvidia-ml.so.1")));
        assertNull(DriverPresence.absentReason(null, null, "Linux", null, "/a:/opt/stub", only("/opt/stub/libnvidia-ml.so")));
        assertNotNull(DriverPresence.absentReason("  ", "", "Linux", "/opt/empty", "/a", none), "blank settings are unset");
    }

    @Test
    void otherOperatingSystemsAlwaysTry() {
        assertNull(DriverPresence.absentReason(null, null, "Windows 11", null, null, only()));
        assertNull(DriverPresence.absentReason(null, null, "Mac OS X", null, null, only()));
    }
}
