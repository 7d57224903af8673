package dev.pgreen.jdbc;

import dev.pgreen.Connection;
import dev.pgreen.Cursor;
import dev.pgreen.Row;
import dev.pgreen.Typecaster;
import dev.pgreen.protocol.BackendMessage.DataRow;
import dev.pgreen.protocol.BackendMessage.Field;
import dev.pgreen.protocol.ExtendedQueryOperation;
import dev.pgreen.protocol.QueryResult;

import java.util.List;
import java.util.Map;

/** pgreen's cursor with its rows kept as text ({@link TextRow}) and its JDBC hooks opened to this package. */
final class JdbcCursor extends Cursor {
    JdbcCursor(Connection conn, String name) {
        super(conn, name);
    }

    @Override
    protected Row newRow(DataRow raw, Typecaster[] casters, Map<String, Integer> columnIndex) {
        return new TextRow(raw, casters, this, columnIndex);
    }

    void bound(String sql, byte[][] params, int[] types, boolean prepare) {
        executeBound(sql, params, types, prepare);
    }

    long boundBatch(String sql, List<byte[][]> rows, int[] types, boolean prepare, long[] counts) {
        return executeBoundBatch(sql, rows, types, prepare, counts);
    }

    List<QueryResult> all(String sql) {
        return executeAll(sql);
    }

    void show(QueryResult result) {
        showResult(result);
    }

    ExtendedQueryOperation described(String sql, int[] types) {
        return describe(sql, types);
    }

    List<Field> fields() {
        return resultFields();
    }
}
