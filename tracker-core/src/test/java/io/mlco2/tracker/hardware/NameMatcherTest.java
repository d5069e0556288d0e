package io.mlco2.tracker.hardware;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What makes a token a model number, and how a name with a model may (not) land on a row without one. */
class NameMatcherTest {

    @Test
    void aTokenWithADigitIsAModelUnlessItIsAMemorySize() {
        for (String model : List.of("a100", "6148", "v100-sxm2", "8gbx", "0", "9", "h200")) {
            assertTrue(NameMatcher.isModelToken(model), model);
        }
        for (String notModel : List.of("40gb", "90gb", "9gb", "0gb", "40/80gb", "9/90gb", "gb", "pcie", "xeon", "")) {
            assertFalse(NameMatcher.isModelToken(notModel), notModel);
        }
    }

    @Test
    void aNameWithAModelNeverLandsOnARowWithoutOne() {
        NameMatcher.Row<Integer> generic = NameMatcher.row("Intel Xeon", 1);
        NameMatcher.Row<Integer> gold = NameMatcher.row("Intel Xeon Gold 6148", 2);
        List<NameMatcher.Row<Integer>> rows = List.of(generic, gold);
        assertEquals(Optional.empty(), NameMatcher.best("Intel(R) Xeon(R) Gold 9999 CPU @ 2.40GHz", rows),
                "a model not in the table");
        assertEquals(2, NameMatcher.best("Intel(R) Xeon(R) Gold 6148 CPU @ 2.40GHz", rows).orElseThrow().value());
        assertEquals(1, NameMatcher.best("Intel(R) Xeon(R) Processor", rows).orElseThrow().value(),
                "no model: the row without one");
    }
    /** Of the rows whose model the name has, the one sharing most of its words wins, then the one missing fewest. */
    @Test
    void theRowSharingMostWordsWinsThenTheOneMissingFewest() {
        NameMatcher.Row<Integer> shortRow = NameMatcher.row("Xeon 6148", 1);
        NameMatcher.Row<Integer> full = NameMatcher.row("Intel Xeon Gold 6148", 2);
        NameMatcher.Row<Integer> longer = NameMatcher.row("Intel Xeon Gold 6148 Special Edition", 3);
        String query = "Intel(R) Xeon(R) Gold 6148 CPU";
        assertEquals(2, NameMatcher.best(query, List.of(shortRow, full, longer)).orElseThrow().value());
        assertEquals(2, NameMatcher.best(query, List.of(longer, full, shortRow)).orElseThrow().value(), "in any order");
        assertEquals(1, NameMatcher.best("Xeon 6148 v9", List.of(full, shortRow)).orElseThrow().value());
    }
}
