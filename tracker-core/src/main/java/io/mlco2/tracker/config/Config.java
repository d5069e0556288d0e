package io.mlco2.tracker.config;

import io.mlco2.tracker.base.Log;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * The agent's configuration: every key, its accepted values and default, and where values come from.
 *
 * <h2>Precedence (highest first)</h2>
 * <ol>
 *   <li>agent arguments: {@code -javaagent:mlco2-agent.jar=mlco2.region=FR;mlco2.pue=1.2} (keys separated by
 *       {@code ;}, the {@code mlco2.} prefix optional, a value may hold {@code =} and {@code ,});</li>
 *   <li>system properties: {@code -Dmlco2.region=FR};</li>
 *   <li>environment variables: the key upper-cased with {@code .} and {@code -} turned into {@code _}
 *       ({@code MLCO2_REGION}, {@code MLCO2_OUTPUT_DIR});</li>
 *   <li>the properties file named by {@code mlco2.config-file} (itself set by any of the above);</li>
 *   <li>the defaults below.</li>
 * </ol>
 *
 * <p>A value that does not parse is one warning naming the key, the value and what is accepted; that key then
 * takes its default and everything else goes on. An unknown {@code mlco2.*} key is one warning. Nothing here
 * throws to the caller. Immutable and thread safe once loaded.
 */
public final class Config {

    private static final List<Key<?>> KEYS = new ArrayList<>();
    /** Keys whose values are never shown (before the keys: they register here as they are made). */
    private static final java.util.Set<String> SECRETS = new java.util.HashSet<>();

