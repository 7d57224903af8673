package dev.pgreen.jdbc;

import dev.pgreen.protocol.BackendMessage.Field;
import dev.pgreen.typecast.Oids;

import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Types;
import java.util.List;

/**
 * A result's columns as the server described them; the table behind a column (schema, NOT NULL, serial)
 * and the names of types pgreen does not know are asked of the catalogs once per connection, when asked.
 */
final class JdbcResultSetMetaData implements ResultSetMetaData {
    private final JdbcConnection conn;
    private final List<Field> fields;

    JdbcResultSetMetaData(JdbcConnection conn, List<Field> fields) {
        this.conn = conn;
        this.fields = fields;
    }

    private Field field(int column) throws SQLException {
        if (column < 1 || column > fields.size()) {
            throw new SQLException("column index " + column + " is out of range: the result has " + fields.size()
                    + " column(s)", "22023");
        }
        return fields.get(column - 1);
    }

    private TypeCatalog.TypeInfo type(int column) throws SQLException {
        return conn.types().type(field(column).typeOid());
    }

    private TypeCatalog.ColumnInfo source(int column) throws SQLException {
        Field f = field(column);
        return conn.types().column(f.tableOid(), f.columnNumber());
    }

    /** The declared modifier without its 4-byte header, or -1. */
    private int modifier(int column) throws SQLException {
        int m = field(column).typeModifier();
        return m < 0 ? -1 : m - 4;
    }

    @Override
    public int getColumnCount() {
        return fields.size();
    }

    @Override
    public boolean isAutoIncrement(int column) throws SQLException {
        TypeCatalog.ColumnInfo c = source(column);
        return c != null && c.autoIncrement();
    }

    @Override
    public boolean isCaseSensitive(int column) throws SQLException {
        int t = getColumnType(column);
        return t == Types.CHAR || t == Types.VARCHAR || t == Types.OTHER || t == Types.SQLXML;
    }

    @Override
    public boolean isSearchable(int column) throws SQLException {
        field(column);
        return true;
    }

    @Override
    public boolean isCurrency(int column) throws SQLException {
        return field(column).typeOid() == Oids.MONEY;
    }

    @Override
    public int isNullable(int column) throws SQLException {
        TypeCatalog.ColumnInfo c = source(column);
        return c == null ? columnNullableUnknown : c.notNull() ? columnNoNulls : columnNullable;
    }

    @Override
    public boolean isSigned(int column) throws SQLException {
        int t = getColumnType(column);
        return t == Types.SMALLINT || t == Types.INTEGER || t == Types.BIGINT || t == Types.REAL
                || t == Types.DOUBLE || t == Types.NUMERIC;
    }

    @Override
    public int getColumnDisplaySize(int column) throws SQLException {
        int oid = field(column).typeOid();
        return switch (oid) {
            case Oids.BOOL -> 1;
            case Oids.INT2 -> 6;
            case Oids.INT4, Oids.OID -> 11;
            case Oids.INT8 -> 20;
            case Oids.FLOAT4 -> 15;
            case Oids.FLOAT8 -> 25;
            case Oids.DATE -> 13;
            case Oids.TIME -> 15;
            case Oids.TIMETZ -> 21;
            case Oids.TIMESTAMP -> 29;
            case Oids.TIMESTAMPTZ -> 35;
            case Oids.UUID -> 36;
            case Oids.NUMERIC -> modifier(column) < 0 ? 131089 : getPrecision(column) + 2;
            case Oids.VARCHAR, Oids.BPCHAR -> modifier(column) < 0 ? Integer.MAX_VALUE : modifier(column);
            default -> Integer.MAX_VALUE;
        };
    }

    @Override
    public String getColumnLabel(int column) throws SQLException {
        return field(column).name();
    }

    /** As pgjdbc: the label; the table's own name of the column is in the catalogs. */
    @Override
    public String getColumnName(int column) throws SQLException {
        return field(column).name();
    }

    @Override
    public String getSchemaName(int column) throws SQLException {
        TypeCatalog.ColumnInfo c = source(column);
        return c == null ? "" : c.schema();
    }

    @Override
    public int getPrecision(int column) throws SQLException {
        int oid = field(column).typeOid();
        int mod = modifier(column);
        return switch (oid) {
            case Oids.INT2 -> 5;
            case Oids.INT4, Oids.OID -> 10;
            case Oids.INT8 -> 19;
            case Oids.FLOAT4 -> 8;
            case Oids.FLOAT8 -> 17;
            case Oids.BOOL -> 1;
            case Oids.NUMERIC -> mod < 0 ? 0 : (mod >> 16) & 0xffff;
            case Oids.VARCHAR, Oids.BPCHAR -> mod < 0 ? Integer.MAX_VALUE : mod;
            case Oids.DATE -> 13;
            case Oids.TIME, Oids.TIMETZ, Oids.TIMESTAMP, Oids.TIMESTAMPTZ -> getColumnDisplaySize(column);
            case Oids.TEXT, Oids.BYTEA, Oids.JSON, Oids.JSONB -> Integer.MAX_VALUE;
            default -> 0;
        };
    }

    @Override
    public int getScale(int column) throws SQLException {
        int oid = field(column).typeOid();
        int mod = modifier(column);
        return switch (oid) {
            case Oids.NUMERIC -> mod < 0 ? 0 : mod & 0xffff;
            case Oids.TIME, Oids.TIMETZ, Oids.TIMESTAMP, Oids.TIMESTAMPTZ -> field(column).typeModifier() < 0
                    ? 6 : field(column).typeModifier();
            case Oids.FLOAT4 -> 8;
            case Oids.FLOAT8 -> 17;
            default -> 0;
        };
    }

    @Override
    public String getTableName(int column) throws SQLException {
        TypeCatalog.ColumnInfo c = source(column);
        return c == null ? "" : c.table();
    }

    @Override
    public String getCatalogName(int column) throws SQLException {
        field(column);
        return "";
    }

    @Override
    public int getColumnType(int column) throws SQLException {
        return type(column).sqlType();
    }

    @Override
    public String getColumnTypeName(int column) throws SQLException {
        return type(column).name();
    }

    @Override
    public boolean isReadOnly(int column) throws SQLException {
        field(column);
        return false;
    }

    @Override
    public boolean isWritable(int column) throws SQLException {
        field(column);
        return true;
    }

    @Override
    public boolean isDefinitelyWritable(int column) throws SQLException {
        field(column);
        return false;
    }

    @Override
    public String getColumnClassName(int column) throws SQLException {
        return type(column).javaClass();
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
