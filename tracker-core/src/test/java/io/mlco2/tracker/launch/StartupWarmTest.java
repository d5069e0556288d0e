package io.mlco2.tracker.launch;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertNotNull;

/** The warm-up thread swallows what it cannot load: a renamed class would silently stop being warmed. */
class StartupWarmTest {

    @Test
    void everyClassTheExitPathWarmUpNamesExists() throws Exception {
        for (String[] names : new String[][] {Startup.EXIT_PATH_CLASSES, Startup.HTML_CLASSES}) {
            for (String n : names) {
                assertNotNull(Class.forName(n, false, Startup.class.getClassLoader()), n);
            }
        }
    }
}
