package io.mlco2.tracker.config;

import io.mlco2.tracker.base.Log;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConfigTest {

    final ByteArrayOutputStream err = new ByteArrayOutputStream();
    final Log log = new Log(new PrintStream(err, true, StandardCharsets.UTF_8), Log.Level.DEBUG);

    String output() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void defaultsApplyWhenNothingIsSet() {
        Config c = Config.load(null, Map.of(), Map.of(), log);
        assertEquals(Duration.ofSeconds(1), c.get(Config.INTERVAL));
        assertEquals(1.0, c.get(Config.PUE));
        assertEquals("mlco2-reports", c.get(Config.OUTPUT_DIR));
        assertNull(c.get(Config.REGION));
        assertEquals("default", c.sourceOf(Config.PUE));
        assertEquals("", output());
    }

    @Test
    void agentArgumentsBeatSystemPropertiesBeatEnvironmentBeatFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("mlco2.properties");
        Files.writeString(file, "mlco2.region=DE\nmlco2.pue=1.5\nmlco2.project-name=from-file\nmlco2.experiment-id=file-exp\n");
        Config c = Config.load("region=FR;mlco2.config-file=" + file,
                Map.of("mlco2.region", "IT", "mlco2.pue", "1.3", "java.version", "17"),
                Map.of("MLCO2_REGION", "ES", "MLCO2_PUE", "1.4", "MLCO2_PROJECT_NAME", "from-env", "PATH", "/bin"),
                log);
        assertEquals("FR", c.get(Config.REGION));
        assertEquals(1.3, c.get(Config.PUE));
        assertEquals("from-env", c.get(Config.PROJECT_NAME));
        assertEquals("file-exp", c.get(Config.EXPERIMENT_ID));
        assertEquals("agent argument", c.sourceOf(Config.REGION));
        assertEquals("system property -Dmlco2.pue", c.sourceOf(Config.PUE));
        assertEquals("environment MLCO2_PROJECT_NAME", c.sourceOf(Config.PROJECT_NAME));
        assertTrue(c.sourceOf(Config.EXPERIMENT_ID).startsWith("file "));
    }

    @Test
    void aValueMayHoldEqualsAndCommas() {
        Config c = Config.load("mlco2.metrics.otlp.endpoint=http://h:4318/v1/metrics?a=b,c;gpu.ids=0,GPU-abc", Map.of(), Map.of(), log);
        assertEquals("http://h:4318/v1/metrics?a=b,c", c.get(Config.OTLP_ENDPOINT));
        assertEquals(List.of("0", "GPU-abc"), c.get(Config.GPU_IDS));
    }

    @Test
    void aBadValueIsOneLineNamingKeyValueAndWhatIsAcceptedAndTheDefaultIsUsed() {
        Config c = Config.load("interval=-1;pue=abc;mlco2.tracking-mode=gpu", Map.of(), Map.of(), log);
        assertEquals(Duration.ofSeconds(1), c.get(Config.INTERVAL));
        assertEquals(1.0, c.get(Config.PUE));
        assertEquals("machine", c.get(Config.TRACKING_MODE));
        String out = output();
        assertEquals(3, out.lines().count(), out);
        assertTrue(out.contains("mlco2.interval=-1 (agent argument) is not valid: accepted a duration from 10ms to 24h"), out);
        assertTrue(out.contains("using the default 1s"), out);
        assertTrue(out.contains("mlco2.pue=abc") && out.contains("accepted a number between 1.0 and 10.0"), out);
        assertTrue(out.contains("mlco2.tracking-mode=gpu") && out.contains("machine or process"), out);
    }

    @Test
    void wattsPerVcpuIsTwoNumbersIdleThenFullAndAnythingElseIsOneLine() {
        Config ok = Config.load("cpu.watts-per-vcpu=0.7, 4.1;cloud.instance-type=c5.2xlarge", Map.of(), Map.of(), log);
        assertEquals(List.of(0.7, 4.1), ok.get(Config.CPU_WATTS_PER_VCPU));
        assertEquals("c5.2xlarge", ok.get(Config.CLOUD_INSTANCE_TYPE));
        assertEquals(List.of(3.0, 3.0), Config.load("cpu.watts-per-vcpu=3,3", Map.of(), Map.of(), log).get(Config.CPU_WATTS_PER_VCPU));
        assertEquals("", output());
        for (String bad : List.of("4", "4,1", "1,2,3", "a,2", "-1,2", "1,101", "1,")) {
            err.reset();
            Config c = Config.load("cpu.watts-per-vcpu=" + bad, Map.of(), Map.of(), log);
            assertNull(c.get(Config.CPU_WATTS_PER_VCPU), bad);
            String out = output();
            assertEquals(1, out.lines().count(), out);
            assertTrue(out.contains("mlco2.cpu.watts-per-vcpu=" + bad + " (agent argument) is not valid: accepted two "
                    + "numbers of watts from 0 to 100, idle then full load (0.7,4.1)"), out);
        }
    }

    @Test
    void unknownKeysAndMalformedPartsAreNamedAndIgnored() {
        Config c = Config.load("regoin=FR;justtext;;pue=1.1", Map.of("mlco2.bogus", "1"), Map.of("MLCO2_NOPE", "x"), log);
        assertEquals(1.1, c.get(Config.PUE));
        String out = output();
        assertTrue(out.contains("unknown key mlco2.regoin"), out);
        assertTrue(out.contains("agent argument 'justtext' ignored"), out);
        assertTrue(out.contains("unknown key mlco2.bogus"), out);
        assertTrue(out.contains("unknown environment variable MLCO2_NOPE"), out);
    }

    @Test
    void anUnreadableConfigFileIsOneLineNotFatal(@TempDir Path dir) {
        Config c = Config.load("config-file=" + dir.resolve("missing.properties") + ";pue=1.2", Map.of(), Map.of(), log);
        assertEquals(1.2, c.get(Config.PUE));
        assertTrue(output().contains("mlco2.config-file=" + dir.resolve("missing.properties") + ": no such file"), output());
    }

    /**
     * docs/RELIABILITY.md, "configuration file": before the size cap, {@code /dev/zero} was read until the heap was
     * full and a FIFO held the start-up until a writer came; each is now one line and the other keys still apply.
     */
    @Test
    void aConfigFileThatIsNoRegularFileOrTooLargeIsOneLine(@TempDir Path dir) throws Exception {
        Path big = dir.resolve("big.properties");
        byte[] noNewline = new byte[Config.MAX_CONFIG_FILE_BYTES + 1];
        java.util.Arrays.fill(noNewline, (byte) 'a');
        Files.write(big, noNewline);
        Path fifo = dir.resolve("fifo");
        boolean haveFifo = new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor() == 0;
        List<String> files = new java.util.ArrayList<>(List.of(big.toString(), dir.toString()));
        if (Files.exists(Path.of("/dev/zero"))) {
            files.add("/dev/zero");
        }
        if (haveFifo) {
            files.add(fifo.toString());
        }
        for (String f : files) {
            err.reset();
            Config c = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(Duration.ofSeconds(30),
                    () -> Config.load("config-file=" + f + ";pue=1.3", Map.of(), Map.of(), log), f);
            assertEquals(1.3, c.get(Config.PUE), f);
            String out = output();
            assertEquals(1, out.lines().count(), out);
            assertTrue(out.contains("mlco2.config-file=" + f + ": "), out);
            assertTrue(out.contains("accepted: a regular Java properties file of at most " + Config.MAX_CONFIG_FILE_BYTES
                    + " bytes"), out);
        }
        // At the cap exactly, the file is read.
        Path atCap = dir.resolve("cap.properties");
        byte[] padded = new byte[Config.MAX_CONFIG_FILE_BYTES];
        java.util.Arrays.fill(padded, (byte) ' ');
        byte[] line = "\npue=1.4\n".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        System.arraycopy(line, 0, padded, padded.length - line.length, line.length);
        Files.write(atCap, padded);
        assertEquals(1.4, Config.load("config-file=" + atCap, Map.of(), Map.of(), log).get(Config.PUE));
    }

    @Test
    void booleansNumbersAndRangesAcceptTheirWordsAndInclusiveBounds() {
        var bool = Parsers.bool();
        for (String yes : List.of("true", "YES", " on ", "1")) {
            assertEquals(Boolean.TRUE, bool.apply(yes), yes);
        }
        for (String no : List.of("false", "No", "off", "0")) {
            assertEquals(Boolean.FALSE, bool.apply(no), no);
        }
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> bool.apply("maybe"));
        var share = Parsers.doubleIn(0.5, 2.0);
        assertEquals(0.5, share.apply("0.5"), "the lower bound is accepted");
        assertEquals(2.0, share.apply("2"), "the upper bound is accepted");
        for (String out : List.of("0.4999", "2.0001", "NaN")) {
            org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> share.apply(out), out);
        }
        var count = Parsers.intIn(1, 10);
        assertEquals(1, count.apply("1"));
        assertEquals(10, count.apply(" 10 "));
        assertEquals(7, count.apply("7"));
        for (String out : List.of("0", "11")) {
            org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> count.apply(out), out);
        }
        assertEquals(List.of("a", "b"), Parsers.list().apply(" a, ,b ,"));
        assertEquals(List.of(0.7, 4.1), Parsers.range(0, 10).apply("0.7,4.1"));
        assertEquals("cpu", Parsers.oneOf("cpu", "gpu").apply(" CPU "));
    }

    @Test
    void durationsAreWrittenInTheirLargestWholeUnit() {
        assertEquals("2h", Parsers.format(Duration.ofHours(2)));
        assertEquals("90m", Parsers.format(Duration.ofMinutes(90)));
        assertEquals("61s", Parsers.format(Duration.ofSeconds(61)));
        assertEquals("1500ms", Parsers.format(Duration.ofMillis(1500)));
        assertEquals("250ms", Parsers.format(Duration.ofMillis(250)));
    }

    @Test
    void durationsAcceptUnitsAndBareSeconds() {
        var p = Parsers.duration(Duration.ofMillis(10));
        assertEquals(Duration.ofMillis(500), p.apply("500ms"));
        assertEquals(Duration.ofSeconds(2), p.apply("2"));
        assertEquals(Duration.ofMinutes(3), p.apply("3m"));
        assertEquals(Duration.ofMillis(1500), p.apply("1.5s"));
        assertEquals(Duration.ofHours(24), p.apply("24h"));
        assertEquals(Duration.ofHours(24), p.apply("1440m"));
        for (String tooLong : List.of("24.001h", "1441m", "86401", "99999999999999999999h")) {
            IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                    () -> p.apply(tooLong), tooLong);
            assertEquals("above the maximum 24h", e.getMessage());
        }
        for (String bad : List.of("-1", "abc", "1x", "5ms", "")) {
            boolean threw = false;
            try {
                p.apply(bad);
            } catch (IllegalArgumentException e) {
                threw = true;
            }
            assertTrue(threw, bad);
        }
    }

    /** The regular expression durations were read with, and what it gave. */
    private static Duration byRegex(String text, Duration min) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h)?")
                .matcher(text.trim().toLowerCase(java.util.Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException("not a duration");
        }
        double n = Double.parseDouble(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        double nanos = switch (unit) {
            case "ms" -> n * 1e6;
            case "s" -> n * 1e9;
            case "m" -> n * 60e9;
            default -> n * 3600e9;
        };
        if (!(nanos <= 24 * 3600e9)) { // the cap the regex did not have: at most a day
            throw new IllegalArgumentException("above the maximum");
        }
        Duration d = Duration.ofNanos((long) nanos);
        if (d.compareTo(min) < 0) {
            throw new IllegalArgumentException("below the minimum");
        }
        return d;
    }

    @Test
    void durationsAreReadAsTheRegularExpressionReadThem() {
        Duration min = Duration.ofMillis(10);
        var p = Parsers.duration(min);
        List<String> inputs = new java.util.ArrayList<>(List.of("1s", " 2 M ", "1.5h", "1.s", ".5s", "1..5s", "10 ms",
                "10\tms", "3\u00A0s", "1 s s", "1e3", "0x10", "١s", "5MS", "+1s", "1,5s", "\n7\n", "1.25", "m", ""));
        java.util.Random r = new java.util.Random(42);
        String alphabet = "0123456789.. \t\u000Bsmhx-";
        for (int i = 0; i < 20_000; i++) {
            StringBuilder b = new StringBuilder();
            for (int n = r.nextInt(7); n > 0; n--) {
                b.append(alphabet.charAt(r.nextInt(alphabet.length())));
            }
            inputs.add(b.toString());
        }
        int accepted = 0;
        for (String in : inputs) {
            Object expected;
            try {
                expected = byRegex(in, min);
                accepted++;
            } catch (IllegalArgumentException | ArithmeticException e) {
                expected = "rejected";
            }
            Object actual;
            try {
                actual = p.apply(in);
            } catch (IllegalArgumentException | ArithmeticException e) {
                actual = "rejected";
            }
            assertEquals(expected, actual, "'" + in + "'");
        }
        assertTrue(accepted > 1000, "the random inputs include many valid durations: " + accepted);
    }

    @Test
    void everyKeyHasAnEnvironmentNameAndAValidDefault() {
        for (Key<?> k : Config.keys()) {
            assertTrue(k.envName().matches("MLCO2_[A-Z0-9_]+"), k.envName());
            if (k.defaultText() != null) {
                k.defaultValue();
            }
            assertFalse(k.description().isEmpty());
        }
    }
}
