package dev.pgreen.adapt;

import dev.pgreen.Conform;
import dev.pgreen.SqlQuote;
import dev.pgreen.errors.ProgrammingException;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The global adapter registry and its lookup order: an {@link SqlQuote} adapts
 * to itself, then the object's own {@link Conform}, then the adapter for its
 * exact class, its superclasses nearest first, its interfaces breadth-first.
 */
public final class Adapters {
    private static final Map<Class<?>, Function<Object, ? extends SqlQuote>> REGISTRY = new ConcurrentHashMap<>();
    private static final AsIs NULL = new AsIs(null);

    static {
        register(Boolean.class, b -> new AsIs(b ? "true" : "false"));
        register(Integer.class, Adapters::integral);
        register(Long.class, Adapters::integral);
        register(Short.class, Adapters::integral);
        register(Byte.class, Adapters::integral);
        register(BigInteger.class, Adapters::integral);
        register(Double.class, Adapters::floating);
        register(Float.class, f -> floating(f.doubleValue()));
        register(BigDecimal.class, d -> signed(d.toString()));
        register(String.class, QuotedString::new);
        register(Character.class, c -> new QuotedString(c.toString()));
        register(byte[].class, Binary::new);
    }

    private Adapters() {}

    public static <T> void register(Class<T> type, Function<? super T, ? extends SqlQuote> adapter) {
        REGISTRY.put(type, o -> adapter.apply(type.cast(o)));
    }

    public static void unregister(Class<?> type) {
        REGISTRY.remove(type);
    }

    public static SqlQuote adapt(Object obj) {
        if (obj == null) {
            return NULL;
        }
        if (obj instanceof SqlQuote q) {
            return q;
        }
        if (obj instanceof Conform c && c.conform(SqlQuote.class) instanceof SqlQuote q) {
            return q;
        }
        Function<Object, ? extends SqlQuote> adapter = find(obj.getClass());
        if (adapter == null) {
            throw new ProgrammingException("can't adapt type '" + obj.getClass().getName() + "'");
        }
        return adapter.apply(obj);
    }

    private static Function<Object, ? extends SqlQuote> find(Class<?> type) {
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            var adapter = REGISTRY.get(c);
            if (adapter != null) {
                return adapter;
            }
        }
        Deque<Class<?>> queue = new ArrayDeque<>();
        Set<Class<?>> seen = new HashSet<>();
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            queue.addAll(java.util.List.of(c.getInterfaces()));
        }
        while (!queue.isEmpty()) {
            Class<?> i = queue.poll();
            if (!seen.add(i)) {
                continue;
            }
            var adapter = REGISTRY.get(i);
            if (adapter != null) {
                return adapter;
            }
            queue.addAll(java.util.List.of(i.getInterfaces()));
        }
        return null;
    }

    private static AsIs integral(Number n) {
        return signed(n.toString());
    }

    private static AsIs floating(double d) {
        if (Double.isNaN(d)) return new AsIs("'NaN'::float8");
        if (Double.isInfinite(d)) return new AsIs(d > 0 ? "'Infinity'::float8" : "'-Infinity'::float8");
        if (d == 0 && 1 / d < 0) return new AsIs("'-0'::float8");
        return signed(Double.toString(d));
    }

    /** A leading space keeps "- %s" with a negative number from turning into a "--" comment. */
    private static AsIs signed(String literal) {
        return new AsIs(literal.startsWith("-") ? " " + literal : literal);
    }
}
