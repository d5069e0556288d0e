package io.mlco2.it.metrics;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Path;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The DJL demo with the endpoint on: scraped over real HTTP on loopback during the run. */
class PrometheusScrapeTest {

    private static final Pattern ENDPOINT = Pattern.compile("\\[mlco2] Prometheus endpoint on (http://127\\.0\\.0\\.1:(\\d+)/metrics)");

    @TempDir
    Path dir;

    static double value(String body, String metric, String component) {
        Matcher m = Pattern.compile("(?m)^" + metric + "\\{[^}]*component=\"" + component + "\"[^}]*} (\\S+)$").matcher(body);
        assertTrue(m.find(), metric + "{component=" + component + "} in:\n" + body);
        return Double.parseDouble(m.group(1));
    }

    @Test
    void demoRunCanBeScrapedWhileItTrains() throws Exception {
        AgentJvm jvm = AgentJvm.start(dir, "mlco2.region=FR;mlco2.run-id=scrape-demo;mlco2.interval=200ms;"
                + "mlco2.metrics.prometheus.port=0", "io.mlco2.it.jobs.DjlTrainingJob", "2", "8192", "0",
                dir.resolve("scraped").toString());
        String url = null;
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (url == null && System.nanoTime() < deadline && jvm.process.isAlive()) {
            Matcher m = ENDPOINT.matcher(jvm.stderr());
            if (m.find()) {
                url = m.group(1);
            } else {
                Thread.sleep(100);
            }
        }
        assertTrue(url != null, "endpoint line on stderr:\n" + jvm.stderr());
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        HttpRequest get = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build();
        Thread.sleep(1500);
        String first = http.send(get, HttpResponse.BodyHandlers.ofString()).body();
        Thread.sleep(1500);
        HttpResponse<String> r = http.send(get, HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode());
        String second = r.body();
        double e1 = value(first, "mlco2_energy_joules_total", "cpu");
        double e2 = value(second, "mlco2_energy_joules_total", "cpu");
        assertTrue(e2 > e1 && e1 >= 0, "CPU energy grows during the run: " + e1 + " then " + e2);
        assertTrue(value(second, "mlco2_energy_joules_total", "ram") > 0);
        assertTrue(value(second, "mlco2_power_watts", "cpu") >= 0);
        assertTrue(value(second, "mlco2_emissions_grams_total", "cpu") > 0);
        assertTrue(second.contains("mlco2_carbon_intensity_grams_per_kwh{"), second);
        assertTrue(second.contains("run_id=\"scrape-demo\""), second);
        assertTrue(second.contains("# HELP mlco2_power_watts "), second);
        String base = url.substring(0, url.length() - "/metrics".length());
        assertEquals(404, http.send(HttpRequest.newBuilder(URI.create(base + "/")).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode());
        // A completed epoch (DJL's, detected by the agent) becomes meters tagged with its number.
        String withEpoch = second;
        long epochDeadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (!withEpoch.contains("mlco2_epoch_energy_joules{") && System.nanoTime() < epochDeadline
                && jvm.process.isAlive()) {
            Thread.sleep(500);
            withEpoch = http.send(get, HttpResponse.BodyHandlers.ofString()).body();
        }
        Matcher epochEnergy = Pattern.compile("(?m)^mlco2_epoch_energy_joules\\{[^}]*component=\"cpu\"[^}]*epoch=\"1\"[^}]*} (\\S+)$")
                .matcher(withEpoch);
        assertTrue(epochEnergy.find(), "epoch 1's CPU energy as a meter tagged epoch=\"1\":\n" + withEpoch);
        assertTrue(Double.parseDouble(epochEnergy.group(1)) > 0, epochEnergy.group());
        assertTrue(withEpoch.contains("mlco2_epoch_duration_seconds{"), withEpoch);
        assertTrue(withEpoch.matches("(?s).*\\nmlco2_epoch\\{[^}]*} [0-9]+\\.0\\n.*"),
                "the epoch in progress (0 between epochs) is a gauge:\n" + withEpoch);
        assertTrue(jvm.process.isAlive(), "all of this happened while the job was training");
        java.nio.file.Files.createFile(dir.resolve("scraped"));
        assertEquals(0, jvm.await(600), jvm.stderr());
        assertTrue(jvm.stdout().contains("TRAINING DONE"), jvm.stdout());
    }

    @Test
    void aPortInUseIsOneLineAndTheJobRunsOn() throws Exception {
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            Path sd = dir.resolve("sd");
            AgentJvm jvm = AgentJvm.start(dir, "mlco2.run-id=busy;mlco2.metrics.prometheus.port=" + taken.getLocalPort()
                    + ";mlco2.metrics.prometheus.file-sd-dir=" + sd, "io.mlco2.it.metrics.IdleJob", "500");
            assertEquals(0, jvm.await(60), jvm.stderr());
            String err = jvm.stderr();
            assertEquals(1, err.lines().filter(l -> l.contains("Prometheus")).count(), err);
            assertTrue(err.contains("is in use"), err);
            assertTrue(jvm.stdout().contains("IDLE DONE"));
            assertTrue(!java.nio.file.Files.exists(sd), "no endpoint, so no file_sd target announcing it");
        }
    }
}
