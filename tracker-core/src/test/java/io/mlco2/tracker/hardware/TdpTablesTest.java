package io.mlco2.tracker.hardware;

import io.mlco2.tracker.format.JsonReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TdpTablesTest {

    private final TdpTables tables = TdpTables.bundled();

    /** Names as NVML and /proc/cpuinfo report them, and the table row each must land on. */
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "NVIDIA H200                                | H200 SXM",
            "NVIDIA H200 NVL                            | H200 NVL",
            "NVIDIA H100 80GB HBM3                      | H100 SXM",
            "NVIDIA H100 PCIe                           | H100 PCIe",
            "NVIDIA H100 NVL                            | H100 NVL",
            "Tesla V100-SXM2-32GB                       | Tesla V100-SXM2-32GB",
            "Tesla V100-SXM2-16GB                       | Tesla V100-SXM2-16GB",
            "Tesla V100-PCIE-16GB                       | Tesla V100-PCIE-16GB",
            "NVIDIA A100-SXM4-80GB                      | A100 SXM4 80 GB",
            "NVIDIA A100-PCIE-40GB                      | A100 PCIe 40/80GB",
            "NVIDIA GeForce RTX 3090                    | RTX 3090",
            "NVIDIA GeForce RTX 3080 Ti                 | RTX 3080 TI",
            "NVIDIA GeForce RTX 3080                    | RTX 3080",
            "NVIDIA GeForce RTX 4090                    | RTX 4090",
            "NVIDIA GeForce GTX 1080 Ti                 | GTX 1080 Ti",
            "NVIDIA TITAN RTX                           | Titan RTX",
            "NVIDIA TITAN V                             | Titan V",
            "NVIDIA TITAN X (Pascal)                    | TITAN X Pascal",
            "NVIDIA TITAN Xp                            | Titan Xp",
            "Tesla T4                                   | T4",
            "Tesla K80                                  | Tesla K80",
            "Tesla P100-PCIE-16GB                       | Tesla P100",
            "NVIDIA A10G                                | A10G",
            "NVIDIA L4                                  | L4",
            "NVIDIA L40S                                | L40S",
            "NVIDIA RTX A6000                           | RTX A6000",
            "Quadro RTX 8000                            | RTX 8000",
    })
    void gpuNamesAsNvmlReportsThem(String device, String row) {
        Optional<TdpMatch> m = tables.gpu(device);
        assertTrue(m.isPresent(), device + " should match " + row);
        assertEquals(row, m.get().matchedName());
        assertEquals(device, m.get().query());
        assertEquals(calculatorTdp(row), m.get().tdpWatts(), 0.0, "TDP of " + row);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "Intel(R) Xeon(R) Gold 6148 CPU @ 2.40GHz      | Intel Xeon Gold 6148",
            "AMD EPYC 7742 64-Core Processor               | AMD EPYC 7742",
            "Intel(R) Core(TM) i7-8850H CPU @ 2.60GHz      | Intel Core i7-8850H",
            "AMD EPYC 7763 64-Core Processor               | AMD EPYC 7763",
            "Intel(R) Xeon(R) Platinum 8380 CPU @ 2.30GHz  | Intel Xeon Platinum 8380",
            "Intel(R) Xeon(R) CPU E5-2698 v4 @ 2.20GHz     | Intel Xeon E5-2698 v4",
            "AMD Ryzen 9 5950X 16-Core Processor           | AMD Ryzen 9 5950X",
    })
    void cpuNamesAsProcCpuinfoReportsThem(String model, String row) {
        Optional<TdpMatch> m = tables.cpu(model);
        assertTrue(m.isPresent(), model + " should match " + row);
        assertEquals(row, m.get().matchedName());
        assertEquals(TdpTables.CPU_TABLE, m.get().table());
    }

    /** A VM's generic name (this build machine reports {@code Intel(R) Xeon(R) Processor}) has no model to match. */
    @ParameterizedTest
    @ValueSource(strings = {"Intel(R) Xeon(R) Processor", "Common KVM processor", "QEMU Virtual CPU version 2.5+", "", "  "})
    void genericCpuNamesDoNotMatch(String model) {
        assertEquals(Optional.empty(), tables.cpu(model));
    }

    @ParameterizedTest
    @ValueSource(strings = {"NVIDIA H300", "NVIDIA A10", "Intel(R) Xeon(R) Gold 6148 CPU @ 2.40GHz", "Matrox G200eW"})
    void unknownGpusGiveEmpty(String device) {
        assertEquals(Optional.empty(), tables.gpu(device));
    }

    /** Every row of the calculator's table, named as the calculator names it, resolves to itself. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("calculatorNames")
    void everyCalculatorRowResolvesToItself(String name) {
        TdpMatch m = tables.hardware(name).orElseThrow(() -> new AssertionError(name + " did not resolve"));
        assertEquals(name, m.matchedName());
        assertEquals(calculatorTdp(name), m.tdpWatts(), 0.0);
    }

    static List<String> calculatorNames() {
        return RawCsv.read("mlco2-impact-gpus.csv").stream().map(r -> r.get("name")).toList();
    }

    @Test
    void theTabSeparatedGpuRowsTheAgentReadsAreGpusJsonsRows() {
        assertEquals(calculatorRowsFromJson(), TdpTables.bundled().calculatorRows());
        assertEquals(51, TdpTables.bundled().calculatorRows().size());
    }

    @Test
    void everyCpuRowResolvesToARowWithTheSameNormalisedName() {
        int checked = 0;
        for (TdpTables.CalculatorRow ignored : tables.calculatorRows()) {
            checked++;
        }
        assertTrue(checked > 48, "calculator rows plus added GPUs");
        // the CodeCarbon table: each name must resolve to a row (itself, or a duplicate after normalisation)
        List<String> misses = new java.util.ArrayList<>();
        for (String name : cpuNames()) {
            Optional<TdpMatch> m = tables.cpu(name);
            if (m.isEmpty() || !NameMatcher.normalize(m.get().matchedName()).equals(NameMatcher.normalize(name))) {
                misses.add(name + " -> " + m.map(TdpMatch::matchedName).orElse("nothing"));
            }
        }
        assertTrue(misses.size() < 10, misses.size() + " CPU rows do not resolve to themselves: " + misses);
    }

    @Test
    void suggestionsForAnUnknownGpuAreItsNeighbours() {
        List<String> s = tables.suggestions("NVIDIA H300", 5);
        assertTrue(s.contains("H200 SXM") && s.contains("H100 SXM"), s.toString());
    }

    @Test
    void addedGpusSayWhereTheyCameFrom() {
        TdpTables.CalculatorRow h200 = tables.calculatorRows().stream()
                .filter(r -> r.name().equals("H200 SXM")).findFirst().orElseThrow();
        assertEquals(700.0, h200.tdpWatts(), 0.0, "NVIDIA H200 datasheet: H200 SXM max TDP 700 W");
        assertTrue(h200.source().contains("nvidia.com"), h200.source());
    }

    private static List<String> cpuNames() {
        try (var in = TdpTables.class.getResourceAsStream("/io/mlco2/tracker/data/cpus.json")) {
            var node = new com.fasterxml.jackson.databind.ObjectMapper().readTree(in).get("cpus");
            List<String> out = new java.util.ArrayList<>();
            node.forEach(n -> out.add(n.get("name").asText()));
            return out;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The calculator's TDP for a row, read from its raw gpus.csv (added GPUs: from their datasheet values). */
    private static double calculatorTdp(String name) {
        for (Map<String, String> r : RawCsv.read("mlco2-impact-gpus.csv")) {
            if (r.get("name").equals(name)) {
                return Double.parseDouble(r.get("tdp_watts"));
            }
        }
        return TdpTables.bundled().calculatorRows().stream().filter(r -> r.name().equals(name))
                .findFirst().orElseThrow().tdpWatts();
    }

    /** The rows as gpus.json has them. */
    private static List<TdpTables.CalculatorRow> calculatorRowsFromJson() {
        List<TdpTables.CalculatorRow> calc = new java.util.ArrayList<>();
        for (Map<String, Object> g : JsonReader.objects(JsonReader.parseResource(TdpTables.class,
                "/io/mlco2/tracker/data/gpus.json"), "gpus")) {
            calc.add(new TdpTables.CalculatorRow(JsonReader.text(g, "name"), JsonReader.text(g, "type"),
                    JsonReader.number(g, "tdp_watts"), JsonReader.text(g, "source")));
        }
        return calc;
    }
}
