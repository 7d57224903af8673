package dev.pgreen.ported;

import dev.pgreen.Connection;
import dev.pgreen.Cursor;
import dev.pgreen.Extensions;
import dev.pgreen.Pgreen;
import dev.pgreen.errors.DataException;
import dev.pgreen.testing.PgServerExtension;
import dev.pgreen.testing.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.ZoneOffset;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Cases ported from psycopg2's tests/test_dates.py (CommonDatetimeTestsMixin, DatetimeTests). psycopg2's PYDATE,
 * PYTIME, PYDATETIME and PYINTERVAL are Extensions.DATE, TIME (TIMETZ with an offset), DATETIME (DATETIMETZ with an
 * offset) and INTERVAL; datetime → java.time per API.md section 5. Left out: mx.DateTime, FromTicks,
 * FixedOffsetTimezone, tzinfo_factory, pickling.
 */
@ExtendWith(PgServerExtension.class)
class DatesPortTest {
    private Connection conn;
    private Cursor curs;

    @BeforeEach
    void connect(TestServer server) {
        conn = Pgreen.connect(server.dsn());
        curs = conn.cursor();
    }

    @AfterEach
    void close() {
        conn.close();
    }

    private Object execute(String sql, Object... args) {
        curs.execute(sql, args);
        return curs.fetchOne().get(0);
    }

    private Object execute(String sql) {
        curs.execute(sql);
        return curs.fetchOne().get(0);
    }

    private static double totalSeconds(Duration d) {
        return d.getSeconds() + d.getNano() / 1e9;
    }

    // ---- CommonDatetimeTestsMixin ----

    @Test
    void testParseDate() {
        LocalDate value = (LocalDate) Extensions.DATE.cast("2007-01-01", curs);
        assertNotNull(value);
        assertEquals(2007, value.getYear());
        assertEquals(1, value.getMonthValue());
        assertEquals(1, value.getDayOfMonth());
    }

    @Test
    void testParseNullDate() {
        assertNull(Extensions.DATE.cast(null, curs));
    }

    @Test
    void testParseIncompleteDate() {
        assertThrows(DataException.class, () -> Extensions.DATE.cast("2007", curs));
        assertThrows(DataException.class, () -> Extensions.DATE.cast("2007-01", curs));
    }

    @Test
    void testParseTime() {
        LocalTime value = (LocalTime) Extensions.TIME.cast("13:30:29", curs);
        assertNotNull(value);
        assertEquals(13, value.getHour());
        assertEquals(30, value.getMinute());
        assertEquals(29, value.getSecond());
    }

    @Test
    void testParseNullTime() {
        assertNull(Extensions.TIME.cast(null, curs));
        assertNull(Extensions.TIMETZ.cast(null, curs));
    }

    @Test
    void testParseIncompleteTime() {
        assertThrows(DataException.class, () -> Extensions.TIME.cast("13", curs));
        assertThrows(DataException.class, () -> Extensions.TIME.cast("13:30", curs));
    }

    @Test
    void testParseDatetime() {
        LocalDateTime value = (LocalDateTime) Extensions.DATETIME.cast("2007-01-01 13:30:29", curs);
        assertNotNull(value);
        assertEquals(LocalDateTime.of(2007, 1, 1, 13, 30, 29), value);
    }

    @Test
    void testParseNullDatetime() {
        assertNull(Extensions.DATETIME.cast(null, curs));
        assertNull(Extensions.DATETIMETZ.cast(null, curs));
    }

    @Test
    void testParseIncompleteDatetime() {
        for (String s : List.of("2007", "2007-01", "2007-01-01 13", "2007-01-01 13:30")) {
            assertThrows(DataException.class, () -> Extensions.DATETIME.cast(s, curs), s);
            assertThrows(DataException.class, () -> Extensions.DATETIMETZ.cast(s, curs), s);
        }
    }

    @Test
    void testParseNullInterval() {
        assertNull(Extensions.INTERVAL.cast(null, curs));
    }