    public static final Key<String> CONFIG_FILE = key("mlco2.config-file", Parsers.string(),
            "a path to a Java properties file", null, "Properties file read after the environment.");
    public static final Key<Boolean> ENABLED = key("mlco2.enabled", Parsers.bool(),
            "true or false", "true", "false turns the agent off (no thread, no file).");
    public static final Key<String> PROJECT_NAME = key("mlco2.project-name", Parsers.string(),
            "any non-empty text", "mlco2", "project_name column of emissions.csv.");
    public static final Key<String> EXPERIMENT_ID = key("mlco2.experiment-id", Parsers.string(),
            "any non-empty text", null, "experiment_id column of emissions.csv.");
    public static final Key<String> RUN_ID = key("mlco2.run-id", Parsers.string(),
            "any non-empty text", null, "Run id (default: on a Spark executor its application id, else a random UUID); nodes with one run id are one run.");
    public static final Key<String> OUTPUT_DIR = key("mlco2.output.dir", Parsers.string(),
            "a directory path", "mlco2-reports", "Where reports are written (created if missing).");
    public static final Key<Duration> INTERVAL = key("mlco2.interval", Parsers.duration(Duration.ofMillis(10)),
            "a duration from 10ms to 24h such as 500ms, 1s, 2m (a bare number is seconds)", "1s", "Sampling interval.");
    public static final Key<String> REGION = key("mlco2.region", Parsers.string(),
            "a country (FR, FRA, France), a zone (US-CA, CA-QC, SE3) or a cloud region (aws:us-east-1, gcp:europe-west1, azure:canadaeast)",
            null, "Where the electricity comes from (default: the world average).");
    public static final Key<Double> CARBON_INTENSITY = key("mlco2.carbon-intensity", Parsers.doubleIn(0, 5000),
            "a number of gCO2eq/kWh between 0 and 5000", null, "Overrides the region's grid carbon intensity.");
    public static final Key<String> CARBON_INTENSITY_SOURCE = key("mlco2.carbon-intensity.source",
            Parsers.oneOf("yearly-average", "file", "electricitymaps", "ukgrid"),
            "yearly-average, file, electricitymaps or ukgrid", "yearly-average",
            "Where the intensity over time comes from (default: the region's yearly average, no network); see README.");
    public static final Key<String> CARBON_INTENSITY_FILE = key("mlco2.carbon-intensity.file", Parsers.string(),
            "a path to a CSV of timestamp,g_per_kwh rows", null, "The file of source=file.");
    public static final Key<String> CARBON_INTENSITY_ZONE = key("mlco2.carbon-intensity.zone", Parsers.string(),
            "an Electricity Maps zone (DE, US-CAL-CISO); for ukgrid national or a region id 1-17", null,
            "Zone of a live source (default: electricitymaps the region, ukgrid national).");
    public static final Key<String> CARBON_INTENSITY_TOKEN = secret(key("mlco2.carbon-intensity.token", Parsers.string(),
            "an Electricity Maps API token", null, "Sent in the auth-token header only; never written in a report or log."));
    public static final Key<Duration> CARBON_INTENSITY_REFRESH = key("mlco2.carbon-intensity.refresh",
            Parsers.duration(Duration.ofMinutes(1)), "a duration from 1m to 24h", "15m",
            "How often a live source is asked for the latest value.");
    public static final Key<String> CARBON_INTENSITY_URL = key("mlco2.carbon-intensity.url", Parsers.string(),
            "an http(s) URL", null, "Base URL of the live source's API (default: its public one).");
    public static final Key<Double> PUE = key("mlco2.pue", Parsers.doubleIn(1.0, 10.0),
            "a number between 1.0 and 10.0", "1.0", "Power usage effectiveness multiplied into emissions.");
    public static final Key<String> TRACKING_MODE = key("mlco2.tracking-mode", Parsers.oneOf("machine", "process"),
            "machine or process", "machine",
            "The whole machine's energy (one JVM per run and host counts it), or always this JVM's share.");
    public static final Key<String> HOST_LEASE_DIR = key("mlco2.host.lease-dir", Parsers.string(),
            "a directory path on this host's local disk", null,
            "Where the JVMs of one run on a host elect the one that counts the machine (default: /tmp/mlco2-<user name>).");
    public static final Key<Double> CPU_TDP_WATTS = key("mlco2.cpu.tdp-watts", Parsers.doubleIn(1, 2000),
            "a number of watts between 1 and 2000", null, "CPU TDP for the load model (default: from the bundled table).");
    public static final Key<List<Double>> CPU_WATTS_PER_VCPU = key("mlco2.cpu.watts-per-vcpu", Parsers.range(0, 100),
            "two numbers of watts from 0 to 100, idle then full load (0.7,4.1)", null,
            "Per-vCPU CPU power at idle and at full load for the load model (default: from the bundled data).");
    public static final Key<String> CLOUD_INSTANCE_TYPE = key("mlco2.cloud.instance-type", Parsers.string(),
            "an EC2 instance type such as c5.2xlarge", null,
            "The cloud instance type, where DMI does not show it (default: DMI product_name on EC2).");
    public static final Key<String> RAPL_ROOT = key("mlco2.rapl.root", Parsers.string(),
            "a directory path", "/sys/class/powercap", "Root of the Linux powercap tree (RAPL).");
    public static final Key<List<String>> GPU_IDS = key("mlco2.gpu.ids", Parsers.list(),
            "comma-separated GPU indices or UUIDs (0,1 or GPU-8f3c...)", null, "GPUs to track (default: all visible).");
    public static final Key<Duration> GPU_COUNTER_INTERVAL = key("mlco2.gpu.counter-interval",
            Parsers.duration(Duration.ofMillis(100)), "a duration from 100ms to 24h", "1s",
            "How often the slow NVML energy counter is read (power is read every sample).");
    public static final Key<String> NVML_LIBRARY = key("mlco2.nvml.library", Parsers.string(),
            "comma-separated paths to libnvidia-ml.so.1", null, "Where NVML is, when not in the usual places.");
    public static final Key<Duration> FLUSH_INTERVAL = key("mlco2.flush-interval", Parsers.duration(Duration.ofMillis(100)),
            "a duration from 100ms to 24h", "1s",
            "Most time-series data a SIGKILL or Runtime.halt can lose.");
    public static final Key<Boolean> HTML_REPORT = key("mlco2.report.html", Parsers.bool(),
            "true or false", "true", "Write <run_id>.<node_id>.html at exit.");
    public static final Key<Integer> PROMETHEUS_PORT = key("mlco2.metrics.prometheus.port", Parsers.intIn(0, 65535),
            "a port number 0-65535 (0: any free port)", null, "Starts a Prometheus /metrics endpoint (off by default).");
    public static final Key<String> PROMETHEUS_HOST = key("mlco2.metrics.prometheus.host", Parsers.string(),
            "a host name or address to bind", "127.0.0.1", "Address the endpoint binds to.");
    public static final Key<String> PROMETHEUS_FILE_SD_DIR = key("mlco2.metrics.prometheus.file-sd-dir", Parsers.string(),
            "a directory path", null, "Starts the endpoint (on a free port unless the port is set) and writes its "
                    + "Prometheus file_sd target <run_id>.<node_id>.json there; deleted at exit.");
    public static final Key<String> PUSHGATEWAY_URL = key("mlco2.metrics.pushgateway.url", Parsers.string(),
            "an http(s) URL such as http://127.0.0.1:9091", null, "Pushes the meters to this Prometheus Pushgateway at exit (off by default).");
    public static final Key<String> OTLP_ENDPOINT = key("mlco2.metrics.otlp.endpoint", Parsers.string(),
            "an http(s) URL such as http://localhost:4318/v1/metrics", null, "Pushes OTLP metrics there (off by default).");
    public static final Key<Duration> OTLP_STEP = key("mlco2.metrics.otlp.step", Parsers.duration(Duration.ofSeconds(1)),
            "a duration from 1s to 24h", "10s", "OTLP push interval.");
    public static final Key<Integer> EPOCHS = key("mlco2.epochs", Parsers.intIn(1, 1_000_000),
            "a whole number >= 1", null, "Planned epochs, where the framework does not say.");
    public static final Key<Integer> PREDICT_AFTER_EPOCHS = key("mlco2.predict.after-epochs", Parsers.intIn(1, 1_000_000),
            "a whole number >= 1", "1", "Epochs measured before the total is forecast.");
    public static final Key<Double> BUDGET_KG = key("mlco2.budget.kg", Parsers.doubleIn(0, 1e9),
            "a number of kgCO2eq >= 0", null, "Warns when the forecast exceeds it (the job is never stopped).");
    public static final Key<Duration> PROGRESS = key("mlco2.progress", Parsers.duration(Duration.ofSeconds(1)),
            "a duration from 1s to 24h such as 30s or 5m", null,
            "Prints a one-line status this often: energy so far, power now, emissions, forecast (off by default).");
    public static final Key<String> LOG_LEVEL = key("mlco2.log.level", Parsers.oneOf("debug", "info", "warn", "error"),
            "debug, info, warn or error", "info", "Least severe line printed on stderr.");
    public static final Key<Duration> SHUTDOWN_TIMEOUT = key("mlco2.shutdown.timeout", Parsers.duration(Duration.ofMillis(100)),
            "a duration from 100ms to 24h", "5s", "Longest time the exit hook may take to write the reports.");

