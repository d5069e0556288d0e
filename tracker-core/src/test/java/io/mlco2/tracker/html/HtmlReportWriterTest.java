package io.mlco2.tracker.html;

import io.mlco2.tracker.base.Log;
import io.mlco2.tracker.config.Config;
import io.mlco2.tracker.energy.Component;
import io.mlco2.tracker.report.RunSummary;
import io.mlco2.tracker.runtime.ReportWriter;
import io.mlco2.tracker.runtime.RunContext;
import io.mlco2.tracker.runtime.SampleListener;
import io.mlco2.tracker.timeseries.PowerHistory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mockito.ArgumentCaptor;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

/** {@code mlco2.report.html}: on by default, the page written at exit from the samples the run fed it; off, nothing. */
class HtmlReportWriterTest {

    private static final Log LOG = new Log(new PrintStream(OutputStream.nullOutputStream()), Log.Level.ERROR);

    private static RunContext run(String args) {
        RunContext run = mock(RunContext.class);
        when(run.config()).thenReturn(Config.load(args, Map.of(), Map.of(), LOG));
        return run;
    }

    @Test
    void offInstallsNothing() {
        RunContext run = run("report.html=false");
        HtmlReportWriter.install(run);
        verify(run, never()).addListener(any());
        verify(run, never()).addWriter(any());
    }

    @Test
    void onByDefaultItWritesThePageOfTheSamplesItWasFed(@TempDir Path dir) throws Exception {
        RunContext run = run("");
        HtmlReportWriter.install(run);
        ArgumentCaptor<SampleListener> listener = ArgumentCaptor.forClass(SampleListener.class);
        ArgumentCaptor<ReportWriter> writer = ArgumentCaptor.forClass(ReportWriter.class);
        verify(run).addListener(listener.capture());
        verify(run).addWriter(writer.capture());
        PowerHistory history = (PowerHistory) listener.getValue();
        history.add(Component.GPU, 2, 123.25);
        ReportWriter w = writer.getValue();
        assertEquals("HTML report", w.name(), "the name its failure is logged under");

        RunSummary s = new RunReportPageFiguresTest.Run().build();
        Path file = w.write(s, dir);
        assertEquals(dir.resolve(s.runId() + "." + s.node().nodeId() + ".html"), file);
        try (var files = Files.list(dir)) {
            assertEquals(List.of(file), files.toList());
        }
        Rendered page = new Rendered(Files.readString(file));
        assertEquals("gpu", page.charts().get(0).get("series").get(0).get("name").asText());
        assertEquals(123.25, page.charts().get(0).get("series").get(0).get("max").get(0).asDouble());
        assertTrue(page.html.startsWith("<!DOCTYPE html>"));
    }
}
