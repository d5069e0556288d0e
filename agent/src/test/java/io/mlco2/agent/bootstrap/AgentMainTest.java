package io.mlco2.agent.bootstrap;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AgentMainTest {

    @Test
    void premainReturnsAtOnceAndOnlyStartsADaemonThreadEvenWhenTheImplementationCannotLoad() throws Exception {
        // Here the bootstrap runs from target/classes, not from a jar: loading the implementation fails, which
        // must stay inside the agent's own daemon thread.
        assertDoesNotThrow(() -> AgentMain.premain("mlco2.region=FR", null));
        Thread init = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals("mlco2-init")).findFirst().orElse(null);
        if (init != null) {
            assertTrue(init.isDaemon(), "the init thread must never keep the JVM alive");
            init.join(10_000);
        }
        assertDoesNotThrow(() -> AgentMain.agentmain(null, null));
    }

    /** The first copy marks the JVM as measured, with its start time: what list and attach read. */
    @Test
    void theFirstCopyMarksTheJvmWithItsStartTime() {
        long before = System.currentTimeMillis();
        AgentMain.first("mlco2.region=FR"); // or the copy another test started first in this JVM set it
        String since = System.getProperty(AgentMain.RUNNING_PROPERTY);
        assertTrue(since != null && Long.parseLong(since) <= System.currentTimeMillis()
                && Long.parseLong(since) > before - 600_000, "set to a start time in this test run: " + since);
    }
}
