package dev.pgreen;

import dev.pgreen.errors.ProgrammingException;
import dev.pgreen.testing.PgServerExtension;
import dev.pgreen.testing.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** Named (server-side) cursors, after psycopg2's test_cursor.py named-cursor cases. */
@ExtendWith(PgServerExtension.class)
class NamedCursorTest {

    private static List<Object> firsts(List<Row> rows) {
        return rows.stream().map(r -> r.get(0)).toList();
    }

    @Test
    void fetchOneManyAllFromTheServer(TestServer server) {
        try (Connection conn = Pgreen.connect(server.dsn())) {
            Cursor cur = conn.cursor("c1");
            assertEquals("c1", cur.name());
            cur.execute("SELECT g, g::text FROM generate_series(1, 10) g WHERE g > %s", 0);
            assertEquals(List.of("g", "g"), cur.description().stream().map(Column::name).toList());
            assertEquals(23, cur.description().getFirst().typeCode());
            assertEquals(1, cur.fetchOne().get(0));
            assertEquals(List.of(2, 3, 4), firsts(cur.fetchMany(3)));
            cur.setArraySize(2);
            assertEquals(List.of(5, 6), firsts(cur.fetchMany()));
            assertEquals(6, cur.rowNumber());
            assertEquals(List.of(7, 8, 9, 10), firsts(cur.fetchAll()));
            assertNull(cur.fetchOne());
            assertEquals(List.of(), cur.fetchAll());
            cur.close();
            assertTrue(cur.isClosed());
        }
    }

    @Test
    void iterationFetchesItersizeRowsPerRoundTrip(TestServer server) {
        try (Connection conn = Pgreen.connect(server.dsn())) {
            Cursor cur = conn.cursor("big");
            cur.setIterSize(1000);
            cur.execute("SELECT g FROM generate_series(1, 25000) g");
            long sum = 0;
            int n = 0;
            for (Row r : cur) {
                sum += (Integer) r.get(0);
                n++;
            }
            assertEquals(25000, n);
            assertEquals(25000L * 25001 / 2, sum);
            assertEquals(25000, cur.rowNumber());
            assertEquals(0, cur.rowCount(), "the last FETCH found the end");
        }
    }

    @Test
    void scrollRelativeAndAbsolute(TestServer server) {
        try (Connection conn = Pgreen.connect(server.dsn())) {
            Cursor cur = conn.cursor("sc");
            cur.setScrollable(true);
            cur.execute("SELECT g FROM generate_series(0, 9) g");
            cur.scroll(3, ScrollMode.ABSOLUTE);
            assertEquals(3, cur.fetchOne().get(0));
            cur.scroll(2, ScrollMode.RELATIVE);
            assertEquals(6, cur.fetchOne().get(0));
            cur.scroll(-3, ScrollMode.RELATIVE);
            assertEquals(4, cur.fetchOne().get(0));
            // After an iteration buffered rows, a relative scroll still counts from what the caller saw.
            cur.setIterSize(5);
            var it = cur.iterator();
            assertEquals(5, it.next().get(0));
            cur.scroll(1, ScrollMode.RELATIVE);
            assertEquals(7, cur.fetchOne().get(0));
        }
    }

    @Test
    void withHoldSurvivesCommitAndWorksInAutocommit(TestServer server) {
        try (Connection conn = Pgreen.connect(server.dsn())) {
            Cursor held = conn.cursor("held");
            held.setWithHold(true);
            held.execute("SELECT g FROM generate_series(1, 3) g");
            conn.commit();
            assertEquals(List.of(1, 2, 3), firsts(held.fetchAll()));
            held.close();
            conn.commit();

            conn.setAutocommit(true);
            assertThrows(ProgrammingException.class, () -> conn.cursor("nohold").execute("SELECT 1"),
                    "a cursor without hold needs a transaction");
            Cursor ac = conn.cursor("auto");
            ac.setWithHold(true);
            ac.execute("SELECT 42");
            assertEquals(42, ac.fetchOne().get(0));
            ac.close();
            assertEquals(0L, conn.cursor().execute("SELECT count(*) FROM pg_cursors").fetchOne().get(0),
                    "close() closed it on the server");
        }
    }

    @Test
    void misuseIsAProgrammingError(TestServer server) {
        try (Connection conn = Pgreen.connect(server.dsn())) {
            Cursor cur = conn.cursor("m");
            assertThrows(ProgrammingException.class, cur::fetchOne, "not executed yet");
            cur.execute("SELECT 1");
            assertThrows(ProgrammingException.class, () -> cur.execute("SELECT 2"), "execute only once");
            assertThrows(ProgrammingException.class, () -> cur.setWithHold(true));
            assertThrows(ProgrammingException.class, () -> cur.executeMany("SELECT %s", List.of(List.of(1))));
            assertThrows(ProgrammingException.class, () -> conn.cursor(""));
            conn.commit();
            // SQLSTATE class 34 (invalid cursor name) is an OperationalException in psycopg2's table.
            var gone = assertThrows(dev.pgreen.errors.OperationalException.class, cur::fetchOne,
                    "the cursor ended with its transaction");
            assertEquals("34000", gone.sqlState());
        }
    }

    @Test
    void namesAreQuotedAndCursorFactoriesApply(TestServer server) {
        try (Connection conn = Pgreen.connect(server.dsn())) {
            List<String> made = new ArrayList<>();
            conn.setCursorFactory((c, n) -> {
                made.add(String.valueOf(n));
                return new Cursor(c, n);
            });
            Cursor cur = conn.cursor("Odd \"name\"");
            cur.execute("SELECT 'x'");
            assertEquals("x", cur.fetchOne().get(0));
            assertEquals(List.of("Odd \"name\""), made);
        }
    }

    @Test
    void anErrorsPositionCountsInTheCallersSql(TestServer server) {
        try (Connection conn = Pgreen.connect(server.dsn())) {
            var e = assertThrows(dev.pgreen.errors.ProgrammingException.class,
                    () -> conn.cursor("pos").execute("SELECT * FROMM nowhere"));
            assertEquals("42601", e.sqlState());
            assertEquals("10", e.diag().position(), "FROMM starts at character 10 of what the caller wrote");
        }
    }
}
