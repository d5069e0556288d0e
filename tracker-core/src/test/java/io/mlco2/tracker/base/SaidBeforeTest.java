package io.mlco2.tracker.base;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SaidBeforeTest {

    @Test
    void aKeyIsNewOnceAndRememberedAcrossInstances(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("mlco2").resolve("said.txt");
        assertTrue(new SaidBefore(file).firstTime("CPU not in the TDP table: AMD EPYC"));
        SaidBefore nextRun = new SaidBefore(file);
        assertFalse(nextRun.firstTime("CPU not in the TDP table: AMD EPYC"));
        assertTrue(nextRun.firstTime("CPU not in the TDP table: Other\nCPU"), "another CPU");
        assertFalse(nextRun.firstTime("CPU not in the TDP table: Other\nCPU"));
        assertEquals(List.of("CPU not in the TDP table: AMD EPYC", "CPU not in the TDP table: Other\\u000aCPU"),
                Files.readAllLines(file), "one key a line, a newline in a key escaped");
    }

    @Test
    void aFolderThatCannotBeWrittenSaysItEveryTime(@TempDir Path dir) throws Exception {
        Path notADir = Files.writeString(dir.resolve("file"), "x");
        SaidBefore said = new SaidBefore(notADir.resolve("mlco2").resolve("said.txt"));
        assertTrue(said.firstTime("k"));
        assertTrue(said.firstTime("k"));
    }

    @Test
    void theUsersCacheFolder() {
        Path f = SaidBefore.userCache().file();
        assertEquals(Path.of("mlco2", "said.txt"), f.subpath(f.getNameCount() - 2, f.getNameCount()));
    }
}
