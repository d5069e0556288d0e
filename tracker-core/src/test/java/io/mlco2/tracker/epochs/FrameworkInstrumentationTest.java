package io.mlco2.tracker.epochs;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FrameworkInstrumentationTest {

    @Test
    void recognisedVersions() {
        assertTrue(FrameworkInstrumentation.djlVersionRecognised("0.36.0"));
        assertTrue(FrameworkInstrumentation.djlVersionRecognised("0.20.0"));
        assertFalse(FrameworkInstrumentation.djlVersionRecognised("0.19.0"));
        assertFalse(FrameworkInstrumentation.djlVersionRecognised("1.0.0"));
        assertFalse(FrameworkInstrumentation.djlVersionRecognised(null));
        assertTrue(FrameworkInstrumentation.dl4jVersionRecognised("1.0.0-M2.1"));
        assertTrue(FrameworkInstrumentation.dl4jVersionRecognised("1.0.0-M1"));
        assertTrue(FrameworkInstrumentation.dl4jVersionRecognised("1.0.0-beta7"));
        assertFalse(FrameworkInstrumentation.dl4jVersionRecognised("0.9.1"));
        assertFalse(FrameworkInstrumentation.dl4jVersionRecognised("1.0.0-M3"));
        assertFalse(FrameworkInstrumentation.dl4jVersionRecognised(null));
    }

    @Test
    void versionsOfAbsentJarsAreUnknown() {
        assertFalse(FrameworkInstrumentation.djlVersionRecognised(
                FrameworkInstrumentation.manifestVersion(getClass().getClassLoader(), "ai/djl/training/EasyTrain.class")));
        assertFalse(FrameworkInstrumentation.dl4jVersionRecognised(FrameworkInstrumentation.pomVersion(null,
                "META-INF/maven/org.deeplearning4j/deeplearning4j-nn/pom.properties")));
    }
}