    // ---- DatetimeTests ----

    @Test
    void testParseBcDate() {
        // Python's datetime raises ValueError for BC dates; java.time has them (proleptic year 1 - n).
        assertEquals(LocalDate.of(-41, 1, 1), Extensions.DATE.cast("00042-01-01 BC", curs));
    }

    @Test
    void testParseBcDatetime() {
        assertEquals(LocalDateTime.of(-41, 1, 1, 13, 30, 29), Extensions.DATETIME.cast("00042-01-01 13:30:29 BC", curs));
    }

    @Test
    void testParseTimeMicroseconds() {
        LocalTime value = (LocalTime) Extensions.TIME.cast("13:30:29.123456", curs);
        assertEquals(29, value.getSecond());
        assertEquals(123456_000, value.getNano());
    }

    @Test
    void testParseDatetimeMicroseconds() {
        LocalDateTime value = (LocalDateTime) Extensions.DATETIME.cast("2007-01-01 13:30:29.123456", curs);
        assertEquals(29, value.getSecond());
        assertEquals(123456_000, value.getNano());
    }

    private void checkTimeTz(String strOffset, int offset) {
        OffsetTime value = (OffsetTime) Extensions.TIMETZ.cast("13:30:29" + strOffset, curs);
        assertEquals(offset, value.getOffset().getTotalSeconds(), strOffset);
        assertEquals(LocalTime.of(13, 30, 29), value.toLocalTime(), strOffset);
    }

    @Test
    void testParseTimeTimezone() {
        checkTimeTz("+01", 3600);
        checkTimeTz("-01", -3600);
        checkTimeTz("+01:15", 4500);
        checkTimeTz("-01:15", -4500);
        checkTimeTz("+01:15:00", 60 * (60 + 15));
        checkTimeTz("+01:15:29", 60 * (60 + 15) + 29);
        checkTimeTz("+01:15:30", 60 * (60 + 15) + 30);
        checkTimeTz("+01:15:59", 60 * (60 + 15) + 59);
        checkTimeTz("-01:15:00", -(60 * (60 + 15)));
        checkTimeTz("-01:15:29", -(60 * (60 + 15) + 29));
        checkTimeTz("-01:15:30", -(60 * (60 + 15) + 30));
        checkTimeTz("-01:15:59", -(60 * (60 + 15) + 59));
    }

    private void checkDatetimeTz(String strOffset, int offset) {
        LocalDateTime base = LocalDateTime.of(2007, 1, 1, 13, 30, 29);
        OffsetDateTime value = (OffsetDateTime) Extensions.DATETIMETZ.cast("2007-01-01 13:30:29" + strOffset, curs);
        assertEquals(offset, value.getOffset().getTotalSeconds(), strOffset);
        assertEquals(base, value.toLocalDateTime(), strOffset);
        LocalDateTime utc = value.withOffsetSameInstant(ZoneOffset.UTC).toLocalDateTime();
        assertEquals(Duration.ofSeconds(offset), Duration.between(utc, base), strOffset);
    }

    @Test
    void testParseDatetimeTimezone() {
        checkDatetimeTz("+01", 3600);
        checkDatetimeTz("-01", -3600);
        checkDatetimeTz("+01:15", 4500);
        checkDatetimeTz("-01:15", -4500);
        checkDatetimeTz("+01:15:00", 60 * (60 + 15));
        checkDatetimeTz("+01:15:29", 60 * (60 + 15) + 29);
        checkDatetimeTz("+01:15:30", 60 * (60 + 15) + 30);
        checkDatetimeTz("+01:15:59", 60 * (60 + 15) + 59);
        checkDatetimeTz("-01:15:00", -(60 * (60 + 15)));
        checkDatetimeTz("-01:15:29", -(60 * (60 + 15) + 29));
        checkDatetimeTz("-01:15:30", -(60 * (60 + 15) + 30));
        checkDatetimeTz("-01:15:59", -(60 * (60 + 15) + 59));
    }

