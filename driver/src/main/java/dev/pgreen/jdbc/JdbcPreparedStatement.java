package dev.pgreen.jdbc;

import dev.pgreen.protocol.BackendMessage.Field;
import dev.pgreen.protocol.ExtendedQueryOperation;
import dev.pgreen.typecast.Oids;

import java.io.InputStream;
import java.io.Reader;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.sql.Array;
import java.sql.Blob;
import java.sql.Clob;
import java.sql.Date;
import java.sql.NClob;
import java.sql.ParameterMetaData;
import java.sql.PreparedStatement;
import java.sql.Ref;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.RowId;
import java.sql.SQLException;
import java.sql.SQLType;
import java.sql.SQLXML;
import java.sql.Time;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Calendar;
import java.util.List;

/**
 * {@link PreparedStatement}: {@code ?} placeholders become {@code $n} server-side parameters (the extended
 * protocol; values travel as text, never spliced into the SQL). A statement text used
 * {@code prepareThreshold} times on a connection stays prepared there and its plan is reused. A batch
 * goes out in one round trip (pgreen's executeManyPrepared).
 */
class JdbcPreparedStatement extends JdbcStatement implements PreparedStatement {
    private final String sql;
    private final JdbcSql.Parsed parsed;
    private final String[] returning;
    final Parameters params;
    private final List<Parameters> batch = new ArrayList<>();

    JdbcPreparedStatement(JdbcConnection conn, String sql, int type, int holdability, String[] returning)
            throws SQLException {
        this(conn, sql, JdbcSql.parse(sql, true, true), type, holdability, returning);
    }

    JdbcPreparedStatement(JdbcConnection conn, String sql, JdbcSql.Parsed parsed, int type, int holdability,
                          String[] returning) {
        super(conn, type, holdability);
        this.sql = sql;
        this.parsed = parsed;
        this.returning = returning;
        this.params = new Parameters(parsed.parameterCount());
    }

    // ---- running ----

    @Override
    public boolean execute() throws SQLException {
        checkOpen();
        // Several statements without parameters run as written (the extended protocol takes one at a time).
        boolean simple = parsed.parameterCount() == 0 && parsed.statementCount() > 1;
        return run(parsed, simple ? null : params, returning, this::inlined);
    }

    @Override
    public ResultSet executeQuery() throws SQLException {
        execute();
        return requireResultSet();
    }

    @Override
    public int executeUpdate() throws SQLException {
        return (int) executeLargeUpdate();
    }

    @Override
    public long executeLargeUpdate() throws SQLException {
        execute();
        return requireUpdateCount();
    }

    /** The statement with its parameters written in as typed literals: for DECLARE ... CURSOR. */
    private String inlined() throws SQLException {
        String[] literals = new String[params.count()];
        for (int i = 1; i <= literals.length; i++) {
            if (!params.isSet(i)) {
                throw new SQLException("no value specified for parameter " + i, "07002");
            }
            String text = Parameters.text(params.value(i));
            PgTypes.Type type = PgTypes.byOid(params.type(i));
            String literal = text == null ? "NULL" : "'" + text.replace("'", "''") + "'";
            literals[i - 1] = type == null ? literal : literal + "::" + type.name();
        }
        return JdbcSql.parse(sql, true, true, n -> literals[n - 1]).sql();
    }

    @Override
    public void addBatch() throws SQLException {
        checkOpen();
        params.encode();
        batch.add(params.copy());
    }

    @Override
    public void clearBatch() throws SQLException {
        checkOpen();
        batch.clear();
    }

    /**
     * Every set of parameters against one prepared statement in one round trip; consecutive sets with the
     * same parameter types share a Parse. A failure stops the batch: the counts of the executions before
     * it, EXECUTE_FAILED from it on.
     */
    @Override
    public long[] executeLargeBatch() throws SQLException {
        checkOpen();
        List<Parameters> rows = List.copyOf(batch);
        batch.clear();
        long[] counts = new long[rows.size()];
        Arrays.fill(counts, EXECUTE_FAILED);
        String statement = parsed.sql();
        boolean prepare = shouldPrepare(statement);
        try {
            for (int start = 0; start < rows.size(); ) {
                int[] types = rows.get(start).types();
                int end = start + 1;
                while (end < rows.size() && Arrays.equals(types, rows.get(end).types())) {
                    end++;
                }
                List<byte[][]> encoded = new ArrayList<>(end - start);
                for (int i = start; i < end; i++) {
                    encoded.add(rows.get(i).encode());
                }
                long[] group = new long[end - start];
                Arrays.fill(group, EXECUTE_FAILED);
                try {
                    conn.run(() -> cursor.boundBatch(statement, encoded, types, prepare, group), this);
                } finally {
                    System.arraycopy(group, 0, counts, start, group.length);
                }
                start = end;
            }
        } catch (SQLException e) {
            throw batchFailure(e, noInfo(counts));
        }
        return noInfo(counts);
    }

