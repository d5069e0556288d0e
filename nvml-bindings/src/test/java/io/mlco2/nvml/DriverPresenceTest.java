package io.mlco2.nvml;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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

    /** This machine as the test sees it with java.io.File, independently of the code under test. */
    private static boolean noDriverHere() {
        if (!System.getProperty("os.name", "").toLowerCase().startsWith("linux")
                || System.getProperty(JnaNvml.PATH_PROPERTY) != null || System.getProperty("jna.library.path") != null) {
            return false;
        }
        for (String m : DriverPresence.MARKERS) {
            if (new File(m).exists()) {
                return false;
            }
        }
        String ld = System.getenv("LD_LIBRARY_PATH");
        if (ld != null) {
            for (String dir : ld.split(File.pathSeparator)) {
                if (!dir.isBlank() && (new File(dir, "libnvidia-ml.so.1").exists() || new File(dir, "libnvidia-ml.so").exists())) {
                    return false;
                }
            }
        }
        return true;
    }

    @Test
    void onThisMachineTheRealFileSystemDecides(@TempDir Path dir) throws IOException {
        Assumptions.assumeTrue(noDriverHere(), "a machine without an NVIDIA driver");
        String why = DriverPresence.absentReason(null);
        assertNotNull(why);
        assertTrue(why.startsWith("no NVIDIA driver on this machine"), why);
        // Nvml.load gives that reason as is, without trying JNA
        try (Nvml nvml = Nvml.load()) {
            assertFalse(nvml.available());
            assertEquals(why, nvml.unavailableReason());
        }
        Files.createFile(dir.resolve("libnvidia-ml.so.1"));
        System.setProperty("jna.library.path", dir.toString());
        try {
            assertNull(DriverPresence.absentReason(null), "a libnvidia-ml in jna.library.path gets a try");
        } finally {
            System.clearProperty("jna.library.path");
        }
    }
}