    @Test
    void testDefaultTzinfo() {
        // API.md: timestamptz arrives at the session's TimeZone offset; the instant is the one written.
        Object dt = execute("select '2000-01-01 00:00+02:00'::timestamptz");
        assertInstanceOf(OffsetDateTime.class, dt);
        assertTrue(OffsetDateTime.of(2000, 1, 1, 0, 0, 0, 0, ZoneOffset.ofHours(2)).isEqual((OffsetDateTime) dt), dt.toString());
        curs.execute("SET TimeZone TO 'Etc/GMT-2'");
        assertEquals(OffsetDateTime.of(2000, 1, 1, 0, 0, 0, 0, ZoneOffset.ofHours(2)),
                execute("select '2000-01-01 00:00+02:00'::timestamptz"));
    }

    @Test
    void testParseTimeNoTimezone() {
        assertInstanceOf(LocalTime.class, Extensions.TIME.cast("13:30:29", curs));
        assertInstanceOf(LocalTime.class, Extensions.TIME.cast("13:30:29.123456", curs));
    }

    @Test
    void testParseDatetimeNoTimezone() {
        assertInstanceOf(LocalDateTime.class, Extensions.DATETIME.cast("2007-01-01 13:30:29", curs));
        assertInstanceOf(LocalDateTime.class, Extensions.DATETIME.cast("2007-01-01 13:30:29.123456", curs));
    }

    @Test
    void testParseInterval() {
        Duration value = (Duration) Extensions.INTERVAL.cast("42 days 12:34:56.123456", curs);
        assertNotNull(value);
        assertEquals(Duration.ofDays(42).plusSeconds(45296).plusNanos(123456_000), value);
    }

    @Test
    void testParseNegativeInterval() {
        Duration value = (Duration) Extensions.INTERVAL.cast("-42 days -12:34:56.123456", curs);
        assertNotNull(value);
        // timedelta(days=-43, seconds=41103, microseconds=876544)
        assertEquals(Duration.ofDays(-43).plusSeconds(41103).plusNanos(876544_000), value);
    }

    @Test
    void testParseMonthsAndYears() {
        // a month counts 30 days and a year 365, as psycopg2 does
        assertEquals(Duration.ofDays(365 + 2 * 30 + 3), Extensions.INTERVAL.cast("1 year 2 mons 3 days", curs));
        assertEquals(Duration.ofDays(365 + 2 * 30 + 3), execute("select '1 year 2 mons 3 days'::interval"));
    }

    @Test
    void testParseInfinity() {
        // psycopg2 returns datetime.min / datetime.max / date.max; API.md: the type's MIN / MAX.
        assertEquals(LocalDateTime.MIN, Extensions.DATETIME.cast("-infinity", curs));
        assertEquals(LocalDateTime.MAX, Extensions.DATETIME.cast("infinity", curs));
        assertEquals(LocalDate.MAX, Extensions.DATE.cast("infinity", curs));
        assertEquals(LocalDate.MIN, Extensions.DATE.cast("-infinity", curs));
    }

    @Test
    void testAdaptDate() {
        assertEquals("2007-01-01", execute("select (%s)::date::text", LocalDate.of(2007, 1, 1)));
    }

    @Test
    void testAdaptTime() {
        assertEquals("13:30:29", execute("select (%s)::time::text", LocalTime.of(13, 30, 29)));
    }

    @Test
    void testAdaptDatetime() {
        assertEquals("2007-01-01 13:30:29", execute("select (%s)::timestamp::text", LocalDateTime.of(2007, 1, 1, 13, 30, 29)));
    }

    @Test
    void testAdaptTimedelta() {
        Object value = execute("select extract(epoch from (%s)::interval)",
                Duration.ofDays(42).plusSeconds(45296).plusNanos(123456_000));
        BigDecimal v = new BigDecimal(value.toString());
        BigDecimal seconds = v.setScale(0, java.math.RoundingMode.FLOOR);
        assertEquals(3674096, seconds.longValueExact());
        assertEquals(123456, v.subtract(seconds).movePointRight(6).setScale(0, java.math.RoundingMode.HALF_UP).intValue());
    }

