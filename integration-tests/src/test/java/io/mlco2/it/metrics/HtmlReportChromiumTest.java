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
    }
}
