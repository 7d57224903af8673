package dev.pgreen;

import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * An immutable result row, its values already typecast (see {@link Extensions} for the Java type of each
 * SQL type). A cursor's {@code newRow} may return a subclass with more to say.
 */
public class Row {
    private final Object[] values;
    private final Map<String, Integer> columnIndex;

    /**
     * A row of {@code values}.
     *
     * @param values the row's values, in column order; the row keeps the array, which must not change
     * @param columnIndex column name to its first position, shared by every row of a result
     */
    public Row(Object[] values, Map<String, Integer> columnIndex) {
        this.values = values;
        this.columnIndex = columnIndex;
    }

    /**
     * The value of one column, by position.
     *
     * @param index the column's 0-based position
     * @return the value, or null for SQL NULL
     * @throws IndexOutOfBoundsException if there is no such column
     */
    public Object get(int index) {
        if (index < 0 || index >= values.length) {
            throw new IndexOutOfBoundsException("column index " + index + " out of range for a row of "
                    + values.length);
        }
        return values[index];
    }

    /**
     * The value of one column, by name; of several columns with the same name, the first.
     *
     * @param column the column's name, as {@link Column#name()} gives it
     * @return the value, or null for SQL NULL
     * @throws IllegalArgumentException if there is no column of that name
     */
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
     * @param <T> the type asked for
     * @param index the column's 0-based position
     * @param type the class the value is cast to
     * @return the value, or null for SQL NULL when {@code type} is not primitive
     * @throws IndexOutOfBoundsException if there is no such column
     * @throws ClassCastException when the value is of another type
     * @throws dev.pgreen.errors.DataException when the value is NULL and {@code type} is primitive
     */
    public <T> T get(int index, Class<T> type) {
        return as(get(index), type, "column " + index);
    }

    /**
     * The value of {@code column} as {@code type}, as {@link #get(int, Class)}.
     *
     * @param <T> the type asked for
     * @param column the column's name
     * @param type the class the value is cast to
     * @return the value, or null for SQL NULL when {@code type} is not primitive
     * @throws IllegalArgumentException if there is no column of that name
     * @throws ClassCastException when the value is of another type
     * @throws dev.pgreen.errors.DataException when the value is NULL and {@code type} is primitive
     */
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

    /**
     * The number of columns.
     *
     * @return how many values the row has
     */
    public int size() {
        return values.length;
    }

    /**
     * The values as a list.
     *
     * @return a copy of the values in column order (NULL as null); unmodifiable
     */
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
