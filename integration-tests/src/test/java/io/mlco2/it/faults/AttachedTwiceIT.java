package io.mlco2.it.faults;

import io.mlco2.it.jobs.SleepJob;
import io.mlco2.it.support.ChildJvm;
import io.mlco2.it.support.Reports;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * docs/RELIABILITY.md, "attached twice": {@code JAVA_TOOL_OPTIONS=-javaagent:...} (common in containers) plus
 * {@code -javaagent:...} on the command line. Before, both copies measured: two rows, a doubled total, no word.
 */
class AttachedTwiceIT {

    @Test
    void theSecondCopyStandsDownWithOneLine(@TempDir Path work) throws Exception {
        Path out = work.resolve("r");
        ChildJvm.Result r = new ChildJvm().workDir(work)
                .env("JAVA_TOOL_OPTIONS", "-javaagent:" + ChildJvm.agentJar() + "=output.dir=" + out + ";project-name=tool")
                .withAgent("output.dir=" + out + ";project-name=cli")
                .run(SleepJob.class.getName(), "800", "0");
        assertEquals(0, r.exitCode(), r.all());
        String err = r.stderr();
        assertEquals(1, err.lines().filter(l -> l.contains("the agent is attached twice")).count(), err);
        assertEquals(1, err.lines().filter(l -> l.startsWith("[mlco2] run ")).count(), err);
        List<Map<String, String>> rows = Reports.rows(out.resolve("emissions.csv"));
        assertEquals(1, rows.size(), rows.toString());
        // JAVA_TOOL_OPTIONS is read before the command line: its copy is the one that measures.
        assertEquals("tool", rows.get(0).get("project_name"));
        try (var s = Files.list(out)) {
            assertEquals(1, s.filter(p -> p.toString().endsWith(".json")).count());
        }
        assertTrue(err.contains("stands down"), err);
    }
}
