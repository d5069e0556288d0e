package io.mlco2.tracker.epochs;

import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.Supplier;

/**
 * State per framework object (a trainer, a model), keyed by identity and held weakly: DL4J's models override
 * {@code equals} with a comparison of their (changing) parameters, so a {@code WeakHashMap} would lose them. A run
 * has a handful of such objects, so a list is enough; cleared entries go at the next lookup.
 */
final class IdentityStates<S> {

    private record Entry<S>(WeakReference<Object> key, S state) {
    }

    private final List<Entry<S>> entries = new ArrayList<>();
    private final Supplier<S> factory;

    IdentityStates(Supplier<S> factory) {
        this.factory = factory;
    }

    synchronized S get(Object key) {
        Iterator<Entry<S>> it = entries.iterator();
        while (it.hasNext()) {
            Entry<S> e = it.next();
            Object k = e.key().get();
            if (k == null) {
                it.remove();
            } else if (k == key) {
                return e.state();
            }
        }
        S s = factory.get();
        entries.add(new Entry<>(new WeakReference<>(key), s));
        return s;
    }

    synchronized int size() {
        return entries.size();
    }
}
