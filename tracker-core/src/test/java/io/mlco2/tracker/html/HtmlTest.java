package io.mlco2.tracker.html;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The number formats of the pages, at their edges, against values worked out by hand. */
class HtmlTest {

    @Test
    void sigShowsFourSignificantDigitsBelowOneAndFixedDecimalsAbove() {
        assertEquals("n/a", Html.sig(Double.NaN));
        assertEquals("n/a", Html.sig(Double.POSITIVE_INFINITY));
        assertEquals("n/a", Html.sig(Double.NEGATIVE_INFINITY));
        assertEquals("0", Html.sig(0));
        assertEquals("0", Html.sig(-0.0));
        // below 1: four significant digits, rounded half up
        assertEquals("0.1235", Html.sig(0.123456));
        assertEquals("0.5000", Html.sig(0.5));
        assertEquals("0.0001235", Html.sig(0.00012345));
        assertEquals("1.235e-05", Html.sig(0.000012345));
        assertEquals("-0.5000", Html.sig(-0.5));
        // from 1 to 100: three decimals
        assertEquals("1.000", Html.sig(1));
        assertEquals("12.346", Html.sig(12.3456));
        assertEquals("99.999", Html.sig(99.99949));
        assertEquals("-2.500", Html.sig(-2.5));
        // from 100: one decimal (100 itself included)
        assertEquals("100.0", Html.sig(100));
        assertEquals("1234.6", Html.sig(1234.56));
        assertEquals("-150.0", Html.sig(-150));
        assertEquals("1000000000.0", Html.sig(1e9));
    }

    @Test
    void percentIsTheRatioTimesAHundredToOneDecimal() {
        assertEquals("12.3 %", Html.percent(0.123456));
        assertEquals("0.0 %", Html.percent(0));
        assertEquals("100.0 %", Html.percent(1));
        assertEquals("250.0 %", Html.percent(2.5));
        assertEquals("66.7 %", Html.percent(2.0 / 3));
        assertEquals("n/a", Html.percent(Double.NaN));
        assertEquals("n/a", Html.percent(Double.POSITIVE_INFINITY));
        assertEquals("n/a", Html.percent(Double.NEGATIVE_INFINITY));
    }

    @Test
    void numIsFixedDecimalsOrNa() {
        assertEquals("380.0", Html.num(380, 1));
        assertEquals("1.01", Html.num(1.005, 2));
        assertEquals("200", Html.num(199.6, 0));
        assertEquals("n/a", Html.num(Double.NaN, 1));
        assertEquals("n/a", Html.num(Double.POSITIVE_INFINITY, 1));
        assertEquals("n/a", Html.num(Double.NEGATIVE_INFINITY, 2));
    }

    /** Seconds below a minute (once rounded to the second) with a decimal; then minutes and seconds; then hours. */
    @Test
    void durationRollsOverAtTheMinuteAndTheHour() {
        assertEquals("n/a", Html.duration(Double.NaN));
        assertEquals("n/a", Html.duration(Double.POSITIVE_INFINITY), "not 2562047788015215 h");
        assertEquals("n/a", Html.duration(-1), "a negative duration is no duration");
        assertEquals("0.0 s", Html.duration(0));
        assertEquals("12.3 s", Html.duration(12.345));
        assertEquals("59.4 s", Html.duration(59.44));
        assertEquals("1 min 00 s", Html.duration(59.5), "rounds to 60 s: a minute");
        assertEquals("1 min 00 s", Html.duration(60));
        assertEquals("1 min 01 s", Html.duration(61.4));
        assertEquals("10 min 09 s", Html.duration(609));
        assertEquals("59 min 59 s", Html.duration(3599.4));
        assertEquals("1 h 00 min 00 s", Html.duration(3599.5));
        assertEquals("1 h 02 min 03 s", Html.duration(3723));
        assertEquals("25 h 01 min 01 s", Html.duration(25 * 3600 + 61));
        // a million seconds: 277 h (997,200 s), 46 min (2,760 s), 40 s
        assertEquals("277 h 46 min 40 s", Html.duration(1_000_000));
    }

    @Test
    void scriptJsonEscapesWhatCouldCloseTheScriptElement() {
        assertEquals("{\"t\":\"\\u003c/script\\u003e \\u0026 \\u2028\\u2029\"}",
                Html.scriptJson("{\"t\":\"</script> & \u2028\u2029\"}"));
        assertEquals("{\"n\":[1,2.5]}", Html.scriptJson("{\"n\":[1,2.5]}"));
    }

    @Test
    void escEscapesTheFiveMarkupCharacters() {
        assertEquals("a&lt;b&gt;c&quot;d&#39;e&amp;f", Html.esc("a<b>c\"d'e&f"));
        assertEquals("", Html.esc(null));
    }
}
