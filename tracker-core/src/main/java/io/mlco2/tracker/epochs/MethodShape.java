package io.mlco2.tracker.epochs;

import org.objectweb.asm.Type;

/**
 * The methods a hook goes on, by their declaration: access flags they must have and must not have, their name,
 * their return type and each parameter's type as JVM descriptors ({@code I}, {@code Ljava/util/function/Consumer;}),
 * where {@link #ANY} accepts any type and {@code A|B} either. Data rather than code: a framework describes its hooks
 * without a lambda or a class of its own for each (docs/PERFORMANCE.md).
 */
final class MethodShape implements HookWeaver.MethodMatcher {

    /** Any type. */
    static final String ANY = "*";

    private final int required;
    private final int forbidden;
    private final String name;
    private final String[] returns;
    private final String[][] params;

    /**
     * The matcher. Typed as the interface, not this class: a framework's descriptor that passes it to a
     * {@code Hook} then makes the JVM's verifier load neither (the descriptor is loaded in every run).
     *
     * @param required  the access flags ({@code Opcodes.ACC_*}) the method must have
     * @param forbidden the access flags it must not have
     * @param returns   its return type
     * @param params    its parameters' types, as many as it has
     */
    static HookWeaver.MethodMatcher of(int required, int forbidden, String name, String returns, String... params) {
        return new MethodShape(required, forbidden, name, returns, params);
    }

    private MethodShape(int required, int forbidden, String name, String returns, String... params) {
        this.required = required;
        this.forbidden = forbidden;
        this.name = name;
        this.returns = alternatives(returns);
        this.params = new String[params.length][];
        for (int i = 0; i < params.length; i++) {
            this.params[i] = alternatives(params[i]);
        }
    }

    /** {@code A|B} as {@code {A, B}}; {@link #ANY} as {@code null}. */
    private static String[] alternatives(String types) {
        if (types.equals(ANY)) {
            return null;
        }
        int n = 1;
        for (int i = types.indexOf('|'); i >= 0; i = types.indexOf('|', i + 1)) {
            n++;
        }
        String[] out = new String[n];
        int from = 0;
        for (int k = 0; k < n; k++) {
            int bar = types.indexOf('|', from);
            int to = bar < 0 ? types.length() : bar;
            out[k] = types.substring(from, to);
            from = to + 1;
        }
        return out;
    }

    @Override
    public boolean matches(int access, String name, String descriptor) {
        if ((access & required) != required || (access & forbidden) != 0 || !name.equals(this.name)) {
            return false;
        }
        Type[] args = Type.getArgumentTypes(descriptor);
        if (args.length != params.length) {
            return false;
        }
        for (int i = 0; i < args.length; i++) {
            if (!oneOf(params[i], args[i].getDescriptor())) {
                return false;
            }
        }
        return oneOf(returns, Type.getReturnType(descriptor).getDescriptor());
    }

    private static boolean oneOf(String[] accepted, String type) {
        if (accepted == null) {
            return true;
        }
        for (String a : accepted) {
            if (a.equals(type)) {
                return true;
            }
        }
        return false;
    }
}
