package dev.pgreen.jdbc;

import java.io.InputStream;
import java.io.Reader;
import java.math.BigDecimal;
import java.net.URL;
import java.sql.Array;
import java.sql.Blob;
import java.sql.CallableStatement;
import java.sql.Clob;
import java.sql.Date;
import java.sql.NClob;
import java.sql.Ref;
import java.sql.ResultSet;
import java.sql.RowId;
import java.sql.SQLException;
import java.sql.SQLXML;
import java.sql.Time;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Calendar;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@link CallableStatement} for functions and procedures. {@code {? = call f(?)}} and {@code {call f(?)}}
 * become {@code SELECT * FROM f($1) AS result} for a function and {@code CALL p($1)} for a procedure
 * (pg_proc says which); OUT parameters are read from the row the call returns, in the order they were
 * registered by index. A function's OUT-only placeholders are left out of its argument list (PostgreSQL
 * functions take only their IN arguments), a procedure's get NULL (PostgreSQL 14's rule).
 * Parameters by name are not supported.
 */
final class JdbcCallableStatement extends JdbcPreparedStatement implements CallableStatement {
    private static final Pattern ESCAPE = Pattern.compile(
            "\\s*\\{\\s*(\\?\\s*=\\s*)?call\\s+([^\\s(]+)\\s*(?:\\((.*)\\))?\\s*}\\s*;?\\s*",
            Pattern.CASE_INSENSITIVE | Pattern.DOTALL);

    /** A call escape: the routine, its arguments as written, and whether a return value leads. */
    private record Call(String routine, List<String> args, boolean returns) {}

    private final Call call;
    /** OUT parameters by JDBC index, with their registered types. */
    private final Map<Integer, Integer> outs = new TreeMap<>();
    private Boolean procedure;
    private ResultSet outRow;

    JdbcCallableStatement(JdbcConnection conn, String sql, int type, int holdability) throws SQLException {
        super(conn, sql, parse(sql), type, holdability, NO_KEYS);
        Matcher m = ESCAPE.matcher(sql);
        call = m.matches() ? new Call(m.group(2), splitArgs(m.group(3)), m.group(1) != null) : null;
    }

    /** A call escape counts its placeholders here (the return value's first); other SQL parses as usual. */
    private static JdbcSql.Parsed parse(String sql) throws SQLException {
        Matcher m = ESCAPE.matcher(sql);
        if (!m.matches()) {
            return JdbcSql.parse(sql, true, true);
        }
        int count = m.group(1) != null ? 1 : 0;
        for (String arg : splitArgs(m.group(3))) {
            count += JdbcSql.parse(arg, true, false).parameterCount();
        }
        return new JdbcSql.Parsed(sql, count, 1, "select", false, false);
    }

    /** Top-level comma-separated arguments (commas inside parentheses or quotes do not split). */
    private static List<String> splitArgs(String args) {
        List<String> out = new ArrayList<>();
        if (args == null || args.isBlank()) {
            return out;
        }
        int depth = 0;
        char quote = 0;
        int start = 0;
        for (int i = 0; i < args.length(); i++) {
            char c = args.charAt(i);
            if (quote != 0) {
                quote = c == quote ? 0 : quote;
            } else if (c == '\'' || c == '"') {
                quote = c;
            } else if (c == '(' || c == '[') {
                depth++;
            } else if (c == ')' || c == ']') {
                depth--;
            } else if (c == ',' && depth == 0) {
                out.add(args.substring(start, i).trim());
                start = i + 1;
            }
        }
        out.add(args.substring(start).trim());
        return out;
    }

    // ---- running ----

    @Override
    public boolean execute() throws SQLException {
        checkOpen();
        outRow = null;
        if (call == null) {
            // Plain SQL (SELECT f(?), CALL p(?, ?)): OUT placeholders nobody set go as NULL.
            for (int index : outs.keySet()) {
                if (!params.isSet(index)) {
                    params.set(index, null, 0);
                }
            }
            return readOuts(super.execute());
        }
        boolean isProcedure = isProcedure();
        StringBuilder sql = new StringBuilder(isProcedure ? "CALL " : "SELECT * FROM ").append(call.routine()).append('(');
        Parameters bound = new Parameters(params.count());
        int jdbcIndex = call.returns() ? 1 : 0;
        int n = 0;
        List<Integer> kept = new ArrayList<>();
        boolean first = true;
        for (String arg : call.args()) {
            String written = arg;
            int placeholders = JdbcSql.parse(arg, true, false).parameterCount();
            if (!arg.equals("?")) {
                for (int k = 0; k < placeholders; k++) {
                    kept.add(++jdbcIndex);
                }
            } else {
                jdbcIndex++;
                boolean outOnly = outs.containsKey(jdbcIndex) && !params.isSet(jdbcIndex);
                if (outOnly && !isProcedure) {
                    continue;
                }
                if (outOnly) {
                    written = "NULL";
                } else {
                    kept.add(jdbcIndex);
                }
            }
            sql.append(first ? "" : ", ").append(written);
            first = false;
        }
        sql.append(')').append(isProcedure ? "" : " AS result");
        JdbcSql.Parsed parsed = JdbcSql.parse(sql.toString(), true, true);
        Parameters values = new Parameters(parsed.parameterCount());
        for (int index : kept) {
            if (!params.isSet(index)) {
                throw new SQLException("no value specified for parameter " + index, "07002");
            }
            values.set(++n, params.value(index), params.type(index));
        }
        return readOuts(run(parsed, values, NO_KEYS, null));
    }

