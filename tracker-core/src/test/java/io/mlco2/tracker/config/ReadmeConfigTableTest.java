package io.mlco2.tracker.config;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** The README's configuration table lists every key with its default, so the docs cannot drift from the code. */
class ReadmeConfigTableTest {

    @Test
    void everyKeyIsDocumentedWithItsDefault() throws Exception {
        String readme = Files.readString(Path.of("..", "README.md"));
        for (Key<?> k : Config.keys()) {
            String row = "| `" + k.name() + "` | `" + k.envName() + "` | "
                    + (k.defaultText() == null ? "—" : "`" + k.defaultText() + "`") + " |";
            assertTrue(readme.contains(row), "README lacks the row for " + k.name() + ": " + row);
        }
    }
}
