package dev.pgreen;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pgreen.errors.DataException;
import dev.pgreen.errors.InterfaceException;
import dev.pgreen.errors.ProgrammingException;
import dev.pgreen.testing.PgServerExtension;
import dev.pgreen.testing.TestServer;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Cursors against the real server. Each test has its own connection, not in autocommit: whatever a test
 * creates lives in a transaction (or a temp table) that closing the connection throws away.
 */
@ExtendWith(PgServerExtension.class)
class CursorTest {

    private Connection conn;
    private Cursor cur;

    @BeforeEach
    void connect(TestServer server) {
        conn = Pgreen.connect(server.dsn());
        cur = conn.cursor();
    }

    @AfterEach
    void close() {
        if (conn != null) conn.close();
    }

    private static List<Object> ints(List<Row> rows) {
        List<Object> out = new ArrayList<>();
        for (Row r : rows) out.add(r.get(0));
        return out;
    }

    private static List<Object> range(int from, int to) {
        List<Object> out = new ArrayList<>();
        for (int i = from; i <= to; i++) out.add(i);
        return out;
    }

    private Object roundTrip(String sql, Object value) {
        Row row = cur.execute(sql, value).fetchOne();
        assertNotNull(row);
        assertEquals(1, row.size());
        assertNull(cur.fetchOne(), "one row only");
        return row.get(0);
    }

    // ---- execute and fetch ----

    @Test
    void executeReturnsThis() {
        assertSame(cur, cur.execute("SELECT 1"));
        assertSame(cur, cur.execute("SELECT %s", 1));
        assertSame(cur, cur.execute("SELECT %(a)s", Map.of("a", 1)));
        assertSame(conn, cur.connection());
        assertNull(cur.name());
        assertFalse(cur.isClosed());
    }

    @Test
    void fetchOneFetchManyFetchAll() {
        cur.execute("SELECT g FROM generate_series(1, 10) g");
        assertEquals(10, cur.rowCount());
        assertEquals(0, cur.rowNumber());
        assertEquals(1, cur.fetchOne().get(0));
        assertEquals(1, cur.rowNumber());
        assertEquals(List.of(2, 3, 4), ints(cur.fetchMany(3)));
        assertEquals(4, cur.rowNumber());
        cur.setArraySize(2);
        assertEquals(List.of(5, 6), ints(cur.fetchMany()));
        assertEquals(6, cur.rowNumber());
        assertEquals(List.of(7, 8, 9, 10), ints(cur.fetchAll()));
        assertEquals(10, cur.rowNumber());
        assertNull(cur.fetchOne());
        assertEquals(List.of(), cur.fetchMany(5));
        assertEquals(List.of(), cur.fetchMany());
        assertEquals(List.of(), cur.fetchAll());
    }

    @Test
    void defaultArraySizeIsOne() {
        cur.execute("SELECT g FROM generate_series(1, 3) g");
        assertEquals(List.of(1), ints(cur.fetchMany()));
        assertEquals(List.of(2, 3), ints(cur.fetchMany(100)));
    }

    @Test
    void iteration() {
        cur.execute("SELECT g FROM generate_series(1, 7) g");
        assertEquals(1, cur.fetchOne().get(0));
        List<Object> rest = new ArrayList<>();
        for (Row r : cur) rest.add(r.get(0));
        assertEquals(range(2, 7), rest);
        assertEquals(7, cur.rowNumber());

        cur.execute("SELECT g FROM generate_series(1, 5) g");
        List<Object> all = new ArrayList<>();
        for (Row r : cur) all.add(r.get(0));
        assertEquals(range(1, 5), all);
    }

