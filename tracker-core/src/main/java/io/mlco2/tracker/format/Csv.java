package io.mlco2.tracker.format;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** RFC 4180 CSV fields, with user-controlled text neutralised so that no spreadsheet runs it as a formula. */
public final class Csv {

    private Csv() {
    }

    /** A number as CSV: plain decimal, empty for {@code NaN}. */
    public static String num(double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return "";
        }
        return Double.toString(v).toLowerCase(Locale.ROOT);
    }

    /** Text the agent produced itself (no formula neutralisation needed), quoted when necessary. */
    public static String text(String s) {
        if (s == null) {
            return "";
        }
        if (s.indexOf(',') >= 0 || s.indexOf('"') >= 0 || s.indexOf('\n') >= 0 || s.indexOf('\r') >= 0) {
            return '"' + s.replace("\"", "\"\"") + '"';
        }
        return s;
    }

    /**
     * Text the user controls (project name, experiment id, tags): a leading {@code = + - @} (or tab/CR) is
     * prefixed with {@code '} so spreadsheets show it as text instead of evaluating it.
     */
    public static String userText(String s) {
        if (s == null || s.isEmpty()) {
            return "";
        }
        char c = s.charAt(0);
        if (c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r') {
            s = "'" + s;
        }
        return text(s);
    }

    /** Splits one CSV line (quotes honoured); for reading our own files back. */
    public static List<String> parseLine(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"') {
                    if (i + 1 < line.length() && line.charAt(i + 1) == '"') {
                        cur.append('"');
                        i++;
                    } else {
                        quoted = false;
                    }
                } else {
                    cur.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                out.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        out.add(cur.toString());
        return out;
    }
}
