package dev.pgreen.extras;

import dev.pgreen.Connection;
import dev.pgreen.Cursor;
import dev.pgreen.Pgreen;
import dev.pgreen.errors.IntegrityException;
import dev.pgreen.errors.ProgrammingException;
import dev.pgreen.testing.PgServerExtension;
import dev.pgreen.testing.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** psycopg2.extras' execute_batch and execute_values. */
@ExtendWith(PgServerExtension.class)
class BatchesTest {

    private static List<Object[]> rows(int n) {
        List<Object[]> rows = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            rows.add(new Object[] {i, "it's " + i});
        }
        return rows;
    }

    @Test
    void executeValuesInsertsPagesOfRows(TestServer server) {
        try (Connection conn = Pgreen.connect(server.dsn())) {
            Cursor cur = conn.cursor();
            cur.execute("CREATE TEMP TABLE bv (id int PRIMARY KEY, t text, pct text)");
            long n = Batches.executeValues(cur, "INSERT INTO bv (id, t) VALUES %s", rows(2345), null, 1000);
            assertEquals(2345, n);
            // The values travel as server-side parameters: the statement holds no literal.
            assertTrue(cur.query().startsWith("INSERT INTO bv (id, t) VALUES ($1,$2),($3,$4),"), cur.query());
            assertEquals(List.of(2345L, "it's 2345"), conn.cursor()
                    .execute("SELECT count(*), max(t) FILTER (WHERE id = 2345) FROM bv").fetchOne().toList());
        }
    }

    @Test
    void executeValuesWithATemplateAndPercentSigns(TestServer server) {
        try (Connection conn = Pgreen.connect(server.dsn())) {
            Cursor cur = conn.cursor();
            cur.execute("CREATE TEMP TABLE bt (id int, t text, pct text)");
            long n = Batches.executeValues(cur, "INSERT INTO bt VALUES %s RETURNING '100%%'",
                    List.of(List.of(1, "a"), List.of(2, "b")), "(%s, upper(%s), '50%%')", 10);
            assertEquals(2, n);
            assertEquals("100%", cur.fetchOne().get(0));
            assertEquals(List.of(List.of(1, "A", "50%"), List.of(2, "B", "50%")), conn.cursor()
                    .execute("SELECT * FROM bt ORDER BY id").fetchAll().stream().map(r -> r.toList()).toList());
        }
    }

    @Test
    void executeBatchRunsPagesOfStatements(TestServer server) {
        try (Connection conn = Pgreen.connect(server.dsn())) {
            conn.setAutocommit(true);
            Cursor cur = conn.cursor();
            cur.execute("CREATE TEMP TABLE bb (id int PRIMARY KEY, t text)");
            Batches.executeBatch(cur, "INSERT INTO bb VALUES (%(id)s, %(t)s)",
                    List.of(Map.of("id", 1, "t", "x"), Map.of("id", 2, "t", "y"), Map.of("id", 3, "t", "z")), 2);
            assertEquals(3L, conn.cursor().execute("SELECT count(*) FROM bb").fetchOne().get(0));
            assertThrows(IntegrityException.class, () -> Batches.executeBatch(cur, "INSERT INTO bb VALUES (%s, %s)",
                    List.of(List.of(4, "a"), List.of(1, "dup")), 10));
            assertEquals(3L, conn.cursor().execute("SELECT count(*) FROM bb").fetchOne().get(0),
                    "in autocommit a page fails as a whole");
        }
    }

    @Test
    void misuse(TestServer server) {
        try (Connection conn = Pgreen.connect(server.dsn())) {
            Cursor cur = conn.cursor();
            assertThrows(ProgrammingException.class, () -> Batches.executeValues(cur, "INSERT INTO x VALUES (1)", List.of()));
            assertThrows(ProgrammingException.class, () -> Batches.executeValues(cur, "INSERT INTO x VALUES %s, %s",
                    List.<Object>of(List.of(1))));
            assertThrows(ProgrammingException.class, () -> Batches.executeBatch(cur, "SELECT %s", List.of(), 0));
        }
    }

    @Test
    void rowsTheServerCannotTakeAsParametersAreFormattedClientSide(TestServer server) {
        try (Connection conn = Pgreen.connect(server.dsn())) {
            Cursor cur = conn.cursor();
            cur.execute("CREATE TEMP TABLE bf (id int, tags text[])");
            long n = Batches.executeValues(cur, "INSERT INTO bf VALUES %s",
                    List.of(new Object[] {1, List.of("a", "b")}, new Object[] {2, List.of("it's")}));
            assertEquals(2, n);
            assertTrue(cur.query().contains("ARRAY["), "a List value is adapted client-side: " + cur.query());
            assertEquals(List.of("it's"), conn.cursor().execute("SELECT tags FROM bf WHERE id = 2").fetchOne().get(0));
            n = Batches.executeValues(cur, "INSERT INTO bf (id) VALUES %s",
                    List.of(Map.of("id", 3), Map.of("id", 4)), "(%(id)s)", 10);
            assertEquals(2, n);
            assertEquals(4L, conn.cursor().execute("SELECT count(*) FROM bf").fetchOne().get(0));
        }
    }
}
