package dev.pgreen;

import dev.pgreen.testing.PgServerExtension;
import dev.pgreen.testing.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** Connection and cursor factories, as psycopg2's connection_factory and cursor_factory. */
@ExtendWith(PgServerExtension.class)
class FactoriesTest {

    /** A subclass that adds a start-up parameter, as a replication connection does. */
    static class TaggedConnection extends Connection {
        TaggedConnection(ConnectInfo info) {
            super(info.with("application_name", "tagged-app"));
        }
    }

    /** A cursor whose rows are maps. */
    static class DictCursor extends Cursor {
        public DictCursor(Connection conn, String name) {
            super(conn, name);
        }

        @Override
        protected Row newRow(Object[] values, Map<String, Integer> columnIndex) {
            return new DictRow(values, columnIndex);
        }
    }

    static class DictRow extends Row {
        DictRow(Object[] values, Map<String, Integer> columnIndex) {
            super(values, columnIndex);
        }
    }

    @Test
    void connectionFactoryMakesTheSubclassWithItsParameters(TestServer server) {
        try (TaggedConnection conn = Pgreen.connect(server.dsn(), TaggedConnection::new)) {
            assertEquals("tagged-app", conn.cursor().execute("SHOW application_name").fetchOne().get(0));
            assertEquals("tagged-app", conn.parameterStatus("application_name"));
            assertEquals("tagged-app", conn.info().params().get("application_name"));
        }
    }

    @Test
    void cursorFactoryPerCallAndPerConnection(TestServer server) {
        try (Connection conn = Pgreen.connect(server.dsn())) {
            DictCursor one = conn.cursor(DictCursor::new);
            assertInstanceOf(DictRow.class, one.execute("SELECT 1 AS a").fetchOne());
            assertEquals(Cursor.class, conn.cursor().getClass());

            conn.setCursorFactory(DictCursor::new);
            Cursor cur = conn.cursor();
            assertInstanceOf(DictCursor.class, cur);
            Row row = cur.execute("SELECT 1 AS a, 'b' AS b").fetchOne();
            assertInstanceOf(DictRow.class, row);
            assertEquals("b", row.get("b"));
            assertSame(conn, cur.connection());
            assertNull(cur.name());
        }
    }
}
