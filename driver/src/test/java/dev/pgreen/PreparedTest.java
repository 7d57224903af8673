package dev.pgreen;

import dev.pgreen.errors.DataException;
import dev.pgreen.errors.IntegrityException;
import dev.pgreen.errors.ProgrammingException;
import dev.pgreen.testing.PgServerExtension;
import dev.pgreen.testing.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.*;

/** executePrepared: server-side parameters and a per-connection statement cache. */
@ExtendWith(PgServerExtension.class)
class PreparedTest {

    @Test
    void valuesTravelAsParametersAndComeBackTyped(TestServer server) {
        try (Connection conn = Pgreen.connect(server.dsn())) {
            byte[] bytes = {0, 1, (byte) 0xff};
            UUID uuid = UUID.randomUUID();
            OffsetDateTime ts = OffsetDateTime.of(2024, 2, 29, 12, 30, 0, 123_456_000, ZoneOffset.UTC);
            Row row = conn.cursor().executePrepared(
                    "SELECT %s::int, %s::text, %s::numeric, %s::bool, %s::bytea, %s::uuid, %s::date, %s::timestamptz, "
                            + "%s::interval, %s::int IS NULL, %s::text, %s::float8",
                    42, "it's a \\ 'quote' -- ;", new BigDecimal("1234.5678"), true, bytes, uuid,
                    LocalDate.of(44, 3, 15), ts, Duration.ofHours(25), null, "é€😀", Double.NaN).fetchOne();
            assertEquals(42, row.get(0));
            assertEquals("it's a \\ 'quote' -- ;", row.get(1));
            assertEquals(new BigDecimal("1234.5678"), row.get(2));
            assertEquals(true, row.get(3));
            assertArrayEquals(bytes, (byte[]) row.get(4));
            assertEquals(uuid, row.get(5));
            assertEquals(LocalDate.of(44, 3, 15), row.get(6));
            assertEquals(ts.toInstant(), ((OffsetDateTime) row.get(7)).toInstant());
            assertEquals(Duration.ofHours(25), row.get(8));
            assertEquals(true, row.get(9));
            assertEquals("é€😀", row.get(10));
            assertTrue(Double.isNaN((Double) row.get(11)));
        }
    }

    @Test
    void theStatementIsPreparedOnceAndReused(TestServer server) {
        try (Connection conn = Pgreen.connect(server.dsn())) {
            conn.setAutocommit(true);
            Cursor cur = conn.cursor();
            for (int i = 0; i < 20; i++) {
                assertEquals(i * 2, cur.executePrepared("SELECT %s::int * 2", i).fetchOne().get(0));
            }
            assertEquals("SELECT $1::int * 2", cur.query());
            assertEquals(1L, conn.cursor().execute("SELECT count(*) FROM pg_prepared_statements "
                    + "WHERE statement = 'SELECT $1::int * 2'").fetchOne().get(0));
            assertEquals(List.of("a", "a", 7), cur.executePrepared("SELECT %(x)s::text, %(x)s::text, %(y)s::int",
                    Map.of("x", "a", "y", 7)).fetchOne().toList());
        }
    }

    @Test
    void injectionIsImpossibleAndErrorsCarryTheirSqlState(TestServer server) {
        try (Connection conn = Pgreen.connect(server.dsn())) {
            Cursor cur = conn.cursor();
            cur.execute("CREATE TEMP TABLE p (id int PRIMARY KEY, t text)");
            cur.executePrepared("INSERT INTO p VALUES (%s, %s)", 1, "x'); DROP TABLE p; --");
            assertEquals(1, cur.rowCount());
            assertEquals("INSERT 0 1", cur.statusMessage());
            IntegrityException dup = assertThrows(IntegrityException.class,
                    () -> conn.cursor().executePrepared("INSERT INTO p VALUES (%s, %s)", 1, "again"));
            assertEquals("23505", dup.sqlState());
            conn.rollback();
            assertThrows(ProgrammingException.class, () -> conn.cursor().executePrepared("SELECT %s, %s", 1));
            assertThrows(ProgrammingException.class, () -> conn.cursor().executePrepared("SELECT %s", new Object()));
            assertThrows(DataException.class, () -> conn.cursor().executePrepared("SELECT %s::text", "nul\0"));
            DataException bad = assertThrows(DataException.class,
                    () -> conn.cursor().executePrepared("SELECT %s::int", "not a number"));
            assertEquals("22P02", bad.sqlState());
            conn.rollback();
            assertEquals(1, conn.cursor().executePrepared("SELECT %s::int", 1).fetchOne().get(0));
        }
    }