    @Test
    void scroll() {
        cur.execute("SELECT g FROM generate_series(1, 10) g");
        cur.scroll(3, ScrollMode.RELATIVE);
        assertEquals(3, cur.rowNumber());
        assertEquals(4, cur.fetchOne().get(0));
        cur.scroll(-2, ScrollMode.RELATIVE);
        assertEquals(3, cur.fetchOne().get(0));
        cur.scroll(0, ScrollMode.ABSOLUTE);
        assertEquals(1, cur.fetchOne().get(0));
        cur.scroll(9, ScrollMode.ABSOLUTE);
        assertEquals(10, cur.fetchOne().get(0));
        cur.scroll(5, ScrollMode.ABSOLUTE);

        assertThrows(ProgrammingException.class, () -> cur.scroll(-1, ScrollMode.ABSOLUTE));
        assertThrows(ProgrammingException.class, () -> cur.scroll(11, ScrollMode.ABSOLUTE));
        assertThrows(ProgrammingException.class, () -> cur.scroll(-6, ScrollMode.RELATIVE));
        assertThrows(ProgrammingException.class, () -> cur.scroll(6, ScrollMode.RELATIVE));
        // A refused scroll leaves the position where it was.
        assertEquals(5, cur.rowNumber());
        assertEquals(6, cur.fetchOne().get(0));
    }

    @Test
    void scrollToRowCountIsOutOfBoundsAsInPsycopg2() {
        // psycopg2 (client-side cursor): "if newpos < 0 or newpos >= rowcount: scroll destination out of bounds".
        cur.execute("SELECT g FROM generate_series(1, 10) g");
        assertThrows(ProgrammingException.class, () -> cur.scroll(10, ScrollMode.ABSOLUTE));
        assertThrows(ProgrammingException.class, () -> cur.scroll(10, ScrollMode.RELATIVE));
        assertEquals(0, cur.rowNumber());
    }

    // ---- description, rowCount, statusMessage, query ----

    @Test
    void description() {
        cur.execute("SELECT 1::int4 AS a, 'x'::text AS b, 12.5::numeric(10,2) AS c, point(1, 2) AS d, 2::int8 AS e");
        List<Column> d = cur.description();
        assertNotNull(d);
        assertEquals(5, d.size());
        assertEquals(List.of("a", "b", "c", "d", "e"), d.stream().map(Column::name).toList());
        assertEquals(List.of(23, 25, 1700, 600, 20), d.stream().map(Column::typeCode).toList());
        assertEquals(10, d.get(2).precision());
        assertEquals(2, d.get(2).scale());
        assertEquals(4, d.get(0).internalSize());
        assertEquals(8, d.get(4).internalSize());
        assertEquals(new BigDecimal("12.50"), cur.fetchOne().get(2));
    }

    @Test
    void descriptionIsNullWithoutAResult() {
        assertNull(cur.description(), "before any execute");
        cur.execute("SELECT 1 AS one");
        assertNotNull(cur.description());
        cur.execute("CREATE TEMP TABLE cursor_desc_" + System.nanoTime() + " (id int)");
        assertNull(cur.description(), "after a statement without a result");
        cur.execute("SET application_name = 'x'");
        assertNull(cur.description());
    }

    @Test
    void emptyResultHasDescription() {
        cur.execute("SELECT 1 AS one WHERE false");
        assertEquals(List.of("one"), cur.description().stream().map(Column::name).toList());
        assertEquals(0, cur.rowCount());
        assertNull(cur.fetchOne());
        assertEquals(List.of(), cur.fetchAll());
    }

    @Test
    void rowCountAndStatusMessage() {
        String t = "cursor_rc_" + System.nanoTime();
        cur.execute("CREATE TEMP TABLE " + t + " (id int, v text)");
        assertEquals(-1, cur.rowCount(), "DDL");
        assertEquals("CREATE TABLE", cur.statusMessage());

        cur.execute("INSERT INTO " + t + " SELECT g, 'v' || g FROM generate_series(1, 3) g");
        assertEquals(3, cur.rowCount());
        assertEquals("INSERT 0 3", cur.statusMessage());
        assertNull(cur.description());

        cur.execute("SELECT * FROM " + t);
        assertEquals(3, cur.rowCount());
        assertEquals("SELECT 3", cur.statusMessage());

        cur.execute("UPDATE " + t + " SET v = 'u' WHERE id <= 2");
        assertEquals(2, cur.rowCount());
        assertEquals("UPDATE 2", cur.statusMessage());

        cur.execute("UPDATE " + t + " SET v = 'u' WHERE false");
        assertEquals(0, cur.rowCount());

        cur.execute("DELETE FROM " + t);
        assertEquals(3, cur.rowCount());
        assertEquals("DELETE 3", cur.statusMessage());

        cur.execute("DROP TABLE " + t);
        assertEquals(-1, cur.rowCount());
        assertEquals("DROP TABLE", cur.statusMessage());
    }