    private static <T> Key<T> key(String name, java.util.function.Function<String, T> parser, String accepted,
                                  String def, String description) {
        Key<T> k = new Key<>(name, parser, accepted, def, description);
        KEYS.add(k);
        return k;
    }

    /** A key whose value is never shown: reports and logs say only that it is set. */
    private static <T> Key<T> secret(Key<T> k) {
        SECRETS.add(k.name());
        return k;
    }

    /** What reports show for a secret key's value. */
    public static final String HIDDEN = "(set, not shown)";

    /** Every key, in documentation order. */
    public static List<Key<?>> keys() {
        return Collections.unmodifiableList(KEYS);
    }

    private final Map<String, Object> values;
    private final Map<String, String> sources;
    private final Map<String, String> texts;

    private final Map<String, String> shown;

    private Config(Map<String, Object> values, Map<String, String> sources, Map<String, String> texts) {
        this.values = values;
        this.sources = sources;
        this.texts = texts;
        Map<String, String> m = new LinkedHashMap<>(texts);
        for (String k : SECRETS) {
            if (m.containsKey(k)) {
                m.put(k, HIDDEN);
            }
        }
        this.shown = Collections.unmodifiableMap(m);
    }

    /** Whether a metrics export is configured: a Prometheus port or file_sd folder, an OTLP endpoint, a Pushgateway. */
    public boolean metricsEnabled() {
        return get(PROMETHEUS_PORT) != null || !blank(get(PROMETHEUS_FILE_SD_DIR)) || !blank(get(OTLP_ENDPOINT))
                || !blank(get(PUSHGATEWAY_URL));
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    /** The defaults alone. */
    public static Config defaults() {
        return load(null, Map.of(), Map.of(), new Log(new java.io.PrintStream(java.io.OutputStream.nullOutputStream()), Log.Level.ERROR));
    }

    /** Loads from this JVM's system properties and environment, with {@code agentArgs} on top. */
    public static Config load(String agentArgs, Log log) {
        Map<String, String> props = new LinkedHashMap<>();
        for (Map.Entry<Object, Object> e : System.getProperties().entrySet()) {
            props.put(String.valueOf(e.getKey()), String.valueOf(e.getValue()));
        }
        return load(agentArgs, props, System.getenv(), log);
    }

    /** Loads with the precedence in the class comment. Never throws. */
    public static Config load(String agentArgs, Map<String, String> systemProperties, Map<String, String> env, Log log) {
        Map<String, String> text = new LinkedHashMap<>();
        Map<String, String> source = new LinkedHashMap<>();
        Map<String, Key<?>> byName = new LinkedHashMap<>();
        Map<String, Key<?>> byEnv = new LinkedHashMap<>();
        for (Key<?> k : KEYS) {
            byName.put(k.name(), k);
            byEnv.put(k.envName(), k);
        }

        // Lowest first, so that higher layers overwrite.
        Map<String, String> fromArgs = parseAgentArgs(agentArgs, log);
        Map<String, String> fromProps = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : systemProperties.entrySet()) {
            if (e.getKey().startsWith("mlco2.")) {
                fromProps.put(e.getKey(), e.getValue());
            }
        }
        Map<String, String> fromEnv = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : env.entrySet()) {
            String k = e.getKey();
            if (k.startsWith("MLCO2_")) {
                Key<?> key = byEnv.get(k);
                if (key == null) {
                    log.warn("unknown environment variable " + k + " ignored; known: MLCO2_REGION, MLCO2_OUTPUT_DIR, ... (see README)");
                } else {
                    fromEnv.put(key.name(), e.getValue());
                }
            }
        }

