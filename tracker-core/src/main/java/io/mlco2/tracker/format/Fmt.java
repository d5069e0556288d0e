package io.mlco2.tracker.format;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * {@code String.format(Locale.ROOT, "%.Nf" / "%.Ng", x)}, written out: the same characters (checked against the JDK's
 * {@code Formatter} by {@code FmtTest}) without the {@code Formatter}, its regular expressions and the locale
 * data it loads on first use (~20 ms on a cold JVM, on the agent's exit path: docs/PERFORMANCE.md). Like the
 * {@code Formatter}, it rounds half up the shortest decimal form of the double ({@link Double#toString}).
 */
public final class Fmt {

    private Fmt() {
    }

    /** {@code String.format(Locale.ROOT, "%." + decimals + "f", v)}. */
    public static String fixed(double v, int decimals) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return special(v);
        }
        String s = new BigDecimal(Double.toString(Math.abs(v))).setScale(decimals, RoundingMode.HALF_UP)
                .toPlainString();
        return negative(v) ? "-" + s : s;
    }

    /** {@code String.format(Locale.ROOT, "%." + precision + "g", v)}. */
    public static String general(double v, int precision) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return special(v);
        }
        int p = precision == 0 ? 1 : precision;
        double a = Math.abs(v);
        String sign = negative(v) ? "-" : "";
        if (a == 0) {
            return sign + BigDecimal.ZERO.setScale(p - 1, RoundingMode.UNNECESSARY).toPlainString();
        }
        BigDecimal r = new BigDecimal(Double.toString(a)).round(new MathContext(p, RoundingMode.HALF_UP));
        int exp = r.precision() - r.scale() - 1;
        if (exp >= -4 && exp < p) {
            return sign + r.setScale(p - 1 - exp, RoundingMode.HALF_UP).toPlainString();
        }
        StringBuilder b = new StringBuilder(sign)
                .append(r.movePointLeft(exp).setScale(p - 1, RoundingMode.HALF_UP).toPlainString())
                .append('e').append(exp < 0 ? '-' : '+');
        int e = Math.abs(exp);
        if (e < 10) {
            b.append('0');
        }
        return b.append(e).toString();
    }

    /** {@code String.format("%02d", v)} for {@code v >= 0}. */
    public static String twoDigits(long v) {
        return v < 10 && v >= 0 ? "0" + v : Long.toString(v);
    }

    private static boolean negative(double v) {
        return v < 0 || (v == 0 && 1 / v < 0);
    }

    private static String special(double v) {
        return Double.isNaN(v) ? "NaN" : v > 0 ? "Infinity" : "-Infinity";
    }
}