    @Test
    void testAdaptNegativeTimedelta() {
        Object value = execute("select extract(epoch from (%s)::interval)",
                Duration.ofDays(-42).plusSeconds(45296).plusNanos(123456_000));
        BigDecimal v = new BigDecimal(value.toString());
        BigDecimal seconds = v.setScale(0, java.math.RoundingMode.FLOOR);
        assertEquals(-3583504, seconds.longValueExact());
        assertEquals(123456, v.subtract(seconds).movePointRight(6).setScale(0, java.math.RoundingMode.HALF_UP).intValue());
    }

    private Object typeRoundtrip(Object o1) {
        Object o2 = execute("select %s;", o1);
        assertEquals(o1.getClass(), o2.getClass());
        return o2;
    }

    private void typeRoundtripArray(Object o1) {
        Object o2 = execute("select %s;", List.of(o1));
        assertEquals(o1.getClass(), ((List<?>) o2).get(0).getClass());
    }

    @Test
    void testTypeRoundtripDate() {
        assertEquals(LocalDate.of(2010, 5, 3), typeRoundtrip(LocalDate.of(2010, 5, 3)));
    }

    @Test
    void testTypeRoundtripDatetime() {
        assertEquals(LocalDateTime.of(2010, 5, 3, 10, 20, 30), typeRoundtrip(LocalDateTime.of(2010, 5, 3, 10, 20, 30)));
    }

    @Test
    void testTypeRoundtripDatetimetz() {
        OffsetDateTime dt1 = OffsetDateTime.of(2010, 5, 3, 10, 20, 30, 0, ZoneOffset.ofHours(8));
        OffsetDateTime dt2 = (OffsetDateTime) typeRoundtrip(dt1);
        assertTrue(dt1.isEqual(dt2), dt1 + " vs " + dt2);
    }

    @Test
    void testTypeRoundtripTime() {
        assertEquals(LocalTime.of(10, 20, 30), typeRoundtrip(LocalTime.of(10, 20, 30)));
    }

    @Test
    void testTypeRoundtripTimetz() {
        OffsetTime tm1 = OffsetTime.of(10, 20, 30, 0, ZoneOffset.ofHours(8));
        assertEquals(tm1, typeRoundtrip(tm1));
    }

    @Test
    void testTypeRoundtripInterval() {
        assertEquals(Duration.ofSeconds(30), typeRoundtrip(Duration.ofSeconds(30)));
    }

    @Test
    void testTypeRoundtripDateArray() {
        typeRoundtripArray(LocalDate.of(2010, 5, 3));
    }

    @Test
    void testTypeRoundtripDatetimeArray() {
        typeRoundtripArray(LocalDateTime.of(2010, 5, 3, 10, 20, 30));
    }

    @Test
    void testTypeRoundtripDatetimetzArray() {
        typeRoundtripArray(OffsetDateTime.of(2010, 5, 3, 10, 20, 30, 0, ZoneOffset.UTC));
    }

    @Test
    void testTypeRoundtripTimeArray() {
        typeRoundtripArray(LocalTime.of(10, 20, 30));
    }

    @Test
    void testTypeRoundtripTimetzArray() {
        typeRoundtripArray(OffsetTime.of(10, 20, 30, 0, ZoneOffset.ofHours(8)));
    }

    @Test
    void testTypeRoundtripIntervalArray() {
        typeRoundtripArray(Duration.ofSeconds(30));
    }

    @Test
    void testTime24ReadsAsTheLatestTime() {
        // pgreen's form of test_time_24 (see testTime24): 24:00 is past LocalTime's range, so the latest LocalTime
        assertEquals(LocalTime.MAX, execute("select '24:00'::time;"));
        assertEquals(OffsetTime.of(LocalTime.MAX, ZoneOffset.ofHours(5)), execute("select '24:00+05'::timetz;"));
        assertEquals(OffsetTime.of(LocalTime.MAX, ZoneOffset.ofHoursMinutes(5, 30)), execute("select '24:00+05:30'::timetz;"));
    }