        String file = firstOf(CONFIG_FILE.name(), fromArgs, fromProps, fromEnv);
        if (file != null) {
            for (Map.Entry<String, String> e : readFile(file, log).entrySet()) {
                putKnown(e.getKey(), e.getValue(), "file " + file, byName, text, source, log);
            }
        }
        for (Map.Entry<String, String> e : fromEnv.entrySet()) {
            putKnown(e.getKey(), e.getValue(), "environment " + Key.envName(e.getKey()), byName, text, source, log);
        }
        for (Map.Entry<String, String> e : fromProps.entrySet()) {
            putKnown(e.getKey(), e.getValue(), "system property -D" + e.getKey(), byName, text, source, log);
        }
        for (Map.Entry<String, String> e : fromArgs.entrySet()) {
            putKnown(e.getKey(), e.getValue(), "agent argument", byName, text, source, log);
        }

        Map<String, Object> values = new LinkedHashMap<>();
        Map<String, String> texts = new LinkedHashMap<>();
        for (Key<?> k : KEYS) {
            String t = text.get(k.name());
            Object v = null;
            if (t != null) {
                try {
                    v = k.parser().apply(t);
                    texts.put(k.name(), t.trim());
                } catch (IllegalArgumentException e) {
                    log.warn(k.name() + "=" + (SECRETS.contains(k.name()) ? HIDDEN : t) + " (" + source.get(k.name()) + ") is not valid: accepted "
                            + k.accepted() + "; using " + (k.defaultText() == null ? "no value" : "the default " + k.defaultText()));
                    source.remove(k.name());
                }
            }
            if (v == null && k.defaultText() != null) {
                v = k.defaultValue();
                texts.put(k.name(), k.defaultText());
            }
            if (v != null) {
                values.put(k.name(), v);
            }
        }
        return new Config(values, source, texts);
    }

    private static String firstOf(String name, Map<String, String> a, Map<String, String> b, Map<String, String> c) {
        if (a.containsKey(name)) {
            return a.get(name);
        }
        if (b.containsKey(name)) {
            return b.get(name);
        }
        return c.get(name);
    }

    private static void putKnown(String name, String value, String where, Map<String, Key<?>> byName,
                                 Map<String, String> text, Map<String, String> source, Log log) {
        if (!byName.containsKey(name)) {
            log.warn("unknown key " + name + " (" + where + ") ignored; known keys are listed in the README");
            return;
        }
        text.put(name, value);
        source.put(name, where);
    }

    /**
     * Splits {@code key=value;key=value}. The {@code mlco2.} prefix is optional; a value may contain {@code =}
     * and {@code ,}. A part without {@code =} is one warning.
     */
    static Map<String, String> parseAgentArgs(String args, Log log) {
        Map<String, String> out = new LinkedHashMap<>();
        if (args == null || args.isBlank()) {
            return out;
        }
        for (String part : args.split(";")) {
            if (part.isBlank()) {
                continue;
            }
            int eq = part.indexOf('=');
            if (eq <= 0) {
                log.warn("agent argument '" + part + "' ignored: accepted key=value pairs separated by ';' "
                        + "(e.g. mlco2.region=FR;mlco2.pue=1.2)");
                continue;
            }
            String name = part.substring(0, eq).trim();
            if (!name.startsWith("mlco2.")) {
                name = "mlco2." + name;
            }
            out.put(name, part.substring(eq + 1));
        }
        return out;
    }

    /** The largest configuration file read: a properties file of the agent's keys is a few hundred bytes. */
    static final int MAX_CONFIG_FILE_BYTES = 1 << 20;

    /** Longest the agent waits for the configuration file (a hung network file system costs the file only). */
    static final Duration CONFIG_FILE_WAIT = Duration.ofSeconds(2);

    /**
     * The file's keys. Only a regular file of at most {@link #MAX_CONFIG_FILE_BYTES} is read, and within
     * {@link #CONFIG_FILE_WAIT}: {@code /dev/zero}, a FIFO, a directory or a huge file is one line, never a heap
     * filled or a start-up held.
     */
    private static Map<String, String> readFile(String file, Log log) {
        Map<String, String> out = new LinkedHashMap<>();
        String accepted = "; accepted: a regular Java properties file of at most " + MAX_CONFIG_FILE_BYTES
                + " bytes; going on without it";
        byte[] bytes;
        try {
            Path path = Path.of(file);
            if (!Files.isRegularFile(path)) {
                log.warn("mlco2.config-file=" + file + ": " + (Files.exists(path) ? "not a regular file (a directory, "
                        + "device or FIFO)" : "no such file") + accepted);
                return out;
            }
            long size = Files.size(path);
            if (size > MAX_CONFIG_FILE_BYTES) {
                log.warn("mlco2.config-file=" + file + ": " + size + " bytes" + accepted);
                return out;
            }
            BoundedRead read = new BoundedRead(path);
            Thread t = new Thread(read, "mlco2-config-file");
            t.setDaemon(true);
            t.start();
            t.join(CONFIG_FILE_WAIT.toMillis());
            if (t.isAlive()) {
                log.warn("mlco2.config-file=" + file + ": not read within " + CONFIG_FILE_WAIT.toMillis() + " ms"
                        + " (a hung file system?)" + accepted);
                return out;
            }
            if (read.failure != null) {
                throw read.failure;
            }
            bytes = read.bytes;
            if (bytes.length > MAX_CONFIG_FILE_BYTES) {
                log.warn("mlco2.config-file=" + file + ": grew past " + MAX_CONFIG_FILE_BYTES + " bytes" + accepted);
                return out;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return out;
        } catch (Exception | OutOfMemoryError e) {
            log.warn("config file " + file + " could not be read (" + Log.describe(e) + "); going on without it");
            return out;
        }
        Properties p = new Properties();
        try (Reader r = new java.io.StringReader(new String(bytes, StandardCharsets.UTF_8))) {
            p.load(r);
        } catch (IOException | RuntimeException e) {
            log.warn("config file " + file + " could not be read (" + Log.describe(e) + "); going on without it");
            return out;
        }
        for (String name : p.stringPropertyNames()) {
            out.put(name.startsWith("mlco2.") ? name : "mlco2." + name, p.getProperty(name));
        }
        return out;
    }

    /** Reads at most one byte more than {@link #MAX_CONFIG_FILE_BYTES}, on its own daemon thread. */
    private static final class BoundedRead implements Runnable {
        private final Path path;
        private volatile byte[] bytes;
        private volatile Exception failure;

        BoundedRead(Path path) {
            this.path = path;
        }

        @Override
        public void run() {
            try (java.io.InputStream in = Files.newInputStream(path)) {
                bytes = in.readNBytes(MAX_CONFIG_FILE_BYTES + 1);
            } catch (Exception e) {
                failure = e;
            }
        }
    }

    /** The value of {@code key}: the configured one, else its default, else {@code null}. */
    @SuppressWarnings("unchecked")
    public <T> T get(Key<T> key) {
        return (T) values.get(key.name());
    }

    /** Where the value of {@code key} came from, or {@code "default"}. */
    public String sourceOf(Key<?> key) {
        return sources.getOrDefault(key.name(), "default");
    }

    /** The effective configuration as text, for reports: every key that has a value (a secret's hidden). */
    public Map<String, String> effective() {
        return shown;
    }

    /** A copy with {@code key} set to {@code value} (as if from an agent argument); for tests and the CLI. */
    public Config with(Key<?> key, String value) {
        StringBuilder args = new StringBuilder();
        sources.forEach((k, v) -> {
            if (!k.equals(key.name())) {
                args.append(k).append('=').append(texts.get(k)).append(';');
            }
        });
        args.append(key.name()).append('=').append(value);
        return load(args.toString(), Map.of(), Map.of(), Log.get());
    }

    @Override
    public String toString() {
        return effective().toString();
    }
}
