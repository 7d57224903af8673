package dev.pgreen.jdbc;

import dev.pgreen.Row;
import dev.pgreen.protocol.BackendMessage.Field;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.Reader;
import java.io.StringReader;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.MalformedURLException;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.sql.Array;
import java.sql.Blob;
import java.sql.Clob;
import java.sql.Date;
import java.sql.NClob;
import java.sql.Ref;
import java.sql.ResultSetMetaData;
import java.sql.RowId;
import java.sql.SQLDataException;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.SQLXML;
import java.sql.Statement;
import java.sql.Time;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Calendar;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A result: all its rows at hand (forward-only or scroll-insensitive), or, with a fetch size inside a
 * transaction, streamed from a named server-side cursor {@code fetchSize} rows per round trip, so memory
 * stays bounded. Values stay as the server's text until a getter asks ({@link TextRow}).
 */
final class JdbcResultSet extends ReadOnlyResultSet {
    private final JdbcStatement statement;
    private final JdbcConnection conn;
    private final List<Field> fields;
    private final int type;
    /** The named cursor the rows stream from, or null when they are all here. */
    private final JdbcCursor stream;
    private final long maxRows;
    private List<Row> buffer;
    private int pos = -1;
    /** Rows of earlier batches, streamed past. */
    private long rowsBefore;
    private boolean exhausted;
    private boolean afterLast;
    private boolean closed;
    private boolean wasNull;
    private int fetchSize;
    private Map<String, Integer> byLabel;

    /** A result whose rows are all here. */
    JdbcResultSet(JdbcStatement statement, JdbcConnection conn, List<Field> fields, List<Row> rows, int type,
                  long maxRows) {
        this(statement, conn, fields, maxRows > 0 && rows.size() > maxRows ? rows.subList(0, (int) maxRows) : rows,
                type, null, 0, 0);
        this.exhausted = true;
    }

    /** A result streamed from the named cursor {@code stream}, {@code fetchSize} rows at a time. */
    JdbcResultSet(JdbcStatement statement, JdbcConnection conn, List<Field> fields, JdbcCursor stream,
                  int fetchSize, long maxRows) throws SQLException {
        this(statement, conn, fields, List.of(), TYPE_FORWARD_ONLY, stream, fetchSize, maxRows);
        fetch();
    }

    private JdbcResultSet(JdbcStatement statement, JdbcConnection conn, List<Field> fields, List<Row> rows,
                          int type, JdbcCursor stream, int fetchSize, long maxRows) {
        this.statement = statement;
        this.conn = conn;
        this.fields = fields == null ? List.of() : fields;
        this.buffer = rows;
        this.type = type;
        this.stream = stream;
        this.fetchSize = fetchSize;
        this.maxRows = maxRows;
    }

    /** The next batch from the server cursor; what maxRows allows and no more. */
    private void fetch() throws SQLException {
        long room = maxRows > 0 ? maxRows - rowsBefore - buffer.size() : Long.MAX_VALUE;
        int n = (int) Math.min(Math.max(1, fetchSize), room);
        rowsBefore += buffer.size();
        buffer = n <= 0 ? List.of() : conn.run(() -> stream.fetchMany(n));
        pos = -1;
        exhausted = buffer.size() < n || (maxRows > 0 && rowsBefore + buffer.size() >= maxRows);
    }

    // ---- moving ----

    @Override
    public boolean next() throws SQLException {
        checkOpen();
        if (afterLast) {
            return false;
        }
        if (pos + 1 < buffer.size()) {
            pos++;
            return true;
        }
        if (!exhausted) {
            fetch();
            if (!buffer.isEmpty()) {
                pos = 0;
                return true;
            }
        }
        pos = buffer.size();
        afterLast = true;
        return false;
    }

    @Override
    public boolean previous() throws SQLException {
        checkScrollable();
        // The row before: from after the last, the last one; from the first, before the first.
        int current = afterLast ? buffer.size() + 1 : pos + 1;
        return absolute(Math.max(0, current - 1));
    }

    @Override
    public boolean absolute(int row) throws SQLException {
        checkScrollable();
        int size = buffer.size();
        int target = row > 0 ? row - 1 : size + row;
        if (row == 0 || target < 0) {
            beforeFirst();
            return false;
        }
        if (target >= size) {
            afterLast();
            return false;
        }
        pos = target;
        afterLast = false;
        return true;
    }

    @Override
    public boolean relative(int rows) throws SQLException {
        checkScrollable();
        if (!onRow()) {
            throw new SQLException("relative() needs a current row", "24000");
        }
        int target = pos + rows;
        return target < 0 ? absolute(0) : absolute(target + 1);
    }

    @Override
    public boolean first() throws SQLException {
        return absolute(1);
    }

