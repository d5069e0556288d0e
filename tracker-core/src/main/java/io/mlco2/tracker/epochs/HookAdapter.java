package io.mlco2.tracker.epochs;

import io.mlco2.tracker.epochs.HookWeaver.Arg;
import io.mlco2.tracker.epochs.HookWeaver.Call;
import io.mlco2.tracker.epochs.HookWeaver.Hook;
import org.objectweb.asm.Handle;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;

import java.util.List;

/**
 * Weaves one method for {@link HookWeaver}: the entry call, the exit call before each return, and with
 * {@link HookWeaver.Hook#exitOnThrow} a catch-all handler at the end that makes the exit call and rethrows.
 */
final class HookAdapter extends MethodVisitor {

    /** A matched method and what is woven into it. */
    record Woven(Hook hook, String owner, int access, String descriptor, String enterDescriptor,
                 String exitDescriptor, Object[] handlerLocals) {
    }

    static boolean isStatic(int access) {
        return (access & Opcodes.ACC_STATIC) != 0;
    }

    /** The local variable slot an argument is read from. */
    static int slot(Arg a, int access, String descriptor) {
        if (a.kind() == Arg.Kind.THIS) {
            return 0;
        }
        int slot = isStatic(access) ? 0 : 1;
        Type[] params = Type.getArgumentTypes(descriptor);
        for (int i = 0; i < a.index(); i++) {
            slot += params[i].getSize();
        }
        return slot;
    }

    private final String bridge;
    private final Woven w;
    private final boolean frames;
    private boolean begun;
    private Label start;
    private Label end;
    private Label handler;

    HookAdapter(MethodVisitor mv, String bridge, Woven w, boolean frames) {
        super(Opcodes.ASM9, mv);
        this.bridge = bridge;
        this.w = w;
        this.frames = frames;
    }

    /**
     * Runs before the method's first instruction, label or frame, that is after the reader has passed on the
     * method's own exception handlers: ours comes after them, so theirs keep precedence.
     */
    private void begin() {
        if (begun) {
            return;
        }
        begun = true;
        if (w.hook().exitOnThrow()) {
            start = new Label();
            end = new Label();
            handler = new Label();
            super.visitTryCatchBlock(start, end, handler, "java/lang/Throwable");
        }
        if (w.hook().enter() != null) {
            loadArgs(w.hook().enter());
            invoke(w.enterDescriptor());
        }
        if (start != null) {
            super.visitLabel(start);
        }
    }

    /** The operation and the arguments, the thrown exception as {@code null} (a normal entry or return). */
    private void loadArgs(Call c) {
        super.visitLdcInsn(c.op());
        for (Arg a : c.args()) {
            if (a.kind() == Arg.Kind.THROWN) {
                super.visitInsn(Opcodes.ACONST_NULL);
            } else {
                loadArg(a);
            }
        }
    }

    private void invoke(String descriptor) {
        super.visitMethodInsn(Opcodes.INVOKESTATIC, bridge, "event", descriptor, false);
    }

    @Override
    public void visitFrame(int type, int numLocal, Object[] local, int numStack, Object[] stack) {
        begin();
        super.visitFrame(type, numLocal, local, numStack, stack);
    }

    @Override
    public void visitInsn(int opcode) {
        begin();
        if (opcode >= Opcodes.IRETURN && opcode <= Opcodes.RETURN && w.hook().exit() != null) {
            loadArgs(w.hook().exit());
            invoke(w.exitDescriptor());
        }
        super.visitInsn(opcode);
    }

    @Override
    public void visitIntInsn(int opcode, int operand) {
        begin();
        super.visitIntInsn(opcode, operand);
    }

    @Override
    public void visitVarInsn(int opcode, int var) {
        begin();
        super.visitVarInsn(opcode, var);
    }

    @Override
    public void visitTypeInsn(int opcode, String type) {
        begin();
        super.visitTypeInsn(opcode, type);
    }

    @Override
    public void visitFieldInsn(int opcode, String owner, String name, String descriptor) {
        begin();
        super.visitFieldInsn(opcode, owner, name, descriptor);
    }

    @Override
    public void visitMethodInsn(int opcode, String owner, String name, String descriptor, boolean isInterface) {
        begin();
        super.visitMethodInsn(opcode, owner, name, descriptor, isInterface);
    }

    @Override
    public void visitInvokeDynamicInsn(String name, String descriptor, Handle bootstrap, Object... args) {
        begin();
        super.visitInvokeDynamicInsn(name, descriptor, bootstrap, args);
    }

    @Override
    public void visitJumpInsn(int opcode, Label label) {
        begin();
        super.visitJumpInsn(opcode, label);
    }

    @Override
    public void visitLabel(Label label) {
        begin();
        super.visitLabel(label);
    }

    @Override
    public void visitLdcInsn(Object value) {
        begin();
        super.visitLdcInsn(value);
    }

    @Override
    public void visitIincInsn(int var, int increment) {
        begin();
        super.visitIincInsn(var, increment);
    }

    @Override
    public void visitTableSwitchInsn(int min, int max, Label dflt, Label... labels) {
        begin();
        super.visitTableSwitchInsn(min, max, dflt, labels);
    }

    @Override
    public void visitLookupSwitchInsn(Label dflt, int[] keys, Label[] labels) {
        begin();
        super.visitLookupSwitchInsn(dflt, keys, labels);
    }

    @Override
    public void visitMultiANewArrayInsn(String descriptor, int numDimensions) {
        begin();
        super.visitMultiANewArrayInsn(descriptor, numDimensions);
    }

    @Override
    public void visitLineNumber(int line, Label label) {
        begin();
        super.visitLineNumber(line, label);
    }

    @Override
    public void visitLocalVariable(String name, String descriptor, String signature, Label s, Label e, int index) {
        begin();
        super.visitLocalVariable(name, descriptor, signature, s, e, index);
    }

    @Override
    public void visitMaxs(int maxStack, int maxLocals) {
        begin();
        if (handler != null) {
            super.visitLabel(end);
            super.visitLabel(handler);
            if (frames) {
                Object[] locals = w.handlerLocals();
                super.visitFrame(Opcodes.F_FULL, locals.length, locals, 1, new Object[] {"java/lang/Throwable"});
            }
            // Stack: [thrown]. Pass the operation, the arguments and (last, if asked) the thrown exception.
            Call exit = w.hook().exit();
            List<Arg> args = exit.args();
            boolean passesThrown = args.get(args.size() - 1).kind() == Arg.Kind.THROWN;
            if (passesThrown) {
                super.visitInsn(Opcodes.DUP);                 // t t
                super.visitLdcInsn(exit.op());               // t t op
                super.visitInsn(Opcodes.SWAP);                // t op t
                if (args.size() == 2) {
                    loadArg(args.get(0));                    // t op t a
                    super.visitInsn(Opcodes.SWAP);            // t op a t
                }
            } else {
                loadArgs(exit);
            }
            invoke(w.exitDescriptor());                      // t
            super.visitInsn(Opcodes.ATHROW);
        }
        super.visitMaxs(maxStack + 4, maxLocals);
    }

    /** {@code this} or a parameter. */
    private void loadArg(Arg a) {
        if (a.kind() == Arg.Kind.THIS) {
            super.visitVarInsn(Opcodes.ALOAD, 0);
        } else {
            Type t = Type.getArgumentTypes(w.descriptor())[a.index()];
            super.visitVarInsn(t.getOpcode(Opcodes.ILOAD), slot(a, w.access(), w.descriptor()));
        }
    }
}
