package dev.pgreen.adapt;

import dev.pgreen.Connection;
import dev.pgreen.SqlQuote;
import dev.pgreen.errors.DataException;

import java.lang.reflect.Array;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.Period;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A Java array (of objects or of primitives, nested) or a List as a SQL array: {@code ARRAY[1,2,NULL]},
 * {@code ARRAY[ARRAY[1,2],ARRAY[3,4]]}, each element adapted (and prepared for the connection) on its own.
 * A {@code byte[]} is bytea, never an array.
 *
 * <p>The server cannot type an array that holds no value: {@code ARRAY[]} is an error and {@code ARRAY[NULL]}
 * is text[]. Such an array (empty, or only NULLs) is written as a string literal, {@code '{}'} or
 * {@code '{NULL,NULL}'}, which takes its type from the context (an INSERT's column, {@code = ANY(...)}) as in
 * psycopg2; and when the element type is known, from a Java array's component type ({@code new int[0]}) or
 * from the values' classes, it is cast as well: {@code '{}'::int4[]}. The same cast is added when a nested
 * array holds only NULLs ({@code ARRAY[ARRAY[NULL],ARRAY[1]]::int4[]}), which the server would otherwise
 * reject.
 */
final class ArrayAdapter implements SqlQuote {
    /**
     * PostgreSQL's MAXDIM: the server refuses an array of more dimensions, so a deeper nesting (a cycle, say) is
     * refused here, before walking it could overflow the stack.
     */
    static final int MAX_DIMENSIONS = 6;

    /** SQL element types of the Java classes whose literals the server types on its own. */
    private static final Map<Class<?>, String> SQL_TYPES = Map.ofEntries(
            Map.entry(Boolean.class, "bool"), Map.entry(boolean.class, "bool"),
            Map.entry(Byte.class, "int2"), Map.entry(Short.class, "int2"), Map.entry(short.class, "int2"),
            Map.entry(Integer.class, "int4"), Map.entry(int.class, "int4"),
            Map.entry(Long.class, "int8"), Map.entry(long.class, "int8"),
            Map.entry(Float.class, "float4"), Map.entry(float.class, "float4"),
            Map.entry(Double.class, "float8"), Map.entry(double.class, "float8"),
            Map.entry(BigDecimal.class, "numeric"), Map.entry(BigInteger.class, "numeric"),
            Map.entry(String.class, "text"), Map.entry(Character.class, "text"), Map.entry(char.class, "text"),
            Map.entry(byte[].class, "bytea"), Map.entry(UUID.class, "uuid"),
            Map.entry(LocalDate.class, "date"), Map.entry(LocalTime.class, "time"),
            Map.entry(OffsetTime.class, "timetz"), Map.entry(LocalDateTime.class, "timestamp"),
            Map.entry(OffsetDateTime.class, "timestamptz"), Map.entry(ZonedDateTime.class, "timestamptz"),
            Map.entry(Instant.class, "timestamptz"), Map.entry(Duration.class, "interval"),
            Map.entry(Period.class, "interval"), Map.entry(Json.class, "json"), Map.entry(Jsonb.class, "jsonb"),
            Map.entry(Inet.class, "inet"), Map.entry(Cidr.class, "cidr"));

    private final Object value;
    private Connection conn;

    ArrayAdapter(Object value) {
        this.value = value;
    }

    public Object getWrapped() {
        return value;
    }

    @Override
    public void prepare(Connection conn) {
        this.conn = conn;
    }

    @Override
    public byte[] getQuoted() {
        return literal().getBytes(StandardCharsets.UTF_8);
    }

    String literal() {
        Shape shape = new Shape();
        shape.scan(value, 1);
        String type = elementType(value.getClass());
        if (type == null) type = shape.valueType;
        StringBuilder sb = new StringBuilder();
        if (!shape.anyValue) {
            // Nothing for the server to type the array by: a literal that takes its type from the context.
            sb.append('\'');
            if (shape.anyLeaf) {
                braces(sb, value);
            } else {
                sb.append("{}");
            }
            sb.append('\'');
            if (type != null) sb.append("::").append(type).append("[]");
            return sb.toString();
        }
        array(sb, value);
        if (shape.emptySubarray && type != null) sb.append("::").append(type).append("[]");
        return sb.toString();
    }

    /** ARRAY[...] with every element adapted; the inner arrays in the same form. */
    private void array(StringBuilder sb, Object arr) {
        sb.append("ARRAY[");
        int n = length(arr);
        for (int i = 0; i < n; i++) {
            if (i > 0) sb.append(',');
            Object item = get(arr, i);
            if (isArray(item)) {
                array(sb, item);
            } else {
                SqlQuote q = Adapters.adapt(item);
                if (conn != null) q.prepare(conn);
                sb.append(new String(q.getQuoted(), StandardCharsets.UTF_8));
            }
        }
        sb.append(']');
    }

    /** {NULL,{NULL}}: only for arrays without a value, so nothing but braces, commas and NULL. */
    private static void braces(StringBuilder sb, Object arr) {
        sb.append('{');
        int n = length(arr);
        for (int i = 0; i < n; i++) {
            if (i > 0) sb.append(',');
            Object item = get(arr, i);
            if (isArray(item)) {
                braces(sb, item);
            } else {
                sb.append("NULL");
            }
        }
        sb.append('}');
    }

    /** What the values of a (nested) array are: whether any, and whether they share one SQL type. */
    private static final class Shape {
        boolean anyLeaf;
        boolean anyValue;
        boolean emptySubarray;
        String valueType;
        boolean mixed;

        /** Scans arr, nested {@code depth} deep; returns whether it holds a non-null value at any depth. */
        boolean scan(Object arr, int depth) {
            if (depth > MAX_DIMENSIONS) {
                throw new DataException("cannot adapt an array nested more than " + MAX_DIMENSIONS
                        + " deep: PostgreSQL arrays have at most " + MAX_DIMENSIONS + " dimensions");
            }
            boolean here = false;
            int n = length(arr);
            for (int i = 0; i < n; i++) {
                Object item = get(arr, i);
                if (isArray(item)) {
                    here |= scan(item, depth + 1);
                } else {
                    anyLeaf = true;
                    if (item != null) {
                        here = true;
                        String t = elementType(item.getClass());
                        if (!mixed && (t == null || valueType != null && !valueType.equals(t))) {
                            mixed = true;
                            valueType = null;
                        } else if (!mixed) {
                            valueType = t;
                        }
                    }
                }
            }
            if (depth > 1 && !here) emptySubarray = true;
            anyValue |= here;
            return here;
        }
    }

    /** The SQL type of a class's values, looking through array dimensions; null when unknown. */
    private static String elementType(Class<?> c) {
        while (c.isArray() && c != byte[].class) c = c.getComponentType();
        return SQL_TYPES.get(c);
    }

    static boolean isArray(Object o) {
        return o instanceof List<?> || o != null && o.getClass().isArray() && !(o instanceof byte[]);
    }

    private static int length(Object arr) {
        return arr instanceof List<?> l ? l.size() : Array.getLength(arr);
    }

    private static Object get(Object arr, int i) {
        return arr instanceof List<?> l ? l.get(i) : Array.get(arr, i);
    }

    @Override
    public String toString() {
        return "ArrayAdapter(" + literal() + ")";
    }
}
