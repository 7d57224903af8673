package dev.pgreen;

import static dev.pgreen.Extensions.newType;
import static dev.pgreen.Extensions.registerType;
import static dev.pgreen.Extensions.unregisterType;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pgreen.jdbc.JdbcTesting;
import dev.pgreen.protocol.BackendMessage.Field;
import dev.pgreen.testing.PgServerExtension;
import dev.pgreen.testing.TestServer;
import dev.pgreen.typecast.Oids;

import java.math.BigDecimal;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Result columns in the binary format ({@code executePrepared} of a described statement, {@code stream}): for
 * every type that goes binary, a table of edge values must read into objects equal, value by value and class by
 * class, to what the text of {@code execute} gives; the columns must really have come in binary (their
 * {@link Field#format()}), so that a fast path that silently never runs fails here; and a caster registered in
 * any scope must keep receiving text.
 */
@ExtendWith(PgServerExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BinaryResultsTest {
    private static final String[] ZONES = {"UTC", "Etc/UTC", "Asia/Kolkata", "America/St_Johns", "Europe/Amsterdam",
            "Pacific/Chatham", "America/Los_Angeles"};

    private TestServer server;
    private Connection conn;
    private Cursor cur;

    @BeforeAll
    void connect(TestServer server) {
        this.server = server;
        conn = Pgreen.connect(server.dsn());
        conn.setAutocommit(true);
        cur = conn.cursor();
    }

    @AfterAll
    void close() {
        if (conn != null) {
            conn.close();
        }
    }

    @BeforeEach
    void defaults() {
        cur.execute("SET TimeZone = 'UTC'; SET DateStyle = 'ISO, MDY'; SET bytea_output = 'hex'");
    }

    // ---- the machinery ----

    /**
     * Puts {@code literals} (SQL, in order, NULL allowed) into a column of {@code type}, reads it back by
     * {@code execute}, by {@code executePrepared} (first execution, parsed; second, described) and by
     * {@code stream}, compares every value with the text's, and returns whether the binary readings came in
     * binary.
     */
    private boolean compare(String type, String... literals) {
        cur.execute("DROP TABLE IF EXISTS br_values");
        cur.execute("CREATE TABLE br_values (k int, v " + type + ")");
        StringBuilder insert = new StringBuilder("INSERT INTO br_values VALUES ");
        for (int i = 0; i < literals.length; i++) {
            insert.append(i == 0 ? "" : ", ").append('(').append(i).append(", ").append(literals[i]).append(')');
        }
        cur.execute(insert.toString());
        String select = "SELECT v FROM br_values ORDER BY k";
        List<Object> text = values(cur.execute(select).fetchAll());
        assertEquals(0, cur.resultFields().getFirst().format(), "execute reads text");

        Cursor prepared = conn.cursor();
        // A new statement text per type, so that each comparison parses its own.
        String statement = select + " /* " + type + " */";
        same(type, text, values(prepared.executePrepared(statement).fetchAll()), "executePrepared, parsed");
        same(type, text, values(prepared.executePrepared(statement).fetchAll()), "executePrepared, described");
        boolean preparedBinary = prepared.resultFields().getFirst().format() == 1;

        Cursor streaming = conn.cursor();
        try (Stream<Row> rows = streaming.stream(select)) {
            same(type, text, values(rows.toList()), "stream");
        }
        boolean streamBinary = streaming.resultFields().getFirst().format() == 1;
        assertEquals(preparedBinary, streamBinary, type + ": executePrepared and stream choose alike");
        return preparedBinary;
    }

    private static List<Object> values(List<Row> rows) {
        List<Object> out = new ArrayList<>();
        for (Row r : rows) {
            out.add(r.get(0));
        }
        return out;
    }

    private static void same(String type, List<Object> text, List<Object> got, String how) {
        assertEquals(text.size(), got.size(), type + " " + how + ": row count");
        for (int i = 0; i < text.size(); i++) {
            Object t = text.get(i);
            Object g = got.get(i);
            String what = type + " " + how + ", value " + i + " (" + t + ")";
            if (t instanceof byte[] tb) {
                assertArrayEquals(tb, (byte[]) g, what);
            } else {
                assertEquals(t, g, what);
                assertEquals(t == null ? null : t.getClass(), g == null ? null : g.getClass(), what);
            }
        }
    }

    private void assertBinary(String type, String... literals) {
        assertTrue(compare(type, literals), type + " must come in binary");
    }

    private void assertText(String type, String... literals) {
        assertEquals(false, compare(type, literals), type + " must stay text");
    }

    // ---- each type ----

    @Test
    void integers() {
        assertBinary("int2", "-32768", "32767", "0", "-1", "NULL");
        assertBinary("int4", "-2147483648", "2147483647", "0", "-7", "NULL");
        assertBinary("int8", "-9223372036854775808", "9223372036854775807", "0", "-1", "NULL");
        assertBinary("oid", "0", "4294967295", "2147483648", "12345", "NULL");
    }

    @Test
    void booleans() {
        assertBinary("bool", "true", "false", "NULL");
    }

    @Test
    void numerics() {
        assertBinary("numeric", "0", "0.00", "-0.000", "1.10", "-1.5", "100", "10000", "1e20", "0.0001",
                "0.00012300", "1e-20", "9999.9999", "-99999999999999999999999999999999",
                "999999999999999999999999999999999", "123456789012345678901234567890.123456789",
                "1::numeric / 7", "1000000::numeric / 7", "-1000000::numeric / 7", "12345678901234567::numeric / 7",
                "repeat('9', 200)::numeric", "('1' || repeat('0', 60) || '.' || repeat('0', 30))::numeric",
                "('-0.' || repeat('0', 40) || '1')::numeric", "1e-16383", "'NaN'", "'Infinity'", "'-Infinity'", "NULL");
        assertBinary("numeric(10, 4)", "5", "-5.5", "0", "123456.0001", "NULL");
        assertBinary("numeric(20, 0)", "5", "-12345678901234567890", "NULL");
    }

    @Test
    void uuidsAndBytea() {
        assertBinary("uuid", "'00000000-0000-0000-0000-000000000000'", "'ffffffff-ffff-ffff-ffff-ffffffffffff'",
                "'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'", "NULL");
        String[] bytea = {"'\\x'", "'\\x00ff7f80'", "'hello'::bytea", "decode(repeat('ab', 5000), 'hex')", "NULL"};
        assertBinary("bytea", bytea);
        cur.execute("SET bytea_output = 'escape'");
        assertBinary("bytea", bytea);
    }

    @Test
    void textTypes() {
        String[] text = {"''", "'héllo'", "'\uD83D\uDE00 x'", "'  padded  '", "NULL"};
        assertBinary("text", text);
        assertBinary("varchar(20)", text);
        assertBinary("char(12)", text);
        assertBinary("name", text);
    }

    @Test
    void floatsStayText() {
        assertText("float8", "0.1", "1e308", "'NaN'", "'-Infinity'", "NULL");
        assertText("float4", "0.1", "'Infinity'", "NULL");
    }

    private static final String[] DATES = {"'2000-01-01'", "'1999-12-31'", "'1970-01-01'", "'2024-02-29'",
            "'0001-01-01'", "'0001-12-31 BC'", "'0005-02-29 BC'", "'4713-11-24 BC'", "'9999-12-31'", "'10000-01-01'",
            "'5874897-12-31'", "'infinity'", "'-infinity'", "NULL"};
    private static final String[] TIMESTAMPS = {"'2000-01-01 00:00:00'", "'1999-12-31 23:59:59.999999'",
            "'1970-01-01 00:00:00.5'", "'2024-03-10 02:30:00'", "'2024-10-27 02:30:00.000001'",
            "'0001-01-01 00:00:00'", "'0001-12-31 23:59:59 BC'", "'0005-02-29 12:00:00 BC'",
            "'4713-11-24 00:00:00 BC'", "'1883-11-18 12:00:00'", "'1900-01-01 00:00:00'", "'10000-06-15 12:34:56.5'",
            "'294276-12-31 23:59:59.999999'", "'infinity'", "'-infinity'", "NULL"};

    @Test
    void datesAndTimestamps() {
        assertBinary("date", DATES);
        assertBinary("timestamp", TIMESTAMPS);
        cur.execute("SET TimeZone = 'Asia/Kolkata'");
        assertBinary("timestamp", TIMESTAMPS);
    }

    @Test
    void timestamptzInSeveralSessionZones() {
        String[] values = new String[TIMESTAMPS.length];
        for (int i = 0; i < values.length; i++) {
            String t = TIMESTAMPS[i];
            // The same wall-clock times read in UTC, whatever the zone the table is filled in.
            values[i] = t.startsWith("'") && Character.isDigit(t.charAt(1))
                    ? t.replace(" BC'", "+00 BC'").replaceFirst("(\\d)'$", "$1+00'") : t;
        }
        for (String zone : ZONES) {
            cur.execute("SET TimeZone = %s", zone);
            boolean utc = zone.endsWith("UTC");
            assertEquals(utc, compare("timestamptz", values), zone + ": binary only in UTC");
        }
    }

    @Test
    void datesStayTextUnlessDateStyleIsIso() {
        cur.execute("SET DateStyle = 'SQL, DMY'");
        Cursor c = conn.cursor();
        for (int i = 0; i < 2; i++) {
            c.executePrepared("SELECT 1, date '2024-03-15', timestamp '2024-03-15 12:00', "
                    + "timestamptz '2024-03-15 12:00'");
        }
        List<Field> fields = c.resultFields();
        assertEquals(List.of((short) 1, (short) 0, (short) 0, (short) 0),
                fields.stream().map(Field::format).toList(), "int4 binary; dates in their SQL style, text");
        assertEquals("15/03/2024", conn.cursor().execute("SELECT date '2024-03-15'::text").fetchOne().get(0));
    }

    /** W2's table: every column of it comes in binary, and reads as the text does. */
    @Test
    void wideRowsAsTheBenchmarkReadsThem() {
        cur.execute("DROP TABLE IF EXISTS br_wide");
        cur.execute("CREATE TABLE br_wide AS SELECT g AS i, g::text AS t, timestamptz '2024-01-01' + g * interval "
                + "'1 second 7 microseconds' AS ts, (g::numeric / 7) AS n, (g % 2 = 0) AS b, md5(g::text) AS h "
                + "FROM generate_series(-50, 5000) g");
        String select = "SELECT * FROM br_wide ORDER BY i";
        List<Row> text = cur.execute(select).fetchAll();
        List<Row> streamed;
        Cursor s = conn.cursor();
        try (Stream<Row> rows = s.stream(select)) {
            streamed = rows.toList();
        }
        assertEquals(text, streamed);
        assertEquals(List.of((short) 1, (short) 1, (short) 1, (short) 1, (short) 1, (short) 1),
                s.resultFields().stream().map(Field::format).toList());
        Cursor p = conn.cursor();
        p.executePrepared(select);
        assertEquals(text, p.executePrepared(select).fetchAll());
        assertEquals(6, p.resultFields().stream().filter(f -> f.format() == 1).count());
    }

    // ---- what must stay text ----

    private static Typecaster tagging(String tag) {
        return newType(new int[] {Oids.INT4}, tag, (v, c) -> v == null ? null : tag + ":" + v);
    }

    /** The int4 column as {@code reader} reads it twice by executePrepared and once by stream, with the formats. */
    private static List<Object> readInt4(Cursor reader) {
        String sql = "SELECT 42::int4, 7::int8, NULL::int4";
        reader.executePrepared(sql); // parsed and described: the executions after know the columns before Bind
        List<Object> seen = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            Row r = reader.executePrepared(sql).fetchOne();
            seen.addAll(r.toList());
            seen.add(reader.resultFields().stream().map(Field::format).toList());
        }
        try (Stream<Row> rows = reader.stream(sql)) {
            seen.addAll(rows.findFirst().orElseThrow().toList());
        }
        seen.add(reader.resultFields().stream().map(Field::format).toList());
        return seen;
    }

    private static List<Object> tagged(String tag) {
        List<Short> formats = List.of((short) 0, (short) 1, (short) 0);
        List<Object> once = new ArrayList<>(java.util.Arrays.asList(tag + ":42", 7L, null));
        List<Object> all = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            all.addAll(once);
            all.add(formats);
        }
        return all;
    }

    @Test
    void registeredInt4CastersReceiveTextInEveryScope() {
        Typecaster global = tagging("global");
        registerType(global);
        try {
            assertEquals(tagged("global"), readInt4(conn.cursor()), "global");
            try (Connection other = Pgreen.connect(server.dsn())) {
                registerType(tagging("connection"), other);
                assertEquals(tagged("connection"), readInt4(other.cursor()), "connection");
                Cursor mine = other.cursor();
                registerType(tagging("cursor"), mine);
                assertEquals(tagged("cursor"), readInt4(mine), "cursor");
            }
        } finally {
            unregisterType(global);
        }
        List<Object> builtin = readInt4(conn.cursor());
        assertEquals(42, builtin.get(0));
        assertEquals(List.of((short) 1, (short) 1, (short) 1), builtin.getLast(), "the built-in again: binary");
    }

    /** A caster registered while a statement is described takes over at its next execution, in text. */
    @Test
    void registrationAfterDescribeTurnsTheColumnBackToText() {
        Cursor c = conn.cursor();
        c.executePrepared("SELECT 5::int4");
        assertEquals(5, c.executePrepared("SELECT 5::int4").fetchOne().get(0));
        assertEquals(1, c.resultFields().getFirst().format());
        registerType(tagging("late"), c);
        assertEquals("late:5", c.executePrepared("SELECT 5::int4").fetchOne().get(0));
        assertEquals(0, c.resultFields().getFirst().format());
    }

    @Test
    void streamsThatAreNotOneQueryStayText() {
        for (String sql : List.of("SELECT 1; SELECT 2::int4", "SELECT 1 WHERE '$1' <> ''", "SHOW TimeZone",
                "SELECT 2 -- a comment; with a semicolon")) {
            Cursor c = conn.cursor();
            try (Stream<Row> rows = c.stream(sql)) {
                assertEquals(sql.startsWith("SELECT 1;") ? 2 : 1, rows.count(), sql);
            }
            assertEquals(0, c.resultFields().getFirst().format(), sql);
        }
        Cursor c = conn.cursor();
        try (Stream<Row> rows = c.stream("SELECT 3::int4;  ")) {
            assertEquals(3, rows.findFirst().orElseThrow().get(0));
        }
        assertEquals(1, c.resultFields().getFirst().format(), "a trailing semicolon is still one query");
    }

    @Test
    void streamErrorsAndTransactionsAsBefore() {
        Cursor c = conn.cursor();
        org.junit.jupiter.api.Assertions.assertThrows(dev.pgreen.errors.ProgrammingException.class, () -> {
            try (Stream<Row> rows = c.stream("SELECT * FROM br_no_such_table")) {
                rows.count();
            }
        });
        org.junit.jupiter.api.Assertions.assertThrows(dev.pgreen.errors.DataException.class, () -> {
            try (Stream<Row> rows = c.stream("SELECT 1 / (g - 3) FROM generate_series(1, 5) g")) {
                rows.count();
            }
        });
        assertEquals(1, c.execute("SELECT 1").fetchOne().get(0), "usable afterwards");
        conn.setAutocommit(false);
        try {
            try (Stream<Row> rows = c.stream("SELECT g FROM generate_series(1, 100000) g")) {
                assertEquals(1, rows.findFirst().orElseThrow().get(0));
            }
            conn.rollback();
            try (Stream<Row> rows = c.stream("SELECT g FROM generate_series(1, 3) g")) {
                assertEquals(List.of(1, 2, 3), rows.map(r -> r.get(0)).toList());
            }
            assertEquals(TransactionStatus.INTRANS, conn.transactionStatus());
            conn.rollback();
        } finally {
            conn.setAutocommit(true);
        }
    }

    /** The JDBC layer keeps rows as text: getString and getObject as before, whatever the executions. */
    @Test
    void jdbcReadsText() throws Exception {
        try (java.sql.Connection jdbc = JdbcTesting.connect(server);
             PreparedStatement ps = jdbc.prepareStatement("SELECT 42::int4, 1.10::numeric, "
                     + "timestamptz '2024-01-01 12:00:00+00', true, 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid")) {
            jdbc.createStatement().execute("SET TimeZone = 'UTC'");
            for (int i = 0; i < 8; i++) {
                try (ResultSet rs = ps.executeQuery()) {
                    assertTrue(rs.next());
                    assertEquals("42", rs.getString(1));
                    assertEquals(42, rs.getObject(1));
                    assertEquals("1.10", rs.getString(2));
                    assertEquals(new BigDecimal("1.10"), rs.getObject(2));
                    assertEquals("2024-01-01 12:00:00+00", rs.getString(3));
                    assertEquals("t", rs.getString(4));
                    assertEquals("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", rs.getString(5));
                }
            }
        }
    }
}