    @Test
    void aDroppedPlanIsPreparedAgain(TestServer server) {
        try (Connection conn = Pgreen.connect(server.dsn())) {
            conn.setAutocommit(true);
            assertEquals(1, conn.cursor().executePrepared("SELECT %s::int", 1).fetchOne().get(0));
            conn.cursor().execute("DEALLOCATE ALL");
            assertEquals(2, conn.cursor().executePrepared("SELECT %s::int", 2).fetchOne().get(0),
                    "outside a transaction the lost statement is prepared again transparently");

            conn.setAutocommit(false);
            conn.cursor().execute("DEALLOCATE ALL");
            assertEquals(3, conn.cursor().executePrepared("SELECT %s::int", 3).fetchOne().get(0),
                    "the driver saw DEALLOCATE ALL go by: it prepares again without trying the lost statement");
            // One statement deallocated by name is noticed only when it fails.
            Object name = conn.cursor().execute("SELECT name FROM pg_prepared_statements "
                    + "WHERE statement = 'SELECT $1::int'").fetchOne().get(0);
            conn.cursor().execute("DEALLOCATE " + name);
            var gone = assertThrows(dev.pgreen.errors.OperationalException.class,
                    () -> conn.cursor().executePrepared("SELECT %s::int", 4), "inside a transaction it can't retry");
            assertEquals("26000", gone.sqlState());
            conn.rollback();
            assertEquals(5, conn.cursor().executePrepared("SELECT %s::int", 5).fetchOne().get(0));
        }
    }

    @Test
    void inATransactionAndThroughTheWaitCallback(TestServer server) {
        try (Connection conn = Pgreen.connect(server.dsn())) {
            int[] waits = {0};
            conn.setWaitCallback(c -> {
                waits[0]++;
                new WaitCallbackTest.RecordingWait().await(c);
            });
            Cursor cur = conn.cursor();
            cur.executePrepared("SELECT %s::timestamp", LocalDateTime.of(2020, 1, 2, 3, 4, 5));
            assertEquals(LocalDateTime.of(2020, 1, 2, 3, 4, 5), cur.fetchOne().get(0));
            assertEquals(TransactionStatus.INTRANS, conn.transactionStatus());
            assertEquals(1, waits[0]);
            conn.rollback();
        }
    }

    @Test
    void executeManyPreparedRunsOneStatementForManyRows(TestServer server) {
        try (Connection conn = Pgreen.connect(server.dsn())) {
            Cursor cur = conn.cursor();
            cur.execute("CREATE TEMP TABLE pm (id int PRIMARY KEY, t text)");
            List<Object[]> rows = new java.util.ArrayList<>();
            for (int i = 1; i <= 2500; i++) {
                rows.add(new Object[] {i, "row " + i});
            }
            cur.executeManyPrepared("INSERT INTO pm VALUES (%s, %s)", rows);
            assertEquals(2500, cur.rowCount());
            assertEquals("INSERT INTO pm VALUES ($1, $2)", cur.query());
            cur.executeManyPrepared("UPDATE pm SET t = %(t)s WHERE id = %(id)s",
                    List.of(Map.of("id", 1, "t", "one"), Map.of("t", "two", "id", 2)));
            assertEquals(2, cur.rowCount());
            conn.commit();
            assertEquals(List.of(2500L, "one", "two"), conn.cursor().execute("SELECT count(*), "
                    + "max(t) FILTER (WHERE id = 1), max(t) FILTER (WHERE id = 2) FROM pm").fetchOne().toList());
            conn.rollback();
            IntegrityException dup = assertThrows(IntegrityException.class, () -> conn.cursor()
                    .executeManyPrepared("INSERT INTO pm VALUES (%s, %s)", List.of(List.of(9000, "a"), List.of(1, "dup"))));
            assertEquals("23505", dup.sqlState());
            conn.rollback();
            assertEquals(2500L, conn.cursor().execute("SELECT count(*) FROM pm").fetchOne().get(0));
        }
    }
}
