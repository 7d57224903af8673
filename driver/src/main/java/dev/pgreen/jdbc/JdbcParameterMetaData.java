package dev.pgreen.jdbc;

import java.sql.ParameterMetaData;
import java.sql.SQLException;
import java.sql.Types;

/** The parameter types the server inferred for a prepared statement (Parse and Describe, nothing run). */
final class JdbcParameterMetaData implements ParameterMetaData {
    private final JdbcConnection conn;
    private final int[] oids;

    JdbcParameterMetaData(JdbcConnection conn, int[] oids) {
        this.conn = conn;
        this.oids = oids;
    }

    private int oid(int param) throws SQLException {
        if (param < 1 || param > oids.length) {
            throw new SQLException("parameter index " + param + " is out of range: the statement has "
                    + oids.length + " parameter(s)", "22023");
        }
        return oids[param - 1];
    }

    @Override
    public int getParameterCount() {
        return oids.length;
    }

    @Override
    public int isNullable(int param) throws SQLException {
        oid(param);
        return parameterNullableUnknown;
    }

    @Override
    public boolean isSigned(int param) throws SQLException {
        int type = getParameterType(param);
        return type == Types.SMALLINT || type == Types.INTEGER || type == Types.BIGINT || type == Types.REAL
                || type == Types.DOUBLE || type == Types.NUMERIC;
    }

    @Override
    public int getPrecision(int param) throws SQLException {
        oid(param);
        return 0;
    }

    @Override
    public int getScale(int param) throws SQLException {
        oid(param);
        return 0;
    }

    @Override
    public int getParameterType(int param) throws SQLException {
        return conn.types().type(oid(param)).sqlType();
    }

    @Override
    public String getParameterTypeName(int param) throws SQLException {
        return conn.types().type(oid(param)).name();
    }

    @Override
    public String getParameterClassName(int param) throws SQLException {
        return conn.types().type(oid(param)).javaClass();
    }

    @Override
    public int getParameterMode(int param) throws SQLException {
        oid(param);
        return parameterModeIn;
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