    @Override
    public boolean last() throws SQLException {
        return absolute(-1);
    }

    @Override
    public void beforeFirst() throws SQLException {
        checkScrollable();
        pos = -1;
        afterLast = false;
    }

    @Override
    public void afterLast() throws SQLException {
        checkScrollable();
        pos = buffer.size();
        afterLast = true;
    }

    @Override
    public boolean isBeforeFirst() throws SQLException {
        checkOpen();
        return rowsBefore == 0 && pos == -1 && !buffer.isEmpty();
    }

    @Override
    public boolean isAfterLast() throws SQLException {
        checkOpen();
        return afterLast && rowsBefore + buffer.size() > 0;
    }

    @Override
    public boolean isFirst() throws SQLException {
        checkOpen();
        return onRow() && rowsBefore == 0 && pos == 0;
    }

    @Override
    public boolean isLast() throws SQLException {
        checkOpen();
        if (!onRow() || pos < buffer.size() - 1) {
            return false;
        }
        if (!exhausted) {
            // Look ahead: keep the current row at the front of the next batch.
            Row current = buffer.get(pos);
            fetch();
            List<Row> joined = new ArrayList<>(buffer.size() + 1);
            joined.add(current);
            joined.addAll(buffer);
            rowsBefore -= 1;
            buffer = joined;
            pos = 0;
        }
        return pos == buffer.size() - 1;
    }

    @Override
    public int getRow() throws SQLException {
        checkOpen();
        return onRow() ? (int) (rowsBefore + pos + 1) : 0;
    }

    private boolean onRow() {
        return !afterLast && pos >= 0 && pos < buffer.size();
    }

    private void checkScrollable() throws SQLException {
        checkOpen();
        if (type == TYPE_FORWARD_ONLY) {
            throw new SQLException("the result set is TYPE_FORWARD_ONLY: it can only move with next()", "24000");
        }
    }

    private void checkOpen() throws SQLException {
        if (closed) {
            throw SqlExceptions.closed("the result set");
        }
    }

    // ---- reading ----

    private TextRow row(int column) throws SQLException {
        checkOpen();
        if (!onRow()) {
            throw new SQLException("the result set is not positioned on a row: call next() first", "24000");
        }
        if (column < 1 || column > fields.size()) {
            throw new SQLException("column index " + column + " is out of range: the result has " + fields.size()
                    + " column(s)", "22023");
        }
        TextRow r = (TextRow) buffer.get(pos);
        wasNull = r.isNull(column - 1);
        return r;
    }

    private int oid(int column) {
        return fields.get(column - 1).typeOid();
    }

    @Override
    public boolean wasNull() throws SQLException {
        checkOpen();
        return wasNull;
    }

    @Override
    public String getString(int column) throws SQLException {
        return row(column).text(column - 1);
    }

    @Override
    public boolean getBoolean(int column) throws SQLException {
        return Values.toBoolean(row(column), column - 1);
    }

    @Override
    public byte getByte(int column) throws SQLException {
        return (byte) Values.toLong(row(column), column - 1, Byte.MIN_VALUE, Byte.MAX_VALUE, "byte");
    }

    @Override
    public short getShort(int column) throws SQLException {
        return (short) Values.toLong(row(column), column - 1, Short.MIN_VALUE, Short.MAX_VALUE, "short");
    }

    @Override
    public int getInt(int column) throws SQLException {
        return (int) Values.toLong(row(column), column - 1, Integer.MIN_VALUE, Integer.MAX_VALUE, "int");
    }

    @Override
    public long getLong(int column) throws SQLException {
        return Values.toLong(row(column), column - 1, Long.MIN_VALUE, Long.MAX_VALUE, "long");
    }

    @Override
    public float getFloat(int column) throws SQLException {
        return (float) Values.toDouble(row(column), column - 1);
    }

    @Override
    public double getDouble(int column) throws SQLException {
        return Values.toDouble(row(column), column - 1);
    }

    @Override
    public BigDecimal getBigDecimal(int column) throws SQLException {
        return Values.toBigDecimal(row(column), column - 1);
    }

    @Override
    @Deprecated
    public BigDecimal getBigDecimal(int column, int scale) throws SQLException {
        BigDecimal d = getBigDecimal(column);
        return d == null ? null : d.setScale(scale, RoundingMode.HALF_UP);
    }

    @Override
    public byte[] getBytes(int column) throws SQLException {
        return Values.toBytes(row(column), column - 1, oid(column));
    }

    @Override
    public Date getDate(int column) throws SQLException {
        return Values.toDate(row(column), column - 1, null);
    }

    @Override
    public Date getDate(int column, Calendar cal) throws SQLException {
        return Values.toDate(row(column), column - 1, cal);
    }

