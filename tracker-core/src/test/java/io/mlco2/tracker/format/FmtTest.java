package io.mlco2.tracker.format;


import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

class FmtTest {

    /** Edge values: zeros, specials, ties at every scale, the %g switch points, magnitudes the reports meet. */
    private static List<Double> values() {
        List<Double> v = new ArrayList<>(List.of(0.0, -0.0, Double.NaN, Double.POSITIVE_INFINITY,
                Double.NEGATIVE_INFINITY, Double.MIN_VALUE, Double.MAX_VALUE, 1.0, -1.0, 0.5, 1.5, 2.5, 0.125, 0.0005,
                1.0005, 0.00005, 0.00015, 9.5, 99.5, 999.5, 9999.5, 99999.5, 0.0001, 0.00009999, 0.000099996,
                0.00099995, 9999.6, 999.96, 1e-5, 1e-7, 1e7, 1e21, 123456789.123, -0.00001, -0.000049, 475.0, 56.0,
                0.000093, 0.94, 16809.502, 1.0E-4, 9.999999e-5, 0.3, 0.1 + 0.2, 2.675, 1.005, 1e-300, 4.35e-6));
        SplittableRandom r = new SplittableRandom(20261201);
        for (int i = 0; i < 20_000; i++) {
            double m = r.nextDouble() * 10;
            int e = r.nextInt(-9, 10);
            double x = m * Math.pow(10, e);
            v.add(r.nextBoolean() ? x : -x);
            v.add(Math.round(x * 1e6) / 1e6 + 5e-7); // near a tie at the sixth decimal
            v.add(Double.longBitsToDouble(r.nextLong()));
        }
        return v;
    }

    @Test
    void fixedIsTheFormattersFixedPoint() {
        for (double x : values()) {
            for (int d = 0; d <= 6; d++) {
                if (Math.abs(x) > 1e30) {
                    continue; // the reports never print such numbers in fixed point; toPlainString agrees anyway
                }
                assertEquals(String.format(Locale.ROOT, "%." + d + "f", x), Fmt.fixed(x, d), x + " %." + d + "f");
            }
        }
    }

    @Test
    void generalIsTheFormattersGeneral() {
        for (double x : values()) {
            for (int p : new int[] {0, 1, 2, 3, 4, 6}) {
                assertEquals(String.format(Locale.ROOT, "%." + p + "g", x), Fmt.general(x, p), x + " %." + p + "g");
            }
        }
    }

    @Test
    void twoDigits() {
        assertEquals("00", Fmt.twoDigits(0));
        assertEquals("07", Fmt.twoDigits(7));
        assertEquals("59", Fmt.twoDigits(59));
        assertEquals("123", Fmt.twoDigits(123));
        assertEquals("09", Fmt.twoDigits(9));
        assertEquals("10", Fmt.twoDigits(10), "two digits already");
    }

    /** Zero keeps its sign, as the formatter does: 0 is "0.00", -0 is "-0.00". */
    @Test
    void zeroKeepsItsSign() {
        assertEquals("0.00", Fmt.general(0.0, 3));
        assertEquals("-0.00", Fmt.general(-0.0, 3));
        assertEquals("0.000", Fmt.fixed(0.0, 3));
        assertEquals("-0.000", Fmt.fixed(-0.0, 3));
        assertEquals("-1.00", Fmt.general(-1.0, 3));
    }
}
