package io.mlco2.it.spark;

import com.fasterxml.jackson.databind.JsonNode;
import io.mlco2.it.support.ChildJvm;
import io.mlco2.it.support.Reports;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * DL4J on Spark, opt-in ({@code mvn verify -Pspark-dl4j}, which resolves dl4j-spark 1.0.0-M2 onto Spark's class path):
 * {@link io.mlco2.it.jobs.Dl4jSparkJob}, a {@code SparkDl4jMultiLayer} with a {@code ParameterAveragingTrainingMaster}
 * on {@code local-cluster[2,1,1024]} (two real executor JVMs train, the driver averages), trained for 3 epochs with the
 * agent on the driver and the executors (one output folder) and nothing else configured. Each {@code fit} is one epoch
 * row of the driver, checked against DL4J's own epoch count and the job's own timing of each call; the epochs and the
 * energy outside them make the driver's total, summed here from the files. {@code report} over the folder attributes
 * the executors' energy to the driver's epochs: each epoch's energy of all nodes is at least the driver's.
 */
class Dl4jSparkIT {

    private static final int EPOCHS = 3;

    @Test
    void eachFitOnTheDriverIsOneEpochOfTheApplicationsRun(@TempDir Path dir) throws Exception {
        assumeTrue(Boolean.getBoolean("mlco2.it.sparkDl4j"), "DL4J on Spark is opt-in: mvn verify -Pspark-dl4j");
        Path list = Path.of(System.getProperty("mlco2.it.sparkClassPath", "target/spark-classpath.txt"));
        String sparkCp = Files.readString(list, StandardCharsets.UTF_8).trim();
        assertTrue(sparkCp.contains("dl4j-spark_2.12") && sparkCp.contains("spark-core_2.12"),
                "Spark's and dl4j-spark's class path missing in " + list);
        String cp = Path.of(System.getProperty("mlco2.it.testClasses", "target/test-classes")).toAbsolutePath()
                + File.pathSeparator + sparkCp;
        Path reports = Files.createDirectories(dir.resolve("reports"));

        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        String agent = "-javaagent:" + ChildJvm.agentJar() + "=mlco2.output.dir=" + reports + ";mlco2.interval=250ms";
        cmd.add(agent);
        cmd.add("-Xmx1g");
        cmd.addAll(SparkClusterIT.ADD_OPENS);
        Path sparkHome = Files.createDirectories(dir.resolve("spark-home"));
        cmd.addAll(List.of("-Dspark.master=local-cluster[2,1,1024]", "-Dspark.testing=true",
                "-Dspark.test.home=" + sparkHome, "-Dspark.executorEnv.SPARK_TESTING=1",
                "-Dspark.executorEnv.SPARK_SCALA_VERSION=2.12", "-Dspark.executor.memory=1024m",
                "-Dspark.ui.enabled=false", "-Dspark.log.level=WARN", "-Dspark.executor.extraJavaOptions=" + agent));
        cmd.addAll(List.of("-cp", cp, "io.mlco2.it.jobs.Dl4jSparkJob", Integer.toString(EPOCHS)));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile())
                .redirectOutput(dir.resolve("stdout.txt").toFile()).redirectError(dir.resolve("stderr.txt").toFile());
        pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
        long t0 = System.nanoTime();
        Process p = pb.start();
        boolean ended = p.waitFor(400, TimeUnit.SECONDS);
        if (!ended) {
            p.destroyForcibly();
        }
        String out = Files.readString(dir.resolve("stdout.txt"), StandardCharsets.UTF_8);
        String err = Files.readString(dir.resolve("stderr.txt"), StandardCharsets.UTF_8);
        String describe = "\n--- stdout\n" + out + "\n--- stderr (last 6000)\n" + err.substring(Math.max(0, err.length() - 6000));
        assertTrue(ended, "the DL4J-on-Spark driver did not finish in 400 s" + describe);
        System.out.printf("DL4J on Spark local-cluster[2,1,1024], %d epochs, with the agent: %.1f s wall%n", EPOCHS,
                (System.nanoTime() - t0) / 1e9);
        assertEquals(0, p.exitValue(), describe);

        Matcher done = Pattern.compile("DL4J-SPARK DONE epochs=(\\d+) epochCount=(\\d+) score=\\S+ app=(\\S+)")
                .matcher(out);
        assertTrue(done.find(), describe);
        assertEquals(EPOCHS, Integer.parseInt(done.group(2)), "DL4J's own epoch count" + describe);
        String appId = done.group(3);
        List<Double> fitSeconds = new ArrayList<>();
        Matcher fit = Pattern.compile("fit (\\d+) seconds=([0-9.]+)").matcher(out);
        while (fit.find()) {
            fitSeconds.add(Double.parseDouble(fit.group(2)));
        }
        assertEquals(EPOCHS, fitSeconds.size(), describe);

        // The driver joined its application's run: the reports are named after the application id.
        List<Map<String, String>> rows = new ArrayList<>();
        for (Map<String, String> r : Reports.rows(driverFile(reports, appId, ".epochs.csv"))) {
            if (r.get("phase").equals("epoch")) {
                rows.add(r);
            }
        }
        assertEquals(EPOCHS, rows.size(), "one row per fit\n" + rows + describe);
        double epochsKwh = 0;
        for (int i = 0; i < EPOCHS; i++) {
            Map<String, String> r = rows.get(i);
            assertEquals(Integer.toString(i + 1), r.get("number"));
            assertEquals("true", r.get("complete"));
            double seconds = Double.parseDouble(r.get("duration_s"));
            // The hook runs inside the call: a few ms shorter, more on a loaded machine (the executors' agents too)
            assertTrue(seconds <= fitSeconds.get(i) + 1e-3
                            && seconds > fitSeconds.get(i) - Math.max(0.05, 0.005 * fitSeconds.get(i)),
                    "epoch " + (i + 1) + " lasts its fit call: " + seconds + " s vs the job's " + fitSeconds.get(i)
                            + " s");
            double kwh = Double.parseDouble(r.get("energy_kwh"));
            assertTrue(kwh > 0, "epoch " + (i + 1) + " has energy");
            epochsKwh += kwh;
        }

        JsonNode s = Reports.json(driverFile(reports, appId, ".json"));
        JsonNode e = s.get("epochs");
        List<String> frameworks = new ArrayList<>();
        e.get("frameworks").forEach(f -> frameworks.add(f.asText()));
        assertTrue(frameworks.contains("DL4J on Spark 1.0.0-M2"), frameworks.toString());
        assertEquals(EPOCHS, e.get("completed_epochs").asInt());
        assertTrue(e.get("planned_epochs").isNull(), "the planned count is unknown: " + e.get("planned_epochs"));
        assertEquals(epochsKwh, e.get("epochs_energy_kwh").asDouble(), 1e-12, "CSV and JSON agree");
        double totalKwh = s.get("energy_kwh").get("total").asDouble();
        double outsideKwh = e.get("outside_epochs_energy_kwh").asDouble();
        assertTrue(outsideKwh > 0, "start-up, the pauses between fits and the scoring are outside epochs");
        System.out.printf("epochs %s s; epochs %.3f J + outside %.3f J = total %.3f J%n", fitSeconds,
                epochsKwh * 3.6e6, outsideKwh * 3.6e6, totalKwh * 3.6e6);
        assertEquals(totalKwh, epochsKwh + outsideKwh, totalKwh * 1e-6,
                "the epochs and the energy outside them make the run's total");
        assertFalse(err.contains("epochs: dl4jspark.") || err.contains("could not instrument"), describe);

        // report attributes the executors' energy to the driver's epochs
        Process r = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
                ChildJvm.agentJar().toString(), "report", "--no-html", reports.toString())
                .redirectOutput(dir.resolve("report.out").toFile()).redirectError(dir.resolve("report.err").toFile())
                .start();
        assertTrue(r.waitFor(120, TimeUnit.SECONDS), "report did not finish in 120 s");
        String o = Files.readString(dir.resolve("report.out"), StandardCharsets.UTF_8);
        assertEquals(0, r.exitValue(), o + Files.readString(dir.resolve("report.err"), StandardCharsets.UTF_8));
        List<String> lines = o.lines().toList();
        int at = -1;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith("  Epochs of run " + appId + ", recorded by ")) {
                at = i;
            }
        }
        assertTrue(at > 0, "the per-epoch table of run " + appId + "\n" + o);
        assertTrue(lines.get(at).contains("energy of the run's 3 node(s) with samples"), lines.get(at));
        System.out.println(String.join("\n", lines.subList(at, at + 2 + EPOCHS)));
        for (int i = 0; i < EPOCHS; i++) {
            String[] f = lines.get(at + 2 + i).trim().split("\\s+");
            assertEquals(Integer.toString(i + 1), f[0], lines.get(at + 2 + i));
            double driverKwh = Double.parseDouble(f[2]);
            double allKwh = Double.parseDouble(f[3]);
            assertTrue(driverKwh > 0 && allKwh >= driverKwh, "epoch " + (i + 1) + ": all nodes' energy " + allKwh
                    + " kWh, at least the driver's " + driverKwh + "\n" + o);
            assertTrue(Double.parseDouble(f[4]) > 0, lines.get(at + 2 + i));
        }
    }

    /** The driver's report file: its node id has no {@code exec<id>-} prefix, the executors' do. */
    private static Path driverFile(Path reports, String appId, String suffix) throws Exception {
        try (var s = Files.list(reports)) {
            List<Path> l = s.filter(p -> {
                String n = p.getFileName().toString();
                return n.startsWith(appId + ".") && !n.startsWith(appId + ".exec") && n.endsWith(suffix);
            }).toList();
            assertEquals(1, l.size(), "the driver's " + suffix + " in " + reports + ": " + l);
            return l.get(0);
        }
    }
}