    @Override
    public Time getTime(int column) throws SQLException {
        return Values.toTime(row(column), column - 1, null);
    }

    @Override
    public Time getTime(int column, Calendar cal) throws SQLException {
        return Values.toTime(row(column), column - 1, cal);
    }

    @Override
    public Timestamp getTimestamp(int column) throws SQLException {
        return Values.toTimestamp(row(column), column - 1, null);
    }

    @Override
    public Timestamp getTimestamp(int column, Calendar cal) throws SQLException {
        return Values.toTimestamp(row(column), column - 1, cal);
    }

    @Override
    public Object getObject(int column) throws SQLException {
        return Values.toObject(row(column), column - 1, oid(column));
    }

    @Override
    public <T> T getObject(int column, Class<T> type) throws SQLException {
        return Values.toObject(row(column), column - 1, oid(column), type);
    }

    @Override
    public Object getObject(int column, Map<String, Class<?>> map) throws SQLException {
        if (map != null && !map.isEmpty()) {
            throw SqlExceptions.notSupported("getObject with a type map");
        }
        return getObject(column);
    }

    @Override
    public Array getArray(int column) throws SQLException {
        Object v = getObject(column);
        if (v == null || v instanceof Array) {
            return (Array) v;
        }
        throw new SQLDataException("column " + column + " is not an array", "22023");
    }

    @Override
    public InputStream getAsciiStream(int column) throws SQLException {
        String s = getString(column);
        return s == null ? null : new ByteArrayInputStream(s.getBytes(StandardCharsets.US_ASCII));
    }

