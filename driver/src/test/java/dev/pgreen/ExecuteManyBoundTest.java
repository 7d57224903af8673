package dev.pgreen;

import dev.pgreen.errors.DataException;
import dev.pgreen.errors.IntegrityException;
import dev.pgreen.errors.PgException;
import dev.pgreen.errors.ProgrammingException;
import dev.pgreen.testing.PgServerExtension;
import dev.pgreen.testing.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.Period;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.*;

/**
 * executeMany's rows bound on the server mean what psycopg2's client-side formatting means: every case runs
 * the same rows through executeMany and through mogrify + execute, and compares what each stored (values, and
 * the types the server gave the values where the statement leaves the type open), the rows affected and the
 * errors; {@link Cursor#boundRows()} shows which path each took, so a bound path that silently never runs fails.
 */
@ExtendWith(PgServerExtension.class)
class ExecuteManyBoundTest {
    private static final AtomicInteger TABLES = new AtomicInteger();
    private static final String TYPED_VALUE =
            "INSERT INTO {t} (v, ty) SELECT x::text, pg_typeof(x)::text FROM (SELECT %s AS x) s";

    private Connection conn;
    private Cursor cur;

    @BeforeEach
    void connect(TestServer server) {
        conn = Pgreen.connect(server.dsn());
        cur = conn.cursor();
    }

    @AfterEach
    void close() {
        conn.close();
    }

    /** executeMany binding from the first row, so that each case needs only the rows it is about. */
    private static void many(Cursor cur, String sql, Iterable<?> rows) {
        cur.executeMany(sql, rows, 1);
    }

