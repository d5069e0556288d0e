package io.mlco2.tracker.epochs;

import io.mlco2.tracker.epochs.HookWeaver.Arg;
import io.mlco2.tracker.epochs.HookWeaver.Call;
import io.mlco2.tracker.epochs.HookWeaver.Hook;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.objectweb.asm.Opcodes;

import java.io.InputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Weaves {@link WeaveFixture} and runs it in its own class loader, so the JVM's verifier checks every woven method
 * (a mistake in the stack map frames or the handler would fail the class's loading here).
 */
class HookWeaverTest {

    private static final String FIXTURE = WeaveFixture.class.getName();

    private final HookWeaver weaver = new HookWeaver(RecordingBridge.INTERNAL_NAME);

    @BeforeEach
    void clear() {
        RecordingBridge.EVENTS.clear();
    }

    static byte[] original() throws Exception {
        try (InputStream in = HookWeaverTest.class.getResourceAsStream("WeaveFixture.class")) {
            return in.readAllBytes();
        }
    }

    /** Defines {@code bytes} as {@code name} in a new loader (everything else from the test's) and links it. */
    static Class<?> define(String name, byte[] bytes) throws Exception {
        ClassLoader loader = new ClassLoader(HookWeaverTest.class.getClassLoader()) {
            @Override
            protected Class<?> loadClass(String n, boolean resolve) throws ClassNotFoundException {
                if (!n.equals(name)) {
                    return super.loadClass(n, resolve);
                }
                synchronized (getClassLoadingLock(n)) {
                    Class<?> c = findLoadedClass(n);
                    return c != null ? c : defineClass(n, bytes, 0, bytes.length);
                }
            }
        };
        return Class.forName(name, true, loader);
    }

    private static Hook on(String method, Call enter, Call exit, boolean exitOnThrow) {
        return new Hook(method + "(...)", (access, name, desc) -> name.equals(method), enter, exit, exitOnThrow);
    }

    private Class<?> woven(Hook... hooks) throws Exception {
        return define(FIXTURE, weaver.weave(original(), List.of(hooks)));
    }

    /** Calls the public method {@code name} of {@code c}; what it throws is thrown as is. */
    static Object call(Class<?> c, Object target, String name, Object... args) throws Throwable {
        for (Method m : c.getMethods()) {
            if (m.getName().equals(name)) {
                try {
                    return m.invoke(target, args);
                } catch (InvocationTargetException e) {
                    throw e.getCause();
                }
            }
        }
        throw new AssertionError("no method " + name);
    }

    private static List<List<Object>> events() {
        return List.copyOf(RecordingBridge.EVENTS);
    }

    @Test
    void entryAndExitOnEveryPathOfAStaticMethod() throws Throwable {
        Class<?> c = woven(on("fit", Call.of("fit.enter", Arg.param(0), Arg.param(1)),
                Call.of("fit.exit", Arg.param(0)), true));
        Object t = c.getConstructor().newInstance();

        call(c, null, "fit", t, 3, null, null);
        assertEquals(3, c.getField("count").get(null), "the method's own work is unchanged");
        assertEquals(List.of(List.of("fit.enter", t, 3), List.of("fit.exit", t)), events());

        RecordingBridge.EVENTS.clear();
        call(c, null, "fit", t, 0, null, null);
        assertEquals(List.of(List.of("fit.enter", t, 0), List.of("fit.exit", t)), events(), "early return");

        RecordingBridge.EVENTS.clear();
        call(c, null, "fit", t, -1, null, null);
        assertEquals("negative", c.getField("caught").get(null),
                "the method's own handler still catches its exception (ours is registered after it)");
        assertEquals(List.of(List.of("fit.enter", t, -1), List.of("fit.exit", t)), events());

        RecordingBridge.EVENTS.clear();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> call(c, null, "fit", null, 1, null, null));
        assertEquals("no trainer", e.getMessage());
        assertEquals("fit", e.getStackTrace()[0].getMethodName(), "rethrown as it was thrown");
        assertEquals(Arrays.asList(Arrays.asList("fit.enter", null, 1), Arrays.asList("fit.exit", (Object) null)),
                events(), "exit runs when an exception leaves the method");
    }

    @Test
    void theThrownExceptionIsPassedAndRethrownUnchanged() throws Throwable {
        Class<?> c = woven(on("fitEpoch", Call.of("epoch.enter", Arg.self()),
                Call.of("epoch.exit", Arg.self(), Arg.thrown()), true));
        Object model = c.getConstructor().newInstance();

        call(c, model, "fitEpoch", List.of(1, 2).iterator());
        assertEquals(Arrays.asList(List.of("epoch.enter", model), Arrays.asList("epoch.exit", model, null)), events());

        RecordingBridge.EVENTS.clear();
        Iterator<Object> bad = Arrays.asList((Object) 1, null).iterator();
        NullPointerException npe = assertThrows(NullPointerException.class, () -> call(c, model, "fitEpoch", bad));
        assertEquals("null item", npe.getMessage());
        List<List<Object>> ev = events();
        assertEquals(2, ev.size(), ev.toString());
        assertEquals("epoch.exit", ev.get(1).get(0));
        assertSame(model, ev.get(1).get(1));
        assertSame(npe, ev.get(1).get(2), "the exception the method threw, the same instance the caller gets");
        assertFalse(Thread.holdsLock(model), "the synchronized method released its monitor");
    }

    @Test
    void anExitOnlyHookRunsAfterTheMethod() throws Throwable {
        Class<?> c = woven(on("notifyListeners", null, Call.of("notified", Arg.self(), Arg.param(0)), false));
        Object trainer = c.getConstructor().newInstance();
        Consumer<Object> listener = o -> RecordingBridge.EVENTS.add(List.of("listener", o));
        call(c, trainer, "notifyListeners", listener);
        assertEquals(List.of(List.of("listener", trainer), List.of("notified", trainer, listener)), events());
    }

    @Test
    void aMethodThatReturnsAValueReturnsItUnchangedAfterTheExitCall() throws Throwable {
        Class<?> c = woven(on("value", Call.of("value.enter", Arg.self()),
                Call.of("value.exit", Arg.self(), Arg.thrown()), true),
                on("wideValue", null, Call.of("wide.exit", Arg.thrown()), true));
        Object o = c.getConstructor().newInstance();
        assertEquals("p".hashCode(), call(c, o, "value", "p"));
        assertEquals(List.of(List.of("value.enter", o), Arrays.asList("value.exit", o, null)), events());

        RecordingBridge.EVENTS.clear();
        NullPointerException npe = assertThrows(NullPointerException.class, () -> call(c, o, "value", (Object) null));
        assertSame(npe, events().get(1).get(2), "the exception leaving it");

        RecordingBridge.EVENTS.clear();
        assertEquals(10L, call(c, null, "wideValue", 5L));
        assertEquals(7L, call(c, null, "wideValue", -7L));
        assertEquals(List.of(Arrays.asList("wide.exit", (Object) null), Arrays.asList("wide.exit", (Object) null)),
                events(), "one exit call before each return");
    }

    @Test
    void entryRunsOnceWhenTheMethodLoopsBackToItsFirstInstruction() throws Throwable {
        Class<?> c = woven(on("spin", Call.of("spin.enter", Arg.thrown()), Call.of("spin.exit", Arg.thrown()), true));
        call(c, null, "spin", 4);
        assertEquals(4, c.getField("count").get(null));
        assertEquals(Arrays.asList(Arrays.asList("spin.enter", null), Arrays.asList("spin.exit", (Object) null)),
                events());
    }

    @Test
    void slotsAfterLongParametersAreRead() throws Throwable {
        Class<?> c = woven(on("wide", Call.of("wide.enter", Arg.param(1)), Call.of("wide.exit", Arg.param(1)), true));
        call(c, null, "wide", 5L, "p", 1.5);
        assertEquals(5, c.getField("count").get(null));
        assertThrows(UnsupportedOperationException.class, () -> call(c, null, "wide", 1L, "throw", 2.0));
        assertEquals(List.of(List.of("wide.enter", "p"), List.of("wide.exit", "p"), List.of("wide.enter", "throw"),
                List.of("wide.exit", "throw")), events());
    }

    @Test
    void severalHooksInOneClassAndTheOtherMethodsUnchanged() throws Throwable {
        Class<?> c = woven(on("notifyListeners", null, Call.of("notified", Arg.self(), Arg.param(0)), false),
                on("fitEpoch", Call.of("epoch.enter", Arg.self()), null, false),
                on("reassigns", Call.of("re.enter", Arg.param(0)), null, false));
        Object o = c.getConstructor().newInstance();
        assertEquals(42, call(c, null, "untouched", 21));
        call(c, o, "reassigns", "before");
        assertEquals("changed", c.getField("caught").get(null));
        call(c, o, "fitEpoch", List.of().iterator());
        assertEquals(List.of(List.of("re.enter", "before"), List.of("epoch.enter", o)), events(),
                "an entry hook may read a parameter the method stores into later");
    }

    @Test
    void aClassOfAnotherShapeIsRejectedWithTheReason() throws Exception {
        byte[] bytes = original();
        assertTrue(assertThrows(HookWeaver.Rejected.class, () -> weaver.weave(bytes,
                List.of(on("absent", Call.of("x", Arg.self()), null, false)))).getMessage().contains("lacks absent(...)"));
        assertTrue(assertThrows(HookWeaver.Rejected.class, () -> weaver.weave(bytes,
                List.of(on("reassigns", null, Call.of("x", Arg.param(0)), true)))).getMessage()
                .contains("stores into a parameter the hook reads in reassigns(Ljava/lang/Object;)V"));
        assertTrue(assertThrows(HookWeaver.Rejected.class, () -> weaver.weave(bytes,
                List.of(on("untouched", Call.of("x", Arg.self()), null, false)))).getMessage().contains("is static"));
        assertTrue(assertThrows(HookWeaver.Rejected.class, () -> weaver.weave(bytes,
                List.of(on("wide", Call.of("x", Arg.param(0)), null, false)))).getMessage().contains("long parameter 0"));
        assertTrue(assertThrows(HookWeaver.Rejected.class, () -> weaver.weave(bytes,
                List.of(on("fit", Call.of("x", Arg.param(1)), null, false)))).getMessage().contains("int parameter 1"),
                "an int is passed only as the second argument");
    }

    @Test
    void aThrownExceptionCanOnlyBeTheLastArgument() {
        assertThrows(IllegalArgumentException.class, () -> Call.of("x", Arg.thrown(), Arg.self()));
        assertThrows(IllegalArgumentException.class, () -> Call.of("x"));
        assertThrows(IllegalArgumentException.class, () -> new Hook("m", (a, n, d) -> true, null, null, true));
    }

    @Test
    void theWarmUpWeavesItsOwnClassIntoOneThatRuns() throws Throwable {
        Class<?> c = define(HookWeaver.WarmUp.class.getName(), weaver.warmUp());
        assertEquals(List.of(), events(), "weaving runs nothing");
        Method run = c.getDeclaredMethod("run", Object.class, int.class);
        run.setAccessible(true);
        run.invoke(null, "o", 1);
        InvocationTargetException e = assertThrows(InvocationTargetException.class, () -> run.invoke(null, null, 0));
        assertEquals(Arrays.asList(Arrays.asList("warm.enter", "o", 1), Arrays.asList("warm.exit", "o", null),
                Arrays.asList("warm.enter", null, 0), Arrays.asList("warm.exit", null, e.getCause())), events());
    }

    @Test
    void aMethodShapeMatchesAccessFlagsNameParameterTypesAndReturnType() {
        HookWeaver.MethodMatcher m = MethodShape.of(Opcodes.ACC_PUBLIC, Opcodes.ACC_STATIC, "fit", "V",
                "Ljava/util/Iterator;|Ljava/util/List;", MethodShape.ANY);
        assertTrue(m.matches(Opcodes.ACC_PUBLIC, "fit", "(Ljava/util/Iterator;I)V"));
        assertTrue(m.matches(Opcodes.ACC_PUBLIC | Opcodes.ACC_SYNCHRONIZED, "fit", "(Ljava/util/List;[J)V"),
                "the second alternative; any second parameter; other flags allowed");
        assertFalse(m.matches(Opcodes.ACC_PUBLIC, "fit", "(Ljava/util/Set;I)V"), "neither alternative");
        assertFalse(m.matches(Opcodes.ACC_PUBLIC, "fit", "(Ljava/util/List;)V"), "one parameter fewer");
        assertFalse(m.matches(Opcodes.ACC_PUBLIC, "fit", "(Ljava/util/List;II)V"), "one parameter more");
        assertFalse(m.matches(Opcodes.ACC_PUBLIC, "fit", "(Ljava/util/List;I)I"), "another return type");
        assertFalse(m.matches(Opcodes.ACC_PUBLIC | Opcodes.ACC_STATIC, "fit", "(Ljava/util/List;I)V"), "static");
        assertFalse(m.matches(Opcodes.ACC_PROTECTED, "fit", "(Ljava/util/List;I)V"), "not public");
        assertFalse(m.matches(Opcodes.ACC_PUBLIC, "fitAll", "(Ljava/util/List;I)V"), "another name");
        HookWeaver.MethodMatcher any = MethodShape.of(0, 0, "run", MethodShape.ANY);
        assertTrue(any.matches(Opcodes.ACC_PRIVATE | Opcodes.ACC_STATIC, "run", "()J"));
        assertFalse(any.matches(0, "run", "(I)V"));
    }
}
