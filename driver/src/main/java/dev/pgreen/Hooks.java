package dev.pgreen;

import dev.pgreen.internal.Bridge;
import dev.pgreen.protocol.BackendMessage.Field;
import dev.pgreen.protocol.CopyBothStream;
import dev.pgreen.protocol.ExtendedQueryOperation;
import dev.pgreen.protocol.QueryResult;

import java.time.Duration;
import java.util.List;

/** The package-private parts of {@link Connection} and {@link Cursor} that the other driver packages use (see {@link Bridge}). */
final class Hooks implements Bridge.ConnectionAccess, Bridge.CursorAccess {
    static {
        Hooks hooks = new Hooks();
        Bridge.register(hooks, hooks);
    }

    private Hooks() {
    }

    @Override
    public CopyBothStream openCopyBoth(Connection conn, String sql) {
        return conn.openCopyBoth(sql);
    }

    @Override
    public byte[] readCopyData(Connection conn, CopyBothStream stream, Duration timeout) {
        return conn.readCopyData(stream, timeout);
    }

    @Override
    public void writeCopyData(Connection conn, CopyBothStream stream, byte[] data) {
        conn.writeCopyData(stream, data);
    }

    @Override
    public void closeCopyBoth(Connection conn, CopyBothStream stream) {
        conn.closeCopyBoth(stream);
    }

    @Override
    public void setRowMaker(Cursor cursor, Bridge.RowMaker rows) {
        cursor.setRowMaker(rows);
    }

    @Override
    public List<QueryResult> executeAll(Cursor cursor, String sql) {
        return cursor.executeAll(sql);
    }

    @Override
    public void showResult(Cursor cursor, QueryResult result) {
        cursor.showResult(result);
    }

    @Override
    public ExtendedQueryOperation describe(Cursor cursor, String sql, int[] types) {
        return cursor.describe(sql, types);
    }

    @Override
    public List<Field> resultFields(Cursor cursor) {
        return cursor.resultFields();
    }
}