    /** A statement that reports no row count counts as SUCCESS_NO_INFO. */
    private static long[] noInfo(long[] counts) {
        for (int i = 0; i < counts.length; i++) {
            if (counts[i] == -1) {
                counts[i] = SUCCESS_NO_INFO;
            }
        }
        return counts;
    }

    @Override
    public ResultSetMetaData getMetaData() throws SQLException {
        checkOpen();
        List<Field> fields = describe().fields();
        return fields == null ? null : new JdbcResultSetMetaData(conn, fields);
    }

    @Override
    public ParameterMetaData getParameterMetaData() throws SQLException {
        checkOpen();
        int[] types = params.count() == 0 ? new int[0] : describe().parameterTypes();
        return new JdbcParameterMetaData(conn, types == null ? new int[0] : types);
    }

    /** What the server infers for the statement (nothing runs): parameter types, result columns. */
    private ExtendedQueryOperation describe() throws SQLException {
        return conn.run(() -> cursor.described(parsed.sql(), params.types()));
    }

    // ---- the Statement methods that take SQL refuse it ----

    private static SQLException sqlGiven() {
        return new SQLException("a PreparedStatement runs the SQL it was prepared with: "
                + "use execute(), executeQuery() or executeUpdate() without a query string", "42809");
    }

    @Override public boolean execute(String sql) throws SQLException { throw sqlGiven(); }
    @Override public boolean execute(String sql, int keys) throws SQLException { throw sqlGiven(); }
    @Override public boolean execute(String sql, int[] columns) throws SQLException { throw sqlGiven(); }
    @Override public boolean execute(String sql, String[] columns) throws SQLException { throw sqlGiven(); }
    @Override public ResultSet executeQuery(String sql) throws SQLException { throw sqlGiven(); }
    @Override public long executeLargeUpdate(String sql) throws SQLException { throw sqlGiven(); }
    @Override public long executeLargeUpdate(String sql, int keys) throws SQLException { throw sqlGiven(); }
    @Override public long executeLargeUpdate(String sql, int[] columns) throws SQLException { throw sqlGiven(); }
    @Override public long executeLargeUpdate(String sql, String[] columns) throws SQLException { throw sqlGiven(); }
    @Override public void addBatch(String sql) throws SQLException { throw sqlGiven(); }

    // ---- parameters ----

    void set(int index, Object value, int oid) throws SQLException {
        checkOpen();
        params.set(index, value, oid);
    }

    private int stringOid() {
        return conn.options().stringsUnspecified() ? 0 : Oids.VARCHAR;
    }

    @Override
    public void clearParameters() throws SQLException {
        checkOpen();
        params.clear();
    }

    @Override
    public void setNull(int index, int sqlType) throws SQLException {
        set(index, null, PgTypes.oidOfSqlType(sqlType));
    }

    @Override
    public void setNull(int index, int sqlType, String typeName) throws SQLException {
        PgTypes.Type t = typeName == null ? null : PgTypes.byName(typeName);
        set(index, null, t != null ? t.oid() : PgTypes.oidOfSqlType(sqlType));
    }

    @Override public void setBoolean(int index, boolean x) throws SQLException { set(index, x, Oids.BOOL); }
    @Override public void setByte(int index, byte x) throws SQLException { set(index, (short) x, Oids.INT2); }
    @Override public void setShort(int index, short x) throws SQLException { set(index, x, Oids.INT2); }
    @Override public void setInt(int index, int x) throws SQLException { set(index, x, Oids.INT4); }
    @Override public void setLong(int index, long x) throws SQLException { set(index, x, Oids.INT8); }
    @Override public void setFloat(int index, float x) throws SQLException { set(index, x, Oids.FLOAT4); }
    @Override public void setDouble(int index, double x) throws SQLException { set(index, x, Oids.FLOAT8); }
    @Override public void setBigDecimal(int index, BigDecimal x) throws SQLException { set(index, x, Oids.NUMERIC); }
    @Override public void setString(int index, String x) throws SQLException { set(index, x, stringOid()); }
    @Override public void setNString(int index, String x) throws SQLException { setString(index, x); }
    @Override public void setBytes(int index, byte[] x) throws SQLException { set(index, x, Oids.BYTEA); }
    @Override public void setDate(int index, Date x) throws SQLException { set(index, x, Oids.DATE); }
    // Times and timestamps go untyped, as pgjdbc sends them: one text fits time/timetz, timestamp/timestamptz.
    @Override public void setTime(int index, Time x) throws SQLException { set(index, x, 0); }
    @Override public void setTimestamp(int index, Timestamp x) throws SQLException { set(index, x, 0); }
    @Override public void setURL(int index, URL x) throws SQLException { setString(index, x == null ? null : x.toString()); }

