package dev.pgreen.jdbc;

import dev.pgreen.Connection;
import dev.pgreen.Cursor;
import dev.pgreen.internal.Bridge;
import dev.pgreen.protocol.BackendMessage.Field;
import dev.pgreen.protocol.ExtendedQueryOperation;
import dev.pgreen.protocol.QueryResult;

import java.util.List;

/** pgreen's cursor with its rows kept as text ({@link TextRow}) and its JDBC hooks opened to this package. */
final class JdbcCursor extends Cursor {
    JdbcCursor(Connection conn, String name) {
        super(conn, name);
        Bridge.cursor().setRowMaker(this, (raw, casters, columnIndex) -> new TextRow(raw, casters, this, columnIndex));
    }

    void bound(String sql, byte[][] params, int[] types, boolean prepare) {
        executeBound(sql, params, types, prepare);
    }

    long boundBatch(String sql, List<byte[][]> rows, int[] types, boolean prepare, long[] counts) {
        return executeBoundBatch(sql, rows, types, prepare, counts);
    }

    List<QueryResult> all(String sql) {
        return Bridge.cursor().executeAll(this, sql);
    }

    void show(QueryResult result) {
        Bridge.cursor().showResult(this, result);
    }

    ExtendedQueryOperation described(String sql, int[] types) {
        return Bridge.cursor().describe(this, sql, types);
    }

    List<Field> fields() {
        return Bridge.cursor().resultFields(this);
    }
}
