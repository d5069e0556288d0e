package io.mlco2.tracker.carbon;

import io.mlco2.tracker.base.Log;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The live providers against a local fake of each API answering in its documented format (Electricity Maps v3:
 * {@code /carbon-intensity/latest} and {@code /history}; the GB Carbon Intensity API: {@code /intensity},
 * {@code /regional/...}, {@code fw24h}): a changing intensity integrated, and every failure (401, 429, 500,
 * malformed JSON, a server that hangs) one line that names the fallback, with the wait bounded.
 */
class LiveIntensityTest {

    static final long S = 1_000_000_000L;
    static final String TOKEN = "tok-SECRET-4242";
    static final GridIntensity YEARLY = new GridIntensity("DE", "Germany", "Germany", "DEU", "", "", "", 100,
            "test", false);

    final ByteArrayOutputStream err = new ByteArrayOutputStream();
    final Log log = new Log(new PrintStream(err, true, StandardCharsets.UTF_8), Log.Level.INFO);
    final TestClock clock = new TestClock(Instant.EPOCH);
    FakeApi api;

    @AfterEach
    void close() {
        if (api != null) {
            api.close();
        }
    }

    static String emPoint(double g, String datetime) {
        return "{\"zone\":\"DE\",\"carbonIntensity\":" + g + ",\"datetime\":\"" + datetime + "\",\"updatedAt\":\""
                + datetime + "\",\"createdAt\":\"" + datetime + "\",\"emissionFactorType\":\"lifecycle\","
                + "\"isEstimated\":true,\"estimationMethod\":\"TIME_SLICER_AVERAGE\"}";
    }

    ElectricityMaps electricityMaps(Duration timeout) throws Exception {
        api = new FakeApi();
        return new ElectricityMaps(api.url() + "/v3/", "DE", TOKEN, Duration.ofMinutes(15), timeout, log, YEARLY, clock);
    }

    /** Samples a constant {@code watts} every second from {@code from} to {@code to} seconds. */
    static void samples(IntensityLedger l, double watts, int from, int to) {
        for (int t = from; t <= to; t++) {
            l.sample(t * S, watts * t);
        }
    }

    /**
     * The provider reads on a daemon thread of its own (never one that keeps the job's JVM alive), whose context class
     * loader is the agent's (not the job's thread's, which started it), and {@code close} ends it.
     */
    @Test
    void theProviderReadsOnADaemonThreadOfItsOwnThatCloseEnds() throws Exception {
        ElectricityMaps em = electricityMaps(Duration.ofSeconds(2));
        api.answer("/v3/carbon-intensity/latest", 200, emPoint(300, "1970-01-01T00:00:00.000Z"));
        java.util.Set<Thread> before = providerThreads();
        ClassLoader jobs = Thread.currentThread().getContextClassLoader();
        ClassLoader other = new java.net.URLClassLoader(new java.net.URL[0], null);
        Thread.currentThread().setContextClassLoader(other);
        try {
            em.start();
        } finally {
            Thread.currentThread().setContextClassLoader(jobs);
        }
        Thread t = null;
        long deadline = System.nanoTime() + 10 * S;
        while (t == null && System.nanoTime() < deadline) {
            java.util.Set<Thread> now = providerThreads();
            now.removeAll(before);
            t = now.isEmpty() ? null : now.iterator().next();
            Thread.sleep(5);
        }
        org.junit.jupiter.api.Assertions.assertNotNull(t, "a thread named mlco2-carbon-intensity");
        assertTrue(t.isDaemon());
        org.junit.jupiter.api.Assertions.assertSame(BackgroundProvider.class.getClassLoader(), t.getContextClassLoader());
        em.close();
        t.join(10_000);
        org.junit.jupiter.api.Assertions.assertFalse(t.isAlive(), "close ends it");
    }

