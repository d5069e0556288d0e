package io.mlco2.tracker.base;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NodeIdentityTest {

    @Test
    void executorBackendCommandLineGivesAppAndExecutor() {
        String cmd = "org.apache.spark.executor.CoarseGrainedExecutorBackend --driver-url spark://CoarseGrainedScheduler@"
                + "127.0.0.1:40123 --executor-id 3 --hostname 127.0.0.1 --cores 1 --app-id app-20261207054012-0001"
                + " --worker-url spark://Worker@127.0.0.1:37000 --resourceProfileId 0";
        NodeIdentity n = NodeIdentity.fromCommand("Worker-1", 4242, cmd);
        assertEquals("app-20261207054012-0001", n.sparkAppId());
        assertEquals("3", n.sparkExecutorId());
        assertTrue(n.isSparkExecutor());
        assertEquals("exec3-worker-1-4242", n.nodeId());
    }

    @Test
    void kubernetesBackendToo() {
        NodeIdentity n = NodeIdentity.fromCommand("pod", 1, "org.apache.spark.scheduler.cluster.k8s."
                + "KubernetesExecutorBackend --driver-url x --executor-id 12 --cores 2 --app-id spark-abc --hostname 10.0.0.5"
                + " --resourceProfileId 0 --podName p");
        assertEquals("spark-abc", n.sparkAppId());
        assertEquals("exec12-pod-1", n.nodeId());
    }

    @Test
    void otherProgramsAreNotExecutorsEvenWithTheSameOptions() {
        NodeIdentity n = NodeIdentity.fromCommand("h", 7, "com.example.Train --executor-id 3 --app-id x");
        assertNull(n.sparkAppId());
        assertNull(n.sparkExecutorId());
        assertFalse(n.isSparkExecutor());
        assertEquals("h-7", n.nodeId());
        assertNull(NodeIdentity.fromCommand("h", 7, null).sparkAppId());
        assertNull(NodeIdentity.fromCommand("h", 7, "x.ExecutorBackend --app-id").sparkAppId());
    }

    @Test
    void nodeIdIsFileNameSafe() {
        assertEquals("a_b_c-1", new NodeIdentity("a/b:c", 1, null, null).nodeId());
        assertEquals("exec_.._x-h_st-9", new NodeIdentity("h st", 9, "app", "/../x").nodeId());
        assertEquals("localhost-5", new NodeIdentity(" ", 5, null, null).nodeId());
    }

    @Test
    void currentIsThisJvm() {
        NodeIdentity n = NodeIdentity.current("me");
        assertEquals(ProcessHandle.current().pid(), n.pid());
        assertFalse(n.isSparkExecutor());
    }
}
