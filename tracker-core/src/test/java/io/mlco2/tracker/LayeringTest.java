package io.mlco2.tracker;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.library.Architectures;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The floors of tracker-core's packages, ground first. A package may use the floors below its own, never its own
 * floor's other packages nor a floor above: so there is no cycle, and one obvious place for each change. A new
 * package goes on a floor here.
 */
class LayeringTest {

    /** Ground first; the packages of one floor do not use each other. {@code report} is the package alone. */
    static final String[][] FLOORS = {
            {"base", "format", "energy"},
            {"cpu", "config"},
            {"hardware", "carbon"},
            {"gpu", "report"},
            {"runtime"},
            {"epochs"},
            {"timeseries", "metrics"},
            {"report.merge"},
            {"html"},
            {"cli", "launch"},
    };

    static JavaClasses classes;

    @BeforeAll
    static void importMainClasses() throws Exception {
        // The folder (or jar) the main classes come from, alone: no scan of the class path's jars.
        Path main = Path.of(io.mlco2.tracker.runtime.Tracker.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        classes = new ClassFileImporter().importPath(main);
        // The rules hold vacuously over nothing: make sure the main classes are there.
        assertTrue(classes.contain("io.mlco2.tracker.runtime.Tracker"), "main classes not found on the class path");
        assertFalse(classes.contain("io.mlco2.tracker.LayeringTest"), "test classes imported");
    }

    static String packageOf(String name) {
        // report's sub-package is a floor of its own: "report" names the package alone
        return name.equals("report") ? "io.mlco2.tracker.report" : "io.mlco2.tracker." + name + "..";
    }

    @Test
    void eachPackageUsesOnlyTheFloorsBelowIt() {
        Architectures.LayeredArchitecture layers = Architectures.layeredArchitecture().consideringOnlyDependenciesInLayers();
        for (String[] floor : FLOORS) {
            for (String p : floor) {
                layers = layers.layer(p).definedBy(packageOf(p));
            }
        }
        for (int f = 0; f < FLOORS.length; f++) {
            List<String> above = new ArrayList<>();
            for (int g = f + 1; g < FLOORS.length; g++) {
                above.addAll(Arrays.asList(FLOORS[g]));
            }
            for (String p : FLOORS[f]) {
                layers = above.isEmpty()
                        ? layers.whereLayer(p).mayNotBeAccessedByAnyLayer()
                        : layers.whereLayer(p).mayOnlyBeAccessedByLayers(above.toArray(new String[0]));
            }
        }
        layers.check(classes);
    }

    @Test
    void noPackageCycles() {
        slices().matching("io.mlco2.tracker.(**)").should().beFreeOfCycles().check(classes);
    }

    @Test
    void extensionsSeeTheRunThroughItsContextNotTheTracker() {
        noClasses().that().resideOutsideOfPackages("io.mlco2.tracker.runtime", "io.mlco2.tracker.launch")
                .should().dependOnClassesThat().haveFullyQualifiedName("io.mlco2.tracker.runtime.Tracker")
                .because("extensions depend on runtime.RunContext; only the wiring (launch) holds the Tracker")
                .check(classes);
    }

    @Test
    void onlyDiscoveryKnowsAKindOfDevice() {
        noClasses().that().resideInAPackage("io.mlco2.tracker.runtime").and().doNotHaveSimpleName("SourceDiscovery")
                .should().dependOnClassesThat().resideInAnyPackage("io.mlco2.tracker.gpu..", "io.mlco2.nvml..")
                .because("the run drives every device through energy.SourceGroup; a new GPU vendor is a new group")
                .check(classes);
    }
}