    /** The first row of the call's result holds the OUT parameters, in order. */
    private boolean readOuts(boolean hasResult) throws SQLException {
        if (outs.isEmpty() || !hasResult) {
            return hasResult;
        }
        ResultSet rs = getResultSet();
        if (rs.next()) {
            outRow = rs;
        }
        return hasResult;
    }

    /** Whether the routine is a procedure (CALL), as pg_proc says; a function otherwise. */
    private boolean isProcedure() throws SQLException {
        if (procedure == null) {
            String name = call.routine();
            String schema = null;
            int dot = name.lastIndexOf('.');
            if (dot > 0 && !name.endsWith("\"")) {
                schema = unquote(name.substring(0, dot));
                name = name.substring(dot + 1);
            }
            String found = conn.queryValue("""
                    SELECT bool_or(p.prokind = 'p') FROM pg_catalog.pg_proc p
                    JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
                    WHERE p.proname = $1 AND ($2::text IS NULL AND pg_catalog.pg_function_is_visible(p.oid)
                                              OR n.nspname = $2)""", unquote(name), schema);
            procedure = "t".equals(found);
        }
        return procedure;
    }

    private static String unquote(String name) {
        return name.startsWith("\"") && name.endsWith("\"") && name.length() > 1
                ? name.substring(1, name.length() - 1).replace("\"\"", "\"") : name.toLowerCase(Locale.ROOT);
    }

    // ---- OUT parameters ----

    @Override
    public void registerOutParameter(int index, int sqlType) throws SQLException {
        checkOpen();
        if (index < 1 || index > params.count()) {
            throw new SQLException("parameter index " + index + " is out of range", "22023");
        }
        outs.put(index, sqlType);
    }

    @Override
    public void registerOutParameter(int index, int sqlType, int scale) throws SQLException {
        registerOutParameter(index, sqlType);
    }

    @Override
    public void registerOutParameter(int index, int sqlType, String typeName) throws SQLException {
        registerOutParameter(index, sqlType);
    }

    /** The result column holding OUT parameter {@code index}. */
    private int column(int index) throws SQLException {
        if (!outs.containsKey(index)) {
            throw new SQLException("parameter " + index + " was not registered as an OUT parameter", "07009");
        }
        if (outRow == null) {
            throw new SQLException("no OUT values: execute the call first", "24000");
        }
        int column = 1;
        for (int i : outs.keySet()) {
            if (i == index) {
                return column;
            }
            column++;
        }
        return column;
    }

    @Override
    public boolean wasNull() throws SQLException {
        if (outRow == null) {
            throw new SQLException("no OUT value was read yet", "24000");
        }
        return outRow.wasNull();
    }

