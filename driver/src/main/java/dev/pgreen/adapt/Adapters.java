package dev.pgreen.adapt;

import dev.pgreen.Conform;
import dev.pgreen.SqlQuote;
import dev.pgreen.errors.ProgrammingException;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.Period;
import java.time.ZonedDateTime;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.DoubleAccumulator;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAccumulator;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;

/**
 * The global adapter registry and its lookup order: an {@link SqlQuote} adapts to itself, then the object's own
 * {@link Conform}, then the adapter for its exact class (for an array of objects, then the one for
 * {@code Object[]}), its superclasses nearest first, its interfaces breadth-first; else "can't adapt type".
 *
 * <p>Built-in adapters, and the SQL they write:
 * <ul>
 * <li>null → {@code NULL}; Boolean → {@code true}/{@code false};
 * <li>integers (Byte, Short, Integer, Long, BigInteger, AtomicInteger, AtomicLong, LongAdder...) → the digits;
 *     a negative number gets a leading space, so that {@code - %s} cannot turn into a {@code --} comment;
 * <li>Double, Float → the shortest decimal that reads back as the same value ({@code Float} as its exact
 *     {@code double} value); the server types it numeric. NaN and ±Infinity are quoted and cast to float8,
 *     and -0.0 is {@code '-0'::float8};
 * <li>BigDecimal → a numeric literal with its scale ({@code 1.10}); an integral one is cast,
 *     {@code 5::numeric}, so that it comes back as a BigDecimal and not as an Integer;
 * <li>String, Character, enums (their {@code name()}) → a quoted string ({@link QuotedString});
 *     byte[] → bytea ({@link Binary}); UUID → {@code '...'::uuid};
 * <li>java.time → typed literals in ISO form, {@code infinity} for the MAX and MIN values and {@code BC} for
 *     years before 1 (see {@link DateTimeAdapters});
 * <li>arrays (of objects and of primitives, nested) and Lists → {@code ARRAY[...]} (see {@link ArrayAdapter});
 * <li>the wrappers {@link Json}, {@link Jsonb}, {@link Inet}, {@link Cidr}, {@link Range} adapt themselves.
 * </ul>
 */
public final class Adapters {
    private static final Map<Class<?>, Function<Object, ? extends SqlQuote>> REGISTRY = new ConcurrentHashMap<>();
    /** find()'s answers by class, a miss too, each valid for the registry generation it was found in. */
    private static final Map<Class<?>, Resolved> RESOLVED = new ConcurrentHashMap<>();
    private static final AtomicInteger GENERATION = new AtomicInteger();
    private static final Function<Object, ? extends SqlQuote> NONE = o -> null;
    private static final AsIs NULL = new AsIs(null);
    private static final AsIs TRUE = new AsIs("true");
    private static final AsIs FALSE = new AsIs("false");
    /** The registry as pgreen fills it, before any user registration: see {@link #isBuiltIn}. */
    private static final Map<Class<?>, Function<Object, ? extends SqlQuote>> BUILT_IN;

    static {
        register(Boolean.class, b -> b ? TRUE : FALSE);
        register(Integer.class, Adapters::integral);
        register(Long.class, Adapters::integral);
        register(Short.class, Adapters::integral);
        register(Byte.class, Adapters::integral);
        register(BigInteger.class, Adapters::integral);
        register(AtomicInteger.class, n -> integral(n.get()));
        register(AtomicLong.class, n -> integral(n.get()));
        register(LongAdder.class, n -> integral(n.sum()));
        register(LongAccumulator.class, n -> integral(n.get()));
        register(Double.class, Adapters::floating);
        register(Float.class, f -> floating(f.doubleValue()));
        register(DoubleAdder.class, n -> floating(n.sum()));
        register(DoubleAccumulator.class, n -> floating(n.get()));
        register(BigDecimal.class, Adapters::decimal);
        register(Number.class, Adapters::anyNumber);
        register(String.class, QuotedString::new);
        register(Character.class, c -> new QuotedString(c.toString()));
        REGISTRY.put(Enum.class, e -> new QuotedString(((Enum<?>) e).name()));
        register(byte[].class, Binary::new);
        register(UUID.class, u -> new AsIs("'" + u + "'::uuid"));
        register(LocalDate.class, DateTimeAdapters::date);
        register(LocalTime.class, DateTimeAdapters::time);
        register(OffsetTime.class, DateTimeAdapters::timetz);
        register(LocalDateTime.class, DateTimeAdapters::timestamp);
        register(OffsetDateTime.class, DateTimeAdapters::timestamptz);
        register(ZonedDateTime.class, DateTimeAdapters::timestamptz);
        register(Instant.class, DateTimeAdapters::timestamptz);
        register(Duration.class, DateTimeAdapters::interval);
        register(Period.class, DateTimeAdapters::interval);
        register(List.class, ArrayAdapter::new);
        register(Object[].class, ArrayAdapter::new);
        for (Class<?> c : new Class<?>[] {boolean[].class, char[].class, short[].class, int[].class, long[].class,
                float[].class, double[].class}) {
            REGISTRY.put(c, ArrayAdapter::new);
        }
        BUILT_IN = Map.copyOf(REGISTRY);
    }


