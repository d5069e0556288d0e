package io.mlco2.tracker.html;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A rendered page read as a person reads it: its tables (each under the heading above it, cells as text), the bars
 * (their width in px), the cards and the charts' data. The tests find a row by its label and read its cells, so a
 * change of layout elsewhere does not break them.
 */
final class Rendered {

    private static final Pattern TABLE = Pattern.compile(
            "<table class=\"[^\"]*\"><thead><tr>(.*?)</tr></thead><tbody>\n(.*?)</tbody></table>", Pattern.DOTALL);
    private static final Pattern HEADING = Pattern.compile("<h[23]>(.*?)</h[23]>");
    private static final Pattern TH = Pattern.compile("<th>(.*?)</th>");
    private static final Pattern TR = Pattern.compile("<tr>(.*?)</tr>");
    private static final Pattern TD = Pattern.compile("<td>(.*?)</td>", Pattern.DOTALL);
    private static final Pattern BAR = Pattern.compile("<span class=\"bar ([a-z]*)\" style=\"width:(\\d+)px\"></span>");
    private static final Pattern CARD = Pattern.compile(
            "<div class=\"card\"><div class=\"v\">(.*?)</div><div class=\"k\">(.*?)</div></div>");
    private static final Pattern NUMBER = Pattern.compile("-?\\d+(\\.\\d+)?(e[-+]\\d+)?");

    final String html;

    Rendered(String html) {
        this.html = html;
    }

    /** One table: the heading above it, its header cells and its rows, each cell as the markup it holds. */
    record Table(String heading, List<String> header, List<List<String>> rows) {

        /** The row whose first cell reads {@code label}. */
        List<String> row(String label) {
            for (List<String> r : rows) {
                if (text(r.get(0)).equals(label)) {
                    return r;
                }
            }
            throw new AssertionError("no row " + label + " in the table under " + heading + ": " + rows);
        }

        /** The text of the cell of row {@code label} in the column headed {@code column}. */
        String cell(String label, String column) {
            int i = header.indexOf(column);
            assertTrue(i >= 0, "no column " + column + " in " + header);
            return text(row(label).get(i));
        }

        /** The row whose cell in the column headed {@code column} reads {@code value}. */
        List<String> rowWhere(String column, String value) {
            int i = header.indexOf(column);
            assertTrue(i >= 0, "no column " + column + " in " + header);
            for (List<String> r : rows) {
                if (text(r.get(i)).equals(value)) {
                    return r;
                }
            }
            throw new AssertionError("no row with " + column + " " + value + " under " + heading + ": " + rows);
        }

        /** The text of the column {@code column} of the row {@code row}. */
        String get(List<String> row, String column) {
            int i = header.indexOf(column);
            assertTrue(i >= 0, "no column " + column + " in " + header);
            return text(row.get(i));
        }

        /** The texts of the column headed {@code column}, top to bottom. */
        List<String> column(String column) {
            int i = header.indexOf(column);
            assertTrue(i >= 0, "no column " + column + " in " + header);
            List<String> out = new ArrayList<>();
            rows.forEach(r -> out.add(text(r.get(i))));
            return out;
        }

        /** The text of the second cell of row {@code label} (a key-value table). */
        String value(String label) {
            return text(row(label).get(1));
        }

        /** The first cells of the rows, as text. */
        List<String> labels() {
            List<String> out = new ArrayList<>();
            rows.forEach(r -> out.add(text(r.get(0))));
            return out;
        }
    }

    List<Table> tables() {
        List<Table> out = new ArrayList<>();
        Matcher t = TABLE.matcher(html);
        while (t.find()) {
            String heading = "";
            Matcher h = HEADING.matcher(html.substring(0, t.start()));
            while (h.find()) {
                heading = text(h.group(1));
            }
            List<String> header = new ArrayList<>();
            Matcher th = TH.matcher(t.group(1));
            while (th.find()) {
                header.add(text(th.group(1)));
            }
            List<List<String>> rows = new ArrayList<>();
            Matcher tr = TR.matcher(t.group(2));
            while (tr.find()) {
                List<String> cells = new ArrayList<>();
                Matcher td = TD.matcher(tr.group(1));
                while (td.find()) {
                    cells.add(td.group(1));
                }
                rows.add(cells);
            }
            out.add(new Table(heading, header, rows));
        }
        return out;
    }

    /** The one table under the heading {@code heading} whose header holds {@code column}. */
    Table table(String heading, String column) {
        Table found = null;
        for (Table t : tables()) {
            if (t.heading().equals(heading) && t.header().contains(column)) {
                assertTrue(found == null, "two tables with " + column + " under " + heading);
                found = t;
            }
        }
        if (found == null) {
            fail("no table with " + column + " under " + heading + " in " + html);
        }
        return found;
    }

    /** The one key-value table (no header) under the heading {@code heading}. */
    Table kv(String heading) {
        Table found = null;
        for (Table t : tables()) {
            if (t.heading().equals(heading) && t.header().equals(List.of("", ""))) {
                assertTrue(found == null, "two key-value tables under " + heading);
                found = t;
            }
        }
        if (found == null) {
            fail("no key-value table under " + heading + " in " + html);
        }
        return found;
    }

    /** The value of the card labelled {@code label}. */
    String card(String label) {
        Matcher m = CARD.matcher(html);
        while (m.find()) {
            if (text(m.group(2)).equals(label)) {
                return text(m.group(1));
            }
        }
        throw new AssertionError("no card " + label + " in " + html);
    }

    /** The charts' data, as the page's script reads it. */
    JsonNode charts() {
        String open = "<script type=\"application/json\" id=\"mlco2-data\">";
        int from = html.indexOf(open) + open.length();
        try {
            return new ObjectMapper().readTree(html.substring(from, html.indexOf("</script>", from))).get("charts");
        } catch (Exception e) {
            throw new AssertionError("unreadable chart data", e);
        }
    }

    /** The headings of the page, in order. */
    List<String> headings() {
        List<String> out = new ArrayList<>();
        Matcher h = HEADING.matcher(html);
        while (h.find()) {
            out.add(text(h.group(1)));
        }
        return out;
    }

    /** Markup as text: tags dropped, the entities {@link Html#esc} writes read back. */
    static String text(String markup) {
        return markup.replaceAll("<[^>]*>", "").replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"")
                .replace("&#39;", "'").replace("&amp;", "&");
    }

    /** The width in px of the one bar in {@code cell}, and its class ({@code ""}, {@code est}, {@code alt}). */
    static int bar(String cell, String cls) {
        Matcher m = BAR.matcher(cell);
        assertTrue(m.find(), "no bar in " + cell);
        assertEquals(cls, m.group(1), cell);
        return Integer.parseInt(m.group(2));
    }

    /** The first number in {@code text}. */
    static double number(String text) {
        Matcher m = NUMBER.matcher(text);
        assertTrue(m.find(), "no number in " + text);
        return Double.parseDouble(m.group());
    }

    /** {@code text} is {@code expected} in {@code unit} to the 4 significant digits the pages show. */
    static void assertQuantity(double expected, String unit, String text) {
        assertTrue(text.endsWith(unit), text + " is not in " + unit);
        double shown = number(text);
        assertEquals(expected, shown, Math.abs(expected) * 1e-3 + 1e-12, text + " vs " + expected + unit);
    }

    /** Rounded half up as {@code Math.round} does: the bar width of {@code ratio} of 240 px. */
    static int px(double ratio) {
        return (int) Math.floor(ratio * 240 + 0.5);
    }
}
