package io.mlco2.it.faults;

import io.mlco2.it.support.ChildJvm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** docs/RELIABILITY.md, "the command line without a temporary folder": before, a raw stack trace. */
class CliTmpdirIT {

    @Test
    void aMissingTmpdirIsOneLineAndExitCode2(@TempDir Path work) throws Exception {
        Path missing = work.resolve("no-such-folder");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Djava.io.tmpdir=" + missing, "-jar", ChildJvm.agentJar().toString(), "version")
                .redirectErrorStream(false).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(2, p.exitValue(), out + err);
        List<String> lines = err.lines().toList();
        assertEquals(1, lines.size(), err);
        assertTrue(lines.get(0).startsWith("mlco2-agent: cannot unpack its libraries into java.io.tmpdir=" + missing), err);
        assertTrue(lines.get(0).contains("accepted: an existing writable folder"), err);
        assertFalse(err.contains("\tat "), "no stack trace: " + err);
        assertEquals("", out);
    }
}
