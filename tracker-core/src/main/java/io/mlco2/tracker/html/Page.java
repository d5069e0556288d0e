package io.mlco2.tracker.html;

import io.mlco2.tracker.energy.Component;
import io.mlco2.tracker.timeseries.MinMaxSeries;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One self-contained HTML page: inline style, inline script, data as JSON in the page, a Content-Security-Policy
 * that forbids every network fetch. Charts are drawn as SVG by the inline script ({@code chart.js} resource),
 * which marks each chart's element {@code data-chart-drawn="true"} once drawn.
 */
final class Page {

    private static final String SCRIPT = resource("chart.js");
    private static final String STYLE = resource("report.css");

    /**
     * The Content-Security-Policy's hash of the one inline script (its element's text, {@code "\n" + SCRIPT}): the
     * browser runs that script and no other, so an injected {@code <script>} would not run even if escaping failed.
     */
    static final String SCRIPT_HASH = sha256Base64("\n" + SCRIPT);

    private final String title;
    private final StringBuilder body = new StringBuilder();
    private final List<Map<String, Object>> charts = new ArrayList<>();

    Page(String title) {
        this.title = title;
    }

    /** Appends trusted markup: every variable part must already be escaped with {@link Html#esc}. */
    Page raw(String html) {
        body.append(html);
        return this;
    }

    /** A heading, escaped. */
    Page h2(String text) {
        return raw("<h2>" + Html.esc(text) + "</h2>\n");
    }

    /** A table from escaped-on-the-way-in cells; a cell starting with a tab is trusted markup. */
    Page table(List<String> header, List<List<String>> rows, String cssClass) {
        body.append("<table class=\"").append(Html.esc(cssClass)).append("\"><thead><tr>");
        for (String h : header) {
            body.append("<th>").append(Html.esc(h)).append("</th>");
        }
        body.append("</tr></thead><tbody>\n");
        for (List<String> r : rows) {
            body.append("<tr>");
            for (String c : r) {
                body.append("<td>").append(c != null && c.startsWith("\t") ? c.substring(1) : Html.esc(c)).append("</td>");
            }
            body.append("</tr>\n");
        }
        body.append("</tbody></table>\n");
        return this;
    }

    /** A power-over-time chart of the given series (W against seconds since start). */
    Page chart(String title, Map<Component, MinMaxSeries> series) {
        Map<String, MinMaxSeries> named = new LinkedHashMap<>();
        for (Map.Entry<Component, MinMaxSeries> e : series.entrySet()) {
            named.put(e.getKey().key(), e.getValue());
        }
        return chart(title, "W", named, null);
    }

    /**
     * A chart of {@code series} by name against seconds since start, its axis in {@code unit}; {@code label} names a
     * lone series in the legend ({@code null}: the name in capitals).
     */
    Page chart(String title, String unit, Map<String, MinMaxSeries> series, String label) {
        String id = "chart-" + charts.size();
        Map<String, Object> chart = new LinkedHashMap<>();
        chart.put("id", id);
        chart.put("title", title);
        chart.put("unit", unit);
        List<Map<String, Object>> list = new ArrayList<>();
        for (Map.Entry<String, MinMaxSeries> e : series.entrySet()) {
            List<MinMaxSeries.Bucket> buckets = e.getValue().buckets();
            if (buckets.isEmpty()) {
                continue;
            }
            double[] t = new double[buckets.size()];
            double[] min = new double[buckets.size()];
            double[] max = new double[buckets.size()];
            double[] mean = new double[buckets.size()];
            for (int i = 0; i < buckets.size(); i++) {
                MinMaxSeries.Bucket b = buckets.get(i);
                t[i] = round((b.startSeconds() + b.endSeconds()) / 2);
                min[i] = round(b.min());
                max[i] = round(b.max());
                mean[i] = round(b.mean());
            }
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", e.getKey());
            if (label != null) {
                m.put("label", label);
            }
            m.put("t", t);
            m.put("min", min);
            m.put("max", max);
            m.put("mean", mean);
            list.add(m);
        }
        chart.put("series", list);
        charts.add(chart);
        body.append("<figure class=\"chart\"><figcaption>").append(Html.esc(title)).append("</figcaption><div id=\"")
                .append(id).append("\" class=\"chart-box\" data-chart-drawn=\"false\">");
        if (list.isEmpty()) {
            body.append("<p class=\"muted\">No samples recorded.</p>");
        }
        body.append("</div></figure>\n");
        return this;
    }

    private static double round(double v) {
        return Math.round(v * 1000.0) / 1000.0;
    }

    String render() {
        // Without Jackson (its ~480 classes would load in the application's exit): the charts hold only maps,
        // lists, strings and numbers.
        String data;
        try {
            data = io.mlco2.tracker.format.Json.compactOrJackson(Map.of("charts", charts));
        } catch (Exception e) {
            data = "{\"charts\":[]}";
        }
        return "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
                + "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; "
                + "script-src '" + SCRIPT_HASH + "'; img-src data:\">\n"
                + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                + "<title>" + Html.esc(title) + "</title>\n<style>\n" + STYLE + "</style></head>\n<body>\n"
                + body
                + "<script type=\"application/json\" id=\"mlco2-data\">" + Html.scriptJson(data) + "</script>\n"
                + "<script>\n" + SCRIPT + "</script>\n</body></html>\n";
    }

    private static String sha256Base64(String text) {
        try {
            byte[] d = java.security.MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return "sha256-" + java.util.Base64.getEncoder().encodeToString(d);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java platform", e);
        }
    }

    private static String resource(String name) {
        try (InputStream in = Page.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
