package io.mlco2.tracker.base;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * What a person needs to read once per machine rather than on every run (the CPU missing from the TDP table): the
 * keys already said are kept one per line in {@code said.txt} of the user's cache folder
 * ({@code $XDG_CACHE_HOME/mlco2}, else {@code ~/.cache/mlco2}). A folder that cannot be read or written costs a line
 * said again, never the run.
 */
public final class SaidBefore {

    private final Path file;

    public SaidBefore(Path file) {
        this.file = file;
    }

    /** {@code said.txt} in the user's cache folder. */
    public static SaidBefore userCache() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path cache = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return new SaidBefore(cache.resolve("mlco2").resolve("said.txt"));
    }

    public Path file() {
        return file;
    }

    /**
     * {@code true} the first time {@code key} is asked on this machine (and from then on it is remembered);
     * {@code true} too when the file cannot be read or written. Never throws.
     */
    public synchronized boolean firstTime(String key) {
        String line = Log.printable(key);
        try {
            if (Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS) && Files.size(file) < 1_000_000) {
                for (String said : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                    if (said.equals(line)) {
                        return false;
                    }
                }
            }
            Files.createDirectories(file.getParent());
            Files.write(file, (line + "\n").getBytes(StandardCharsets.UTF_8), StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
        } catch (Throwable t) {
            // Read-only home, no home: say it on every run rather than lose it.
        }
        return true;
    }
}
