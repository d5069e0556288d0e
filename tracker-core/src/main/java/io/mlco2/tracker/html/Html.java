package io.mlco2.tracker.html;

import io.mlco2.tracker.format.Fmt;

/** Escaping and number formatting for the HTML reports. Every value that is not a constant goes through here. */
public final class Html {

    private Html() {
    }

    /** Text escaped for element content and quoted attribute values. */
    public static String esc(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    /**
     * JSON text made safe inside {@code <script type="application/json">}: {@code <}, {@code >} and {@code &}
     * (which only occur inside JSON strings) become unicode escapes, so no value can close the script element.
     */
    public static String scriptJson(String json) {
        return json.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
                .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029");
    }

    /** A number with {@code digits} significant decimals, {@code n/a} for NaN. */
    public static String num(double v, int decimals) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return "n/a";
        }
        return Fmt.fixed(v, decimals);
    }

    /** A small quantity with enough significant digits to be read (energies of short runs are tiny). */
    public static String sig(double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return "n/a";
        }
        if (v == 0) {
            return "0";
        }
        double a = Math.abs(v);
        if (a >= 100) {
            return Fmt.fixed(v, 1);
        }
        if (a >= 1) {
            return Fmt.fixed(v, 3);
        }
        return Fmt.general(v, 4);
    }

    public static String percent(double ratio) {
        return Double.isNaN(ratio) || Double.isInfinite(ratio) ? "n/a" : Fmt.fixed(ratio * 100, 1) + " %";
    }

    /** Seconds as {@code 1 h 02 min 03 s}; {@code n/a} for what is not a duration (NaN, infinite, negative). */
    public static String duration(double seconds) {
        if (!(seconds >= 0) || Double.isInfinite(seconds)) {
            return "n/a";
        }
        long s = Math.round(seconds);
        if (s < 60) {
            return Fmt.fixed(seconds, 1) + " s";
        }
        long h = s / 3600;
        long m = (s % 3600) / 60;
        long r = s % 60;
        return h > 0 ? h + " h " + Fmt.twoDigits(m) + " min " + Fmt.twoDigits(r) + " s"
                : m + " min " + Fmt.twoDigits(r) + " s";
    }
}