    @Test
    void queryShowsWhatWasSent() {
        cur.execute("SELECT %s, %s", 1, "it's");
        assertEquals("SELECT 1, 'it''s'", cur.query());
        cur.execute("SELECT %(x)s", Map.of("x", 7));
        assertEquals("SELECT 7", cur.query());
        cur.execute("SELECT 10 % 3");
        assertEquals("SELECT 10 % 3", cur.query());
    }

    @Test
    void multiStatementReturnsTheLastResult() {
        cur.execute("SELECT 1; SELECT 2, 3");
        List<Row> rows = cur.fetchAll();
        assertEquals(1, rows.size());
        assertEquals(List.of(2, 3), rows.get(0).toList());
        assertEquals(2, cur.description().size());

        String t = "cursor_multi_" + System.nanoTime();
        cur.execute("CREATE TEMP TABLE " + t + " (id int); INSERT INTO " + t + " VALUES (1), (2)");
        assertEquals(2, cur.rowCount());
        assertEquals("INSERT 0 2", cur.statusMessage());
        assertNull(cur.description());
    }

    @Test
    void multiStatementWithALaterFailureRaises() {
        assertThrows(DataException.class, () -> cur.execute("SELECT 1; SELECT 1/0; SELECT 3"));
        conn.rollback();
        assertEquals(1, cur.execute("SELECT 1").fetchOne().get(0), "the connection is still usable");
    }

    // ---- executeMany, callProc ----

    @Test
    void executeManyWithArraysListsAndMaps() {
        String t = "cursor_many_" + System.nanoTime();
        cur.execute("CREATE TEMP TABLE " + t + " (id int, v text)");

        cur.executeMany("INSERT INTO " + t + " VALUES (%s, %s)",
                List.of(new Object[] {1, "a"}, new Object[] {2, "b'"}, List.of(3, "c")));
        assertEquals(3, cur.rowCount(), "rowCount summed over the elements");

        List<Map<String, Object>> maps = new ArrayList<>();
        for (int i = 4; i <= 5; i++) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", i);
            m.put("v", i == 5 ? null : "d");
            maps.add(m);
        }
        cur.executeMany("INSERT INTO " + t + " VALUES (%(id)s, %(v)s)", maps);
        assertEquals(2, cur.rowCount());

        cur.executeMany("UPDATE " + t + " SET v = coalesce(v, '') || 'x' WHERE id <= %s",
                List.of(List.of(2), List.of(3)));
        assertEquals(5, cur.rowCount(), "2 + 3 rows updated");

