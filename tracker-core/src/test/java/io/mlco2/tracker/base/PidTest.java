package io.mlco2.tracker.base;


import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

class PidTest {

    @Test
    void isTheJdksPid() {
        assertEquals(ProcessHandle.current().pid(), Pid.current());
    }

    @Test
    void aLinkThatIsNotAPidIsNone(@TempDir Path dir) throws Exception {
        assertEquals(-1, Pid.fromProc(dir.resolve("absent")));
        Path link = Files.createSymbolicLink(dir.resolve("self"), Path.of("not-a-number"));
        assertEquals(-1, Pid.fromProc(link));
        Path pid = Files.createSymbolicLink(dir.resolve("self2"), Path.of("4242"));
        assertEquals(4242, Pid.fromProc(pid));
    }
}
