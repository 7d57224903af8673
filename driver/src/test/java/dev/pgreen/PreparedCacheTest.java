package dev.pgreen;

import dev.pgreen.errors.DataException;
import dev.pgreen.errors.NotSupportedException;
import dev.pgreen.errors.OperationalException;
import dev.pgreen.errors.PipelineAbortedException;
import dev.pgreen.errors.ProgrammingException;
import dev.pgreen.testing.PgServerExtension;
import dev.pgreen.testing.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The caches behind executePrepared: statements prepared and described once per connection, queries rewritten
 * once, result shapes built once. Each case changes something underneath them on a real server.
 */
@ExtendWith(PgServerExtension.class)
class PreparedCacheTest {

    private static Connection autocommit(TestServer server) {
        Connection conn = Pgreen.connect(server.dsn());
        conn.setAutocommit(true);
        return conn;
    }

    /** The names of the statements prepared on the session for {@code sql}. */
    private static List<Object> serverStatements(Connection conn, String sql) {
        return conn.cursor().executePrepared("SELECT name FROM pg_prepared_statements WHERE statement = %s "
                + "ORDER BY name", sql).fetchAll().stream().map(r -> r.get(0)).toList();
    }

    @Test
    void theSameSqlWithArgumentsOfOtherTypes(TestServer server) {
        try (Connection conn = autocommit(server)) {
            Cursor cur = conn.cursor();
            // The server infers $1's type from the statement, once: any Java type is sent as its text.
            assertEquals("1", cur.executePrepared("SELECT %s", 1).fetchOne().get(0));
            assertEquals("x", cur.executePrepared("SELECT %s", "x").fetchOne().get(0));
            assertEquals("2020-01-02", cur.executePrepared("SELECT %s", LocalDate.of(2020, 1, 2)).fetchOne().get(0));
            assertEquals(7, cur.executePrepared("SELECT %s::int", 7).fetchOne().get(0));
            assertEquals(8, cur.executePrepared("SELECT %s::int", "8").fetchOne().get(0));
            assertEquals(1, serverStatements(conn, "SELECT $1").size());
            assertEquals(1, serverStatements(conn, "SELECT $1::int").size());

            // Declared types (the JDBC layer's) make another statement of the same text.
            byte[][] one = {"1".getBytes(StandardCharsets.UTF_8)};
            var asInt = conn.executePrepared("SELECT $1", one, new int[] {23}, true);
            assertEquals(23, asInt.fields().getFirst().typeOid());
            var asText = conn.executePrepared("SELECT $1", one, new int[] {25}, true);
            assertEquals(25, asText.fields().getFirst().typeOid());
            var inferred = conn.executePrepared("SELECT $1", one);
            assertEquals(25, inferred.fields().getFirst().typeOid());
            assertEquals(3, serverStatements(conn, "SELECT $1").size());
            assertEquals(23, conn.executePrepared("SELECT $1", one, new int[] {23}, true).fields().getFirst().typeOid());
        }
    }

    @Test
    void otherSqlNeverHitsAnotherStatementsEntry(TestServer server) {
        try (Connection conn = autocommit(server)) {
            Cursor cur = conn.cursor();
            assertEquals(List.of(1, 2), cur.executePrepared("SELECT %s::int, %s::int", 1, 2).fetchOne().toList());
            assertEquals(List.of(1L, 2L), cur.executePrepared("SELECT %s::int8, %s::int8", 1, 2).fetchOne().toList());
            assertEquals(List.of(1, 2), cur.executePrepared("SELECT %s::int, %s::int ", 1, 2).fetchOne().toList());
            // The rewrite is kept per query text; arguments that do not fit it still raise as the first time.
            ProgrammingException few = assertThrows(ProgrammingException.class,
                    () -> cur.executePrepared("SELECT %s::int, %s::int", 1));
            assertTrue(few.getMessage().contains("not enough arguments"), few.getMessage());
            assertThrows(ProgrammingException.class, () -> cur.executePrepared("SELECT %s::int, %s::int", 1, 2, 3));
            assertThrows(ProgrammingException.class,
                    () -> cur.executePrepared("SELECT %s::int, %s::int", Map.of("a", 1)));
            assertEquals(List.of("a", "b"), cur.executePrepared("SELECT %(x)s::text, %(y)s::text",
                    Map.of("x", "a", "y", "b")).fetchOne().toList());
            ProgrammingException missing = assertThrows(ProgrammingException.class,
                    () -> cur.executePrepared("SELECT %(x)s::text, %(y)s::text", Map.of("x", "a")));
            assertTrue(missing.getMessage().contains("%(y)s"), missing.getMessage());
            assertEquals(List.of("c", "d"), cur.executePrepared("SELECT %(x)s::text, %(y)s::text",
                    Map.of("y", "d", "x", "c", "z", "unused")).fetchOne().toList());
            assertEquals(List.of(1, 2), cur.executePrepared("SELECT %s::int, %s::int", 1, 2).fetchOne().toList());
            assertEquals("SELECT $1::int, $2::int", cur.query());
        }
    }

