package io.mlco2.it.jobs;

import java.lang.reflect.Method;

/**
 * An application with OSHI 3.4.2 and JNA 4.3.0 on its class path (what DL4J 1.0.0-M2.1 brings). It uses both
 * and prints what it got, so a test can check that the agent's own OSHI 7 / JNA 5 did not replace them.
 * Reflection keeps this class compilable without those old jars on the test compile class path.
 */
public final class LegacyLibrariesJob {

    public static void main(String[] args) throws Exception {
        Class<?> nativeClass = Class.forName("com.sun.jna.Native");
        java.lang.reflect.Field version = nativeClass.getField("VERSION");
        version.setAccessible(true);
        // A native call through the application's JNA: proves its libjnidispatch loaded next to the agent's.
        int pointerSize = nativeClass.getField("POINTER_SIZE").getInt(null);
        System.out.println("APP JNA " + version.get(null) + " pointer=" + pointerSize + " from "
                + nativeClass.getProtectionDomain().getCodeSource().getLocation().getPath().replaceAll(".*/", ""));
        Object systemInfo = Class.forName("oshi.SystemInfo").getConstructor().newInstance();
        Object hal = systemInfo.getClass().getMethod("getHardware").invoke(systemInfo);
        Object cpu = hal.getClass().getMethod("getProcessor").invoke(hal);
        Method name = cpu.getClass().getMethod("getName");
        Method logical = cpu.getClass().getMethod("getLogicalProcessorCount");
        Class<?> si = systemInfo.getClass();
        System.out.println("APP OSHI from " + si.getProtectionDomain().getCodeSource().getLocation().getPath().replaceAll(".*/", "")
                + " cpu=" + name.invoke(cpu) + " logical=" + logical.invoke(cpu));
        // The application's own Jackson 2.9, Micrometer 1.1 and SLF4J binding.
        Object mapper = Class.forName("com.fasterxml.jackson.databind.ObjectMapper").getConstructor().newInstance();
        Object jacksonVersion = mapper.getClass().getMethod("version").invoke(mapper);
        System.out.println("APP Jackson " + jacksonVersion + " json=" + mapper.getClass().getMethod("writeValueAsString", Object.class)
                .invoke(mapper, java.util.Map.of("k", 1)));
        Object registry = Class.forName("io.micrometer.core.instrument.simple.SimpleMeterRegistry").getConstructor().newInstance();
        Object counter = registry.getClass().getMethod("counter", String.class, String[].class)
                .invoke(registry, "app.counter", new String[0]);
        counter.getClass().getMethod("increment").invoke(counter);
        System.out.println("APP Micrometer from " + registry.getClass().getProtectionDomain().getCodeSource().getLocation()
                .getPath().replaceAll(".*/", "") + " count=" + counter.getClass().getMethod("count").invoke(counter));
        Object logger = Class.forName("org.slf4j.LoggerFactory").getMethod("getLogger", String.class).invoke(null, "app");
        logger.getClass().getMethod("info", String.class).invoke(logger, "APP SLF4J binding works");
        long end = System.nanoTime() + 1_500_000_000L;
        double x = 0;
        while (System.nanoTime() < end) {
            x += Math.sqrt(x + 1);
        }
        System.out.println("LEGACY JOB DONE " + (x > 0));
    }
}