        cur.execute("SELECT id, v FROM " + t + " ORDER BY id");
        List<List<Object>> rows = cur.fetchAll().stream().map(Row::toList).toList();
        assertEquals(List.of(
                List.of(1, "axx"), List.of(2, "b'xx"), List.of(3, "cx"), List.of(4, "d"), Arrays.asList(5, null)), rows);
    }

    @Test
    void executeManyWithNothing() {
        String t = "cursor_many0_" + System.nanoTime();
        cur.execute("CREATE TEMP TABLE " + t + " (id int)");
        cur.executeMany("INSERT INTO " + t + " VALUES (%s)", List.of());
        cur.execute("SELECT count(*) FROM " + t);
        assertEquals(0L, cur.fetchOne().get(0));
    }

    @Test
    void callProc() {
        String f = "pgreen_cursor_add_" + System.nanoTime();
        cur.execute("CREATE FUNCTION " + f + "(a int, b int) RETURNS int LANGUAGE sql AS 'SELECT a + b'");
        assertSame(cur, cur.callProc(f, 3, 4));
        assertEquals(7, cur.fetchOne().get(0));

        String g = "pgreen_cursor_rows_" + System.nanoTime();
        cur.execute("CREATE FUNCTION " + g + "(n int, OUT i int, OUT s text) RETURNS SETOF record LANGUAGE sql "
                + "AS 'SELECT g, ''r'' || g FROM generate_series(1, n) g'");
        cur.callProc(g, 3);
        assertEquals(List.of("i", "s"), cur.description().stream().map(Column::name).toList());
        assertEquals(List.of(List.of(1, "r1"), List.of(2, "r2"), List.of(3, "r3")),
                cur.fetchAll().stream().map(Row::toList).toList());

        String h = "pgreen_cursor_noargs_" + System.nanoTime();
        cur.execute("CREATE FUNCTION " + h + "() RETURNS text LANGUAGE sql AS 'SELECT ''hi''::text'");
        cur.callProc(h);
        assertEquals("hi", cur.fetchOne().get(0));
    }

    // ---- mogrify and arguments ----

    @Test
    void mogrify() {
        assertEquals("SELECT 1, 'O''Reilly', NULL", cur.mogrify("SELECT %s, %s, %s", 1, "O'Reilly", null));
        assertEquals("SELECT 2 + 2, 'x'", cur.mogrify("SELECT %(a)s + %(a)s, %(b)s", Map.of("a", 2, "b", "x")));
        assertEquals("SELECT 10 % 3", cur.mogrify("SELECT 10 %% %s", 3));
        assertEquals("SELECT 10 % 3", cur.mogrify("SELECT %(n)s %% 3", Map.of("n", 10)));
        assertEquals("SELECT true, false", cur.mogrify("SELECT %s, %s", true, false));
        assertEquals("SELECT '%s'", cur.mogrify("SELECT %s", "%s"), "an argument's % is not interpreted");
        // mogrify does not execute.
        assertNull(cur.description());
        assertNull(cur.query());
    }

    @Test
    void executeWithoutArgumentsLeavesPercentAlone() {
        assertEquals(1, cur.execute("SELECT 10 % 3").fetchOne().get(0));
        assertEquals("%s", cur.execute("SELECT '%s'::text").fetchOne().get(0));
        assertEquals("100%", cur.execute("SELECT '100%'::text").fetchOne().get(0));
    }

    @Test
    void percentPercentWithArguments() {
        assertEquals(1, cur.execute("SELECT %s %% 3", 10).fetchOne().get(0));
        assertEquals(1, cur.execute("SELECT %(n)s %% 3", Map.of("n", 10)).fetchOne().get(0));
    }

    @Test
    void singleNullArgument() {
        Row row = cur.execute("SELECT %s IS NULL, %s::int", (Object) null, null).fetchOne();
        assertEquals(true, row.get(0));
        assertNull(row.get(1));
        assertNull(roundTrip("SELECT %s", (Object) null));
        assertEquals("SELECT NULL", cur.query());
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("x", null);
        assertEquals(true, cur.execute("SELECT %(x)s IS NULL", m).fetchOne().get(0));
    }

    @Test
    void wrongArgumentsRaiseProgrammingException() {
        assertThrows(ProgrammingException.class, () -> cur.execute("SELECT %s, %s", 1));
        assertThrows(ProgrammingException.class, () -> cur.execute("SELECT %s", 1, 2));
        assertThrows(ProgrammingException.class, () -> cur.execute("SELECT 1", 1));
        assertThrows(ProgrammingException.class, () -> cur.execute("SELECT %(a)s", Map.of("b", 1)));
        assertThrows(ProgrammingException.class, () -> cur.mogrify("SELECT %s, %s", 1));
        assertThrows(ProgrammingException.class, () -> cur.mogrify("SELECT %(a)s", Map.of("b", 1)));
        // Nothing was sent: the connection is not even in a transaction.
        assertEquals(TransactionStatus.IDLE, conn.transactionStatus());
        assertEquals(1, cur.execute("SELECT 1").fetchOne().get(0));
    }

    @Test
    void emptyQueryRaisesProgrammingException() {
        assertThrows(ProgrammingException.class, () -> cur.execute(""));
        assertThrows(ProgrammingException.class, () -> cur.execute("   "));
        assertThrows(ProgrammingException.class, () -> cur.execute("-- only a comment"));
        assertEquals(1, cur.execute("SELECT 1").fetchOne().get(0));
    }

    @Test
    void fetchWithoutResultRaisesProgrammingException() {
        assertThrows(ProgrammingException.class, cur::fetchOne, "nothing executed yet");
        assertThrows(ProgrammingException.class, cur::fetchAll, "nothing executed yet");
        cur.execute("CREATE TEMP TABLE cursor_nofetch_" + System.nanoTime() + " (id int)");
        assertThrows(ProgrammingException.class, cur::fetchOne);
        assertThrows(ProgrammingException.class, () -> cur.fetchMany(2));
        assertThrows(ProgrammingException.class, cur::fetchMany);
        assertThrows(ProgrammingException.class, cur::fetchAll);
        assertThrows(ProgrammingException.class, () -> cur.scroll(0, ScrollMode.ABSOLUTE));
    }

    @Test
    void closedCursorRaisesInterfaceException() {
        cur.execute("SELECT 1");
        cur.close();
        assertTrue(cur.isClosed());
        assertThrows(InterfaceException.class, () -> cur.execute("SELECT 1"));
        assertThrows(InterfaceException.class, cur::fetchOne);
        assertThrows(InterfaceException.class, () -> cur.fetchMany(1));
        assertThrows(InterfaceException.class, cur::fetchAll);
        assertThrows(InterfaceException.class, () -> cur.mogrify("SELECT %s", 1));
        assertThrows(InterfaceException.class, () -> cur.executeMany("SELECT %s", List.of(List.of(1))));
        assertThrows(InterfaceException.class, () -> cur.callProc("now"));
        cur.close();
        // Other cursors of the connection are unaffected.
        assertEquals(1, conn.cursor().execute("SELECT 1").fetchOne().get(0));
    }

    @Test
    void closingTheConnectionClosesItsCursors() {
        Cursor other = conn.cursor();
        other.execute("SELECT 1");
        conn.close();
        assertTrue(cur.isClosed());
        assertTrue(other.isClosed());
        assertThrows(InterfaceException.class, () -> other.execute("SELECT 1"));
        assertThrows(InterfaceException.class, other::fetchOne);
    }

    // ---- values ----

    @Test
    void integersRoundTrip() {
        for (int v : new int[] {0, 42, -7, Integer.MAX_VALUE, Integer.MIN_VALUE}) {
            Object got = roundTrip("SELECT %s", v);
            assertInstanceOf(Integer.class, got, "for " + v);
            assertEquals(v, got);
        }
        assertEquals(8, cur.execute("SELECT 10 - %s", -(-2)).fetchOne().get(0));
        assertEquals(12, cur.execute("SELECT 10 - %s", -2).fetchOne().get(0), "a negative argument after '-'");
    }

    @Test
    void longsRoundTrip() {
        for (long v : new long[] {1L << 40, -(1L << 40), Long.MAX_VALUE, Long.MIN_VALUE}) {
            Object got = roundTrip("SELECT %s", v);
            assertInstanceOf(Long.class, got, "for " + v);
            assertEquals(v, got);
        }
        assertEquals(5L, roundTrip("SELECT %s::int8", 5L));
    }

    @Test
    void doublesRoundTrip() {
        for (double v : new double[] {1.5, 0.1, -2.25e-10, 1e300, Double.MIN_VALUE, Double.MAX_VALUE}) {
            Object got = roundTrip("SELECT %s::float8", v);
            assertInstanceOf(Double.class, got, "for " + v);
            assertEquals(v, got);
        }
        for (double v : new double[] {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY}) {
            Object got = roundTrip("SELECT %s", v);
            assertInstanceOf(Double.class, got, "for " + v);
            assertEquals(v, got);
        }
        Object f4 = roundTrip("SELECT %s::float4", 0.5);
        assertEquals(0.5, f4);
    }

    @Test
    void bigDecimalsRoundTrip() {
        // An integral BigDecimal such as 0 is sent as the literal 0 (int4), as psycopg2 sends Decimal('0'):
        // only values whose literal is numeric are checked without a cast.
        for (String s : new String[] {"12345678901234567890.123456789", "-0.001", "0.0", "1E+3", "3.14"}) {
            BigDecimal v = new BigDecimal(s);
            Object got = roundTrip("SELECT %s", v);
            assertInstanceOf(BigDecimal.class, got, "for " + s);
            assertEquals(0, v.compareTo((BigDecimal) got), s + " came back as " + got);
        }
        assertEquals(new BigDecimal("3.14"), roundTrip("SELECT %s", new BigDecimal("3.14")));
        assertEquals(new BigDecimal("1.50"), roundTrip("SELECT %s::numeric(5,2)", 1.5));
        assertEquals(0, BigDecimal.ZERO.compareTo((BigDecimal) roundTrip("SELECT %s::numeric", BigDecimal.ZERO)));
        assertEquals(new BigDecimal("99999999999999999999"), roundTrip("SELECT %s", new BigDecimal("99999999999999999999")));
    }

    @Test
    void booleansRoundTrip() {
        assertEquals(Boolean.TRUE, roundTrip("SELECT %s", true));
        assertEquals(Boolean.FALSE, roundTrip("SELECT %s", false));
        assertEquals(Boolean.TRUE, roundTrip("SELECT %s AND true", true));
    }

    @Test
    void stringsRoundTrip() {
        String[] values = {
            "", "plain", "it's", "''", "back\\slash", "\\x00", "trailing\\", "double \"quotes\"",
            "percent %s %(x)s %% 100%", "line\nbreak\ttab\rreturn", "unicode: héllo ☃ 日本語 Ωμέγα",
            "emoji 😀🎉👍🏽", "E'not an escape'", "'; DROP TABLE x; --", "$$dollar$$",
        };
        for (String s : values) {
            Object got = roundTrip("SELECT %s", s);
            assertInstanceOf(String.class, got, "for " + s);
            assertEquals(s, got);
            assertEquals(s, roundTrip("SELECT %s::text", s));
            assertEquals(s, cur.execute("SELECT %(s)s::varchar", Map.of("s", s)).fetchOne().get(0));
            assertEquals((long) s.codePointCount(0, s.length()),
                    ((Number) cur.execute("SELECT length(%s)", s).fetchOne().get(0)).longValue(), "length of " + s);
        }
        assertEquals("x", roundTrip("SELECT %s", 'x'));
    }

    @Test
    void bytesRoundTrip() {
        byte[] all = new byte[256];
        for (int i = 0; i < 256; i++) all[i] = (byte) i;
        byte[] random = new byte[4096];
        new Random(20240611L).nextBytes(random);
        for (byte[] b : new byte[][] {new byte[0], all, random, "text".getBytes(StandardCharsets.UTF_8)}) {
            Object got = roundTrip("SELECT %s", (Object) b);
            assertInstanceOf(byte[].class, got);
            assertArrayEquals(b, (byte[]) got);
            assertEquals((long) b.length,
                    ((Number) cur.execute("SELECT length(%s)", (Object) b).fetchOne().get(0)).longValue());
        }
        // A bytea computed by the server.
        assertArrayEquals(new byte[] {0, 1, (byte) 0xff}, (byte[]) cur.execute("SELECT '\\x0001ff'::bytea").fetchOne().get(0));
    }

    @Test
    void serverTypesComeBackAsTheJavaClassesOfTheContract() {
        Row row = cur.execute("SELECT 1::int2, 2::int4, 3::int8, 4::oid, 1.5::float4, 2.5::float8, 3.5::numeric, "
                + "true, 'a'::text, 'b'::varchar, 'c'::char(3), 'd'::name, NULL::int, NULL::text").fetchOne();
        assertEquals(Arrays.asList(1, 2, 3L, 4L, 1.5, 2.5, new BigDecimal("3.5"), true, "a", "b", "c  ", "d", null, null),
                row.toList());
        assertInstanceOf(Integer.class, row.get(0));
        assertInstanceOf(Integer.class, row.get(1));
        assertInstanceOf(Long.class, row.get(2));
        assertInstanceOf(Long.class, row.get(3));
        assertInstanceOf(Double.class, row.get(4));
        assertInstanceOf(Double.class, row.get(5));
        assertInstanceOf(BigDecimal.class, row.get(6));
        assertInstanceOf(Boolean.class, row.get(7));
    }

    @Test
    void rowAccessors() {
        Row row = cur.execute("SELECT 1 AS a, 'two' AS b, NULL::int AS c").fetchOne();
        assertEquals(3, row.size());
        assertEquals(1, row.get("a"));
        assertEquals("two", row.get("b"));
        assertNull(row.get("c"));
        assertEquals(1, row.get(0));
        assertEquals(Integer.valueOf(1), row.get(0, Integer.class));
        assertEquals("two", row.get(1, String.class));
        assertNull(row.get(2, Integer.class));
        assertEquals(1, row.get(0, Number.class).intValue());
        assertEquals(Arrays.asList(1, "two", null), row.toList());
        assertThrows(RuntimeException.class, () -> row.get(3));
        assertThrows(RuntimeException.class, () -> row.get("nope"));
        assertThrows(ClassCastException.class, () -> row.get(1, Integer.class));
        // A primitive class stands for its wrapper (Kotlin's Int::class.java is int.class).
        int a = row.get(0, int.class);
        assertEquals(1, a);
        assertEquals(1, row.get("a", int.class));
        assertEquals(1L, cur.execute("SELECT 1::int8").fetchOne().get(0, long.class));
        assertEquals(true, cur.execute("SELECT true").fetchOne().get(0, boolean.class));
        dev.pgreen.errors.DataException nul = assertThrows(dev.pgreen.errors.DataException.class, () -> row.get(2, int.class));
        assertTrue(nul.getMessage().contains("NULL"), nul.getMessage());
        assertThrows(ClassCastException.class, () -> row.get(1, int.class));
    }

    // ---- volume ----

    @Test
    void hundredThousandRows() {
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            cur.execute("SELECT g, 'row ' || g FROM generate_series(1, 100000) g");
            assertEquals(100000, cur.rowCount());
            List<Row> rows = cur.fetchAll();
            assertEquals(100000, rows.size());
            for (int i = 0; i < rows.size(); i++) {
                Row r = rows.get(i);
                if (!Integer.valueOf(i + 1).equals(r.get(0)) || !("row " + (i + 1)).equals(r.get(1))) {
                    throw new AssertionError("row " + i + " is " + r.toList());
                }
            }
            assertNull(cur.fetchOne());

            cur.execute("SELECT sum(g) FROM generate_series(1, 100000) g");
            assertEquals(5000050000L, ((Number) cur.fetchOne().get(0)).longValue());

            cur.execute("SELECT g FROM generate_series(1, 100000) g");
            long n = 0;
            List<Row> batch;
            while (!(batch = cur.fetchMany(7777)).isEmpty()) {
                for (Row r : batch) {
                    n++;
                    if (!Integer.valueOf((int) n).equals(r.get(0))) throw new AssertionError("row " + n + ": " + r);
                }
            }
            assertEquals(100000, n);
        });
    }

    private static String bigText(int chars) {
        StringBuilder sb = new StringBuilder(chars);
        String chunk = "abcdefghij0123456789 'quote' \\back é ☃ 😀 ";
        while (sb.length() < chars) sb.append(chunk);
        sb.setLength(chars);
        if (Character.isHighSurrogate(sb.charAt(chars - 1))) sb.setCharAt(chars - 1, 'z');
        return sb.toString();
    }

    private static String md5(String s) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(s.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void tenMegabyteValueFromTheServer() {
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            Object got = cur.execute("SELECT repeat('abcdefghij', 1048576)").fetchOne().get(0);
            assertInstanceOf(String.class, got);
            String s = (String) got;
            assertEquals(10 * 1024 * 1024, s.length());
            assertEquals("abcdefghij".repeat(1048576), s);
        });
    }

    @Test
    void tenMegabyteValueRoundTrip() {
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            String big = bigText(10 * 1024 * 1024);
            Object got = roundTrip("SELECT %s", big);
            assertEquals(big.length(), ((String) got).length());
            assertEquals(big, got);
        });
    }

    @Test
    void tenMegabyteQueryString() {
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            String big = bigText(10 * 1024 * 1024);
            String literal = "'" + big.replace("'", "''") + "'";
            // Sent as written (no arguments): the server checks the bytes it got.
            Row row = cur.execute("SELECT md5(" + literal + "), length(" + literal + ")").fetchOne();
            assertEquals(md5(big), row.get(0));
            assertEquals(big.codePointCount(0, big.length()), row.get(1));
        });
    }

    @Test
    void tenMegabyteBytea() {
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            byte[] b = new byte[10 * 1024 * 1024];
            new Random(7).nextBytes(b);
            Object got = roundTrip("SELECT %s", (Object) b);
            assertArrayEquals(b, (byte[]) got);
        });
    }
}
