package io.mlco2.it.core;

import com.fasterxml.jackson.databind.JsonNode;
import io.mlco2.it.jobs.LegacyLibrariesJob;
import io.mlco2.it.support.ChildJvm;
import io.mlco2.it.support.Reports;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The agent's libraries never meet the application's: what DL4J's old OSHI and JNA need. */
class IsolationIT {

    @Test
    void anApplicationWithItsOwnOshiJnaJacksonMicrometerAndSlf4jRunsAndBothReportCorrectly(@TempDir Path work) throws Exception {
        List<String> cp = new ArrayList<>();
        cp.add(System.getProperty("mlco2.it.testClasses"));
        try (Stream<Path> jars = Files.list(Path.of(System.getProperty("mlco2.it.legacyLibs")))) {
            jars.forEach(j -> cp.add(j.toString()));
        }
        Path out = work.resolve("reports");
        ChildJvm.Result plain = new ChildJvm().classPath(ChildJvm.join(cp)).run(LegacyLibrariesJob.class.getName());
        ChildJvm.Result r = new ChildJvm().classPath(ChildJvm.join(cp))
                .withAgent("mlco2.region=DE;mlco2.output.dir=" + out + ";mlco2.interval=200ms")
                .run(LegacyLibrariesJob.class.getName());

        assertEquals(0, plain.exitCode(), plain.all());
        assertEquals(0, r.exitCode(), r.all());
        // The application sees its own versions...
        assertTrue(r.stdout().contains("APP JNA 4.3.0 pointer=8 from jna-4.3.0.jar"), r.all());
        assertTrue(r.stdout().contains("APP OSHI from oshi-core-3.4.2.jar"), r.all());
        assertTrue(r.stdout().contains("APP Jackson 2.9.10"), r.all());
        assertTrue(r.stdout().contains("json={\"k\":1}"), r.all());
        assertTrue(r.stdout().contains("APP Micrometer from micrometer-core-1.1.0.jar count=1.0"), r.all());
        assertTrue(r.stderr().contains("APP SLF4J binding works"), "the app's slf4j-simple logs: " + r.stderr());
        assertTrue(r.stderr().lines().noneMatch(l -> l.contains("oshi.")), "the agent's OSHI must not log through the app's SLF4J: " + r.stderr());
        assertEquals(plain.stdout(), r.stdout(), "same application output with and without the agent");
        assertTrue(r.stdout().contains("LEGACY JOB DONE true"), r.all());
        // ...and the agent measured with its own.
        List<Map<String, String>> rows = Reports.rows(out.resolve("emissions.csv"));
        assertEquals(1, rows.size());
        assertTrue(Double.parseDouble(rows.get(0).get("cpu_energy")) > 0, rows.toString());
        assertTrue(!rows.get(0).get("cpu_model").isEmpty() && Integer.parseInt(rows.get(0).get("cpu_count")) > 0,
                "OSHI 7 inside the agent read the CPU: " + rows);
        JsonNode j = Reports.json(Reports.file(out, rows.get(0).get("run_id"), ".json"));
        assertEquals("cpu-load-model", j.get("methods").get("cpu").asText());
        assertTrue(!r.stderr().contains("NoSuchMethodError") && !r.stderr().contains("LinkageError")
                && !r.stderr().contains("[mlco2] ERROR"), r.stderr());
    }

    @Test
    void theAgentJarTopLevelHoldsOnlyTheBootstrapAndNestedJars() throws IOException {
        List<String> unexpected = new ArrayList<>();
        int nested = 0;
        try (JarFile jar = new JarFile(ChildJvm.agentJar().toFile())) {
            Enumeration<JarEntry> e = jar.entries();
            while (e.hasMoreElements()) {
                String n = e.nextElement().getName();
                if (n.startsWith("mlco2-inst/") && (n.equals("mlco2-inst/") || n.matches("mlco2-inst/[^/]+\\.jar"))) {
                    nested += n.endsWith(".jar") ? 1 : 0;
                } else if (!(n.equals("META-INF/") || n.equals("META-INF/MANIFEST.MF")
                        || n.matches("io/(mlco2/(agent/(bootstrap/([A-Za-z0-9$]+\\.class)?)?)?)?"))) {
                    unexpected.add(n);
                }
            }
            assertEquals("io.mlco2.agent.bootstrap.AgentMain", jar.getManifest().getMainAttributes().getValue("Premain-Class"));
            assertEquals("io.mlco2.agent.bootstrap.Main", jar.getManifest().getMainAttributes().getValue("Main-Class"));
        }
        assertEquals(List.of(), unexpected, "entries the application could see");
        assertTrue(nested >= 5, "tracker-core and its libraries are nested: " + nested);
    }
}