    @Override
    public void setDate(int index, Date x, Calendar cal) throws SQLException {
        set(index, x == null || cal == null ? x
                : Instant.ofEpochMilli(x.getTime()).atZone(cal.getTimeZone().toZoneId()).toLocalDate(), Oids.DATE);
    }

    @Override
    public void setTime(int index, Time x, Calendar cal) throws SQLException {
        set(index, x == null || cal == null ? x
                : Instant.ofEpochMilli(x.getTime()).atZone(cal.getTimeZone().toZoneId()).toLocalTime(), 0);
    }

    @Override
    public void setTimestamp(int index, Timestamp x, Calendar cal) throws SQLException {
        set(index, x == null || cal == null ? x
                : new Parameters.ZonedTimestamp(x, cal.getTimeZone().toZoneId()), 0);
    }

    @Override
    public void setAsciiStream(int index, InputStream x, int length) throws SQLException {
        setAsciiStream(index, x, (long) length);
    }

    @Override
    public void setAsciiStream(int index, InputStream x, long length) throws SQLException {
        set(index, x == null ? null : new String(Parameters.read(x, length), StandardCharsets.US_ASCII), stringOid());
    }

    @Override
    public void setAsciiStream(int index, InputStream x) throws SQLException {
        setAsciiStream(index, x, -1L);
    }

    @Override
    @Deprecated
    public void setUnicodeStream(int index, InputStream x, int length) throws SQLException {
        set(index, x == null ? null : new String(Parameters.read(x, length), StandardCharsets.UTF_8), stringOid());
    }

    @Override
    public void setBinaryStream(int index, InputStream x, int length) throws SQLException {
        setBinaryStream(index, x, (long) length);
    }

    @Override
    public void setBinaryStream(int index, InputStream x, long length) throws SQLException {
        set(index, x == null ? null : Parameters.read(x, length), Oids.BYTEA);
    }

    @Override
    public void setBinaryStream(int index, InputStream x) throws SQLException {
        setBinaryStream(index, x, -1L);
    }

    @Override
    public void setCharacterStream(int index, Reader x, int length) throws SQLException {
        setCharacterStream(index, x, (long) length);
    }

    @Override
    public void setCharacterStream(int index, Reader x, long length) throws SQLException {
        set(index, x == null ? null : Parameters.read(x, length), stringOid());
    }

    @Override
    public void setCharacterStream(int index, Reader x) throws SQLException {
        setCharacterStream(index, x, -1L);
    }

    @Override public void setNCharacterStream(int index, Reader x, long length) throws SQLException { setCharacterStream(index, x, length); }
    @Override public void setNCharacterStream(int index, Reader x) throws SQLException { setCharacterStream(index, x, -1L); }
    @Override public void setClob(int index, Reader x, long length) throws SQLException { setCharacterStream(index, x, length); }
    @Override public void setClob(int index, Reader x) throws SQLException { setCharacterStream(index, x, -1L); }
    @Override public void setNClob(int index, Reader x, long length) throws SQLException { setCharacterStream(index, x, length); }
    @Override public void setNClob(int index, Reader x) throws SQLException { setCharacterStream(index, x, -1L); }
    @Override public void setBlob(int index, InputStream x, long length) throws SQLException { setBinaryStream(index, x, length); }
    @Override public void setBlob(int index, InputStream x) throws SQLException { setBinaryStream(index, x, -1L); }
    @Override public void setBlob(int index, Blob x) throws SQLException { set(index, x, Oids.BYTEA); }
    @Override public void setClob(int index, Clob x) throws SQLException { set(index, x, stringOid()); }
    @Override public void setNClob(int index, NClob x) throws SQLException { set(index, x, stringOid()); }
    @Override public void setRef(int index, Ref x) throws SQLException { throw SqlExceptions.notSupported("setRef"); }
    @Override public void setRowId(int index, RowId x) throws SQLException { throw SqlExceptions.notSupported("setRowId"); }
    @Override public void setSQLXML(int index, SQLXML x) throws SQLException { throw SqlExceptions.notSupported("setSQLXML"); }