    @Override
    @Deprecated
    public InputStream getUnicodeStream(int column) throws SQLException {
        String s = getString(column);
        return s == null ? null : new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public InputStream getBinaryStream(int column) throws SQLException {
        byte[] b = getBytes(column);
        return b == null ? null : new ByteArrayInputStream(b);
    }

    @Override
    public Reader getCharacterStream(int column) throws SQLException {
        String s = getString(column);
        return s == null ? null : new StringReader(s);
    }

    @Override
    public String getNString(int column) throws SQLException {
        return getString(column);
    }

    @Override
    public Reader getNCharacterStream(int column) throws SQLException {
        return getCharacterStream(column);
    }

    @Override
    public URL getURL(int column) throws SQLException {
        String s = getString(column);
        try {
            return s == null ? null : URI.create(s.trim()).toURL();
        } catch (MalformedURLException | IllegalArgumentException e) {
            throw new SQLDataException("not a URL: " + s, "22000", e);
        }
    }

    @Override public Ref getRef(int column) throws SQLException { throw SqlExceptions.notSupported("getRef"); }
    @Override public Blob getBlob(int column) throws SQLException { throw SqlExceptions.notSupported("getBlob"); }
    @Override public Clob getClob(int column) throws SQLException { throw SqlExceptions.notSupported("getClob"); }
    @Override public NClob getNClob(int column) throws SQLException { throw SqlExceptions.notSupported("getNClob"); }
    @Override public RowId getRowId(int column) throws SQLException { throw SqlExceptions.notSupported("getRowId"); }
    @Override public SQLXML getSQLXML(int column) throws SQLException { throw SqlExceptions.notSupported("getSQLXML"); }

    // ---- by label ----

    @Override
    public int findColumn(String label) throws SQLException {
        checkOpen();
        if (byLabel == null) {
            Map<String, Integer> m = new HashMap<>();
            for (int i = fields.size() - 1; i >= 0; i--) {
                m.put(fields.get(i).name().toLowerCase(Locale.ROOT), i + 1);
            }
            for (int i = fields.size() - 1; i >= 0; i--) {
                m.put(fields.get(i).name(), i + 1);
            }
            byLabel = m;
        }
        Integer i = label == null ? null : byLabel.get(label);
        if (i == null && label != null) {
            i = byLabel.get(label.toLowerCase(Locale.ROOT));
        }
        if (i == null) {
            throw new SQLException("the column name " + label + " was not found in this ResultSet", "42703");
        }
        return i;
    }

    @Override public String getString(String label) throws SQLException { return getString(findColumn(label)); }
    @Override public boolean getBoolean(String label) throws SQLException { return getBoolean(findColumn(label)); }
    @Override public byte getByte(String label) throws SQLException { return getByte(findColumn(label)); }
    @Override public short getShort(String label) throws SQLException { return getShort(findColumn(label)); }
    @Override public int getInt(String label) throws SQLException { return getInt(findColumn(label)); }
    @Override public long getLong(String label) throws SQLException { return getLong(findColumn(label)); }
    @Override public float getFloat(String label) throws SQLException { return getFloat(findColumn(label)); }
    @Override public double getDouble(String label) throws SQLException { return getDouble(findColumn(label)); }
    @Override public BigDecimal getBigDecimal(String label) throws SQLException { return getBigDecimal(findColumn(label)); }
    @Override @Deprecated public BigDecimal getBigDecimal(String label, int scale) throws SQLException { return getBigDecimal(findColumn(label), scale); }
    @Override public byte[] getBytes(String label) throws SQLException { return getBytes(findColumn(label)); }
    @Override public Date getDate(String label) throws SQLException { return getDate(findColumn(label)); }
    @Override public Date getDate(String label, Calendar cal) throws SQLException { return getDate(findColumn(label), cal); }
    @Override public Time getTime(String label) throws SQLException { return getTime(findColumn(label)); }
    @Override public Time getTime(String label, Calendar cal) throws SQLException { return getTime(findColumn(label), cal); }
    @Override public Timestamp getTimestamp(String label) throws SQLException { return getTimestamp(findColumn(label)); }
    @Override public Timestamp getTimestamp(String label, Calendar cal) throws SQLException { return getTimestamp(findColumn(label), cal); }
    @Override public Object getObject(String label) throws SQLException { return getObject(findColumn(label)); }
    @Override public <T> T getObject(String label, Class<T> type) throws SQLException { return getObject(findColumn(label), type); }
    @Override public Object getObject(String label, Map<String, Class<?>> map) throws SQLException { return getObject(findColumn(label), map); }
    @Override public Array getArray(String label) throws SQLException { return getArray(findColumn(label)); }
    @Override public InputStream getAsciiStream(String label) throws SQLException { return getAsciiStream(findColumn(label)); }
    @Override @Deprecated public InputStream getUnicodeStream(String label) throws SQLException { return getUnicodeStream(findColumn(label)); }
    @Override public InputStream getBinaryStream(String label) throws SQLException { return getBinaryStream(findColumn(label)); }
    @Override public Reader getCharacterStream(String label) throws SQLException { return getCharacterStream(findColumn(label)); }
    @Override public String getNString(String label) throws SQLException { return getNString(findColumn(label)); }
    @Override public Reader getNCharacterStream(String label) throws SQLException { return getNCharacterStream(findColumn(label)); }
    @Override public URL getURL(String label) throws SQLException { return getURL(findColumn(label)); }
    @Override public Ref getRef(String label) throws SQLException { return getRef(findColumn(label)); }
    @Override public Blob getBlob(String label) throws SQLException { return getBlob(findColumn(label)); }
    @Override public Clob getClob(String label) throws SQLException { return getClob(findColumn(label)); }
    @Override public NClob getNClob(String label) throws SQLException { return getNClob(findColumn(label)); }
    @Override public RowId getRowId(String label) throws SQLException { return getRowId(findColumn(label)); }
    @Override public SQLXML getSQLXML(String label) throws SQLException { return getSQLXML(findColumn(label)); }

    // ---- the rest ----

    @Override
    public ResultSetMetaData getMetaData() throws SQLException {
        checkOpen();
        return new JdbcResultSetMetaData(conn, fields);
    }

    @Override
    public void close() throws SQLException {
        if (closed) {
            return;
        }
        closed = true;
        buffer = List.of();
        if (stream != null && !conn.isClosed()) {
            conn.run(() -> {
                stream.close();
                return null;
            });
        }
        if (statement != null) {
            statement.resultClosed(this);
        }
    }

    @Override
    public boolean isClosed() {
        return closed;
    }

    @Override
    public Statement getStatement() {
        return statement;
    }

    @Override
    public int getType() {
        return type;
    }

    @Override
    public int getHoldability() {
        return CLOSE_CURSORS_AT_COMMIT;
    }

    @Override
    public void setFetchDirection(int direction) throws SQLException {
        checkOpen();
        if (direction != FETCH_FORWARD && type == TYPE_FORWARD_ONLY) {
            throw new SQLException("a TYPE_FORWARD_ONLY result set can only fetch forward", "24000");
        }
    }

    @Override
    public int getFetchDirection() {
        return FETCH_FORWARD;
    }

    @Override
    public void setFetchSize(int rows) throws SQLException {
        checkOpen();
        if (rows < 0) {
            throw new SQLException("the fetch size must be 0 or more", "22023");
        }
        if (rows > 0) {
            fetchSize = rows;
        }
    }

    @Override
    public int getFetchSize() {
        return fetchSize;
    }

    @Override
    public String getCursorName() throws SQLException {
        checkOpen();
        return stream == null ? null : stream.name();
    }

    @Override
    public SQLWarning getWarnings() throws SQLException {
        checkOpen();
        return null;
    }

    @Override
    public void clearWarnings() {
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        return SqlExceptions.unwrap(this, iface);
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) {
        return iface.isInstance(this);
    }
}
