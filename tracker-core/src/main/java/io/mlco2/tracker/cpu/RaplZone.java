package io.mlco2.tracker.cpu;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One RAPL zone of the Linux powercap tree, e.g. {@code /sys/class/powercap/intel-rapl:0} named {@code package-0}.
 * Zones are identified by their {@code name} file, never by their path: on a two-socket server
 * {@code intel-rapl:1} is {@code package-1}, and {@code psys} may sit anywhere.
 */
public record RaplZone(Path dir, String name, double maxEnergyRangeJoules, FileReader reader) {

    /** Reads a whole file; {@link Files#readAllBytes} except in tests that simulate permissions as root. */
    @FunctionalInterface
    public interface FileReader {
        FileReader DEFAULT = new FileReader() { // not a lambda: no class spun at start-up
            @Override
            public byte[] read(Path file) throws java.io.IOException {
                return Files.readAllBytes(file);
            }
        };

        byte[] read(Path file) throws IOException;
    }

    public RaplZone(Path dir, String name, double maxEnergyRangeJoules) {
        this(dir, name, maxEnergyRangeJoules, FileReader.DEFAULT);
    }

    /** Reads {@code energy_uj} in joules. Throws on any failure (permission, zone gone, garbage). */
    public double readEnergyJoules() throws IOException {
        return readMicroJoules(reader, dir.resolve("energy_uj")) / 1e6;
    }

    static double readMicroJoules(FileReader reader, Path file) throws IOException {
        String s = new String(reader.read(file), StandardCharsets.US_ASCII).trim();
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw new IOException("not a counter value in " + file + ": '" + s + "'");
        }
    }

    public boolean isPackage() {
        return name.startsWith("package-");
    }

    public boolean isDram() {
        return name.equals("dram");
    }
}
