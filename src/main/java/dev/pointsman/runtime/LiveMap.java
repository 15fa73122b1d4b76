package dev.pointsman.runtime;

import java.util.AbstractMap;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The running backends by name, in configuration order, as stats and the runtime API read them
 * while a reload changes them: every change publishes a new copy, so a reader iterates one
 * consistent set. Owner: start and reload (one at a time) write; any thread reads.
 */
final class LiveMap<K, V> extends AbstractMap<K, V> {
    private volatile Map<K, V> current = Map.of();

    @Override
    public Set<Entry<K, V>> entrySet() {
        return current.entrySet();
    }

    @Override
    public V get(Object key) {
        return current.get(key);
    }

    @Override
    public boolean containsKey(Object key) {
        return current.containsKey(key);
    }

    @Override
    public synchronized V put(K key, V value) {
        Map<K, V> next = new LinkedHashMap<>(current);
        V before = next.put(key, value);
        current = Collections.unmodifiableMap(next);
        return before;
    }

    @Override
    public synchronized V remove(Object key) {
        Map<K, V> next = new LinkedHashMap<>(current);
        V before = next.remove(key);
        current = Collections.unmodifiableMap(next);
        return before;
    }

    /** Puts every entry of {@code order}'s keys that is here first, in that order, then the rest. */
    synchronized void reorder(Iterable<K> order) {
        Map<K, V> next = new LinkedHashMap<>();
        for (K k : order) {
            V v = current.get(k);
            if (v != null) {
                next.put(k, v);
            }
        }
        current.forEach(next::putIfAbsent);
        current = Collections.unmodifiableMap(next);
    }
}
