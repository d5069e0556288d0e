package io.mlco2.tracker.metrics;

import io.mlco2.tracker.base.NodeIdentity;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The OTLP resource names the JVM, so that the executors of one run are distinct resources. */
class ResourceAttributesTest {

    @Test
    void aSparkExecutorIsNamedByNodeHostPidApplicationAndExecutor() {
        NodeIdentity executor = NodeIdentity.fromCommand("worker-2", 3131,
                "org.apache.spark.executor.CoarseGrainedExecutorBackend --driver-url x --executor-id 7 --hostname worker-2"
                        + " --cores 1 --app-id app-20261207-0001");
        assertEquals(Map.of("service.name", "proj", "service.instance.id", "exec7-worker-2-3131", "host.name", "worker-2",
                        "process.pid", "3131", "spark.app.id", "app-20261207-0001", "spark.executor.id", "7"),
                Metrics.resourceAttributes("proj", executor));
    }

    @Test
    void anyOtherJvmByNodeHostAndPid() {
        assertEquals(Map.of("service.name", "proj", "service.instance.id", "laptop-12", "host.name", "laptop",
                "process.pid", "12"), Metrics.resourceAttributes("proj", new NodeIdentity("laptop", 12, null, null)));
    }
}
