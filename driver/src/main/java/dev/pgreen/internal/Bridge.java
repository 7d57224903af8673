package dev.pgreen.internal;

import dev.pgreen.Connection;
import dev.pgreen.Cursor;
import dev.pgreen.Row;
import dev.pgreen.Typecaster;
import dev.pgreen.protocol.BackendMessage.DataRow;
import dev.pgreen.protocol.BackendMessage.Field;
import dev.pgreen.protocol.CopyBothStream;
import dev.pgreen.protocol.ExtendedQueryOperation;
import dev.pgreen.protocol.QueryResult;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * How the driver's public packages reach each other's package-private parts without making them API
 * (the JDK's {@code SharedSecrets}): the replication connections drive {@code Connection}'s COPY BOTH
 * stream and the JDBC layer {@code Cursor}'s multi-result and describe steps, all of which speak in
 * protocol types that must not show in a public or protected signature. {@code dev.pgreen.Hooks}
 * implements both interfaces and registers itself when it is loaded. This package is not exported.
 */
public final class Bridge {
    private static volatile ConnectionAccess connection;
    private static volatile CursorAccess cursor;

    private Bridge() {
    }

    /** {@code Connection}'s COPY BOTH stream, for {@code ReplicationConnection}. */
    public interface ConnectionAccess {
        CopyBothStream openCopyBoth(Connection conn, String sql);

        byte[] readCopyData(Connection conn, CopyBothStream stream, Duration timeout);

        void writeCopyData(Connection conn, CopyBothStream stream, byte[] data);

        void closeCopyBoth(Connection conn, CopyBothStream stream);
    }

    /** {@code Cursor}'s steps that the JDBC layer needs and no cursor subclass should see. */
    public interface CursorAccess {
        /** Makes {@code cursor} build its rows with {@code rows} instead of casting every value at once. */
        void setRowMaker(Cursor cursor, RowMaker rows);

        List<QueryResult> executeAll(Cursor cursor, String sql);

        void showResult(Cursor cursor, QueryResult result);

        ExtendedQueryOperation describe(Cursor cursor, String sql, int[] types);

        List<Field> resultFields(Cursor cursor);
    }

    /** Builds a row from its bytes as the server sent them (UTF-8 text, one typecaster per column). */
    @FunctionalInterface
    public interface RowMaker {
        Row make(DataRow raw, Typecaster[] casters, Map<String, Integer> columnIndex);
    }

    /** Called once, by {@code dev.pgreen.Hooks} as it is loaded. */
    public static void register(ConnectionAccess c, CursorAccess k) {
        if (connection != null) {
            throw new IllegalStateException("the driver's hooks are registered already");
        }
        cursor = k;
        connection = c;
    }

    public static ConnectionAccess connection() {
        if (connection == null) {
            load();
        }
        return connection;
    }

    public static CursorAccess cursor() {
        if (cursor == null) {
            load();
        }
        return cursor;
    }

    /** Normally done already: a {@code Connection} or {@code Cursor} exists before anyone asks for its hooks. */
    private static void load() {
        try {
            Class.forName("dev.pgreen.Hooks", true, Bridge.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new LinkageError("dev.pgreen.Hooks is missing from the driver", e);
        }
    }
}
