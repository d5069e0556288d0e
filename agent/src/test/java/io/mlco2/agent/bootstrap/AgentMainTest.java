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
}
