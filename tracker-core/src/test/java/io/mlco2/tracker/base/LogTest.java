package io.mlco2.tracker.base;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;

class LogTest {

    @Test
    void controlCharactersReachTheTerminalEscaped() {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        Log log = new Log(new PrintStream(b, true, StandardCharsets.UTF_8), Log.Level.INFO);
        log.warn("unknown region '\u001b[2J\u001b[31mX' \r\n[mlco2] forged\tline \u0085 \u007f");
        log.always("run é — ok");
        assertEquals("[mlco2] WARN: unknown region '\\u001b[2J\\u001b[31mX' \\u000d\\u000a[mlco2] forged\\u0009line \\u0085 \\u007f"
                + System.lineSeparator() + "[mlco2] run é — ok" + System.lineSeparator(), b.toString(StandardCharsets.UTF_8));
    }

    /** A sink that keeps its lines and says whether it is a terminal. */
    private static final class Lines implements Log.Sink {
        final java.util.List<String> lines = new java.util.ArrayList<>();
        final boolean terminal;

        Lines(boolean terminal) {
            this.terminal = terminal;
        }

        @Override
        public void line(String line) {
            lines.add(line);
        }

        @Override
        public boolean flush(java.time.Duration limit) {
            return true;
        }

        @Override
        public boolean terminal() {
            return terminal;
        }
    }

    @Test
    void aLineOfItsOwnStartsOnANewLineOnATerminalOnly() {
        Lines terminal = new Lines(true);
        Log onTerminal = new Log(terminal, Log.Level.ERROR);
        onTerminal.ownLine("forecast\u001b[2J");
        assertEquals(java.util.List.of("\n[mlco2] forecast\\u001b[2J"), terminal.lines,
                "a newline ends a progress bar's line first; the message's own control characters stay escaped");
        Lines file = new Lines(false);
        new Log(file, Log.Level.ERROR).ownLine("forecast");
        assertEquals(java.util.List.of("[mlco2] forecast"), file.lines, "no blank line in a file or a pipe");
    }

    @Test
    void aStreamThatThrowsCostsTheLineOnly() {
        PrintStream throwing = new PrintStream(new OutputStream() {
            @Override
            public void write(int x) {
                throw new IllegalStateException("broken");
            }
        }) {
            @Override
            public void println(String x) {
                throw new IllegalStateException("broken");
            }
        };
        Log log = new Log(throwing, Log.Level.DEBUG);
        log.error("x"); // must not throw
        log.always("y");
        assertEquals("plain", Log.printable("plain"));
    }

    @Test
    void thresholdAndOnce() {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        Log log = new Log(new PrintStream(b, true, StandardCharsets.UTF_8), Log.Level.WARN);
        log.info("hidden");
        log.once("k", Log.Level.ERROR, "first");
        log.once("k", Log.Level.ERROR, "second");
        assertEquals("[mlco2] ERROR: first" + System.lineSeparator(), b.toString(StandardCharsets.UTF_8));
    }
}
