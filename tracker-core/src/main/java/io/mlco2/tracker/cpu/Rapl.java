package io.mlco2.tracker.cpu;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Finds the readable RAPL zones under a powercap root ({@code /sys/class/powercap} by default; tests pass a
 * fixture tree in a temporary folder).
 *
 * @param packages     CPU package zones ({@code package-N}), readable
 * @param dram         DRAM zones (sub-zones named {@code dram}), readable
 * @param problem      why RAPL is not usable, or {@code null}: no powercap tree, no zones, or not readable
 */
public record Rapl(List<RaplZone> packages, List<RaplZone> dram, String problem) {

    public static Rapl discover(Path root) {
        return discover(root, RaplZone.FileReader.DEFAULT);
    }

    /** Paths in the order of their text (a class, not {@code Comparator.comparing}'s lambdas). */
    private static final Comparator<Path> BY_PATH = new Comparator<Path>() {
        @Override
        public int compare(Path a, Path b) {
            return a.toString().compareTo(b.toString());
        }
    };

    /** A powercap zone's folder: {@code intel-rapl:N} or {@code intel-rapl:N:M} (what the glob {@code intel-rapl:*} took). */
    private static boolean isZone(Path p) {
        Path name = p.getFileName();
        return name != null && name.toString().startsWith("intel-rapl:");
    }

    /** As {@link #discover(Path)}, reading files through {@code reader} (tests simulate permissions with it). */
    public static Rapl discover(Path root, RaplZone.FileReader reader) {
        if (!Files.isDirectory(root)) {
            return new Rapl(List.of(), List.of(), "no powercap tree at " + root + " (not Linux, or a VM without RAPL)");
        }
        List<RaplZone> packages = new ArrayList<>();
        List<RaplZone> dram = new ArrayList<>();
        List<String> denied = new ArrayList<>();
        List<Path> dirs = new ArrayList<>();
        // Names compared by hand, loops rather than lambdas: no glob regex and no spun class on the start-up path.
        try (DirectoryStream<Path> top = Files.newDirectoryStream(root)) {
            for (Path p : top) {
                if (!isZone(p)) {
                    continue;
                }
                dirs.add(p);
                try (DirectoryStream<Path> sub = Files.newDirectoryStream(p)) {
                    for (Path q : sub) {
                        if (isZone(q)) {
                            dirs.add(q);
                        }
                    }
                } catch (IOException ignored) {
                    // A zone without sub-zones.
                }
            }
        } catch (IOException e) {
            return new Rapl(List.of(), List.of(), "cannot list " + root + ": " + e);
        }
        dirs.sort(BY_PATH);
        for (Path dir : dirs) {
            String name;
            double range;
            try {
                name = new String(reader.read(dir.resolve("name")), StandardCharsets.US_ASCII).trim();
                range = Files.exists(dir.resolve("max_energy_range_uj"))
                        ? RaplZone.readMicroJoules(reader, dir.resolve("max_energy_range_uj")) / 1e6 : Double.POSITIVE_INFINITY;
            } catch (IOException e) {
                continue;
            }
            RaplZone zone = new RaplZone(dir, name, range, reader);
            if (!zone.isPackage() && !zone.isDram()) {
                continue;
            }
            try {
                zone.readEnergyJoules();
            } catch (AccessDeniedException e) {
                denied.add(dir.resolve("energy_uj").toString());
                continue;
            } catch (IOException e) {
                continue;
            }
            (zone.isPackage() ? packages : dram).add(zone);
        }
        if (packages.isEmpty()) {
            String why = denied.isEmpty()
                    ? "no readable RAPL package zone under " + root
                    : "RAPL needs read access to energy_uj (" + denied.get(0) + (denied.size() > 1 ? " and " + (denied.size() - 1) + " more" : "")
                      + " is readable by root only); grant it with: sudo chmod a+r " + root + "/intel-rapl:*/energy_uj "
                      + root + "/intel-rapl:*/intel-rapl:*/energy_uj (or a udev rule)";
            return new Rapl(List.of(), dram, why);
        }
        return new Rapl(List.copyOf(packages), List.copyOf(dram), null);
    }

    public boolean usable() {
        return problem == null;
    }
}