    @Override public String getString(int index) throws SQLException { return outRow(index).getString(column(index)); }
    @Override public boolean getBoolean(int index) throws SQLException { return outRow(index).getBoolean(column(index)); }
    @Override public byte getByte(int index) throws SQLException { return outRow(index).getByte(column(index)); }
    @Override public short getShort(int index) throws SQLException { return outRow(index).getShort(column(index)); }
    @Override public int getInt(int index) throws SQLException { return outRow(index).getInt(column(index)); }
    @Override public long getLong(int index) throws SQLException { return outRow(index).getLong(column(index)); }
    @Override public float getFloat(int index) throws SQLException { return outRow(index).getFloat(column(index)); }
    @Override public double getDouble(int index) throws SQLException { return outRow(index).getDouble(column(index)); }
    @Override public BigDecimal getBigDecimal(int index) throws SQLException { return outRow(index).getBigDecimal(column(index)); }
    @Override @Deprecated public BigDecimal getBigDecimal(int index, int scale) throws SQLException { return outRow(index).getBigDecimal(column(index), scale); }
    @Override public byte[] getBytes(int index) throws SQLException { return outRow(index).getBytes(column(index)); }
    @Override public Date getDate(int index) throws SQLException { return outRow(index).getDate(column(index)); }
    @Override public Date getDate(int index, Calendar cal) throws SQLException { return outRow(index).getDate(column(index), cal); }
    @Override public Time getTime(int index) throws SQLException { return outRow(index).getTime(column(index)); }
    @Override public Time getTime(int index, Calendar cal) throws SQLException { return outRow(index).getTime(column(index), cal); }
    @Override public Timestamp getTimestamp(int index) throws SQLException { return outRow(index).getTimestamp(column(index)); }
    @Override public Timestamp getTimestamp(int index, Calendar cal) throws SQLException { return outRow(index).getTimestamp(column(index), cal); }
    @Override public Object getObject(int index) throws SQLException { return outRow(index).getObject(column(index)); }
    @Override public <T> T getObject(int index, Class<T> type) throws SQLException { return outRow(index).getObject(column(index), type); }
    @Override public Object getObject(int index, Map<String, Class<?>> map) throws SQLException { return outRow(index).getObject(column(index), map); }
    @Override public Array getArray(int index) throws SQLException { return outRow(index).getArray(column(index)); }
    @Override public URL getURL(int index) throws SQLException { return outRow(index).getURL(column(index)); }
    @Override public String getNString(int index) throws SQLException { return getString(index); }
    @Override public Reader getNCharacterStream(int index) throws SQLException { return outRow(index).getCharacterStream(column(index)); }
    @Override public Reader getCharacterStream(int index) throws SQLException { return outRow(index).getCharacterStream(column(index)); }
    @Override public Ref getRef(int index) throws SQLException { throw SqlExceptions.notSupported("getRef"); }
    @Override public Blob getBlob(int index) throws SQLException { throw SqlExceptions.notSupported("getBlob"); }
    @Override public Clob getClob(int index) throws SQLException { throw SqlExceptions.notSupported("getClob"); }
    @Override public NClob getNClob(int index) throws SQLException { throw SqlExceptions.notSupported("getNClob"); }
    @Override public RowId getRowId(int index) throws SQLException { throw SqlExceptions.notSupported("getRowId"); }
    @Override public SQLXML getSQLXML(int index) throws SQLException { throw SqlExceptions.notSupported("getSQLXML"); }

    private ResultSet outRow(int index) throws SQLException {
        column(index);
        return outRow;
    }

    // ---- parameters by name: not supported ----

    private static SQLException named() {
        return SqlExceptions.notSupported("CallableStatement parameters by name (use their index)");
    }

