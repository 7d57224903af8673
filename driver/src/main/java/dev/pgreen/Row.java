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

    public <T> T get(int index, Class<T> type) {
        return type.cast(get(index));
    }

    public <T> T get(String column, Class<T> type) {
        return type.cast(get(column));
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
