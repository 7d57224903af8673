package dev.pgreen;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.pgreen.testing.PgServerExtension;
import dev.pgreen.testing.TestServer;
import dev.pgreen.typecast.Oids;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every built-in type: a literal selected from the server arrives with its OID as the Java class and value
 * API.md section 5 pins; so do one- and two-dimensional arrays of it, with NULL elements.
 */
@ExtendWith(PgServerExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BuiltinTypesTest {
    private Connection conn;
    private Cursor cur;

    @BeforeAll
    void connect(TestServer server) {
        conn = Pgreen.connect(server.dsn());
        conn.setAutocommit(true);
        cur = conn.cursor();
    }

    @AfterAll
    void close() {
        if (conn != null) conn.close();
    }

    @BeforeEach
    void session() {
        cur.execute("SET TimeZone = 'UTC'; SET lc_monetary = 'C'");
    }

    /** SQL type, its OID, its array's OID, a literal of it, the Java value it must arrive as. */
    static Stream<Arguments> types() {
        return Stream.of(
                Arguments.of("bool", Oids.BOOL, Oids.BOOL_ARRAY, "true", Boolean.TRUE),
                Arguments.of("bool", Oids.BOOL, Oids.BOOL_ARRAY, "false", Boolean.FALSE),
                Arguments.of("int2", Oids.INT2, Oids.INT2_ARRAY, "'-32768'", -32768),
                Arguments.of("int4", Oids.INT4, Oids.INT4_ARRAY, "2147483647", Integer.MAX_VALUE),
                Arguments.of("int8", Oids.INT8, Oids.INT8_ARRAY, "'-9223372036854775808'", Long.MIN_VALUE),
                Arguments.of("oid", Oids.OID, Oids.OID_ARRAY, "4294967295", 4294967295L),
                Arguments.of("float4", Oids.FLOAT4, Oids.FLOAT4_ARRAY, "1.5", 1.5),
                Arguments.of("float4", Oids.FLOAT4, Oids.FLOAT4_ARRAY, "'-Infinity'", Double.NEGATIVE_INFINITY),
                Arguments.of("float8", Oids.FLOAT8, Oids.FLOAT8_ARRAY, "'NaN'", Double.NaN),
                Arguments.of("float8", Oids.FLOAT8, Oids.FLOAT8_ARRAY, "'-0'", -0.0),
                Arguments.of("float8", Oids.FLOAT8, Oids.FLOAT8_ARRAY, "1e300", 1e300),
                Arguments.of("numeric", Oids.NUMERIC, Oids.NUMERIC_ARRAY, "1.10", new BigDecimal("1.10")),
                Arguments.of("numeric", Oids.NUMERIC, Oids.NUMERIC_ARRAY, "-123456789012345678901234567890.123456789",
                        new BigDecimal("-123456789012345678901234567890.123456789")),
                Arguments.of("numeric", Oids.NUMERIC, Oids.NUMERIC_ARRAY, "'NaN'", Double.NaN),
                Arguments.of("numeric", Oids.NUMERIC, Oids.NUMERIC_ARRAY, "'Infinity'", Double.POSITIVE_INFINITY),
                Arguments.of("numeric", Oids.NUMERIC, Oids.NUMERIC_ARRAY, "'-Infinity'", Double.NEGATIVE_INFINITY),
                Arguments.of("text", Oids.TEXT, Oids.TEXT_ARRAY, "'h\u00e9llo, \"w\\orld\"'", "h\u00e9llo, \"w\\orld\""),
                Arguments.of("varchar", Oids.VARCHAR, Oids.VARCHAR_ARRAY, "'{x}'", "{x}"),
                Arguments.of("bpchar", Oids.BPCHAR, Oids.BPCHAR_ARRAY, "'ab'::char(4)", "ab  "),
                Arguments.of("name", Oids.NAME, Oids.NAME_ARRAY, "'pg_class'", "pg_class"),
                Arguments.of("\"char\"", Oids.CHAR, Oids.CHAR_ARRAY, "'x'", "x"),
                Arguments.of("bytea", Oids.BYTEA, Oids.BYTEA_ARRAY, "'\\x00ff10'", new byte[] {0, (byte) 0xff, 0x10}),
                Arguments.of("date", Oids.DATE, Oids.DATE_ARRAY, "'2024-02-29'", LocalDate.of(2024, 2, 29)),
                Arguments.of("date", Oids.DATE, Oids.DATE_ARRAY, "'infinity'", LocalDate.MAX),
                Arguments.of("date", Oids.DATE, Oids.DATE_ARRAY, "'-infinity'", LocalDate.MIN),
                Arguments.of("date", Oids.DATE, Oids.DATE_ARRAY, "'0044-03-15 BC'", LocalDate.of(-43, 3, 15)),
                Arguments.of("date", Oids.DATE, Oids.DATE_ARRAY, "'4714-11-24 BC'", LocalDate.of(-4713, 11, 24)),
                Arguments.of("date", Oids.DATE, Oids.DATE_ARRAY, "'5874897-12-31'", LocalDate.of(5874897, 12, 31)),
                Arguments.of("time", Oids.TIME, Oids.TIME_ARRAY, "'04:05:06.789'", LocalTime.of(4, 5, 6, 789_000_000)),
                Arguments.of("time", Oids.TIME, Oids.TIME_ARRAY, "'24:00:00'", LocalTime.MAX),
                Arguments.of("timetz", Oids.TIMETZ, Oids.TIMETZ_ARRAY, "'04:05:06-03:30'",
                        OffsetTime.of(4, 5, 6, 0, ZoneOffset.ofHoursMinutes(-3, -30))),
                Arguments.of("timestamp", Oids.TIMESTAMP, Oids.TIMESTAMP_ARRAY, "'2024-01-02 03:04:05.123456'",
                        LocalDateTime.of(2024, 1, 2, 3, 4, 5, 123_456_000)),
                Arguments.of("timestamp", Oids.TIMESTAMP, Oids.TIMESTAMP_ARRAY, "'0001-01-01 00:00:00 BC'",
                        LocalDateTime.of(0, 1, 1, 0, 0)),
                Arguments.of("timestamp", Oids.TIMESTAMP, Oids.TIMESTAMP_ARRAY, "'infinity'", LocalDateTime.MAX),
                Arguments.of("timestamp", Oids.TIMESTAMP, Oids.TIMESTAMP_ARRAY, "'-infinity'", LocalDateTime.MIN),
                Arguments.of("timestamptz", Oids.TIMESTAMPTZ, Oids.TIMESTAMPTZ_ARRAY, "'2024-01-02 03:04:05.5+02'",
                        OffsetDateTime.of(2024, 1, 2, 1, 4, 5, 500_000_000, ZoneOffset.UTC)),
                Arguments.of("timestamptz", Oids.TIMESTAMPTZ, Oids.TIMESTAMPTZ_ARRAY, "'0044-03-15 12:00:00+00 BC'",
                        OffsetDateTime.of(-43, 3, 15, 12, 0, 0, 0, ZoneOffset.UTC)),
                Arguments.of("timestamptz", Oids.TIMESTAMPTZ, Oids.TIMESTAMPTZ_ARRAY, "'infinity'", OffsetDateTime.MAX),
                Arguments.of("timestamptz", Oids.TIMESTAMPTZ, Oids.TIMESTAMPTZ_ARRAY, "'-infinity'", OffsetDateTime.MIN),
                Arguments.of("interval", Oids.INTERVAL, Oids.INTERVAL_ARRAY, "'1 year 2 mons 3 days 04:05:06.7'",
                        Duration.ofDays(365 + 60 + 3).plusHours(4).plusMinutes(5).plusSeconds(6).plusMillis(700)),
                Arguments.of("interval", Oids.INTERVAL, Oids.INTERVAL_ARRAY, "'-1 days +00:00:01'",
                        Duration.ofDays(-1).plusSeconds(1)),
                Arguments.of("uuid", Oids.UUID, Oids.UUID_ARRAY, "'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11'",
                        UUID.fromString("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11")),
                Arguments.of("json", Oids.JSON, Oids.JSON_ARRAY, "'{\"a\":  [1, \"x\"]}'", "{\"a\":  [1, \"x\"]}"),
                Arguments.of("jsonb", Oids.JSONB, Oids.JSONB_ARRAY, "'{\"b\":1,  \"a\":[true]}'", "{\"a\": [true], \"b\": 1}"),
                Arguments.of("inet", Oids.INET, Oids.INET_ARRAY, "'192.168.0.1/24'", "192.168.0.1/24"),
                Arguments.of("inet", Oids.INET, Oids.INET_ARRAY, "'::1'", "::1"),
                Arguments.of("cidr", Oids.CIDR, Oids.CIDR_ARRAY, "'10.1'", "10.1.0.0/16"),
                Arguments.of("money", Oids.MONEY, Oids.MONEY_ARRAY, "12.5", "$12.50"));
    }

    @ParameterizedTest(name = "[{index}] {3}::{0}")
    @MethodSource("types")
    void scalarArrivesAsItsJavaType(String type, int oid, int arrayOid, String literal, Object expected) {
        cur.execute("SELECT " + literal + "::" + type + ", NULL::" + type);
        assertEquals(oid, cur.description().get(0).typeCode());
        Row row = cur.fetchOne();
        assertValue(expected, row.get(0));
        assertNull(row.get(1));
    }

    @ParameterizedTest(name = "[{index}] {3}::{0}[]")
    @MethodSource("types")
    void arraysOfItArriveAsLists(String type, int oid, int arrayOid, String literal, Object expected) {
        String v = literal + "::" + type;
        cur.execute("SELECT ARRAY[" + v + ", NULL, " + v + "], ARRAY[ARRAY[" + v + ", NULL], ARRAY[NULL, " + v + "]], "
                + "'{}'::" + type + "[], NULL::" + type + "[]");
        assertEquals(arrayOid, cur.description().get(0).typeCode());
        Row row = cur.fetchOne();
        assertValue(Arrays.asList(expected, null, expected), row.get(0));
        assertValue(List.of(Arrays.asList(expected, null), Arrays.asList(null, expected)), row.get(1));
        assertEquals(List.of(), row.get(2));
        assertNull(row.get(3));
    }

    @Test
    void arraysWithNonDefaultLowerBounds() {
        cur.execute("SELECT '[0:2]={1,2,3}'::int[], '[-1:0][3:4]={{a,b},{c,d}}'::text[], "
                + "array_lower('[0:2]={1,2,3}'::int[], 1)");
        Row row = cur.fetchOne();
        assertEquals(List.of(1, 2, 3), row.get(0));
        assertEquals(List.of(List.of("a", "b"), List.of("c", "d")), row.get(1));
        assertEquals(0, row.get(2));
    }

    @Test
    void quotedArrayElements() {
        cur.execute("SELECT ARRAY['a,b', '{c}', 'd\"e', 'f\\g', '', 'NULL', ' h ', NULL, 'caf\u00e9 \u2603']");
        assertEquals(Arrays.asList("a,b", "{c}", "d\"e", "f\\g", "", "NULL", " h ", null, "caf\u00e9 \u2603"),
                cur.fetchOne().get(0));
    }

    @Test
    void timestamptzArrivesAtTheSessionsOffset() {
        record Case(String zone, String literal, OffsetDateTime expected) {}
        for (Case c : List.of(
                new Case("Asia/Kolkata", "2024-01-02 03:04:05+00",
                        OffsetDateTime.of(2024, 1, 2, 8, 34, 5, 0, ZoneOffset.ofHoursMinutes(5, 30))),
                new Case("America/St_Johns", "2024-01-02 03:04:05+00",
                        OffsetDateTime.of(2024, 1, 1, 23, 34, 5, 0, ZoneOffset.ofHoursMinutes(-3, -30))),
                new Case("America/St_Johns", "2024-07-02 03:04:05+00",
                        OffsetDateTime.of(2024, 7, 2, 0, 34, 5, 0, ZoneOffset.ofHoursMinutes(-2, -30))),
                new Case("Pacific/Chatham", "2024-07-02 00:00:00+00",
                        OffsetDateTime.of(2024, 7, 2, 12, 45, 0, 0, ZoneOffset.ofHoursMinutes(12, 45))),
                // Local mean time before 1920: an offset with seconds
                new Case("Europe/Amsterdam", "1900-01-01 00:00:00+00",
                        OffsetDateTime.of(1900, 1, 1, 0, 19, 32, 0, ZoneOffset.ofHoursMinutesSeconds(0, 19, 32))))) {
            cur.execute("SET TimeZone = %s", c.zone);
            cur.execute("SELECT %s::timestamptz, ARRAY[%s::timestamptz]", c.literal, c.literal);
            Row row = cur.fetchOne();
            OffsetDateTime got = assertInstanceOf(OffsetDateTime.class, row.get(0));
            assertEquals(c.expected, got, c.zone);
            assertEquals(List.of(c.expected), row.get(1));
        }
    }

    @Test
    void oneQueryWithEveryTypeUsesOneCasterPerColumn() {
        StringBuilder sql = new StringBuilder("SELECT ");
        List<Arguments> all = types().toList();
        for (int i = 0; i < all.size(); i++) {
            Object[] a = all.get(i).get();
            sql.append(i == 0 ? "" : ", ").append(a[3]).append("::").append(a[0]);
        }
        cur.execute(sql + " FROM generate_series(1, 50)");
        List<Row> rows = cur.fetchAll();
        assertEquals(50, rows.size());
        for (Row row : rows) {
            for (int i = 0; i < all.size(); i++) {
                assertValue(all.get(i).get()[4], row.get(i));
            }
        }
    }

    @Test
    void unknownTypesArriveAsTheirText() {
        cur.execute("SELECT '(1,2)'::point, int4range(1, 5), '1 2'::int2vector, ARRAY['(1,2)'::point]");
        assertEquals(Oids.POINT, cur.description().get(0).typeCode());
        Row row = cur.fetchOne();
        assertEquals("(1,2)", row.get(0));
        assertEquals("[1,5)", row.get(1));
        assertEquals("1 2", row.get(2));
        assertEquals("{\"(1,2)\"}", row.get(3));
    }

    @Test
    void constantsNameTheBuiltins() {
        assertSame(Extensions.INTEGER, dev.pgreen.typecast.Builtins.get(Oids.INT4));
        assertEquals(List.of(Oids.INT2_ARRAY, Oids.INT4_ARRAY),
                Arrays.stream(Extensions.INTEGERARRAY.oids()).boxed().toList());
        assertEquals("JSONB", Extensions.JSONB.name());
        assertEquals(List.of(Oids.TIMESTAMPTZ), Arrays.stream(Extensions.DATETIMETZ.oids()).boxed().toList());
        assertEquals(OffsetDateTime.of(2024, 1, 2, 3, 4, 5, 0, ZoneOffset.ofHours(1)),
                Extensions.DATETIMETZ.cast("2024-01-02 03:04:05+01", cur));
        assertEquals(List.of(1, 2), Extensions.INTEGERARRAY.cast("{1,2}", cur));
    }

    private static void assertValue(Object expected, Object actual) {
        if (expected instanceof byte[] b) {
            assertArrayEquals(b, assertInstanceOf(byte[].class, actual));
        } else if (expected instanceof List<?> l) {
            List<?> a = assertInstanceOf(List.class, actual);
            assertEquals(l.size(), a.size(), String.valueOf(actual));
            for (int i = 0; i < l.size(); i++) assertValue(l.get(i), a.get(i));
        } else if (expected == null) {
            assertNull(actual);
        } else {
            assertEquals(expected.getClass(), actual.getClass(), String.valueOf(actual));
            assertEquals(expected, actual);
        }
    }
}