    @Test
    void deallocateAllAndDiscardAllUnderneath(TestServer server) {
        try (Connection conn = autocommit(server)) {
            Cursor cur = conn.cursor();
            assertEquals(1, cur.executePrepared("SELECT %s::int AS n", 1).fetchOne().get(0));
            cur.execute("DEALLOCATE ALL");
            assertEquals(2, cur.executePrepared("SELECT %s::int AS n", 2).fetchOne().get(0));
            cur.execute("DISCARD ALL");
            assertEquals(3, cur.executePrepared("SELECT %s::int AS n", 3).fetchOne().get(0));
            assertEquals("n", cur.description().getFirst().name());

            // Out of the driver's sight (a function drops them): the next use finds its statement gone and,
            // outside a transaction, prepares it again at once.
            cur.execute("CREATE FUNCTION pg_temp.drop_statements() RETURNS void LANGUAGE plpgsql "
                    + "AS $$ BEGIN EXECUTE 'DEALLOCATE ALL'; END $$");
            cur.execute("SELECT pg_temp.drop_statements()");
            assertEquals(4, cur.executePrepared("SELECT %s::int AS n", 4).fetchOne().get(0));

            conn.setAutocommit(false);
            cur.execute("SELECT pg_temp.drop_statements()");
            OperationalException gone = assertThrows(OperationalException.class,
                    () -> cur.executePrepared("SELECT %s::int AS n", 5), "inside a transaction it can't retry");
            assertEquals("26000", gone.sqlState());
            conn.rollback();
            assertEquals(6, cur.executePrepared("SELECT %s::int AS n", 6).fetchOne().get(0));
            assertEquals(1, serverStatements(conn, "SELECT $1::int AS n").size());
            conn.rollback();
        }
    }

    @Test
    void aTableChangedBetweenExecutionsIsDescribedAgain(TestServer server) {
        try (Connection conn = autocommit(server); Connection other = autocommit(server)) {
            Cursor cur = conn.cursor();
            cur.execute("CREATE TABLE pc_shape (a int)");
            try {
                cur.execute("INSERT INTO pc_shape VALUES (1)");
                String select = "SELECT * FROM pc_shape WHERE a = %s";
                assertEquals(List.of(1), cur.executePrepared(select, 1).fetchOne().toList());
                assertEquals(List.of(1), cur.executePrepared(select, 1).fetchOne().toList());

                // The server refuses the old plan (0A000); outside a transaction it is prepared again and retried.
                other.cursor().execute("ALTER TABLE pc_shape ADD COLUMN b text DEFAULT 'x'");
                assertEquals(List.of(1, "x"), cur.executePrepared(select, 1).fetchOne().toList());
                assertEquals(List.of("a", "b"), cur.description().stream().map(Column::name).toList());
                other.cursor().execute("ALTER TABLE pc_shape ALTER COLUMN a TYPE bigint");
                assertEquals(List.of(1L, "x"), cur.executePrepared(select, 1).fetchOne().toList());
                assertEquals(20, cur.description().getFirst().typeCode());
                assertEquals(List.of(1L, "x"), conn.cursor().executePrepared(select, 1).fetchOne().toList());

                // Inside a transaction the failed Bind has aborted it: the error is the caller's, and the
                // statement is prepared again in the next one.
                conn.setAutocommit(false);
                assertEquals(List.of(1L, "x"), cur.executePrepared(select, 1).fetchOne().toList());
                conn.commit();
                other.cursor().execute("ALTER TABLE pc_shape DROP COLUMN b");
                NotSupportedException changed = assertThrows(NotSupportedException.class,
                        () -> cur.executePrepared(select, 1));
                assertEquals("0A000", changed.sqlState());
                conn.rollback();
                assertEquals(List.of(1L), cur.executePrepared(select, 1).fetchOne().toList());
                assertEquals(1, cur.description().size());
                conn.rollback();
                conn.setAutocommit(true);
                assertEquals(1, serverStatements(conn, "SELECT * FROM pc_shape WHERE a = $1").size(),
                        "parsed again under its name, not leaked under a new one");
            } finally {
                other.cursor().execute("DROP TABLE pc_shape");
            }
        }
    }