    @Override public Array getArray(String name) throws SQLException { throw named(); }
    @Override public BigDecimal getBigDecimal(String name) throws SQLException { throw named(); }
    @Override public Blob getBlob(String name) throws SQLException { throw named(); }
    @Override public boolean getBoolean(String name) throws SQLException { throw named(); }
    @Override public byte getByte(String name) throws SQLException { throw named(); }
    @Override public byte[] getBytes(String name) throws SQLException { throw named(); }
    @Override public Reader getCharacterStream(String name) throws SQLException { throw named(); }
    @Override public Clob getClob(String name) throws SQLException { throw named(); }
    @Override public Date getDate(String name, Calendar a1) throws SQLException { throw named(); }
    @Override public Date getDate(String name) throws SQLException { throw named(); }
    @Override public double getDouble(String name) throws SQLException { throw named(); }
    @Override public float getFloat(String name) throws SQLException { throw named(); }
    @Override public int getInt(String name) throws SQLException { throw named(); }
    @Override public long getLong(String name) throws SQLException { throw named(); }
    @Override public Reader getNCharacterStream(String name) throws SQLException { throw named(); }
    @Override public NClob getNClob(String name) throws SQLException { throw named(); }
    @Override public String getNString(String name) throws SQLException { throw named(); }
    @Override public <T> T getObject(String name, Class<T> a1) throws SQLException { throw named(); }
    @Override public Object getObject(String name, Map<String, Class<?>> a1) throws SQLException { throw named(); }
    @Override public Object getObject(String name) throws SQLException { throw named(); }
    @Override public Ref getRef(String name) throws SQLException { throw named(); }
    @Override public RowId getRowId(String name) throws SQLException { throw named(); }
    @Override public SQLXML getSQLXML(String name) throws SQLException { throw named(); }
    @Override public short getShort(String name) throws SQLException { throw named(); }
    @Override public String getString(String name) throws SQLException { throw named(); }
    @Override public Time getTime(String name, Calendar a1) throws SQLException { throw named(); }
    @Override public Time getTime(String name) throws SQLException { throw named(); }
    @Override public Timestamp getTimestamp(String name, Calendar a1) throws SQLException { throw named(); }
    @Override public Timestamp getTimestamp(String name) throws SQLException { throw named(); }
    @Override public URL getURL(String name) throws SQLException { throw named(); }
    @Override public void registerOutParameter(String name, int a1, String a2) throws SQLException { throw named(); }
    @Override public void registerOutParameter(String name, int a1, int a2) throws SQLException { throw named(); }
    @Override public void registerOutParameter(String name, int a1) throws SQLException { throw named(); }
    @Override public void setAsciiStream(String name, InputStream a1, int a2) throws SQLException { throw named(); }
    @Override public void setAsciiStream(String name, InputStream a1, long a2) throws SQLException { throw named(); }
    @Override public void setAsciiStream(String name, InputStream a1) throws SQLException { throw named(); }
    @Override public void setBigDecimal(String name, BigDecimal a1) throws SQLException { throw named(); }
    @Override public void setBinaryStream(String name, InputStream a1, int a2) throws SQLException { throw named(); }
    @Override public void setBinaryStream(String name, InputStream a1, long a2) throws SQLException { throw named(); }
    @Override public void setBinaryStream(String name, InputStream a1) throws SQLException { throw named(); }
    @Override public void setBlob(String name, InputStream a1, long a2) throws SQLException { throw named(); }
    @Override public void setBlob(String name, InputStream a1) throws SQLException { throw named(); }
    @Override public void setBlob(String name, Blob a1) throws SQLException { throw named(); }
    @Override public void setBoolean(String name, boolean a1) throws SQLException { throw named(); }
    @Override public void setByte(String name, byte a1) throws SQLException { throw named(); }
    @Override public void setBytes(String name, byte[] a1) throws SQLException { throw named(); }
    @Override public void setCharacterStream(String name, Reader a1, int a2) throws SQLException { throw named(); }
    @Override public void setCharacterStream(String name, Reader a1, long a2) throws SQLException { throw named(); }
    @Override public void setCharacterStream(String name, Reader a1) throws SQLException { throw named(); }
    @Override public void setClob(String name, Reader a1, long a2) throws SQLException { throw named(); }
    @Override public void setClob(String name, Reader a1) throws SQLException { throw named(); }
    @Override public void setClob(String name, Clob a1) throws SQLException { throw named(); }
    @Override public void setDate(String name, Date a1, Calendar a2) throws SQLException { throw named(); }
    @Override public void setDate(String name, Date a1) throws SQLException { throw named(); }
    @Override public void setDouble(String name, double a1) throws SQLException { throw named(); }
    @Override public void setFloat(String name, float a1) throws SQLException { throw named(); }
    @Override public void setInt(String name, int a1) throws SQLException { throw named(); }
    @Override public void setLong(String name, long a1) throws SQLException { throw named(); }
    @Override public void setNCharacterStream(String name, Reader a1, long a2) throws SQLException { throw named(); }
    @Override public void setNCharacterStream(String name, Reader a1) throws SQLException { throw named(); }
    @Override public void setNClob(String name, Reader a1, long a2) throws SQLException { throw named(); }
    @Override public void setNClob(String name, Reader a1) throws SQLException { throw named(); }
    @Override public void setNClob(String name, NClob a1) throws SQLException { throw named(); }
    @Override public void setNString(String name, String a1) throws SQLException { throw named(); }
    @Override public void setNull(String name, int a1, String a2) throws SQLException { throw named(); }
    @Override public void setNull(String name, int a1) throws SQLException { throw named(); }
    @Override public void setObject(String name, Object a1, int a2, int a3) throws SQLException { throw named(); }
    @Override public void setObject(String name, Object a1, int a2) throws SQLException { throw named(); }
    @Override public void setObject(String name, Object a1) throws SQLException { throw named(); }
    @Override public void setRowId(String name, RowId a1) throws SQLException { throw named(); }
    @Override public void setSQLXML(String name, SQLXML a1) throws SQLException { throw named(); }
    @Override public void setShort(String name, short a1) throws SQLException { throw named(); }
    @Override public void setString(String name, String a1) throws SQLException { throw named(); }
    @Override public void setTime(String name, Time a1, Calendar a2) throws SQLException { throw named(); }
    @Override public void setTime(String name, Time a1) throws SQLException { throw named(); }
    @Override public void setTimestamp(String name, Timestamp a1, Calendar a2) throws SQLException { throw named(); }
    @Override public void setTimestamp(String name, Timestamp a1) throws SQLException { throw named(); }
    @Override public void setURL(String name, URL a1) throws SQLException { throw named(); }
}