    private static java.util.Set<Thread> providerThreads() {
        java.util.Set<Thread> out = new java.util.HashSet<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().equals("mlco2-carbon-intensity") && t.isAlive()) {
                out.add(t);
            }
        }
        return out;
    }

    private String lines() {
        return err.toString(StandardCharsets.UTF_8);
    }

    private long count(String s, String part) {
        return s.lines().filter(l -> l.contains(part)).count();
    }

    @Test
    void electricityMapsChangingIntensityIsIntegratedAndTheHistoryFillsTheEnd() throws Exception {
        ElectricityMaps em = electricityMaps(Duration.ofSeconds(2));
        IntensityLedger l = new IntensityLedger(em, YEARLY, 0, Instant.EPOCH, log);
        double watts = 50;
        api.answer("/v3/carbon-intensity/latest?zone=DE", 200, emPoint(300, "1970-01-01T00:00:00.000Z"));
        em.read();
        samples(l, watts, 0, 10);
        clock.set(Instant.ofEpochSecond(10));
        em.read();
        samples(l, watts, 11, 20);
        api.answer("/v3/carbon-intensity/latest?zone=DE", 200, emPoint(150, "1970-01-01T00:00:15.000Z"));
        clock.set(Instant.ofEpochSecond(20));
        em.read();
        samples(l, watts, 21, 30);
        api.answer("/v3/carbon-intensity/history?zone=DE", 200, "{\"zone\":\"DE\",\"history\":["
                + emPoint(300, "1970-01-01T00:00:00.000Z") + "," + emPoint(150, "1970-01-01T00:00:15.000Z") + ","
                + emPoint(450, "1970-01-01T00:00:25.000Z") + "]}");
        clock.set(Instant.ofEpochSecond(30));
        l.finish(Duration.ofSeconds(5));

        double jouleGrams = watts * (15 * 300 + 10 * 150 + 5 * 450);
        double mean = l.meanGramsPerKwh();
        assertTrue(Math.abs(mean * watts * 30 - jouleGrams) / jouleGrams < 1e-9, mean + " g/kWh");
        Map<String, Object> section = l.section(watts * 30 / 3.6e6, 1.0, 0);
        assertEquals(Map.of("electricitymaps", 1.0), section.get("energy_share"));
        assertEquals(4, api.requests.size());
        for (FakeApi.Request r : api.requests) {
            assertEquals(TOKEN, r.authToken(), r.pathAndQuery());
        }
        assertEquals("", lines());
    }

    @ParameterizedTest
    @CsvSource({
            "401, '{\"message\":\"Unauthorized\"}', HTTP 401",
            "429, '{\"message\":\"Too many requests\"}', HTTP 429",
            "500, 'oops', HTTP 500",
            "200, '{\"zone\":\"DE\",\"carbonIntensity\":', not valid JSON",
            "200, '{\"zone\":\"DE\",\"carbonIntensity\":null,\"datetime\":null}', no carbonIntensity",
            "-1, '', no answer within 300 ms",
    })
    void aFailureIsOneLineNamingTheYearlyAverageAndTheWaitIsBounded(int status, String body, String what) throws Exception {
        ElectricityMaps em = electricityMaps(Duration.ofMillis(300));
        IntensityLedger l = new IntensityLedger(em, YEARLY, 0, Instant.EPOCH, log);
        api.answer("/v3/carbon-intensity/", status, body);
        em.start();
        long until = System.nanoTime() + 10 * S;
        while (!lines().contains("carbon intensity (electricitymaps): ") && System.nanoTime() < until) {
            Thread.sleep(5); // the periodic read's failure, on the provider's thread
        }
        samples(l, 20, 0, 30);
        long t0 = System.nanoTime();
        l.finish(Duration.ofMillis(400));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(ms < 1500, ms + " ms at the end");
        em.close();
        String out = lines();
        assertTrue(count(out, what) >= 1, out);
        assertEquals(1, count(out, "carbon intensity (electricitymaps): " + what), out);
        assertTrue(out.contains("using the yearly average 100.0 gCO2eq/kWh (DE)"), out);
        assertEquals(100.0, l.meanGramsPerKwh());
        @SuppressWarnings("unchecked")
        Map<String, Object> share = (Map<String, Object>) l.section(1, 1, 1).get("energy_share");
        assertEquals(Map.of("yearly-average", 1.0), share);
        assertTrue(!out.contains(TOKEN));
    }

    @Test
    void afterAGoodValueAFailureKeepsItAndSaysSo() throws Exception {
        ElectricityMaps em = electricityMaps(Duration.ofSeconds(2));
        IntensityLedger l = new IntensityLedger(em, YEARLY, 0, Instant.EPOCH, log);
        api.answer("/v3/carbon-intensity/latest", 200, emPoint(300, "1969-12-31T23:00:00.000Z"));
        em.read();
        samples(l, 10, 0, 5);
        api.answer("/v3/carbon-intensity/latest", 500, "{}");
        api.answer("/v3/carbon-intensity/history", 500, "{}");
        clock.set(Instant.ofEpochSecond(5));
        try {
            em.read();
        } catch (BackgroundProvider.ProviderException e) {
            em.problem(e.kind(), e.getMessage());
        }
        samples(l, 10, 6, 10);
        l.finish(Duration.ofSeconds(2));
        String out = lines();
        assertEquals(1, count(out, "HTTP 500"), out);
        assertTrue(out.contains("using the last good value 300.0 gCO2eq/kWh"), out);
        assertEquals(300.0, l.meanGramsPerKwh());
        @SuppressWarnings("unchecked")
        Map<String, Object> share = (Map<String, Object>) l.section(1, 1, 1).get("energy_share");
        // Read at 0 s: every interval after it waited for a read that never came.
        assertEquals(Map.of("electricitymaps (last good value)", 1.0), share);
        assertNotNull(l.section(1, 1, 1).get("problems"));
    }

    static String ukSlot(String from, String to, Integer forecast, Integer actual) {
        return "{\"from\":\"" + from + "\",\"to\":\"" + to + "\",\"intensity\":{\"forecast\":" + forecast
                + (actual == null ? "" : ",\"actual\":" + actual) + ",\"index\":\"moderate\"}}";
    }

    @Test
    void ukGridNationalUsesTheActualValueAndReadsTheForecast() throws Exception {
        api = new FakeApi();
        UkGrid uk = new UkGrid(api.url(), null, Duration.ofMinutes(15), Duration.ofSeconds(2), log, YEARLY, clock);
        clock.set(Instant.parse("2026-03-01T14:10:00Z"));
        api.answer("/intensity?", 200, "");
        api.answer("/intensity", 200, "{\"data\":[" + ukSlot("2026-03-01T14:00Z", "2026-03-01T14:30Z", 266, 263) + "]}");
        StringBuilder fw = new StringBuilder("{\"data\":[");
        for (int i = 0; i < 48; i++) {
            Instant a = Instant.parse("2026-03-01T14:00:00Z").plusSeconds(1800L * i);
            fw.append(i == 0 ? "" : ",").append(ukSlot(min(a), min(a.plusSeconds(1800)), 100 + (i % 12) * 10, null));
        }
        api.answer("/intensity/2026-03-01T14:10Z/fw24h", 200, fw.append("]}").toString());
        uk.read();
        assertEquals(263.0, uk.series().at(Instant.parse("2026-03-01T14:20:00Z")));
        assertEquals(Instant.parse("2026-03-01T14:10:00Z"), uk.knownUntil());
        assertEquals(48, uk.forecast().size());
        assertEquals(210.0, uk.forecast().at(Instant.parse("2026-03-01T19:35:00Z")));
    }

    @Test
    void ukGridRegionalReadsTheRegionsForecastSlots() throws Exception {
        api = new FakeApi();
        UkGrid uk = new UkGrid(api.url(), 13, Duration.ofMinutes(15), Duration.ofSeconds(2), log, YEARLY, clock);
        clock.set(Instant.parse("2026-03-01T14:10:00Z"));
        api.answer("/regional/regionid/13", 200, "{\"data\":[{\"regionid\":13,\"dnoregion\":\"UKPN London\","
                + "\"shortname\":\"London\",\"data\":[" + ukSlot("2026-03-01T14:00Z", "2026-03-01T14:30Z", 190, null)
                .replace("}}", "},\"generationmix\":[{\"fuel\":\"gas\",\"perc\":40.1},{\"fuel\":\"wind\",\"perc\":30}]}")
                + "]}]}");
        api.answer("/regional/intensity/2026-03-01T14:10Z/fw24h/regionid/13", 200, "{\"data\":{\"regionid\":13,"
                + "\"shortname\":\"London\",\"data\":[" + ukSlot("2026-03-01T14:00Z", "2026-03-01T14:30Z", 190, null) + ","
                + ukSlot("2026-03-01T14:30Z", "2026-03-01T15:00Z", 120, null) + "]}}");
        uk.read();
        assertEquals(190.0, uk.series().at(Instant.parse("2026-03-01T14:20:00Z")));
        assertEquals(2, uk.forecast().size());
        assertEquals(List.of("/regional/regionid/13", "/regional/intensity/2026-03-01T14:10Z/fw24h/regionid/13"),
                api.requests.stream().map(FakeApi.Request::pathAndQuery).toList());
    }

    private static String min(Instant t) {
        return t.toString().substring(0, 16) + "Z";
    }
}