    @Override
    public void setArray(int index, Array x) throws SQLException {
        set(index, x, x instanceof JdbcArray a ? a.arrayOid() : 0);
    }

    @Override
    public void setObject(int index, Object x) throws SQLException {
        Object v = x instanceof Character c ? c.toString() : x;
        set(index, v, PgTypes.oidOf(v, conn.options().stringsUnspecified()));
    }

    @Override
    public void setObject(int index, Object x, int targetSqlType) throws SQLException {
        setObject(index, x, targetSqlType, -1);
    }

    /** The value converted as JDBC's setObject table says, declared of the target type. */
    @Override
    public void setObject(int index, Object x, int targetSqlType, int scaleOrLength) throws SQLException {
        if (x == null) {
            setNull(index, targetSqlType);
            return;
        }
        int oid = PgTypes.oidOfSqlType(targetSqlType);
        Object v = switch (targetSqlType) {
            case Types.BIT, Types.BOOLEAN -> x instanceof Number n ? n.doubleValue() != 0 : x;
            case Types.TINYINT, Types.SMALLINT, Types.INTEGER, Types.BIGINT, Types.REAL, Types.FLOAT, Types.DOUBLE ->
                    x instanceof Boolean b ? (b ? 1 : 0) : x;
            case Types.NUMERIC, Types.DECIMAL -> decimal(x, scaleOrLength);
            case Types.CHAR, Types.NCHAR, Types.VARCHAR, Types.NVARCHAR, Types.LONGVARCHAR, Types.LONGNVARCHAR,
                 Types.CLOB, Types.NCLOB -> x instanceof String || x instanceof Clob || x instanceof Reader
                    ? x : Parameters.text(x);
            case Types.OTHER -> x instanceof Character c ? c.toString() : x;
            default -> x;
        };
        if (targetSqlType == Types.OTHER || targetSqlType == Types.JAVA_OBJECT) {
            // pgjdbc's rule: OTHER goes untyped unless the value says what it is (a UUID, an array...).
            oid = v instanceof String ? 0 : PgTypes.oidOf(v, true);
        } else if (targetSqlType == Types.ARRAY) {
            oid = v instanceof JdbcArray a ? a.arrayOid() : PgTypes.oidOf(v, true);
        } else if (v instanceof Timestamp && (targetSqlType == Types.TIMESTAMP
                || targetSqlType == Types.TIMESTAMP_WITH_TIMEZONE)) {
            oid = 0;
        }
        if (targetSqlType == Types.CHAR || targetSqlType == Types.VARCHAR || targetSqlType == Types.LONGVARCHAR) {
            oid = stringOid();
        }
        set(index, v, oid);
    }

    private static Object decimal(Object x, int scale) throws SQLException {
        BigDecimal d = switch (x) {
            case BigDecimal b -> b;
            case BigInteger b -> new BigDecimal(b);
            case Boolean b -> b ? BigDecimal.ONE : BigDecimal.ZERO;
            case Double f -> BigDecimal.valueOf(f);
            case Float f -> new BigDecimal(f.toString());
            case Number n -> BigDecimal.valueOf(n.longValue());
            default -> {
                try {
                    yield new BigDecimal(Parameters.text(x).trim());
                } catch (NumberFormatException e) {
                    throw Values.cannot(x, "numeric");
                }
            }
        };
        return scale >= 0 ? d.setScale(scale, RoundingMode.HALF_UP) : d;
    }

    @Override
    public void setObject(int index, Object x, SQLType targetSqlType) throws SQLException {
        setObject(index, x, vendorType(targetSqlType), -1);
    }

    @Override
    public void setObject(int index, Object x, SQLType targetSqlType, int scaleOrLength) throws SQLException {
        setObject(index, x, vendorType(targetSqlType), scaleOrLength);
    }

    private static int vendorType(SQLType type) throws SQLException {
        if (type == null || type.getVendorTypeNumber() == null) {
            throw SqlExceptions.notSupported("SQLType " + type);
        }
        return type.getVendorTypeNumber();
    }
}
