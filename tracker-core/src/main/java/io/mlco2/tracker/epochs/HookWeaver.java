package io.mlco2.tracker.epochs;

import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Weaves calls to a bridge class's static {@code event} methods into chosen methods of one class, with plain ASM
 * (a few dozen classes; Byte Buddy, which did this before, loaded about a thousand while the framework's own class
 * waited: docs/PERFORMANCE.md).
 *
 * <p>What a woven method does ({@link HookAdapter} weaves each): on entry, {@code Bridge.event(op, args...)};
 * before every return, the exit call; with {@link Hook#exitOnThrow}, also when an exception leaves the method,
 * which is then rethrown unchanged (a catch-all handler registered after the method's own, so it only sees what
 * would have left the method). The bridge's {@code event} methods never throw, so the method's behaviour is
 * unchanged.
 *
 * <p>Safety: nothing is computed from other classes (no {@code COMPUTE_FRAMES}, which would load classes from inside
 * a transformer). The only stack map frame added is the handler's, whose locals are the method's parameters the exit
 * call reads; a method that stores into one of those slots, or is missing, makes the whole class {@link Rejected}: it
 * is then loaded unchanged. A method that returns a value keeps it on the stack under the exit call.
 */
final class HookWeaver {

    /** The bridge class of the agent jar (on the system class path while the agent runs). */
    static final String BRIDGE = "io/mlco2/agent/bootstrap/Bridge";

    /** What a woven call passes after the operation's name. */
    record Arg(Kind kind, int index) {
        enum Kind { THIS, PARAM, THROWN }

        static Arg self() {
            return new Arg(Kind.THIS, -1);
        }

        static Arg param(int index) {
            return new Arg(Kind.PARAM, index);
        }

        /** The exception leaving the method, {@code null} on a normal return; last argument only. */
        static Arg thrown() {
            return new Arg(Kind.THROWN, -1);
        }
    }

    /** {@code Bridge.event(op, args...)}: one or two arguments, the second may be an {@code int} parameter. */
    record Call(String op, List<Arg> args) {
        Call {
            args = List.copyOf(args);
            if (args.isEmpty() || args.size() > 2) {
                throw new IllegalArgumentException("a call passes one or two arguments: " + args);
            }
            for (int i = 0; i < args.size() - 1; i++) {
                if (args.get(i).kind() == Arg.Kind.THROWN) {
                    throw new IllegalArgumentException("the thrown exception can only be the last argument");
                }
            }
        }

        static Call of(String op, Arg... args) {
            return new Call(op, List.of(args));
        }
    }

    /** Which methods a hook goes on, from their access flags, name and descriptor. */
    @FunctionalInterface
    interface MethodMatcher {
        boolean matches(int access, String name, String descriptor);
    }

    /**
     * One hook: the methods it goes on ({@code what} names them in messages), and the calls on entry and on exit
     * (either may be {@code null}).
     */
    record Hook(String what, MethodMatcher matcher, Call enter, Call exit, boolean exitOnThrow) {
        Hook {
            if (exitOnThrow && exit == null) {
                throw new IllegalArgumentException("exitOnThrow without an exit call");
            }
        }
    }

    /** The class does not have the shape the hooks expect; the message says what is missing or different. */
    static final class Rejected extends Exception {
        Rejected(String message) {
            super(message);
        }
    }

    private final String bridge;

    HookWeaver(String bridgeInternalName) {
        this.bridge = bridgeInternalName;
    }

    /** What {@link #warmUp} weaves: every kind of call, an early return and an exception leaving it. */
    static final class WarmUp {
        private WarmUp() {
        }

        static void run(Object o, int n) {
            if (o == null) {
                throw new IllegalArgumentException();
            }
            if (n > 0) {
                return;
            }
            o.hashCode();
        }
    }

    /**
     * Weaves {@link WarmUp} (without defining it): loads and runs the weaving code once, off the application's
     * threads, so that the first framework class is woven without that cost; throws what a broken weaver would.
     */
    byte[] warmUp() throws Exception {
        byte[] bytes;
        try (java.io.InputStream in = WarmUp.class.getResourceAsStream("HookWeaver$WarmUp.class")) {
            if (in == null) {
                throw new java.io.FileNotFoundException("HookWeaver$WarmUp.class");
            }
            bytes = in.readAllBytes();
        }
        return weave(bytes, List.of(new Hook("static void run(Object, int)",
                MethodShape.of(Opcodes.ACC_STATIC, 0, "run", "V", "Ljava/lang/Object;", "I"),
                Call.of("warm.enter", Arg.param(0), Arg.param(1)), Call.of("warm.exit", Arg.param(0), Arg.thrown()),
                true)));
    }

    /** The class with {@code hooks} woven in; every hook must go on at least one method. */
    byte[] weave(byte[] classfile, List<Hook> hooks) throws Rejected {
        ClassReader reader = new ClassReader(classfile);
        String owner = reader.getClassName();
        boolean frames = reader.readUnsignedShort(6) >= Opcodes.V1_6;
        Map<String, HookAdapter.Woven> chosen = scan(reader, owner, hooks);
        ClassWriter writer = new ClassWriter(reader, 0);
        reader.accept(new ClassVisitor(Opcodes.ASM9, writer) {
            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                                             String[] exceptions) {
                MethodVisitor mv = super.visitMethod(access, name, descriptor, signature, exceptions);
                HookAdapter.Woven w = chosen.get(name + descriptor);
                return w == null ? mv : new HookAdapter(mv, bridge, w, frames);
            }
        }, 0);
        return writer.toByteArray();
    }

    /** A method a hook matched: its access flags and the local variable slots it stores into. */
    private record Matched(Hook hook, int access, BitSet written) {
    }

    private Map<String, HookAdapter.Woven> scan(ClassReader reader, String owner, List<Hook> hooks) throws Rejected {
        Map<String, Matched> matched = new HashMap<>();
        // by position, not a set of hooks: a record's equals/hashCode is linked at its first call through
        // ObjectMethods' method handles (~50 LambdaForm classes spun on the weaving thread: docs/PERFORMANCE.md)
        boolean[] found = new boolean[hooks.size()];
        reader.accept(new ClassVisitor(Opcodes.ASM9) {
            @Override
            public MethodVisitor visitMethod(int acc, String name, String descriptor, String signature,
                                             String[] exceptions) {
                for (int i = 0; i < hooks.size(); i++) {
                    Hook h = hooks.get(i);
                    if (h.matcher().matches(acc, name, descriptor)) {
                        BitSet w = new BitSet();
                        matched.put(name + descriptor, new Matched(h, acc, w));
                        found[i] = true;
                        return new MethodVisitor(Opcodes.ASM9) {
                            @Override
                            public void visitVarInsn(int opcode, int var) {
                                if (opcode >= Opcodes.ISTORE && opcode <= Opcodes.ASTORE) {
                                    w.set(var);
                                    if (opcode == Opcodes.LSTORE || opcode == Opcodes.DSTORE) {
                                        w.set(var + 1);
                                    }
                                }
                            }

                            @Override
                            public void visitIincInsn(int var, int increment) {
                                w.set(var);
                            }
                        };
                    }
                }
                return null;
            }
        }, ClassReader.SKIP_DEBUG | ClassReader.SKIP_FRAMES);
        for (int i = 0; i < hooks.size(); i++) {
            if (!found[i]) {
                throw new Rejected("lacks " + hooks.get(i).what());
            }
        }
        Map<String, HookAdapter.Woven> chosen = new HashMap<>();
        for (Map.Entry<String, Matched> e : matched.entrySet()) {
            String key = e.getKey();
            Hook h = e.getValue().hook();
            int acc = e.getValue().access();
            String descriptor = key.substring(key.indexOf('('));
            String where = key.substring(0, key.indexOf('(')) + descriptor;
            if ((acc & (Opcodes.ACC_ABSTRACT | Opcodes.ACC_NATIVE)) != 0) {
                throw new Rejected("has no code in " + where);
            }
            String enter = h.enter() == null ? null : callDescriptor(h.enter(), acc, descriptor, where);
            String exit = h.exit() == null ? null : callDescriptor(h.exit(), acc, descriptor, where);
            Object[] locals = null;
            if (h.exit() != null) {
                for (Arg a : h.exit().args()) {
                    if (a.kind() != Arg.Kind.THROWN
                            && e.getValue().written().get(HookAdapter.slot(a, acc, descriptor))) {
                        throw new Rejected("stores into a parameter the hook reads in " + where);
                    }
                }
                if (h.exitOnThrow()) {
                    locals = handlerLocals(h.exit(), owner, acc, descriptor);
                }
            }
            chosen.put(key, new HookAdapter.Woven(h, owner, acc, descriptor, enter, exit, locals));
        }
        return chosen;
    }

    private static String callDescriptor(Call c, int access, String descriptor, String where) throws Rejected {
        StringBuilder d = new StringBuilder("(Ljava/lang/String;");
        Type[] params = Type.getArgumentTypes(descriptor);
        for (int i = 0; i < c.args().size(); i++) {
            Arg a = c.args().get(i);
            switch (a.kind()) {
                case THIS -> {
                    if (HookAdapter.isStatic(access)) {
                        throw new Rejected("is static in " + where);
                    }
                    d.append("Ljava/lang/Object;");
                }
                case THROWN -> d.append("Ljava/lang/Object;");
                case PARAM -> {
                    if (a.index() < 0 || a.index() >= params.length) {
                        throw new Rejected("has no parameter " + a.index() + " in " + where);
                    }
                    int sort = params[a.index()].getSort();
                    if (sort == Type.OBJECT || sort == Type.ARRAY) {
                        d.append("Ljava/lang/Object;");
                    } else if (sort == Type.INT && i == 1) {
                        d.append('I');
                    } else {
                        throw new Rejected("has a " + params[a.index()].getClassName() + " parameter " + a.index()
                                + " in " + where);
                    }
                }
                default -> throw new IllegalStateException(a.toString());
            }
        }
        return d.append(")V").toString();
    }

    /**
     * The handler's frame locals: the parameters up to the last one the exit call reads, typed as declared (they
     * are never stored into: checked), the others {@code TOP}.
     */
    private static Object[] handlerLocals(Call exit, String owner, int access, String descriptor) {
        List<Object> locals = new ArrayList<>();
        Set<Integer> needed = new LinkedHashSet<>();
        boolean self = false;
        for (Arg a : exit.args()) {
            if (a.kind() == Arg.Kind.THIS) {
                self = true;
            } else if (a.kind() == Arg.Kind.PARAM) {
                needed.add(a.index());
            }
        }
        int last = -1;
        for (int n : needed) {
            last = Math.max(last, n);
        }
        if (!HookAdapter.isStatic(access)) {
            if (self || last >= 0) {
                locals.add(self ? owner : Opcodes.TOP);
            }
        }
        Type[] params = Type.getArgumentTypes(descriptor);
        for (int i = 0; i <= last; i++) {
            Type t = params[i];
            if (!needed.contains(i)) {
                for (int s = 0; s < t.getSize(); s++) {
                    locals.add(Opcodes.TOP);
                }
            } else if (t.getSort() == Type.INT) {
                locals.add(Opcodes.INTEGER);
            } else {
                locals.add(t.getInternalName());
            }
        }
        return locals.toArray();
    }
}