    private Adapters() {}

    private record Resolved(int generation, Function<Object, ? extends SqlQuote> adapter) {}

    /**
     * Registers {@code adapter} for {@code type}: {@link dev.pgreen.Extensions#registerAdapter}.
     *
     * @param <T> the adapted type
     * @param type the class or interface adapted
     * @param adapter makes the {@link SqlQuote} of a value
     */
    public static <T> void register(Class<T> type, Function<? super T, ? extends SqlQuote> adapter) {
        REGISTRY.put(type, o -> adapter.apply(type.cast(o)));
        changed();
    }

    /**
     * Removes the registration for exactly {@code type}: {@link dev.pgreen.Extensions#unregisterAdapter}.
     *
     * @param type the registered class
     */
    public static void unregister(Class<?> type) {
        REGISTRY.remove(type);
        changed();
    }

    private static void changed() {
        GENERATION.incrementAndGet();
        RESOLVED.clear();
    }

    /** The adapter for a class, from the cache when no registration happened since it was found. */
    private static Function<Object, ? extends SqlQuote> lookup(Class<?> type) {
        int gen = GENERATION.get(); // read before find(): a registration during find() makes this entry stale
        Resolved r = RESOLVED.get(type);
        if (r != null && r.generation == gen) {
            return r.adapter;
        }
        var adapter = find(type);
        RESOLVED.put(type, new Resolved(gen, adapter));
        return adapter;
    }

    /**
     * Adapts without a connection: UTF-8 is assumed, and {@code standard_conforming_strings} is unknown, so
     * string and bytea literals take the form that reads the same under both of its values.
     *
     * @param obj the value; null adapts to {@code NULL}
     * @return its adapter
     * @throws ProgrammingException if nothing adapts it ("can't adapt type 'X'"), or its adapter returned null
     */
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
        Function<Object, ? extends SqlQuote> adapter = lookup(obj.getClass());
        if (adapter == NONE) {
            throw new ProgrammingException("can't adapt type '" + obj.getClass().getName() + "'");
        }
        SqlQuote q = adapter.apply(obj);
        if (q == null) {
            throw new ProgrammingException("the adapter for type '" + obj.getClass().getName() + "' returned null");
        }
        return q;
    }

    /**
     * Whether values of exactly {@code type} are adapted by pgreen's own adapter registered for that class,
     * not by one a user registered (for it or, found first, for a superclass or an interface).
     */
    static boolean isBuiltIn(Class<?> type) {
        Function<Object, ? extends SqlQuote> own = BUILT_IN.get(type);
        return own != null && lookup(type) == own;
    }

    private static Function<Object, ? extends SqlQuote> find(Class<?> type) {
        var exact = REGISTRY.get(type);
        if (exact != null) {
            return exact;
        }
        if (type.isArray() && !type.getComponentType().isPrimitive()) {
            var array = REGISTRY.get(Object[].class);
            if (array != null) {
                return array;
            }
        }
        for (Class<?> c = type.getSuperclass(); c != null; c = c.getSuperclass()) {
            var adapter = REGISTRY.get(c);
            if (adapter != null) {
                return adapter;
            }
        }
        Deque<Class<?>> queue = new ArrayDeque<>();
        Set<Class<?>> seen = new HashSet<>();
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            queue.addAll(List.of(c.getInterfaces()));
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
            queue.addAll(List.of(i.getInterfaces()));
        }
        return NONE;
    }

    private static AsIs integral(Number n) {
        return signed(n.toString());
    }

    private static AsIs integral(long n) {
        return signed(Long.toString(n));
    }

    private static AsIs floating(double d) {
        if (Double.isNaN(d)) return new AsIs("'NaN'::float8");
        if (Double.isInfinite(d)) return new AsIs(d > 0 ? "'Infinity'::float8" : "'-Infinity'::float8");
        if (d == 0 && 1 / d < 0) return new AsIs("'-0'::float8");
        return signed(Double.toString(d));
    }

    /**
     * A BigDecimal keeps its scale ({@code 1.10}). The server types a literal without a point or an exponent
     * as an integer, so an integral BigDecimal is cast to numeric: a BigDecimal comes back as a BigDecimal.
     */
    private static AsIs decimal(BigDecimal d) {
        String s = d.toString();
        boolean integral = s.indexOf('.') < 0 && s.indexOf('E') < 0;
        return signed(integral ? s + "::numeric" : s);
    }

    /**
     * Any other Number: its text only if it reads as a decimal number (a toString() of its own cannot put SQL
     * into the query), else its double value.
     */
    private static AsIs anyNumber(Number n) {
        try {
            return decimal(new BigDecimal(n.toString()));
        } catch (NumberFormatException e) {
            return floating(n.doubleValue());
        }
    }

    /** A leading space keeps "- %s" with a negative number from turning into a "--" comment. */
    private static AsIs signed(String literal) {
        return new AsIs(literal.startsWith("-") ? " " + literal : literal);
    }
}