    @Test
    void testLargeInterval() {
        assertEquals(999999.0 * 3600, totalSeconds((Duration) execute("select '999999:00:00'::interval")));
        assertEquals(-999999.0 * 3600, totalSeconds((Duration) execute("select '-999999:00:00'::interval")));
        assertEquals(Duration.ofHours(999999).plusMillis(100), execute("select '999999:00:00.1'::interval"));
        assertEquals(Duration.ofHours(999999).plusMillis(900), execute("select '999999:00:00.9'::interval"));
        assertEquals(Duration.ofHours(-999999).minusMillis(100), execute("select '-999999:00:00.1'::interval"));
        assertEquals(Duration.ofHours(-999999).minusMillis(900), execute("select '-999999:00:00.9'::interval"));
    }

    @Test
    void testMicrosRounding() {
        assertEquals(Duration.ofMillis(100), execute("select '0.1'::interval"));
        assertEquals(Duration.ofMillis(10), execute("select '0.01'::interval"));
        assertEquals(Duration.ofNanos(1000), execute("select '0.000001'::interval"));
        assertEquals(Duration.ZERO, execute("select '0.0000004'::interval"));
        assertEquals(Duration.ofNanos(1000), execute("select '0.0000006'::interval"));
    }

    @Test
    void testIntervalOverflow() {
        // psycopg2 raises OverflowError; pgreen raises DataException for a value it cannot represent
        Cursor cur = conn.cursor();
        Extensions.registerType(Extensions.newType(Extensions.UNICODE.oids(), "WAT", Extensions.INTERVAL::cast), cur);
        for (String val : List.of("100000000000000000:00:00", "00:100000000000000000:00:00",
                "00:00:100000000000000000:00", "00:00:00.100000000000000000")) {
            assertThrows(DataException.class, () -> {
                cur.execute("select '" + val + "'::text");
                cur.fetchOne();
            }, val);
        }
    }

    @Test
    void testAdaptInfinityTz() {
        Object t = execute("select 'infinity'::timestamp");
        assertInstanceOf(LocalDateTime.class, t);
        assertTrue(((LocalDateTime) t).isAfter(LocalDateTime.of(4000, 1, 1, 0, 0)));
        t = execute("select '-infinity'::timestamp");
        assertInstanceOf(LocalDateTime.class, t);
        assertTrue(((LocalDateTime) t).isBefore(LocalDateTime.of(1000, 1, 1, 0, 0)));
        t = execute("select 'infinity'::timestamptz");
        assertInstanceOf(OffsetDateTime.class, t);
        assertTrue(((OffsetDateTime) t).isAfter(OffsetDateTime.of(4000, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC)));
        t = execute("select '-infinity'::timestamptz");
        assertInstanceOf(OffsetDateTime.class, t);
        assertTrue(((OffsetDateTime) t).isBefore(OffsetDateTime.of(1000, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC)));
        // and they go back as infinity
        assertEquals("infinity", execute("select (%s)::text", LocalDateTime.MAX));
        assertEquals("-infinity", execute("select (%s)::text", OffsetDateTime.MIN));
        assertEquals("infinity", execute("select (%s)::text", LocalDate.MAX));
    }

    @Test
    void testIntervalIso8601NotSupported() {
        // psycopg2 raises NotSupportedError; pgreen raises DataException ("P1D" is pinned as a DataException by
        // CastersTest.malformedIntervalsRaiseDataException): either way the value is refused, not misread.
        Cursor cur = conn.cursor();
        cur.execute("set local intervalstyle to iso_8601");
        assertThrows(DataException.class, () -> {
            cur.execute("select '1 day 2 hours'::interval");
            cur.fetchOne();
        });
    }
}
