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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The live sources at their edges, against a local fake API: the values kept (0 to 5000 gCO2eq/kWh, the bounds
 * themselves kept and one step beyond each dropped), how deep in an answer a GB slot is looked for, the GB end read's
 * window, and the lines of the failures at the end (each kind once, a server that hangs past the end's budget).
 */
class LiveSourceEdgeTest {

    static final GridIntensity YEARLY = LiveIntensityTest.YEARLY;

    final ByteArrayOutputStream err = new ByteArrayOutputStream();
    final Log log = new Log(new PrintStream(err, true, StandardCharsets.UTF_8), Log.Level.INFO);
    final TestClock clock = new TestClock(Instant.parse("2026-03-01T14:10:00Z"));
    FakeApi api;

    @AfterEach
    void close() {
        if (api != null) {
            api.close();
        }
    }

    private String lines() {
        return err.toString(StandardCharsets.UTF_8);
    }

    private static long count(String s, String part) {
        return s.lines().filter(l -> l.contains(part)).count();
    }

    private static List<String> points(IntensitySeries s) {
        List<String> out = new ArrayList<>();
        for (Map.Entry<Instant, Double> p : s.points()) {
            out.add(p.getKey() + "=" + p.getValue());
        }
        return out;
    }

    /** A GB slot whose actual value (a JSON number, or {@code null}) is {@code actual}. */
    static String ukSlot(String from, String forecast, String actual) {
        return "{\"from\":\"" + from + "\",\"to\":\"" + from + "\",\"intensity\":{\"forecast\":" + forecast
                + ",\"actual\":" + actual + ",\"index\":\"low\"}}";
    }

    private UkGrid ukGrid(Integer region) throws Exception {
        api = new FakeApi();
        return new UkGrid(api.url(), region, Duration.ofMinutes(15), Duration.ofSeconds(2), log, YEARLY, clock);
    }

    @Test
    void ukGridKeepsZeroAndFiveThousandAndDropsOneStepBeyondEither() throws Exception {
        UkGrid uk = ukGrid(null);
        api.answer("/intensity", 200, "{\"data\":["
                + ukSlot("2026-03-01T13:00Z", "90", "0") + ","
                + ukSlot("2026-03-01T13:30Z", "90", "5000") + ","
                + ukSlot("2026-03-01T14:00Z", "90", "-0.1") + ","
                + ukSlot("2026-03-01T14:30Z", "90", "5000.1") + ","
                + ukSlot("2026-03-01T15:00Z", "77", "null") + "]}");
        uk.read();
        // An actual value out of bounds drops the slot (the forecast is used only where there is no actual value).
        assertEquals(List.of("2026-03-01T13:00:00Z=0.0", "2026-03-01T13:30:00Z=5000.0", "2026-03-01T15:00:00Z=77.0"),
                points(uk.series()));
        assertEquals("ukgrid", uk.name());
    }

    /** {@code slot} inside {@code depth} arrays, or inside {@code depth} objects' {@code data} fields. */
    private static String nested(String slot, int depth, boolean arrays) {
        String s = slot;
        for (int i = 0; i < depth; i++) {
            s = arrays ? "[" + s + "]" : "{\"data\":" + s + "}";
        }
        return s;
    }

    /**
     * The answer's {@code data} is searched for slots down to 4 levels below it (arrays or {@code data} fields; the
     * regional answers use 3): a slot 4 levels down is read, one 5 levels down is not, and the read says so.
     */
    @ParameterizedTest
    @CsvSource({"true, 4, true", "true, 5, false", "false, 4, true", "false, 5, false"})
    void aSlotIsLookedForFourLevelsDeepAndNoDeeper(boolean arrays, int depth, boolean found) throws Exception {
        UkGrid uk = ukGrid(null);
        api.answer("/intensity", 200, "{\"data\":" + nested(ukSlot("2026-03-01T14:00Z", "90", "123"), depth, arrays) + "}");
        if (found) {
            uk.read();
            assertEquals(List.of("2026-03-01T14:00:00Z=123.0"), points(uk.series()));
        } else {
            BackgroundProvider.ProviderException e = assertThrows(BackgroundProvider.ProviderException.class, uk::read);
            assertEquals("no intensity slot in the answer of " + api.url() + "/intensity", e.getMessage());
            assertEquals(List.of(), points(uk.series()));
        }
    }

    private static String minutes(Instant t) {
        return t.toString().substring(0, 16) + "Z";
    }

    /**
     * At the end, GB asks for the slots from the last read less an hour (or, never read, from a day before the end)
     * to half an hour after the end, to the minute, and keeps them; national and regional paths.
     */
    @ParameterizedTest
    @CsvSource({"true,", "false,", "true, 13", "false, 13"})
    void ukGridsEndReadAsksFromTheLastReadOrADayBeforeToHalfAnHourAfter(boolean readBefore, Integer region)
            throws Exception {
        UkGrid uk = ukGrid(region);
        String slots = "{\"data\":[" + ukSlot("2026-03-01T14:00Z", "90", "210") + "," + ukSlot("2026-03-01T14:30Z", "90",
                "190") + "]}";
        api.answer("/", 200, slots);
        Instant read = clock.instant();
        if (readBefore) {
            uk.read();
        }
        api.requests.clear();
        Instant runEnd = Instant.parse("2026-03-01T15:07:42.5Z");
        Instant asked = Instant.parse("2026-03-01T15:08:00Z");
        clock.set(asked);
        uk.readToEnd(runEnd);
        Instant since = readBefore ? read.minus(Duration.ofHours(1)) : runEnd.minus(Duration.ofHours(24));
        String window = minutes(since) + "/" + minutes(runEnd.plus(Duration.ofMinutes(30)));
        String path = region == null ? "/intensity/" + window : "/regional/intensity/" + window + "/regionid/" + region;
        assertEquals(List.of(path), api.requests.stream().map(FakeApi.Request::pathAndQuery).toList());
        assertEquals(List.of("2026-03-01T14:00:00Z=210.0", "2026-03-01T14:30:00Z=190.0"), points(uk.series()));
        assertEquals(asked, uk.knownUntil());
    }

    private ElectricityMaps electricityMaps(Duration timeout) throws Exception {
        api = new FakeApi();
        return new ElectricityMaps(api.url(), "DE", "tok", Duration.ofMinutes(15), timeout, log, YEARLY, clock);
    }

    @ParameterizedTest
    @CsvSource({"0, true", "5000, true", "-0.1, false", "5000.1, false"})
    void electricityMapsKeepsZeroToFiveThousand(double g, boolean kept) throws Exception {
        ElectricityMaps em = electricityMaps(Duration.ofSeconds(2));
        api.answer("/carbon-intensity/latest", 200, LiveIntensityTest.emPoint(g, "2026-03-01T14:00:00.000Z"));
        if (kept) {
            em.read();
            assertEquals(List.of("2026-03-01T14:00:00Z=" + g), points(em.series()));
            assertEquals(clock.instant(), em.knownUntil());
        } else {
            BackgroundProvider.ProviderException e = assertThrows(BackgroundProvider.ProviderException.class, em::read);
            assertEquals("no carbonIntensity and datetime in the answer of " + api.url() + "/carbon-intensity/latest",
                    e.getMessage());
            assertEquals(List.of(), points(em.series()));
            assertEquals(Instant.MIN, em.knownUntil());
        }
    }

    @Test
    void electricityMapsHistoryKeepsTheValuesInBoundsOnly() throws Exception {
        ElectricityMaps em = electricityMaps(Duration.ofSeconds(2));
        api.answer("/carbon-intensity/history", 200, "{\"zone\":\"DE\",\"history\":["
                + LiveIntensityTest.emPoint(0, "2026-03-01T11:00:00.000Z") + ","
                + LiveIntensityTest.emPoint(-0.1, "2026-03-01T12:00:00.000Z") + ","
                + LiveIntensityTest.emPoint(5000, "2026-03-01T13:00:00.000Z") + ","
                + LiveIntensityTest.emPoint(5000.1, "2026-03-01T14:00:00.000Z") + "]}");
        em.readToEnd(clock.instant());
        assertEquals(List.of("2026-03-01T11:00:00Z=0.0", "2026-03-01T13:00:00Z=5000.0"), points(em.series()));
        assertEquals("Electricity Maps, zone DE", em.description());
    }

    /** Each kind of failure at the end is one line, once: a second kind has its own line, a repeat none. */
    @Test
    void eachKindOfFailureAtTheEndIsItsOwnLineOnce() throws Exception {
        ElectricityMaps em = electricityMaps(Duration.ofSeconds(2));
        api.answer("/carbon-intensity/history", 500, "{}");
        em.finish(clock.instant(), Duration.ofSeconds(5));
        api.answer("/carbon-intensity/history", 200, "{\"zone\":");
        em.finish(clock.instant(), Duration.ofSeconds(5));
        api.answer("/carbon-intensity/history", 503, "{}");
        em.finish(clock.instant(), Duration.ofSeconds(5));
        api.answer("/carbon-intensity/history", 500, "{}");
        em.finish(clock.instant(), Duration.ofSeconds(5));
        String out = lines();
        String url = api.url() + "/carbon-intensity/history?zone=DE";
        String instead = "; using the yearly average " + YEARLY.gramsPerKwh() + " gCO2eq/kWh (" + YEARLY.region() + ")";
        assertEquals(List.of(
                "[mlco2] WARN: carbon intensity (electricitymaps): HTTP 500 from " + url + " (the service failed)" + instead,
                "[mlco2] WARN: carbon intensity (electricitymaps): not valid JSON from " + url + instead,
                "[mlco2] WARN: carbon intensity (electricitymaps): HTTP 503 from " + url + " (the service failed)" + instead),
                out.lines().toList(), out);
        assertEquals(List.of("HTTP 500 from " + url + " (the service failed)", "not valid JSON from " + url,
                "HTTP 503 from " + url + " (the service failed)"), em.problems());
    }

    @Test
    void aServerThatHangsPastTheEndsBudgetIsOneLineNamingTheBudget() throws Exception {
        ElectricityMaps em = electricityMaps(Duration.ofSeconds(20));
        api.answer("/carbon-intensity/history", FakeApi.HANG, "");
        long t0 = System.nanoTime();
        em.finish(clock.instant(), Duration.ofMillis(300));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(ms < 5_000, ms + " ms");
        String what = "no answer within 300 ms at the end of the run";
        assertEquals(1, count(lines(), "carbon intensity (electricitymaps): " + what + "; using the yearly average "
                + YEARLY.gramsPerKwh() + " gCO2eq/kWh (DE)"), lines());
        assertEquals(List.of(what), em.problems());
    }

    /** The summary keeps ten distinct problems at most, each once, the first ones met. */
    @Test
    void tenDistinctProblemsAreKeptEachOnce() throws Exception {
        ElectricityMaps em = electricityMaps(Duration.ofSeconds(2));
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < BackgroundProvider.MAX_PROBLEMS + 2; i++) {
            em.problem("k" + i, "problem " + i);
            em.problem("k" + i, "problem " + i);
            if (i < BackgroundProvider.MAX_PROBLEMS) {
                expected.add("problem " + i);
            }
        }
        assertEquals(expected, em.problems());
    }
}
