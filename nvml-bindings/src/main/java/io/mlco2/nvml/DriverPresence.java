package io.mlco2.nvml;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Predicate;

/**
 * Whether loading NVML is worth trying at all. On Linux an NVIDIA driver leaves traces that cost one {@code stat}
 * each to find; where there are none, JNA is not even initialised (it copies its native library to a cache folder
 * and searches the library path with {@code ldconfig -p}, about a tenth of a second of the agent's start-up on a
 * machine without a GPU, for a certain "not found"). An explicit library, {@code jna.library.path} or
 * {@code LD_LIBRARY_PATH} holding {@code libnvidia-ml} always gets a try, as does every other operating system.
 */
final class DriverPresence {

    /** Present on a Linux host or container with the NVIDIA driver (kernel module, device nodes, WSL 2's GPU). */
    static final List<String> MARKERS = List.of("/proc/driver/nvidia", "/dev/nvidiactl", "/dev/nvidia0", "/dev/dxg",
            "/usr/lib/wsl/lib");

    private DriverPresence() {
    }

    /** {@code null} when NVML should be loaded; otherwise why it is not. */
    static String absentReason(String extraLibraries) {
        return absentReason(extraLibraries, System.getProperty(JnaNvml.PATH_PROPERTY), System.getProperty("os.name", ""),
                System.getProperty("jna.library.path"), System.getenv("LD_LIBRARY_PATH"), new Predicate<Path>() {
                    @Override
                    public boolean test(Path p) { // not a lambda: no class spun at start-up
                        return Files.exists(p);
                    }
                });
    }

    static String absentReason(String extraLibraries, String libraryProperty, String osName, String jnaLibraryPath,
                               String ldLibraryPath, Predicate<Path> exists) {
        if (!osName.toLowerCase().startsWith("linux") || !blank(extraLibraries) || !blank(libraryProperty)) {
            return null;
        }
        for (String m : MARKERS) {
            if (exists.test(Path.of(m))) {
                return null;
            }
        }
        for (String dirs : new String[] {jnaLibraryPath, ldLibraryPath}) {
            if (blank(dirs)) {
                continue;
            }
            for (String d : dirs.split(File.pathSeparator)) {
                if (!d.isBlank() && (exists.test(Path.of(d, "libnvidia-ml.so.1")) || exists.test(Path.of(d, "libnvidia-ml.so")))) {
                    return null;
                }
            }
        }
        return "no NVIDIA driver on this machine (none of " + String.join(", ", MARKERS)
                + " exists and no libnvidia-ml on the library path; set -D" + JnaNvml.PATH_PROPERTY
                + "=<path> to load NVML anyway)";
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