    @Test
    void aStatementWhoseColumnsFollowACursorIsDescribedEachTime(TestServer server) {
        try (Connection conn = Pgreen.connect(server.dsn())) {
            Cursor cur = conn.cursor();
            cur.execute("DECLARE pc_c CURSOR FOR SELECT 1 AS a");
            assertEquals(List.of(1), cur.executePrepared("FETCH 1 FROM pc_c").fetchOne().toList());
            cur.execute("CLOSE pc_c");
            cur.execute("DECLARE pc_c CURSOR FOR SELECT 'x'::text AS b, 2 AS c");
            assertEquals(List.of("x", 2), cur.executePrepared("FETCH 1 FROM pc_c").fetchOne().toList());
            assertEquals(List.of("b", "c"), cur.description().stream().map(Column::name).toList());
            conn.rollback();
        }
    }

    @Test
    void anErrorInOneExecutionDoesNotPoisonTheCache(TestServer server) {
        try (Connection conn = autocommit(server)) {
            Cursor cur = conn.cursor();
            String divide = "SELECT 10 / %s::int AS q";
            assertEquals(5, cur.executePrepared(divide, 2).fetchOne().get(0));
            List<Object> names = serverStatements(conn, "SELECT 10 / $1::int AS q");
            assertThrows(DataException.class, () -> cur.executePrepared(divide, 0));
            assertThrows(DataException.class, () -> cur.executePrepared(divide, "not a number"));
            assertEquals(2, cur.executePrepared(divide, 5).fetchOne().get(0));
            assertEquals("q", cur.description().getFirst().name());
            assertEquals(names, serverStatements(conn, "SELECT 10 / $1::int AS q"), "the same statement, still");

            // Nor one refused before it is sent.
            assertThrows(DataException.class, () -> cur.executePrepared("SELECT 1 -- \0"));
            assertEquals(1, cur.executePrepared("SELECT 1").fetchOne().get(0));

            // A statement whose Parse fails is not kept: once the table exists it is prepared and runs.
            int kept = conn.preparedStatementCount();
            assertThrows(ProgrammingException.class, () -> cur.executePrepared("SELECT * FROM pc_later"));
            assertEquals(kept, conn.preparedStatementCount());
            cur.execute("CREATE TEMP TABLE pc_later AS SELECT 1 AS x");
            assertEquals(List.of(1), cur.executePrepared("SELECT * FROM pc_later").fetchOne().toList());

            // The same in a pipeline: the failed Parse and the statements after it are skipped; after the sync
            // the statement is prepared again.
            Cursor a = conn.cursor();
            Cursor b = conn.cursor();
            try (Pipeline p = conn.pipeline()) {
                a.executePrepared("SELECT * FROM pc_later2");
                b.executePrepared("SELECT * FROM pc_later2");
                assertThrows(ProgrammingException.class, p::sync);
            }
            assertThrows(ProgrammingException.class, a::fetchOne);
            assertThrows(PipelineAbortedException.class, b::fetchOne);
            cur.execute("CREATE TEMP TABLE pc_later2 AS SELECT 2 AS y");
            try (Pipeline p = conn.pipeline()) {
                a.executePrepared("SELECT * FROM pc_later2");
                b.executePrepared("SELECT * FROM pc_later2");
            }
            assertEquals(List.of(2), a.fetchOne().toList());
            assertEquals(List.of(2), b.fetchOne().toList());
            assertEquals("y", b.description().getFirst().name());
        }
    }

