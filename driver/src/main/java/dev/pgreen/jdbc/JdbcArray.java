package dev.pgreen.jdbc;

import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * A SQL array: from {@link java.sql.Connection#createArrayOf} (sent as a parameter) or read from a result
 * ({@code getArray}), its elements in the Java types {@code getObject} gives for the element type.
 */
final class JdbcArray implements Array {
    private final PgTypes.Type element;
    private final String elementName;
    private Object[] elements;

    JdbcArray(PgTypes.Type element, String elementName, Object[] elements) {
        this.element = element;
        this.elementName = elementName;
        this.elements = elements;
    }

    /** The array a result holds: pgreen's (nested) List, its elements mapped as {@code getObject} maps them. */
    static JdbcArray fromResult(int arrayOid, List<?> list) {
        PgTypes.Type type = PgTypes.byOid(arrayOid);
        PgTypes.Type element = type == null ? null : PgTypes.byOid(type.elementOid());
        return new JdbcArray(element, element == null ? "text" : element.name(), toArray(list, element));
    }

    private static Object[] toArray(List<?> list, PgTypes.Type element) {
        Class<?> cls = elementClass(element);
        boolean nested = list.stream().anyMatch(e -> e instanceof List<?>);
        Object[] out = (Object[]) java.lang.reflect.Array.newInstance(nested ? Object[].class : cls, list.size());
        for (int i = 0; i < out.length; i++) {
            Object e = list.get(i);
            out[i] = e instanceof List<?> l ? toArray(l, element) : Values.jdbcObject(e, element);
        }
        return out;
    }

    private static Class<?> elementClass(PgTypes.Type element) {
        if (element == null) {
            return Object.class;
        }
        try {
            return Class.forName(element.javaClass());
        } catch (ClassNotFoundException e) {
            return Object.class;
        }
    }

    int arrayOid() {
        return element == null ? 0 : element.arrayOid();
    }

    Object[] elements() throws SQLException {
        check();
        return elements;
    }

    @Override
    public String getBaseTypeName() throws SQLException {
        check();
        return elementName;
    }

    @Override
    public int getBaseType() throws SQLException {
        check();
        return element == null ? java.sql.Types.OTHER : element.sqlType();
    }

    @Override
    public Object getArray() throws SQLException {
        return elements().clone();
    }

    @Override
    public Object getArray(Map<String, Class<?>> map) throws SQLException {
        return getArray();
    }

    @Override
    public Object getArray(long index, int count) throws SQLException {
        Object[] all = elements();
        if (index < 1 || count < 0 || index - 1 + count > all.length) {
            throw new SQLException("array slice [" + index + ", " + count + "] out of range for " + all.length
                    + " elements", "2202E");
        }
        return Arrays.copyOfRange(all, (int) index - 1, (int) index - 1 + count);
    }

    @Override
    public Object getArray(long index, int count, Map<String, Class<?>> map) throws SQLException {
        return getArray(index, count);
    }

    @Override
    public ResultSet getResultSet() throws SQLException {
        throw SqlExceptions.notSupported("Array.getResultSet");
    }

    @Override
    public ResultSet getResultSet(Map<String, Class<?>> map) throws SQLException {
        throw SqlExceptions.notSupported("Array.getResultSet");
    }

    @Override
    public ResultSet getResultSet(long index, int count) throws SQLException {
        throw SqlExceptions.notSupported("Array.getResultSet");
    }

    @Override
    public ResultSet getResultSet(long index, int count, Map<String, Class<?>> map) throws SQLException {
        throw SqlExceptions.notSupported("Array.getResultSet");
    }

    @Override
    public void free() {
        elements = null;
    }

    private void check() throws SQLException {
        if (elements == null) {
            throw new SQLException("the array was freed", "55000");
        }
    }

    @Override
    public String toString() {
        try {
            return elements == null ? "freed array" : Parameters.arrayLiteral(elements);
        } catch (SQLException e) {
            return Arrays.deepToString(elements);
        }
    }
}
