package io.mlco2.tracker.gpu;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Which NVML devices to track: all by default, narrowed by {@code mlco2.gpu.ids} (NVML indices or UUIDs, a UUID
 * prefix is enough) and by {@code CUDA_VISIBLE_DEVICES} (same syntax; as in CUDA, the list stops at the first entry
 * that names no device, and an empty value hides every GPU). CUDA numbers devices fastest-first unless
 * {@code CUDA_DEVICE_ORDER=PCI_BUS_ID}; NVML numbers them by PCI bus. They agree on machines with identical GPUs;
 * UUIDs are exact everywhere.
 */
final class GpuSelection {

    /** The outcome: NVML indices to track, and notes for the log (ids that matched nothing). */
    record Result(List<Integer> indices, List<String> notes) {
    }

    private GpuSelection() {
    }

    /**
     * @param uuids        UUID of each NVML device, by index ({@code ""} where unknown)
     * @param ids          {@code mlco2.gpu.ids}, or {@code null} for all
     * @param cudaVisible  {@code CUDA_VISIBLE_DEVICES}, or {@code null} when unset
     */
    static Result select(List<String> uuids, List<String> ids, String cudaVisible) {
        List<String> notes = new ArrayList<>();
        Set<Integer> chosen = new LinkedHashSet<>();
        for (int i = 0; i < uuids.size(); i++) {
            chosen.add(i);
        }
        if (cudaVisible != null) {
            Set<Integer> visible = new LinkedHashSet<>();
            String v = cudaVisible.trim();
            if (!v.isEmpty()) {
                for (String token : v.split(",")) {
                    Integer idx = resolve(token.trim(), uuids);
                    if (idx == null) {
                        if (!token.isBlank() && !token.trim().equals("-1")) {
                            notes.add("CUDA_VISIBLE_DEVICES entry '" + token.trim()
                                    + "' names no GPU; CUDA ignores it and the entries after it");
                        }
                        break;
                    }
                    visible.add(idx);
                }
            }
            chosen.retainAll(visible);
        }
        if (ids != null && !ids.isEmpty()) {
            Set<Integer> wanted = new LinkedHashSet<>();
            for (String token : ids) {
                Integer idx = resolve(token.trim(), uuids);
                if (idx == null) {
                    notes.add("mlco2.gpu.ids entry '" + token.trim() + "' names no GPU (there are " + uuids.size()
                            + "); ignored");
                } else {
                    wanted.add(idx);
                }
            }
            Set<Integer> narrowed = new LinkedHashSet<>(wanted);
            narrowed.retainAll(chosen);
            for (Integer w : wanted) {
                if (!chosen.contains(w)) {
                    notes.add("mlco2.gpu.ids names GPU " + w + " but CUDA_VISIBLE_DEVICES hides it; ignored");
                }
            }
            chosen = narrowed;
        }
        return new Result(List.copyOf(chosen), notes);
    }

    private static Integer resolve(String token, List<String> uuids) {
        if (token.isEmpty()) {
            return null;
        }
        if (token.chars().allMatch(Character::isDigit)) {
            try {
                int i = Integer.parseInt(token);
                return i < uuids.size() ? i : null;
            } catch (NumberFormatException e) {
                return null;
            }
        }
        String t = token.toLowerCase(Locale.ROOT);
        if (!t.startsWith("gpu-")) {
            t = "gpu-" + t;
        }
        Integer found = null;
        for (int i = 0; i < uuids.size(); i++) {
            String u = uuids.get(i).toLowerCase(Locale.ROOT);
            if (!u.isEmpty() && u.startsWith(t)) {
                if (found != null) {
                    return null; // ambiguous prefix
                }
                found = i;
            }
        }
        return found;
    }
}
