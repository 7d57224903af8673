package dev.pgreen.typecast;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pgreen.Typecaster;
import dev.pgreen.errors.DataException;

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

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class CastersTest {

    private static Object cast(int oid, String text) {
        Typecaster t = Builtins.get(oid);
        assertNotNull(t, "a built-in typecaster for OID " + oid);
        return t.cast(text, null);
    }

    private static List<Object> list(Object... items) {
        return Arrays.asList(items);
    }

    // ---- bool ----

    @Test
    void bool() {
        assertSame(Boolean.TRUE, ScalarCasters.bool("t"));
        assertSame(Boolean.FALSE, ScalarCasters.bool("f"));
        assertEquals(Boolean.TRUE, cast(Oids.BOOL, "t"));
        assertEquals(Boolean.FALSE, cast(Oids.BOOL, "f"));
        assertNull(cast(Oids.BOOL, null));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "true", "false", "T", "F", "1", "0", "yes", "x", " t", "t "})
    void boolRejectsOtherValues(String s) {
        assertThrows(DataException.class, () -> ScalarCasters.bool(s));
        assertThrows(DataException.class, () -> cast(Oids.BOOL, s));
    }

    // ---- integers ----

    @ParameterizedTest
    @CsvSource({
            "21, 0, 0", "21, -32768, -32768", "21, 32767, 32767",
            "23, 42, 42", "23, -2147483648, -2147483648", "23, 2147483647, 2147483647"})
    void int2AndInt4AreIntegers(int oid, String text, int expected) {
        assertEquals(Integer.valueOf(expected), cast(oid, text));
    }

    @ParameterizedTest
    @CsvSource({
            "20, 0, 0", "20, -9223372036854775808, -9223372036854775808",
            "20, 9223372036854775807, 9223372036854775807", "26, 4294967295, 4294967295"})
    void int8AndOidAreLongs(int oid, String text, long expected) {
        assertEquals(Long.valueOf(expected), cast(oid, text));
    }

    @ParameterizedTest
    @CsvSource({"23, ''", "23, abc", "23, 1.5", "23, 2147483648", "21, 1e3", "20, 9223372036854775808",
            "20, ' 1'", "26, x"})
    void malformedIntegersRaiseDataException(int oid, String text) {
        assertThrows(DataException.class, () -> cast(oid, text));
    }

    // ---- numeric and float ----

    static Stream<Arguments> numerics() {
        return Stream.of(
                Arguments.of("0", new BigDecimal("0")),
                Arguments.of("3.14", new BigDecimal("3.14")),
                Arguments.of("1.10", new BigDecimal("1.10")),
                Arguments.of("-0.001", new BigDecimal("-0.001")),
                Arguments.of("12345678901234567890.000000001", new BigDecimal("12345678901234567890.000000001")),
                Arguments.of("NaN", Double.NaN),
                Arguments.of("Infinity", Double.POSITIVE_INFINITY),
                Arguments.of("-Infinity", Double.NEGATIVE_INFINITY));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("numerics")
    void numeric(String text, Object expected) {
        assertEquals(expected, ScalarCasters.numeric(text));
        assertEquals(expected, cast(Oids.NUMERIC, text));
        assertEquals(expected.getClass(), cast(Oids.NUMERIC, text).getClass());
    }

    static Stream<Arguments> floats() {
        return Stream.of(
                Arguments.of("0", 0.0),
                Arguments.of("-0", -0.0),
                Arguments.of("1.5", 1.5),
                Arguments.of("-2.25", -2.25),
                Arguments.of("1.23", 1.23),
                Arguments.of("1e+308", 1e308),
                Arguments.of("1.7976931348623157e+308", Double.MAX_VALUE),
                Arguments.of("4.9e-324", Double.MIN_VALUE),
                Arguments.of("5e-324", Double.MIN_VALUE),
                Arguments.of("NaN", Double.NaN),
                Arguments.of("Infinity", Double.POSITIVE_INFINITY),
                Arguments.of("-Infinity", Double.NEGATIVE_INFINITY));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("floats")
    void float8(String text, Double expected) {
        // Double.equals tells -0.0 from 0.0 and NaN equals NaN
        assertEquals(expected, ScalarCasters.float8(text));
        assertEquals(expected, cast(Oids.FLOAT8, text));
        assertEquals(expected, cast(Oids.FLOAT4, text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "abc", "1.2.3", "nan", "inf", "--1", "1,5"})
    void malformedNumbersRaiseDataException(String text) {
        assertThrows(DataException.class, () -> ScalarCasters.numeric(text));
        assertThrows(DataException.class, () -> ScalarCasters.float8(text));
        assertThrows(DataException.class, () -> cast(Oids.NUMERIC, text));
        assertThrows(DataException.class, () -> cast(Oids.FLOAT8, text));
    }

    // ---- bytea ----

    static Stream<Arguments> byteas() {
        return Stream.of(
                Arguments.of("\\x", new byte[0]),
                Arguments.of("\\x0102ff", new byte[] {1, 2, (byte) 0xff}),
                Arguments.of("\\x00", new byte[] {0}),
                Arguments.of("\\xDEADbeef", new byte[] {(byte) 0xde, (byte) 0xad, (byte) 0xbe, (byte) 0xef}),
                // the escape format (bytea_output = escape)
                Arguments.of("", new byte[0]),
                Arguments.of("abc", new byte[] {'a', 'b', 'c'}),
                Arguments.of("\\000", new byte[] {0}),
                Arguments.of("\\\\", new byte[] {'\\'}),
                Arguments.of("a\\\\b\\001\\377z", new byte[] {'a', '\\', 'b', 1, (byte) 0xff, 'z'}),
                Arguments.of("\\047", new byte[] {'\''}));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("byteas")
    void bytea(String text, byte[] expected) {
        assertArrayEquals(expected, ScalarCasters.bytea(text));
        assertArrayEquals(expected, (byte[]) cast(Oids.BYTEA, text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"\\x0", "\\xzz", "\\x0g", "\\x 01", "\\", "a\\", "\\0", "\\00", "\\999", "\\08a"})
    void malformedByteaRaisesDataException(String text) {
        assertThrows(DataException.class, () -> ScalarCasters.bytea(text));
        assertThrows(DataException.class, () -> cast(Oids.BYTEA, text));
    }

    // ---- uuid and text ----

    @Test
    void uuidAndText() {
        assertEquals(UUID.fromString("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"),
                cast(Oids.UUID, "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"));
        assertThrows(DataException.class, () -> cast(Oids.UUID, "not-a-uuid"));
        assertEquals("h\u00e9llo", cast(Oids.TEXT, "h\u00e9llo"));
        assertEquals("", cast(Oids.VARCHAR, ""));
        assertEquals("{\"a\": 1}", cast(Oids.JSONB, "{\"a\": 1}"));
        assertEquals("$1,000.00", cast(Oids.MONEY, "$1,000.00"));
        assertNull(cast(Oids.TEXT, null));
        assertNull(Builtins.get(Oids.POINT), "no built-in for point: the cursor falls back to text");
    }

    // ---- date ----

    static Stream<Arguments> dates() {
        return Stream.of(
                Arguments.of("2024-02-29", LocalDate.of(2024, 2, 29)),
                Arguments.of("1970-01-01", LocalDate.of(1970, 1, 1)),
                Arguments.of("0001-01-01", LocalDate.of(1, 1, 1)),
                Arguments.of("9999-12-31", LocalDate.of(9999, 12, 31)),
                Arguments.of("12345-06-07", LocalDate.of(12345, 6, 7)),
                Arguments.of("5874897-12-31", LocalDate.of(5874897, 12, 31)),
                Arguments.of("infinity", LocalDate.MAX),
                Arguments.of("-infinity", LocalDate.MIN),
                // BC: there is no year zero in SQL, so 1 BC is proleptic year 0
                Arguments.of("0044-03-15 BC", LocalDate.of(-43, 3, 15)),
                Arguments.of("0001-01-01 BC", LocalDate.of(0, 1, 1)),
                Arguments.of("4713-11-24 BC", LocalDate.of(-4712, 11, 24)),
                // leap days of BC leap years (1 BC, 5 BC are leap years proleptically)
                Arguments.of("0001-02-29 BC", LocalDate.of(0, 2, 29)),
                Arguments.of("0005-02-29 BC", LocalDate.of(-4, 2, 29)));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("dates")
    void date(String text, LocalDate expected) {
        assertEquals(expected, DateTimeCasters.date(text));
        assertEquals(expected, cast(Oids.DATE, text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "abc", "2024", "2024-01", "2024-1-01", "2024-01-1", "20240101", "24-01-01",
            "2024/01/01", "2024-01-01x", "2024-01-01 ", "2024-01-01 AD", "2024-01-01 BC ", "2024-13-01",
            "2024-00-10", "2024-02-30", "2023-02-29", "2024-01-32", "0004-02-29 BC", "Infinity", "infinityx",
            "2024-01-01 00:00:00"})
    void malformedDatesRaiseDataException(String text) {
        assertThrows(DataException.class, () -> DateTimeCasters.date(text));
        assertThrows(DataException.class, () -> cast(Oids.DATE, text));
    }

    // ---- time and timetz ----

    static Stream<Arguments> times() {
        return Stream.of(
                Arguments.of("00:00:00", LocalTime.MIDNIGHT),
                Arguments.of("04:05:06", LocalTime.of(4, 5, 6)),
                Arguments.of("04:05:06.789", LocalTime.of(4, 5, 6, 789_000_000)),
                Arguments.of("04:05:06.5", LocalTime.of(4, 5, 6, 500_000_000)),
                Arguments.of("23:59:59.999999", LocalTime.of(23, 59, 59, 999_999_000)),
                Arguments.of("12:00:00.000001", LocalTime.of(12, 0, 0, 1_000)),
                // 24:00:00 is a valid PostgreSQL time, past LocalTime's range: the latest LocalTime
                Arguments.of("24:00:00", LocalTime.MAX));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("times")
    void time(String text, LocalTime expected) {
        assertEquals(expected, DateTimeCasters.time(text));
        assertEquals(expected, cast(Oids.TIME, text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "4:05:06", "04:5:06", "04:05", "04:05:06.", "04:05:06x", "04:05:06+01",
            "25:00:00", "12:60:00", "12:00:60", "24:00:01", "24:30:00", "24:00:00.5", "ab:cd:ef", "04-05-06"})
    void malformedTimesRaiseDataException(String text) {
        assertThrows(DataException.class, () -> DateTimeCasters.time(text));
        assertThrows(DataException.class, () -> cast(Oids.TIME, text));
    }

    static Stream<Arguments> timetzs() {
        return Stream.of(
                Arguments.of("04:05:06+05:30", OffsetTime.of(4, 5, 6, 0, ZoneOffset.ofHoursMinutes(5, 30))),
                Arguments.of("04:05:06-08", OffsetTime.of(4, 5, 6, 0, ZoneOffset.ofHours(-8))),
                Arguments.of("04:05:06.5+05:30:15",
                        OffsetTime.of(4, 5, 6, 500_000_000, ZoneOffset.ofHoursMinutesSeconds(5, 30, 15))),
                Arguments.of("23:59:59.999999-03:30",
                        OffsetTime.of(23, 59, 59, 999_999_000, ZoneOffset.ofHoursMinutes(-3, -30))),
                Arguments.of("00:00:00+00", OffsetTime.of(0, 0, 0, 0, ZoneOffset.UTC)),
                Arguments.of("00:00:00-00:00:01", OffsetTime.of(0, 0, 0, 0, ZoneOffset.ofTotalSeconds(-1))),
                Arguments.of("12:00:00+15:59", OffsetTime.of(12, 0, 0, 0, ZoneOffset.ofHoursMinutes(15, 59))));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("timetzs")
    void timetz(String text, OffsetTime expected) {
        assertEquals(expected, DateTimeCasters.timetz(text));
        assertEquals(expected, cast(Oids.TIMETZ, text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "04:05:06", "04:05:06+5", "04:05:06 +05", "04:05:06+05:3", "04:05:06+05:30:1",
            "04:05:06+05x", "04:05:06Z", "04:05:06+19", "04:05:06+05:60", "25:00:00+00"})
    void malformedTimetzRaiseDataException(String text) {
        assertThrows(DataException.class, () -> DateTimeCasters.timetz(text));
        assertThrows(DataException.class, () -> cast(Oids.TIMETZ, text));
    }

    // ---- timestamp and timestamptz ----

    static Stream<Arguments> timestamps() {
        return Stream.of(
                Arguments.of("2024-01-02 03:04:05", LocalDateTime.of(2024, 1, 2, 3, 4, 5)),
                Arguments.of("2024-01-02 03:04:05.123456", LocalDateTime.of(2024, 1, 2, 3, 4, 5, 123_456_000)),
                Arguments.of("2024-01-02 03:04:05.5", LocalDateTime.of(2024, 1, 2, 3, 4, 5, 500_000_000)),
                Arguments.of("1999-12-31 23:59:59.999999", LocalDateTime.of(1999, 12, 31, 23, 59, 59, 999_999_000)),
                Arguments.of("0044-03-15 12:00:00 BC", LocalDateTime.of(-43, 3, 15, 12, 0)),
                Arguments.of("0001-12-31 23:59:59.5 BC", LocalDateTime.of(0, 12, 31, 23, 59, 59, 500_000_000)),
                Arguments.of("0005-02-29 00:00:00 BC", LocalDateTime.of(-4, 2, 29, 0, 0)),
                Arguments.of("12345-01-01 00:00:00", LocalDateTime.of(12345, 1, 1, 0, 0)),
                Arguments.of("294276-12-31 23:59:59.999999", LocalDateTime.of(294276, 12, 31, 23, 59, 59, 999_999_000)),
                Arguments.of("2024-01-01 24:00:00", LocalDateTime.of(2024, 1, 2, 0, 0)),
                Arguments.of("infinity", LocalDateTime.MAX),
                Arguments.of("-infinity", LocalDateTime.MIN));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("timestamps")
    void timestamp(String text, LocalDateTime expected) {
        assertEquals(expected, DateTimeCasters.timestamp(text));
        assertEquals(expected, cast(Oids.TIMESTAMP, text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "2024-01-02", "2024-01-02T03:04:05", "2024-01-02 03:04:05+00",
            "2024-01-02  03:04:05", "2024-01-02 3:04:05", "2024-01-02 03:04:05 AD", "2024-01-02 03:04:05 BC x",
            "2024-02-30 00:00:00", "2024-01-02 25:00:00", "0004-02-29 00:00:00 BC", "infinity ", "03:04:05"})
    void malformedTimestampsRaiseDataException(String text) {
        assertThrows(DataException.class, () -> DateTimeCasters.timestamp(text));
        assertThrows(DataException.class, () -> cast(Oids.TIMESTAMP, text));
    }

    static Stream<Arguments> timestamptzs() {
        return Stream.of(
                Arguments.of("2024-01-02 03:04:05+01",
                        OffsetDateTime.of(2024, 1, 2, 3, 4, 5, 0, ZoneOffset.ofHours(1))),
                Arguments.of("2024-01-02 03:04:05.5-08",
                        OffsetDateTime.of(2024, 1, 2, 3, 4, 5, 500_000_000, ZoneOffset.ofHours(-8))),
                Arguments.of("2024-01-02 03:04:05.123456+05:30",
                        OffsetDateTime.of(2024, 1, 2, 3, 4, 5, 123_456_000, ZoneOffset.ofHoursMinutes(5, 30))),
                Arguments.of("1900-01-01 00:00:00+00:53:28",
                        OffsetDateTime.of(1900, 1, 1, 0, 0, 0, 0, ZoneOffset.ofHoursMinutesSeconds(0, 53, 28))),
                Arguments.of("2024-06-30 12:00:00+00", OffsetDateTime.of(2024, 6, 30, 12, 0, 0, 0, ZoneOffset.UTC)),
                Arguments.of("0044-03-15 12:00:00+00 BC",
                        OffsetDateTime.of(-43, 3, 15, 12, 0, 0, 0, ZoneOffset.UTC)),
                Arguments.of("0005-02-29 00:00:00+01 BC",
                        OffsetDateTime.of(-4, 2, 29, 0, 0, 0, 0, ZoneOffset.ofHours(1))),
                Arguments.of("12345-01-01 00:00:00-05",
                        OffsetDateTime.of(12345, 1, 1, 0, 0, 0, 0, ZoneOffset.ofHours(-5))),
                Arguments.of("infinity", OffsetDateTime.MAX),
                Arguments.of("-infinity", OffsetDateTime.MIN));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("timestamptzs")
    void timestamptz(String text, OffsetDateTime expected) {
        assertEquals(expected, DateTimeCasters.timestamptz(text));
        assertEquals(expected, cast(Oids.TIMESTAMPTZ, text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "2024-01-02 03:04:05", "2024-01-02 03:04:05Z", "2024-01-02 03:04:05 +01",
            "2024-01-02 03:04:05+1", "2024-01-02 03:04:05+01 AD", "2024-01-02 03:04:05 BC+01",
            "2024-02-30 00:00:00+00", "2024-01-02 03:04:05+19", "2024-01-02T03:04:05+01"})
    void malformedTimestamptzRaiseDataException(String text) {
        assertThrows(DataException.class, () -> DateTimeCasters.timestamptz(text));
        assertThrows(DataException.class, () -> cast(Oids.TIMESTAMPTZ, text));
    }

    // ---- interval (postgres IntervalStyle; a month is 30 days, a year 365) ----

    static Stream<Arguments> intervals() {
        return Stream.of(
                Arguments.of("1 year 2 mons 3 days 04:05:06.789",
                        Duration.ofDays(365 + 60 + 3).plusHours(4).plusMinutes(5).plusSeconds(6).plusMillis(789)),
                Arguments.of("-1 days +02:00:00", Duration.ofDays(-1).plusHours(2)),
                Arguments.of("00:00:00", Duration.ZERO),
                Arguments.of("-00:00:01.5", Duration.ofMillis(-1500)),
                Arguments.of("100:00:00", Duration.ofHours(100)),
                Arguments.of("3 days", Duration.ofDays(3)),
                Arguments.of("1 day", Duration.ofDays(1)),
                Arguments.of("1 mon", Duration.ofDays(30)),
                Arguments.of("1 year", Duration.ofDays(365)),
                Arguments.of("2 years", Duration.ofDays(730)),
                Arguments.of("-1 years -2 mons", Duration.ofDays(-(365 + 60))),
                Arguments.of("1 day -00:00:01", Duration.ofDays(1).minusSeconds(1)),
                Arguments.of("-2 days -03:04:05.000006",
                        Duration.ofDays(-2).minusHours(3).minusMinutes(4).minusSeconds(5).minusNanos(6_000)),
                Arguments.of("00:00:00.000001", Duration.ofNanos(1_000)),
                Arguments.of("1 year -1 mons +1 day -01:00:00",
                        Duration.ofDays(365 - 30 + 1).minusHours(1)),
                Arguments.of("-2562047788:00:54.775807",
                        Duration.ofHours(-2562047788L).minusSeconds(54).minusNanos(775_807_000)),
                Arguments.of("178000000 years", Duration.ofDays(178_000_000L * 365)),
                Arguments.of("0 days", Duration.ZERO));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("intervals")
    void interval(String text, Duration expected) {
        assertEquals(expected, DateTimeCasters.interval(text));
        assertEquals(expected, cast(Oids.INTERVAL, text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "abc", "1", "1 ", "1 fortnight", "1 days 04:05", "04:05:06.", "1days",
            "- 1 days", "1 year 2", "04:5:06", "@ 1 day", "P1D", "1 day ago", "99999999999999999999 days",
            "9999999999999999 years", "1.5 days", "+", "-"})
    void malformedIntervalsRaiseDataException(String text) {
        assertThrows(DataException.class, () -> DateTimeCasters.interval(text));
        assertThrows(DataException.class, () -> cast(Oids.INTERVAL, text));
    }

    // ---- arrays ----

    static Stream<Arguments> arrays() {
        return Stream.of(
                Arguments.of(Oids.INT4_ARRAY, "{1,2,NULL}", list(1, 2, null)),
                Arguments.of(Oids.INT4_ARRAY, "{}", List.of()),
                Arguments.of(Oids.INT4_ARRAY, "{42}", List.of(42)),
                Arguments.of(Oids.INT4_ARRAY, "{NULL}", list((Object) null)),
                Arguments.of(Oids.INT4_ARRAY, "{{1,2},{3,4}}", List.of(List.of(1, 2), List.of(3, 4))),
                Arguments.of(Oids.INT4_ARRAY, "{{{1}},{{2}}}", List.of(List.of(List.of(1)), List.of(List.of(2)))),
                Arguments.of(Oids.INT4_ARRAY, "{{1,NULL},{NULL,4}}", List.of(list(1, null), list(null, 4))),
                Arguments.of(Oids.INT4_ARRAY, "[0:1]={1,2}", List.of(1, 2)),
                Arguments.of(Oids.INT4_ARRAY, "[-2:-1]={-1,-2}", List.of(-1, -2)),
                Arguments.of(Oids.INT4_ARRAY, "[0:1][1:2]={{1,2},{3,4}}", List.of(List.of(1, 2), List.of(3, 4))),
                Arguments.of(Oids.INT2_ARRAY, "{-32768,32767}", List.of(-32768, 32767)),
                Arguments.of(Oids.INT8_ARRAY, "{9223372036854775807}", List.of(Long.MAX_VALUE)),
                Arguments.of(Oids.TEXT_ARRAY, "{\"a b\",\"c\\\"d\",NULL,\"NULL\"}", list("a b", "c\"d", null, "NULL")),
                Arguments.of(Oids.TEXT_ARRAY, "{\"a\\\\b\"}", List.of("a\\b")),
                Arguments.of(Oids.TEXT_ARRAY, "{\"\"}", List.of("")),
                Arguments.of(Oids.TEXT_ARRAY, "{\"{x}\",\"a,b\",\"}\"}", List.of("{x}", "a,b", "}")),
                Arguments.of(Oids.TEXT_ARRAY, "{h\u00e9llo,\u2603}", List.of("h\u00e9llo", "\u2603")),
                Arguments.of(Oids.VARCHAR_ARRAY, "{{a,b},{c,\"d e\"}}", List.of(List.of("a", "b"), List.of("c", "d e"))),
                Arguments.of(Oids.BOOL_ARRAY, "{t,f,NULL}", list(true, false, null)),
                Arguments.of(Oids.FLOAT8_ARRAY, "{1.5,NaN,-Infinity,-0}",
                        List.of(1.5, Double.NaN, Double.NEGATIVE_INFINITY, -0.0)),
                Arguments.of(Oids.NUMERIC_ARRAY, "{1.10,NaN,-5}", List.of(new BigDecimal("1.10"), Double.NaN,
                        new BigDecimal("-5"))),
                Arguments.of(Oids.DATE_ARRAY, "{2024-01-01,infinity,\"0044-03-15 BC\"}",
                        List.of(LocalDate.of(2024, 1, 1), LocalDate.MAX, LocalDate.of(-43, 3, 15))),
                Arguments.of(Oids.TIMESTAMP_ARRAY, "{\"2024-01-02 03:04:05\",NULL}",
                        list(LocalDateTime.of(2024, 1, 2, 3, 4, 5), null)),
                Arguments.of(Oids.TIMESTAMPTZ_ARRAY, "{\"2024-01-02 03:04:05+01\"}",
                        List.of(OffsetDateTime.of(2024, 1, 2, 3, 4, 5, 0, ZoneOffset.ofHours(1)))),
                Arguments.of(Oids.INTERVAL_ARRAY, "{\"1 day\",-00:00:01}",
                        List.of(Duration.ofDays(1), Duration.ofSeconds(-1))),
                Arguments.of(Oids.UUID_ARRAY, "{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11}",
                        List.of(UUID.fromString("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"))));
    }

    @ParameterizedTest(name = "[{index}] {1}")
    @MethodSource("arrays")
    void array(int oid, String text, List<?> expected) {
        Object result = cast(oid, text);
        assertEquals(expected, result);
        assertUnmodifiableDeep(result);
    }

    private static void assertUnmodifiableDeep(Object o) {
        List<?> l = assertInstanceOf(List.class, o);
        @SuppressWarnings("unchecked")
        List<Object> raw = (List<Object>) l;
        assertThrows(UnsupportedOperationException.class, () -> raw.add(1));
        if (!l.isEmpty()) {
            assertThrows(UnsupportedOperationException.class, () -> raw.set(0, 1));
            assertThrows(UnsupportedOperationException.class, () -> raw.remove(0));
        }
        for (Object item : l) {
            if (item instanceof List<?>) {
                assertUnmodifiableDeep(item);
            }
        }
    }

    @Test
    void quotedNullIsTheStringNull() {
        @SuppressWarnings("unchecked")
        List<Object> l = (List<Object>) cast(Oids.TEXT_ARRAY, "{NULL,\"NULL\"}");
        assertNull(l.get(0));
        assertEquals("NULL", l.get(1));
    }

    @Test
    void byteaArray() {
        @SuppressWarnings("unchecked")
        List<Object> l = (List<Object>) cast(Oids.BYTEA_ARRAY, "{\"\\\\x0102\",NULL,\"\\\\x\"}");
        assertEquals(3, l.size());
        assertArrayEquals(new byte[] {1, 2}, (byte[]) l.get(0));
        assertNull(l.get(1));
        assertArrayEquals(new byte[0], (byte[]) l.get(2));
    }

    @Test
    void nullArrayIsNull() {
        assertNull(cast(Oids.INT4_ARRAY, null));
        assertNull(cast(Oids.TEXT_ARRAY, null));
    }

    @Test
    void otherDelimiter() {
        assertEquals(List.of("(1,2),(0,0)", "(3,4),(1,1)"),
                ArrayParser.parse("{(1,2),(0,0);(3,4),(1,1)}", Builtins.UNICODE, null, ';'));
    }

    @Test
    void arrayOfAUserTypecaster() {
        Typecaster upper = new Typecaster(new int[] {99999}, "UPPER", (v, c) -> v == null ? null : v.toUpperCase());
        Typecaster array = Builtins.arrayOf(new int[] {99998}, "UPPERARRAY", upper);
        assertEquals(list("A", null, "B C"), array.cast("{a,NULL,\"b c\"}", null));
        assertEquals("UPPERARRAY", array.name());
        assertArrayEquals(new int[] {99998}, array.oids());
    }

    static Stream<Arguments> malformedArrays() {
        return Stream.of(
                Arguments.of(Oids.INT4_ARRAY, ""),
                Arguments.of(Oids.INT4_ARRAY, "{"),
                Arguments.of(Oids.INT4_ARRAY, "}"),
                Arguments.of(Oids.INT4_ARRAY, "1,2"),
                Arguments.of(Oids.INT4_ARRAY, "{1,2"),
                Arguments.of(Oids.INT4_ARRAY, "{1,2}x"),
                Arguments.of(Oids.INT4_ARRAY, "{1,2}}"),
                Arguments.of(Oids.INT4_ARRAY, "{{1,2}"),
                Arguments.of(Oids.INT4_ARRAY, "{{1,2},{3,4}"),
                Arguments.of(Oids.INT4_ARRAY, "{1,,2}"),
                Arguments.of(Oids.INT4_ARRAY, "{1,}"),
                Arguments.of(Oids.INT4_ARRAY, "{,}"),
                Arguments.of(Oids.INT4_ARRAY, "{1,abc}"),
                Arguments.of(Oids.INT4_ARRAY, "{1.5}"),
                Arguments.of(Oids.INT4_ARRAY, "{\"1}"),
                Arguments.of(Oids.INT4_ARRAY, "[0:1]{1,2}"),
                Arguments.of(Oids.INT4_ARRAY, "[0:1]"),
                Arguments.of(Oids.INT4_ARRAY, "[0:1]="),
                Arguments.of(Oids.TEXT_ARRAY, "{a,,b}"),
                Arguments.of(Oids.TEXT_ARRAY, "{\"abc}"),
                Arguments.of(Oids.TEXT_ARRAY, "{\"a\"b}"),
                Arguments.of(Oids.TEXT_ARRAY, "{a,\"b\\"),
                Arguments.of(Oids.TEXT_ARRAY, "{{a},b"),
                Arguments.of(Oids.BOOL_ARRAY, "{t,x}"),
                Arguments.of(Oids.DATE_ARRAY, "{2024-13-01}"),
                Arguments.of(Oids.INTERVAL_ARRAY, "{\"1 fortnight\"}"),
                Arguments.of(Oids.NUMERIC_ARRAY, "{1.2.3}"),
                Arguments.of(Oids.BYTEA_ARRAY, "{\"\\\\xzz\"}"),
                Arguments.of(Oids.UUID_ARRAY, "{nope}"));
    }

    @ParameterizedTest(name = "[{index}] {1}")
    @MethodSource("malformedArrays")
    void malformedArraysRaiseDataException(int oid, String text) {
        assertThrows(DataException.class, () -> cast(oid, text));
    }

    @Test
    void anArrayNested100000DeepIsRefusedNamingTheLimit() {
        String deep = "{".repeat(100_000) + "1" + "}".repeat(100_000);
        var fromString = assertThrows(DataException.class, () -> Builtins.INTEGERARRAY.cast(deep, null));
        assertTrue(fromString.getMessage().contains("nested more than 16 deep"), fromString.getMessage());
        assertTrue(fromString.getMessage().length() < 300, "the message quotes all of the value");
        byte[] bytes = deep.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        var fromBytes = assertThrows(DataException.class, () -> Builtins.UNICODEARRAY.cast(bytes, 0, bytes.length, null));
        assertEquals(fromString.getMessage(), fromBytes.getMessage());
    }

    @Test
    void sixteenDimensionsParseAndSeventeenAreRefused() {
        Object value = cast(Oids.INT4_ARRAY, "{".repeat(ArrayParser.MAX_DIMENSIONS) + "7" + "}".repeat(ArrayParser.MAX_DIMENSIONS));
        for (int i = 0; i < ArrayParser.MAX_DIMENSIONS; i++) {
            value = assertInstanceOf(List.class, value).get(0);
        }
        assertEquals(7, value);
        int over = ArrayParser.MAX_DIMENSIONS + 1;
        var e = assertThrows(DataException.class, () -> cast(Oids.INT4_ARRAY, "{".repeat(over) + "7" + "}".repeat(over)));
        assertTrue(e.getMessage().contains("more than 16 deep"), e.getMessage());
    }

    @Test
    void aLongMalformedArrayIsQuotedInPart() {
        String text = "{" + "1,".repeat(1_000_000) + "1"; // no closing brace
        var e = assertThrows(DataException.class, () -> cast(Oids.INT4_ARRAY, text));
        assertTrue(e.getMessage().startsWith("malformed array literal: {1,1,"), e.getMessage());
        assertTrue(e.getMessage().endsWith("... (" + text.length() + " bytes)"), e.getMessage());
    }

    @Test
    void builtinConstantsAreRegistered() {
        assertSame(Builtins.BOOLEAN, Builtins.get(Oids.BOOL));
        assertSame(Builtins.INTEGER, Builtins.get(Oids.INT4));
        assertSame(Builtins.INTEGER, Builtins.get(Oids.INT2));
        assertSame(Builtins.LONGINTEGER, Builtins.get(Oids.INT8));
        assertSame(Builtins.FLOAT, Builtins.get(Oids.FLOAT4));
        assertSame(Builtins.DECIMAL, Builtins.get(Oids.NUMERIC));
        assertSame(Builtins.UNICODE, Builtins.get(Oids.TEXT));
        assertSame(Builtins.BINARY, Builtins.get(Oids.BYTEA));
        assertSame(Builtins.DATE, Builtins.get(Oids.DATE));
        assertSame(Builtins.TIME, Builtins.get(Oids.TIME));
        assertSame(Builtins.TIMETZ, Builtins.get(Oids.TIMETZ));
        assertSame(Builtins.DATETIME, Builtins.get(Oids.TIMESTAMP));
        assertSame(Builtins.DATETIMETZ, Builtins.get(Oids.TIMESTAMPTZ));
        assertSame(Builtins.INTERVAL, Builtins.get(Oids.INTERVAL));
        assertSame(Builtins.UUID, Builtins.get(Oids.UUID));
        assertTrue(Builtins.get(Oids.INT4_ARRAY) != null);
    }
}
