package io.mlco2.tracker.cpu;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * This process's resident set size from {@code /proc/self/statm}; where that file is absent or unreadable (not
 * Linux), the JVM's committed heap ({@code Runtime.totalMemory()}), a lower bound.
 */
public final class ProcessMemory {

    private static final Path STATM = Path.of("/proc/self/statm");
    private static final long PAGE_BYTES = 4096;

    private ProcessMemory() {
    }

    public static long residentBytes() {
        return residentBytes(STATM);
    }

    /** As {@link #residentBytes()}, from {@code statm} (tests: a fixture). */
    static long residentBytes(Path statm) {
        try {
            String s = new String(Files.readAllBytes(statm), StandardCharsets.US_ASCII);
            int a = s.indexOf(' ');
            int b = s.indexOf(' ', a + 1);
            return Long.parseLong(s.substring(a + 1, b > 0 ? b : s.length()).trim()) * PAGE_BYTES;
        } catch (IOException | RuntimeException e) {
            Runtime rt = Runtime.getRuntime();
            return rt.totalMemory();
        }
    }
}
