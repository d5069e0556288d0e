package io.mlco2.tracker.format;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The bundled tables' reader: comments and empty lines skipped wherever they are, a bad row named. */
class TsvTest {

    @Test
    void commentsAndEmptyLinesAreSkippedWhereverTheyAre() {
        List<String[]> rows = Tsv.rows("\n# a comment\nA\tB\n\n#\tx\nC\t\n", 2, "test table");
        assertEquals(2, rows.size());
        assertEquals(List.of("A", "B"), List.of(rows.get(0)));
        assertEquals(List.of("C", ""), List.of(rows.get(1)), "an empty last field is a field");
        assertEquals(1, Tsv.rows("E\tF", 2, "no final line break").size());
    }

    @Test
    void aRowWithAnotherNumberOfFieldsIsNamed() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> Tsv.rows("A\tB\nC\tD\tE\n", 2, "test table"));
        assertTrue(e.getMessage().contains("bundled test table: 3 fields, not 2, in 'C\tD\tE'"), e.getMessage());
    }
}