    @Test
    void pipelinesAndExecuteManyPreparedShareTheStatements(TestServer server) {
        try (Connection conn = autocommit(server)) {
            Cursor cur = conn.cursor();
            cur.execute("CREATE TEMP TABLE pc_many (id int PRIMARY KEY, t text)");
            String insert = "INSERT INTO pc_many VALUES (%s, %s)";
            cur.executeManyPrepared(insert, List.of(List.of(1, "a"), List.of(2, "b"), List.of(3, "c")));
            assertEquals(3, cur.rowCount());
            cur.executePrepared(insert, 4, "d");
            assertEquals(1, cur.rowCount());
            cur.executeManyPrepared("INSERT INTO pc_many VALUES (%(id)s, %(t)s)",
                    List.of(Map.of("id", 5, "t", "e"), Map.of("t", "f", "id", 6)));
            assertEquals(2, cur.rowCount());
            assertEquals(1, serverStatements(conn, "INSERT INTO pc_many VALUES ($1, $2)").size());

            String select = "SELECT t FROM pc_many WHERE id = %s";
            Cursor[] cursors = new Cursor[6];
            try (Pipeline p = conn.pipeline()) {
                for (int i = 0; i < cursors.length; i++) {
                    cursors[i] = conn.cursor();
                    // The first parses and describes the statement; those sent before its answer describe their own.
                    cursors[i].executePrepared(select, i + 1);
                }
                p.sync();
                Cursor late = conn.cursor();
                late.executePrepared(select, 2);
                cursors[0] = late;
            }
            assertEquals("b", cursors[0].fetchOne().get(0));
            for (int i = 1; i < cursors.length; i++) {
                assertEquals(List.of(String.valueOf((char) ('a' + i))), cursors[i].fetchOne().toList());
                assertEquals("t", cursors[i].description().getFirst().name());
            }
            try (Pipeline p = conn.pipeline()) {
                cur.executeManyPrepared(insert, List.of(List.of(7, "g"), List.of(8, "h")));
                cursors[1].executePrepared(select, 8);
            }
            assertEquals(2, cur.rowCount());
            assertEquals("h", cursors[1].fetchOne().get(0));

            // A table changed under a pipelined statement: its cursor raises 0A000, and the next use prepares it again.
            conn.cursor().execute("ALTER TABLE pc_many ALTER COLUMN t TYPE varchar(10)");
            try (Pipeline p = conn.pipeline()) {
                cursors[1].executePrepared(select, 1);
                assertThrows(NotSupportedException.class, p::sync);
            }
            assertThrows(NotSupportedException.class, cursors[1]::fetchOne);
            assertEquals("a", cur.executePrepared(select, 1).fetchOne().get(0));
            assertEquals(1043, cur.description().getFirst().typeCode());
        }
    }

    @Test
    void closingTheConnectionOrLosingItClearsTheCaches(TestServer server) {
        Connection conn = autocommit(server);
        conn.cursor().executePrepared("SELECT %s::int", 1);
        assertTrue(conn.preparedStatementCount() > 0);
        conn.close();
        assertEquals(0, conn.preparedStatementCount());

        try (Connection lost = autocommit(server); Connection admin = autocommit(server)) {
            lost.cursor().executePrepared("SELECT %s::int", 1);
            assertTrue(lost.preparedStatementCount() > 0);
            admin.cursor().execute("SELECT pg_terminate_backend(%s)", lost.backendPid());
            assertThrows(OperationalException.class, () -> lost.cursor().executePrepared("SELECT %s::int", 2));
            assertTrue(lost.isClosed());
            assertEquals(0, lost.preparedStatementCount());
        }

        // reset() ends the transaction but not the session: its statements stay prepared and usable.
        try (Connection kept = Pgreen.connect(server.dsn())) {
            assertEquals(1, kept.cursor().executePrepared("SELECT %s::int", 1).fetchOne().get(0));
            kept.reset();
            assertEquals(2, kept.cursor().executePrepared("SELECT %s::int", 2).fetchOne().get(0));
            assertEquals(1, serverStatements(kept, "SELECT $1::int").size());
        }
    }

    @Test
    void typecastersRegisteredBetweenExecutionsApply(TestServer server) {
        try (Connection conn = autocommit(server)) {
            Cursor cur = conn.cursor();
            assertEquals(5, cur.executePrepared("SELECT %s::int AS n", 5).fetchOne().get(0));
            Typecaster tens = Extensions.newType(new int[] {23}, "TENS", (value, c) -> Integer.parseInt(value) * 10);
            Extensions.registerType(tens, cur);
            assertEquals(50, cur.executePrepared("SELECT %s::int AS n", 5).fetchOne().get(0));
            Cursor other = conn.cursor();
            assertEquals(5, other.executePrepared("SELECT %s::int AS n", 5).fetchOne().get(0),
                    "another cursor shares the shape, not the cursor's casters");
            assertSame(cur.description(), other.description(), "one description per result shape");
            Extensions.unregisterType(tens);
            Extensions.registerType(tens, conn);
            assertEquals(50, other.executePrepared("SELECT %s::int AS n", 5).fetchOne().get(0));
            assertEquals(List.of("a", 50), other.execute("SELECT 'a'::text AS a, 5::int AS n").fetchOne().toList());
            Cursor third = conn.cursor();
            third.execute("SELECT 'b'::text AS a, 6::int AS n");
            assertSame(other.description(), third.description(), "simple queries of one shape share it too");
        }
    }
}
