package io.mlco2.tracker.carbon;

import io.mlco2.tracker.base.Log;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/**
 * {@code mlco2.carbon-intensity.source=file}: a CSV of {@code timestamp,g_per_kwh} rows named by
 * {@code mlco2.carbon-intensity.file}, exported from any source (ENTSO-E, EIA, WattTime, Electricity Maps). Any
 * step; each value holds from its timestamp until the next row's; rows in any order; an optional header line;
 * blank lines and {@code #} comments skipped. A bad line is one line naming the file, the line and what is
 * accepted, and is skipped. Read once, on the provider's thread.
 */
final class FileIntensity extends BackgroundProvider {

    static final String ACCEPTED = "timestamp,g_per_kwh rows such as 2026-03-01T14:00:00Z,312.5 (an ISO-8601 time "
            + "with Z or an offset; 0 to 5000 gCO2eq/kWh)";
    /** The largest file read: a year of 5-minute rows is ~3 MB. */
    static final long MAX_BYTES = 64L << 20;
    /** Bad lines named one by one at most; the rest are counted in one line. */
    static final int MAX_BAD_LINES_NAMED = 10;

    private final Path file;

    FileIntensity(Path file, Log log, GridIntensity yearly, Clock clock) {
        super(log, yearly, clock, null);
        this.file = file;
    }

    @Override
    public String name() {
        return "file";
    }

    @Override
    public String description() {
        return "file " + file;
    }

    @Override
    protected void read() throws Exception {
        if (knownUntil.equals(Instant.MAX)) {
            return;
        }
        try {
            load();
        } finally {
            knownUntil = Instant.MAX; // what the file says is all there is
        }
    }

    private void load() throws Exception {
        String where = "mlco2.carbon-intensity.file=" + file;
        if (!Files.isRegularFile(file)) {
            throw new ProviderException("file", where + ": " + (Files.exists(file) ? "not a regular file" : "no such file")
                    + "; accepted: a CSV of " + ACCEPTED);
        }
        if (Files.size(file) > MAX_BYTES) {
            throw new ProviderException("file", where + ": larger than " + MAX_BYTES + " bytes; accepted: a CSV of "
                    + ACCEPTED);
        }
        int lineNo = 0;
        int bad = 0;
        int rows = 0;
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            while ((line = r.readLine()) != null) {
                lineNo++;
                String t = (lineNo == 1 ? line.replace("\uFEFF", "") : line).trim();
                if (t.isEmpty() || t.startsWith("#")) {
                    continue;
                }
                if (lineNo == 1 && isHeader(t)) {
                    continue;
                }
                String why = parse(t);
                if (why == null) {
                    rows++;
                    continue;
                }
                bad++;
                if (bad <= MAX_BAD_LINES_NAMED) {
                    log.warn(where + " line " + lineNo + ": '" + Log.printable(clip(t)) + "' " + why + "; accepted "
                            + ACCEPTED + "; line skipped");
                }
            }
        } catch (IOException e) {
            throw new ProviderException("file", where + ": cannot be read (" + Log.describe(e) + ")");
        }
        if (bad > MAX_BAD_LINES_NAMED) {
            log.warn(where + ": " + (bad - MAX_BAD_LINES_NAMED) + " more bad lines skipped");
        }
        if (rows == 0) {
            throw new ProviderException("file", where + ": no valid row; accepted: a CSV of " + ACCEPTED);
        }
        log.debug(where + ": " + rows + " rows from " + series.first());
    }

    private static boolean isHeader(String line) {
        String h = line.toLowerCase(java.util.Locale.ROOT).replace("\"", "").replace(" ", "");
        return h.startsWith("timestamp,") || h.startsWith("time,") || h.startsWith("datetime,");
    }

    /** Adds the row; {@code null} when it is valid, else why not. */
    private String parse(String line) {
        int comma = line.indexOf(',');
        if (comma < 0) {
            return "has no comma";
        }
        String ts = unquote(line.substring(0, comma));
        if (ts.length() > 10 && ts.charAt(10) == ' ') {
            ts = ts.substring(0, 10) + 'T' + ts.substring(11); // 2026-03-01 14:00:00Z, as spreadsheets write it
        }
        String rest = line.substring(comma + 1);
        int next = rest.indexOf(',');
        String v = unquote(next < 0 ? rest : rest.substring(0, next));
        Instant at;
        try {
            at = OffsetDateTime.parse(ts).toInstant();
        } catch (DateTimeParseException e) {
            return "has no valid timestamp with a zone";
        }
        double g;
        try {
            g = Double.parseDouble(v);
        } catch (NumberFormatException e) {
            return "has no number of gCO2eq/kWh";
        }
        if (!(g >= 0 && g <= 5000)) {
            return "has an intensity outside 0 to 5000";
        }
        series.put(at, g);
        return null;
    }

    private static String unquote(String s) {
        String t = s.trim();
        return t.length() >= 2 && t.startsWith("\"") && t.endsWith("\"") ? t.substring(1, t.length() - 1).trim() : t;
    }

    private static String clip(String s) {
        return s.length() > 80 ? s.substring(0, 80) + "..." : s;
    }
}
