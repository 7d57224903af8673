package dev.pgreen;

import dev.pgreen.errors.IntegrityException;
import dev.pgreen.testing.PgServerExtension;
import dev.pgreen.testing.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** executeMany: batched inside a transaction, one by one in autocommit, psycopg2's semantics either way. */
@ExtendWith(PgServerExtension.class)
class ExecuteManyTest {

    private static List<Object[]> rows(int from, int to) {
        List<Object[]> rows = new ArrayList<>();
        for (int i = from; i <= to; i++) {
            rows.add(new Object[] {i, "row -- " + i});
        }
        return rows;
    }

    @Test
    void thousandsOfRowsInATransactionWithRowCountSummed(TestServer server) {
        try (Connection conn = Pgreen.connect(server.dsn())) {
            Cursor cur = conn.cursor();
            cur.execute("CREATE TEMP TABLE em (id int PRIMARY KEY, t text)");
            cur.executeMany("INSERT INTO em VALUES (%s, %s) -- a trailing comment", rows(1, 2500));
            assertEquals(2500, cur.rowCount());
            cur.executeMany("UPDATE em SET t = %(t)s WHERE id <= %(max)s", List.of(Map.of("t", "x", "max", 10),
                    Map.of("t", "y", "max", 5)));
            assertEquals(15, cur.rowCount());
            assertNull(cur.description());
            conn.commit();
            Row r = conn.cursor().execute("SELECT count(*), sum(id), max(t) FILTER (WHERE id = 2500) FROM em").fetchOne();
            assertEquals(List.of(2500L, 2500L * 2501 / 2, "row -- 2500"), r.toList());
        }
    }

    @Test
    void theFirstErrorOfABatchIsRaisedAndAbortsTheTransaction(TestServer server) {
        try (Connection conn = Pgreen.connect(server.dsn())) {
            conn.cursor().execute("CREATE TEMP TABLE em2 (id int PRIMARY KEY, t text)");
            conn.commit();
            List<Object[]> data = rows(1, 1500);
            data.add(700, new Object[] {3, "duplicate"});
            IntegrityException e = assertThrows(IntegrityException.class,
                    () -> conn.cursor().executeMany("INSERT INTO em2 VALUES (%s, %s)", data));
            assertEquals("23505", e.sqlState());
            assertEquals(TransactionStatus.INERROR, conn.transactionStatus());
            conn.rollback();
            assertEquals(0L, conn.cursor().execute("SELECT count(*) FROM em2").fetchOne().get(0));
        }
    }

    @Test
    void inAutocommitTheRowsBeforeAFailureStayCommitted(TestServer server) {
        try (Connection conn = Pgreen.connect(server.dsn())) {
            conn.setAutocommit(true);
            conn.cursor().execute("CREATE TEMP TABLE em3 (id int PRIMARY KEY)");
            assertThrows(IntegrityException.class, () -> conn.cursor().executeMany("INSERT INTO em3 VALUES (%s)",
                    List.of(List.of(1), List.of(2), List.of(2), List.of(3))));
            assertEquals(2L, conn.cursor().execute("SELECT count(*) FROM em3").fetchOne().get(0));
        }
    }
}
