package io.mlco2.it.metrics;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The demo's HTML report rendered in a real headless Chromium: no console error, the chart drawn, a screenshot
 * kept under {@code integration-tests/target/mlco2-screenshots/}. Skipped (with a message) where Chromium is absent.
 */
class HtmlReportChromiumTest {

    static final Path SCREENSHOTS = Path.of("target", "mlco2-screenshots").toAbsolutePath();

    @TempDir
    Path dir;

    static String chromium() {
        for (String c : List.of("chromium", "chromium-browser", "google-chrome")) {
            for (String p : System.getenv().getOrDefault("PATH", "/usr/bin").split(File.pathSeparator)) {
                if (Files.isExecutable(Path.of(p, c))) {
                    return Path.of(p, c).toString();
                }
            }
        }
        return null;
    }

    /** Runs headless Chromium on {@code html} with {@code extra} arguments; returns stdout + stderr. */
    static String[] runChromium(Path profile, Path html, String... extra) throws Exception {
        String chromium = chromium();
        List<String> cmd = new ArrayList<>(List.of(chromium, "--headless", "--no-sandbox", "--disable-gpu",
                "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-quic", "--user-data-dir=" + profile, "--enable-logging=stderr", "--v=0"));
        cmd.addAll(List.of(extra));
        cmd.add(html.toUri().toString());
        Path out = Files.createTempFile(profile.getParent(), "chromium", ".out");
        Path err = Files.createTempFile(profile.getParent(), "chromium", ".err");
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("chromium did not finish in 120 s: " + Files.readString(err));
        }
        return new String[] {Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8)};
    }

    /** The viewport width the pages must fit: a laptop's browser window. */
    static final int VIEWPORT_WIDTH_PX = 1280;

    /**
     * Measures the page's layout in a {@code width}-pixel-wide window once it has loaded and drawn its charts:
     * {@code scrollWidth clientWidth innerWidth} of the document, then the elements whose right edge lies past the
     * viewport (tag.class:right). The measuring script goes into a copy of the page without its Content-Security-Policy
     * (which admits the page's one script only); the page itself is left as it is.
     */
    static String[] layout(Path html, Path work, int width) throws Exception {
        String page = Files.readString(html, StandardCharsets.UTF_8);
        String noCsp = page.replaceFirst("<meta http-equiv=\"Content-Security-Policy\"[^>]*>", "");
        assertFalse(noCsp.equals(page), "the page has a Content-Security-Policy to remove");
        String measure = "<script>addEventListener('load', function () { setTimeout(function () {"
                + " var d = document.documentElement, wide = [];"
                + " document.querySelectorAll('body *').forEach(function (e) { var r = e.getBoundingClientRect();"
                + "  if (r.right > d.clientWidth + 0.5 && wide.length < 8) wide.push(e.tagName.toLowerCase()"
                + "   + (e.className && e.className.baseVal === undefined ? '.' + e.className : '') + ':' + Math.round(r.right)); });"
                + " d.setAttribute('data-layout', d.scrollWidth + ' ' + d.clientWidth + ' ' + innerWidth + ' ' + wide.join(' '));"
                + "}, 0); });</script>";
        Path copy = work.resolve("layout-" + html.getFileName());
        Files.writeString(copy, noCsp.replace("</body>", measure + "</body>"), StandardCharsets.UTF_8);
        String[] dom = runChromium(work.resolve("profile-layout"), copy, "--dump-dom", "--virtual-time-budget=5000",
                "--window-size=" + width + ",900", "--hide-scrollbars");
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("data-layout=\"([^\"]*)\"").matcher(dom[0]);
        assertTrue(m.find(), "the layout measured; DOM:\n" + dom[0] + "\n" + dom[1]);
        return m.group(1).split(" ");
    }

    /** At a {@value #VIEWPORT_WIDTH_PX} px viewport nothing (no table, chart or text) is wider than the page. */
    static void assertFitsTheViewport(Path html, Path work) throws Exception {
        String[] l = layout(html, work, VIEWPORT_WIDTH_PX);
        String what = html.getFileName() + " at " + VIEWPORT_WIDTH_PX + " px: scrollWidth " + l[0] + ", clientWidth "
                + l[1] + ", innerWidth " + l[2] + "; wider than the page: " + String.join(" ", List.of(l).subList(3, l.length));
        assertEquals(VIEWPORT_WIDTH_PX, Integer.parseInt(l[2]), "the window is as wide as asked: " + what);
        assertTrue(Integer.parseInt(l[0]) <= VIEWPORT_WIDTH_PX, what);
        assertTrue(Integer.parseInt(l[0]) <= Integer.parseInt(l[1]), "no horizontal scrolling: " + what);
        assertEquals(3, l.length, what);
    }

    /** Loads the page, checks no console error and that every chart was drawn, and keeps a screenshot. */
    static void assertRenders(Path html, Path work, String screenshotName) throws Exception {
        String[] dom = runChromium(work.resolve("profile-dom"), html, "--dump-dom", "--virtual-time-budget=5000");
        assertTrue(dom[0].contains("data-chart-drawn=\"true\""), "chart drawn; DOM:\n" + dom[0]);
        assertFalse(dom[0].contains("data-chart-drawn=\"false\""), "every chart drawn");
        assertFalse(dom[0].contains("data-charts-drawn=\"0\""));
        List<String> consoleErrors = dom[1].lines().filter(l -> l.contains("CONSOLE") || l.contains("Uncaught")
                || l.contains("Refused to")).toList();
        assertTrue(consoleErrors.isEmpty(), "console errors: " + consoleErrors);

        Files.createDirectories(SCREENSHOTS);
        Path shot = SCREENSHOTS.resolve(screenshotName);
        Files.deleteIfExists(shot);
        String[] s = runChromium(work.resolve("profile-shot"), html, "--screenshot=" + shot, "--window-size=1280,900",
                "--hide-scrollbars");
        assertTrue(Files.size(shot) > 10_000, "screenshot written: " + shot + "\n" + s[1]);
        System.out.println("screenshot: " + shot);
    }

    @Test
    void demoReportRendersInHeadlessChromium() throws Exception {
        Assumptions.assumeTrue(chromium() != null,
                "Chromium not installed (apt-get install -y chromium): HTML rendering test skipped");
        AgentJvm jvm = AgentJvm.start(dir, "mlco2.region=FR;mlco2.run-id=html-demo;mlco2.interval=100ms;"
                + "mlco2.project-name=<b>demo</b>", "io.mlco2.it.jobs.DjlTrainingJob", "3", "8192", "0");
        assertEquals(0, jvm.await(600), jvm.stderr());
        Path html = io.mlco2.it.support.Reports.file(dir.resolve("mlco2-reports"), "html-demo", ".html");
        assertTrue(Files.isRegularFile(html), jvm.stderr());
        String page = Files.readString(html);
        assertTrue(page.contains("&lt;b&gt;demo&lt;/b&gt;"), "project name escaped");
        assertTrue(page.contains("<h2>Epochs</h2>") && page.contains("<div class=\"epochbars\""), "the epochs section");
        assertTrue(Files.readAllLines(io.mlco2.it.support.Reports.file(dir.resolve("mlco2-reports"), "html-demo", ".samples.csv")).size() > 5);
        assertRenders(html, dir, "demo-report.png");
        assertFitsTheViewport(html, dir);
    }

    /** The check itself catches a page wider than the viewport: a table of long unbreakable cells. */
    @Test
    void aTableWiderThanTheViewportIsCaught() throws Exception {
        Assumptions.assumeTrue(chromium() != null, "Chromium not installed: layout check not checked");
        String cell = "<td>" + "x".repeat(60) + "</td>";
        Path html = dir.resolve("wide.html");
        Files.writeString(html, "<!DOCTYPE html><html><head><meta http-equiv=\"Content-Security-Policy\" content=\"default-src"
                + " 'none'\"></head><body><table><tr>" + cell.repeat(4) + "</tr></table></body></html>");
        String[] l = layout(html, dir, VIEWPORT_WIDTH_PX);
        assertTrue(Integer.parseInt(l[0]) > VIEWPORT_WIDTH_PX, String.join(" ", l));
        assertTrue(l.length > 3 && l[3].startsWith("table:"), String.join(" ", l));
    }
}