    @Test
    void theRowsBeforeABadElementRunAsWhenEachWentOutOnItsOwn() {
        conn.setAutocommit(true);
        cur.execute("CREATE TABLE many_bad_element (i int)");
        try {
            List<Object> rows = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                rows.add(new Object[] {i});
            }
            rows.add("not a row");
            ProgrammingException e = assertThrows(ProgrammingException.class,
                    () -> cur.executeMany("INSERT INTO many_bad_element VALUES (%s)", rows));
            assertTrue(e.getMessage().contains("java.lang.String"), e.getMessage());
            assertTrue(cur.boundRows() > 0, "the rows before it were bound");
            assertEquals(20L, count("many_bad_element"), "each row before the bad one committed in autocommit");

            // The Iterable's own failure, within the rows read ahead to decide whether to bind.
            Iterable<Object[]> failing = () -> new java.util.Iterator<>() {
                int n;

                public boolean hasNext() {
                    return true;
                }

                public Object[] next() {
                    if (n == 3) {
                        throw new IllegalStateException("the source failed");
                    }
                    return new Object[] {100 + n++};
                }
            };
            IllegalStateException failed = assertThrows(IllegalStateException.class,
                    () -> cur.executeMany("INSERT INTO many_bad_element VALUES (%s)", failing));
            assertEquals("the source failed", failed.getMessage());
            assertEquals(23L, count("many_bad_element"), "the three rows read before the failure ran");

            // In a transaction the rows before the bad one are in it, for the caller to commit or roll back.
            conn.setAutocommit(false);
            assertThrows(ProgrammingException.class,
                    () -> cur.executeMany("INSERT INTO many_bad_element VALUES (%s)", rows));
            conn.commit();
            assertEquals(43L, count("many_bad_element"));
        } finally {
            conn.rollback();
            conn.setAutocommit(true);
            cur.execute("DROP TABLE many_bad_element");
        }
    }

    private long count(String table) {
        return ((Number) cur.execute("SELECT count(*) FROM " + table).fetchOne().get(0)).longValue();
    }

    @Test
    void callsWithFewRowsAreFormattedAndLongerOnesBound() {
        cur.execute("CREATE TEMP TABLE many_few (i int, t text)");
        List<List<Object>> rows = new java.util.ArrayList<>();
        for (int i = 0; i < ManyBinder.MIN_ROWS - 1; i++) {
            rows.add(List.of(i, "r" + i));
        }
        cur.executeMany("INSERT INTO many_few VALUES (%s, %s)", rows);
        assertEquals(0, cur.boundRows(), "a probe's round trip costs more than a few rows save");
        assertEquals(ManyBinder.MIN_ROWS - 1, cur.rowCount());
        rows.add(List.of(99, "last"));
        cur.executeMany("INSERT INTO many_few VALUES (%s, %s)", rows);
        assertEquals(ManyBinder.MIN_ROWS, cur.boundRows());
        assertEquals(ManyBinder.MIN_ROWS, cur.rowCount());
        // An Iterable read once, as a generator: the first rows read ahead are not lost.
        java.util.Iterator<List<Object>> once = rows.iterator();
        Iterable<List<Object>> generator = () -> once;
        cur.executeMany("INSERT INTO many_few VALUES (%s, %s)", generator);
        assertEquals(ManyBinder.MIN_ROWS, cur.boundRows());
        assertEquals(3L * ManyBinder.MIN_ROWS - 1,
                ((Number) cur.execute("SELECT count(*) FROM many_few").fetchOne().get(0)).longValue());
        assertEquals(99, cur.execute("SELECT i FROM many_few WHERE t = 'last' LIMIT 1").fetchOne().get(0));
    }

    /**
     * Runs {@code rows} through executeMany into one table and, formatted by mogrify, one by one into another
     * (both {@code (n serial, columns)}); asserts equal contents and row counts, and that {@code bound} rows
     * of executeMany went bound (unless it is negative); returns how many did.
     */
    private long assertSameAsFormatted(String columns, String sql, List<?> rows, long bound) {
        String[] tables = new String[2];
        for (int i = 0; i < 2; i++) {
            tables[i] = "many_eq_" + TABLES.incrementAndGet();
            cur.execute("CREATE TEMP TABLE " + tables[i] + " (n serial, " + columns + ")");
        }
        many(cur, sql.replace("{t}", tables[0]), rows);
        long many = cur.rowCount();
        long boundRows = cur.boundRows();
        if (bound >= 0) {
            assertEquals(bound, boundRows, "rows bound on the server");
        }
        long formatted = 0;
        for (Object row : rows) {
            String one = sql.replace("{t}", tables[1]);
            cur.execute(row instanceof Map<?, ?> m ? cur.mogrify(one, castMap(m)) : cur.mogrify(one, asArray(row)));
            formatted += cur.rowCount();
        }
        assertEquals(formatted, many, "rows affected");
        assertEquals(contents(tables[1]), contents(tables[0]));
        return boundRows;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, ?> castMap(Map<?, ?> m) {
        return (Map<String, ?>) m;
    }

    private static Object[] asArray(Object row) {
        return row instanceof List<?> l ? l.toArray() : (Object[]) row;
    }

    /** The rows in order, byte arrays as lists of their bytes (arrays compare by identity). */
    private List<List<Object>> contents(String table) {
        return cur.execute("SELECT * FROM " + table + " ORDER BY n").fetchAll().stream()
                .map(r -> r.toList().stream().map(v -> v instanceof byte[] b ? (Object) Arrays.toString(b) : v).toList())
                .toList();
    }

    private static List<Object[]> single(Object... values) {
        List<Object[]> rows = new ArrayList<>();
        for (Object v : values) {
            rows.add(new Object[] {v});
        }
        return rows;
    }

    // ---- the same values and types ----

    @Test
    void integersOfEverySizeGetTheTypeOfTheirLiteral() {
        List<Object[]> rows = single(0, 1, -1, Integer.MAX_VALUE, Integer.MIN_VALUE, (short) -7, (byte) 8,
                5L, (long) Integer.MAX_VALUE + 1, (long) Integer.MIN_VALUE, (long) Integer.MIN_VALUE - 1,
                Long.MAX_VALUE, Long.MIN_VALUE, BigInteger.valueOf(42), BigInteger.TWO.pow(63),
                BigInteger.TWO.pow(63).negate(), BigInteger.TWO.pow(63).negate().subtract(BigInteger.ONE),
                new BigInteger("123456789012345678901234567890"));
        assertSameAsFormatted("v text, ty text", TYPED_VALUE, rows, rows.size());
        List<Object> types = cur.execute("SELECT DISTINCT ty FROM many_eq_" + TABLES.get() + " ORDER BY 1").fetchAll()
                .stream().map(r -> r.get(0)).toList();
        assertEquals(List.of("bigint", "integer", "numeric"), types, "the sizes the rows covered");
    }

    @Test
    void numericsFloatsAndBooleans() {
        List<Object[]> rows = single(new BigDecimal("1.10"), new BigDecimal("5"), new BigDecimal("-5"),
                new BigDecimal("-1.5E+3"), new BigDecimal("1E+10"), new BigDecimal("0.000001"), 1.5, -0.25, 1e300,
                -1e-300, 0.1f, 0.0, -0.0, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Float.NaN,
                true, false);
        assertSameAsFormatted("v text, ty text", TYPED_VALUE, rows, rows.size());
        assertSameAsFormatted("v numeric, d float8, b bool", "INSERT INTO {t} (v, d, b) VALUES (%s, %s, %s)",
                List.of(new Object[] {new BigDecimal("1.10"), 1.5, true}, new Object[] {5, Double.NaN, false},
                        new Object[] {-7L, Double.NEGATIVE_INFINITY, null}), 3);
    }

    @Test
    void nullsMixedWithValuesChangeTheParameterTypesBetweenRows() {
        List<Object[]> rows = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            Object n = i % 3 == 0 ? null : i % 3 == 1 ? i : (long) Integer.MAX_VALUE * i;
            rows.add(new Object[] {n, i % 2 == 0 ? null : "s" + i, i % 5 == 0 ? null : LocalDate.of(2000, 1, 1 + i)});
        }
        assertSameAsFormatted("a bigint, b text, c date", "INSERT INTO {t} (a, b, c) VALUES (%s, %s, %s)", rows,
                rows.size());
        assertSameAsFormatted("v text, ty text", TYPED_VALUE, single(null, "a", null, 1, null, true), 6);
    }

    @Test
    void stringsWithQuotesBackslashesAndUnicode() {
        List<Object[]> rows = single("it's", "back\\slash", "\\x00", "''", "--", "/*", "%s", "%%", "$1",
                "naïve 日本 \uD83D\uDE00", "", "E'\\'", 'c', "line\nbreak");
        assertSameAsFormatted("v text", "INSERT INTO {t} (v) VALUES (%s)", rows, rows.size());
        assertSameAsFormatted("v text, ty text", TYPED_VALUE, rows, rows.size());
        conn.commit();
        conn.setAutocommit(true);
        cur.execute("SET standard_conforming_strings TO off");
        assertSameAsFormatted("v text", "INSERT INTO {t} (v) VALUES (%s)", rows, rows.size());
    }

    @Test
    void aStringWithNulIsRefusedAsBeforeAndNothingOfItIsSent() {
        cur.execute("CREATE TEMP TABLE many_nul (v text)");
        conn.commit();
        DataException e = assertThrows(DataException.class, () -> many(cur, "INSERT INTO many_nul VALUES (%s)",
                single("a", "b\0c", "d")));
        assertTrue(e.getMessage().contains("NUL"), e.getMessage());
        assertEquals(1, cur.boundRows(), "the row before was bound");
        conn.rollback();
        assertThrows(DataException.class, () -> cur.mogrify("SELECT %s", "b\0c"));
        assertThrows(DataException.class, () -> many(cur, "INSERT INTO many_nul VALUES (%s)",
                single("x", "\uD800")), "an unpaired surrogate has no UTF-8 form");
        conn.rollback();
    }

    @Test
    void timestampsDatesIntervalsUuidsAndBytes() {
        OffsetDateTime t = OffsetDateTime.of(2024, 5, 6, 7, 8, 9, 123456000, ZoneOffset.ofHours(5));
        List<Object[]> rows = List.of(
                new Object[] {0, "2024-01-01T00:00:00Z", t, LocalDate.of(2024, 2, 29), t.toLocalDateTime(),
                        Duration.ofSeconds(90061, 5000), UUID.fromString("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"),
                        new byte[] {0, 1, (byte) 0xff, '\\', '\''}, LocalTime.of(4, 5, 6, 500_000_000)},
                new Object[] {1, "2024-01-01 12:00:00+02", Instant.parse("1999-12-31T23:59:59.999999Z"),
                        LocalDate.of(-43, 3, 15), LocalDateTime.MAX, Period.of(1, 2, 3), null, new byte[0],
                        LocalTime.MIDNIGHT},
                new Object[] {2, "infinity", OffsetDateTime.MIN, LocalDate.MAX, LocalDateTime.MIN,
                        Duration.ofMillis(-1500), UUID.randomUUID(), null, null});
        assertSameAsFormatted("i int, s timestamptz, ts timestamptz, d date, l timestamp, iv interval, u uuid, "
                        + "b bytea, lt time",
                "INSERT INTO {t} (i, s, ts, d, l, iv, u, b, lt) "
                        + "VALUES (%s, %s::timestamptz, %s::timestamptz, %s, %s, %s, %s, %s, %s)", rows, 3);
        List<Object[]> typed = single(t, LocalDate.of(2024, 2, 29), Duration.ofHours(25), new byte[] {1, 2},
                UUID.fromString("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"), LocalTime.NOON);
        assertSameAsFormatted("v text, ty text", TYPED_VALUE, typed, typed.size());
    }

    @Test
    void percentEscapesNamedPlaceholdersAndNonValuePositions() {
        assertSameAsFormatted("v text, w text", "INSERT INTO {t} (v, w) SELECT %s || '%%', '100%%' -- 5%% off",
                single("a", "b"), 2);
        List<Map<String, Object>> maps = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("a", i == 1 ? null : i);
            m.put("b", "x" + i);
            maps.add(m);
        }
        // %(a)s twice: each occurrence is its own parameter, typed in its own place as its literal is.
        assertSameAsFormatted("i int, v text, w text", "INSERT INTO {t} (i, v, w) VALUES (%(a)s, %(b)s, %(a)s)",
                maps, 3);
        assertSameAsFormatted("v text, ty text", "INSERT INTO {t} (v) SELECT g::text FROM generate_series(1, 10) g "
                + "WHERE g > %s LIMIT %s", List.of(List.of(2, 3), List.of(8, "5"), List.of(0, 1L << 40)), 3);
        many(cur, "SELECT %s", List.of(List.of(1), List.of("a"), List.of(2.5)));
        assertEquals(3, cur.rowCount());
    }

    @Test
    void untypedValuesInContextsThatInferTheirType() {
        // Where the server cannot infer a parameter's type (pg_typeof, concat, row: "any" arguments), the probe
        // refuses it and the row is formatted; wherever it is bound, it must store what the literal stores.
        long bound = 0;
        List<Object[]> rows = single("1", null, "abc", "{1,2}", 5, "2024-01-01");
        for (String expr : List.of("pg_typeof(%s)", "concat(%s, 1)", "format('%%s', %s)", "num_nulls(%s)",
                "row(%s, 1)", "ARRAY[%s, 'x']", "coalesce(%s, 'd')", "CASE WHEN true THEN %s ELSE 'e' END",
                "%s || 'x'", "'x' || %s", "length(%s)", "(SELECT min(x) FROM (SELECT %s UNION SELECT 'u') s(x))",
                "(VALUES (%s), ('v') LIMIT 1)", "'{\"a\": 1}'::json ->> %s", "%s IS NOT DISTINCT FROM 'abc'",
                "'{1,2}'::int[] = %s", "upper(%s)")) {
            String sql = "INSERT INTO {t} (v) SELECT (" + expr + ")::text";
            List<Object[]> ok = new ArrayList<>();
            for (Object[] row : rows) {
                try {
                    cur.execute(cur.mogrify(sql.replace("{t}", "many_ctx"), row));
                    ok.add(row);
                } catch (PgException e) {
                    // the literal does not fit there: not a case to compare
                }
                conn.rollback();
                cur.execute("CREATE TEMP TABLE IF NOT EXISTS many_ctx (v text)");
            }
            assertFalse(ok.isEmpty(), expr);
            try {
                bound += assertSameAsFormatted("v text", sql, ok, -1);
            } catch (org.opentest4j.AssertionFailedError e) {
                throw new AssertionError(expr + ": " + e.getMessage(), e);
            }
            conn.rollback();
        }
        assertEquals(54, bound, "rows bound across the contexts");
    }

    @Test
    void negativeNumbersKeepTheirLiteralsPrecedence() {
        // " -5::text" is -('5'::text): no such operator, as formatted; bound, $1::text would work.
        for (Object v : List.of(-5, -5L, new BigDecimal("-1.5"), -2.5)) {
            PgException e = assertThrows(PgException.class, () -> many(cur, "SELECT %s::text", single(v)));
            assertEquals("42883", e.sqlState());
            assertEquals(0, cur.boundRows());
            conn.rollback();
        }
        assertSameAsFormatted("v text", "INSERT INTO {t} (v) VALUES (%s::text)", single(5, 2.5), 2);
        assertSameAsFormatted("v int", "INSERT INTO {t} (v) VALUES (2 - %s), (-%s)",
                List.of(List.of(-3, -4), List.of(3, 4)), 2);
    }

    // ---- where it stays client-side ----

    @Test
    void statementsAndValuesThatCouldChangeMeaningAreFormatted() {
        conn.setAutocommit(true);
        cur.execute("CREATE TEMP TABLE many_fmt (v text)");
        String[] formatted = {
            "INSERT INTO many_fmt SELECT '%s'",                       // in a string
            "INSERT INTO many_fmt SELECT %s -- %s",                    // in a comment
            "INSERT INTO many_fmt SELECT v FROM (VALUES ('a'), ('b')) x(v) ORDER BY %s",
            "INSERT INTO many_fmt SELECT E%s",                          // glued to a prefix
            "INSERT INTO many_fmt SELECT %s; SELECT 1",                  // two statements
        };
        for (String sql : formatted) {
            int args = sql.split("%s", -1).length - 1;
            Object[] row = new Object[args];
            Arrays.fill(row, "1");
            try {
                many(cur, sql, List.<Object[]>of(row));
            } catch (PgException e) {
                conn.rollback();
            }
            assertEquals(0, cur.boundRows(), sql);
        }
        many(cur, "INSERT INTO many_fmt SELECT %s::text", single(List.of(1, 2), new AsIsValue()));
        assertEquals(0, cur.boundRows(), "an array and a value of a user's adapter");
        assertEquals(List.of("{1,2}", "as is"), cur.execute("SELECT v FROM many_fmt WHERE v LIKE '{%' OR v = 'as is' "
                + "ORDER BY v DESC").fetchAll().stream().map(r -> r.get(0)).toList());
    }

    /** A value of a class with an adapter of the user's. */
    private static final class AsIsValue {
    }

    static {
        Extensions.registerAdapter(AsIsValue.class, v -> new dev.pgreen.adapt.QuotedString("as is"));
    }

    @Test
    void aStatementTheServerRefusesWithParametersIsFormattedAndTheTransactionGoesOn() {
        cur.execute("CREATE TEMP TABLE many_probe (v int)");
        cur.execute("INSERT INTO many_probe VALUES (1)");
        // "$1 IS NULL" has no type the server could infer: the probe fails, in a savepoint.
        many(cur, "INSERT INTO many_probe SELECT 2 WHERE %s IS NULL", single(null, "a", null));
        assertEquals(2, cur.rowCount());
        assertEquals(0, cur.boundRows());
        assertEquals(TransactionStatus.INTRANS, conn.transactionStatus());
        assertEquals(3L, cur.execute("SELECT count(*) FROM many_probe").fetchOne().get(0));
        conn.commit();
        conn.setAutocommit(true);
        many(cur, "INSERT INTO many_probe SELECT 2 WHERE %s IS NULL", single(null, "a"));
        assertEquals(1, cur.rowCount());
        assertEquals(4L, cur.execute("SELECT count(*) FROM many_probe").fetchOne().get(0));
    }

    @Test
    void inACallersPipelineRowsAreFormatted() {
        cur.execute("CREATE TEMP TABLE many_pipe (v int)");
        try (Pipeline p = conn.pipeline()) {
            many(cur, "INSERT INTO many_pipe VALUES (%s)", single(1, 2, 3));
        }
        assertEquals(3, cur.rowCount());
        assertEquals(0, cur.boundRows());
    }

    // ---- errors, transactions, query ----

    @Test
    void aConstraintViolationInTheMiddleAbortsTheTransaction() {
        cur.execute("CREATE TEMP TABLE many_dup (id int PRIMARY KEY, t text)");
        conn.commit();
        List<Object[]> rows = new ArrayList<>();
        for (int i = 1; i <= 2500; i++) {
            rows.add(new Object[] {i == 1700 ? 3 : i, "t" + i});
        }
        IntegrityException e = assertThrows(IntegrityException.class,
                () -> many(cur, "INSERT INTO many_dup VALUES (%s, %s)", rows));
        assertEquals("23505", e.sqlState());
        assertEquals(-1, cur.rowCount());
        assertTrue(cur.boundRows() > 0);
        assertEquals(TransactionStatus.INERROR, conn.transactionStatus());
        conn.rollback();
        assertEquals(0L, cur.execute("SELECT count(*) FROM many_dup").fetchOne().get(0));
    }

    @Test
    void inAutocommitEachBoundRowCommitsAndThoseAfterAFailureDoNotRun() {
        conn.setAutocommit(true);
        cur.execute("CREATE TEMP TABLE many_auto (id int PRIMARY KEY)");
        IntegrityException e = assertThrows(IntegrityException.class, () -> many(cur, 
                "INSERT INTO many_auto VALUES (%s)", single(1, 2, 2, 3)));
        assertEquals("23505", e.sqlState());
        assertEquals(4, cur.boundRows(), "queued before the failure came back");
        assertEquals(TransactionStatus.IDLE, conn.transactionStatus());
        assertEquals(List.of(List.of(1), List.of(2)), contentsOf("many_auto"));
        many(cur, "INSERT INTO many_auto VALUES (%s)", single(10, 11, 12));
        assertEquals(3, cur.rowCount());
        assertEquals(3, cur.boundRows());
        assertEquals(5, contentsOf("many_auto").size(), "the connection is usable after the failure");
    }

    private List<List<Object>> contentsOf(String table) {
        return cur.execute("SELECT * FROM " + table + " ORDER BY 1").fetchAll().stream().map(Row::toList).toList();
    }

    @Test
    void aBadValueFailsWithTheSqlStateOfItsLiteral() {
        cur.execute("CREATE TEMP TABLE many_bad (v int, d date)");
        conn.commit();
        for (List<?> bad : List.of(List.of("x", "2024-01-01"), List.of(1, "someday"),
                List.of(Long.MAX_VALUE, "2024-01-01"))) {
            PgException formatted = assertThrows(PgException.class,
                    () -> cur.execute(cur.mogrify("INSERT INTO many_bad VALUES (%s, %s)", bad.toArray())));
            conn.rollback();
            PgException many = assertThrows(PgException.class,
                    () -> many(cur, "INSERT INTO many_bad VALUES (%s, %s)", List.of(List.of(1, "2024-01-01"), bad)));
            assertEquals(2, cur.boundRows(), bad.toString());
            assertEquals(formatted.sqlState(), many.sqlState(), bad.toString());
            assertEquals(formatted.getClass(), many.getClass());
            conn.rollback();
        }
    }

    @Test
    void queryIsTheLastRowFormatted() {
        cur.execute("CREATE TEMP TABLE many_q (i int, t text)");
        Object[] reused = new Object[2];
        Iterable<Object[]> rows = () -> new java.util.Iterator<Object[]>() {
            int i;

            public boolean hasNext() {
                return i < 3;
            }

            public Object[] next() {
                reused[0] = i;
                reused[1] = "it's " + i++;
                return reused;
            }
        };
        many(cur, "INSERT INTO many_q VALUES (%s, %s)", rows);
        assertEquals(3, cur.boundRows());
        reused[1] = "changed afterwards";
        assertEquals("INSERT INTO many_q VALUES (2, 'it''s 2')", cur.query());
        many(cur, "INSERT INTO many_q VALUES (%(i)s, %(t)s)", List.of(Map.of("i", 7, "t", "x")));
        assertEquals("INSERT INTO many_q VALUES (7, 'x')", cur.query());
        many(cur, "INSERT INTO many_q VALUES (%s, %s)", List.of(List.of(1, "y"), List.of(1, new AsIsValue())));
        assertEquals("INSERT INTO many_q VALUES (1, 'as is')", cur.query(), "a formatted last row");
        assertEquals(1, cur.boundRows());
    }
}
