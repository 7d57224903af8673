package dev.pgreen;

import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/** An immutable result row. */
public class Row {
    private final Object[] values;
    private final Map<String, Integer> columnIndex;

    /** @param columnIndex column name to its first position, shared by every row of a result */
    public Row(Object[] values, Map<String, Integer> columnIndex) {
        this.values = values;
        this.columnIndex = columnIndex;
    }

    public Object get(int index) {
        if (index < 0 || index >= values.length) {
            throw new IndexOutOfBoundsException("column index " + index + " out of range for a row of "
                    + values.length);
        }
        return values[index];
    }

    public Object get(String column) {
        Integer i = columnIndex.get(column);
        if (i == null) {
            throw new IllegalArgumentException("no column named \"" + column + "\" in " + columnIndex.keySet());
        }
        return values[i];
    }

    /**
     * The value at {@code index} as {@code type}. A primitive class ({@code int.class},
     * Kotlin's {@code Int::class.java}) stands for its wrapper; a NULL cannot be one.
     *
     * @throws ClassCastException when the value is of another type
     * @throws dev.pgreen.errors.DataException when the value is NULL and {@code type} is primitive
     */
    public <T> T get(int index, Class<T> type) {
        return as(get(index), type, "column " + index);
    }

    /** The value of {@code column} as {@code type}, as {@link #get(int, Class)}. */
    public <T> T get(String column, Class<T> type) {
        return as(get(column), type, "column \"" + column + "\"");
    }

    private static final Map<Class<?>, Class<?>> WRAPPERS = Map.of(
            boolean.class, Boolean.class, byte.class, Byte.class, short.class, Short.class, char.class, Character.class,
            int.class, Integer.class, long.class, Long.class, float.class, Float.class, double.class, Double.class);

    @SuppressWarnings("unchecked")
    private static <T> T as(Object value, Class<T> type, String what) {
        if (!type.isPrimitive()) {
            return type.cast(value);
        }
        if (value == null) {
            throw new dev.pgreen.errors.DataException(what + " is NULL, which a " + type.getName() + " cannot hold");
        }
        return (T) WRAPPERS.get(type).cast(value);
    }

    public int size() {
        return values.length;
    }

    public List<Object> toList() {
        return Collections.unmodifiableList(Arrays.asList(values.clone()));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Row r && Arrays.equals(values, r.values);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(values);
    }

    @Override
    public String toString() {
        return Arrays.deepToString(values);
    }
}
