package io.mlco2.tracker.format;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The bundled tab-separated tables ({@code scripts/build-data.py} writes them next to the JSON files): what the
 * agent reads at start-up, because splitting lines costs a fraction of parsing JSON on a cold JVM
 * (docs/PERFORMANCE.md, start-up).
 */
public final class Tsv {

    private Tsv() {
    }

    /**
     * A bundled table's text; a missing one is an {@link IllegalStateException} naming it. The tables are written in
     * ISO-8859-1 ({@code scripts/build-data.py} stops on a character outside it), so decoding is a copy of the
     * bytes: UTF-8 would check every byte, and the few names with an accent (Zürich, Montréal) would send the
     * whole 257 KB CPU table through the JDK's per-byte decoding loop, which on a cold JVM runs interpreted and
     * then costs a ~17 ms compilation of that loop (docs/PERFORMANCE.md, start-up).
     */
    public static String resourceText(Class<?> owner, String resource) {
        try (InputStream in = owner.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("bundled data file " + resource + " missing from the jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read bundled " + resource, e);
        }
    }

    /**
     * The rows of {@code text}: each line split at tabs, lines starting with {@code #} and empty lines skipped;
     * a row with another number of fields than {@code fields} is an {@link IllegalStateException} naming it.
     */
    public static List<String[]> rows(String text, int fields, String what) {
        List<String[]> rows = new ArrayList<>();
        int pos = 0;
        while (pos < text.length()) {
            int eol = text.indexOf('\n', pos);
            if (eol < 0) {
                eol = text.length();
            }
            if (eol > pos && text.charAt(pos) != '#') {
                String line = text.substring(pos, eol);
                String[] f = line.split("\t", -1);
                if (f.length != fields) {
                    throw new IllegalStateException("bundled " + what + ": " + f.length + " fields, not " + fields
                            + ", in '" + line + "'");
                }
                rows.add(f);
            }
            pos = eol + 1;
        }
        return rows;
    }
}
