package dev.pgreen.jdbc;

import dev.pgreen.testing.PgServerExtension;
import dev.pgreen.testing.TestServer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.ByteArrayInputStream;
import java.io.StringReader;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.sql.Array;
import java.sql.Connection;
import java.sql.Date;
import java.sql.ParameterMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLDataException;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Time;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Calendar;
import java.util.TimeZone;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Values both ways: every standard setter, setNull with types, setObject with java.time, arrays and
 * streams; the getters, getObject(int, Class) and wasNull (after pgjdbc's ResultSetTest, TimestampTest,
 * ArrayTest and PreparedStatementTest, where their behaviour is the JDBC standard's).
 */
@ExtendWith(PgServerExtension.class)
class JdbcTypesTest {
    private TestServer server;

    @BeforeEach
    void server(TestServer server) {
        this.server = server;
    }

    @Test
    void everySetterRoundTripsThroughATable() throws Exception {
        try (Connection c = JdbcTesting.connect(server); Statement st = c.createStatement()) {
            st.execute("""
                    DROP TABLE IF EXISTS jdbc_types;
                    CREATE TABLE jdbc_types (b bool, i2 int2, i4 int4, i8 int8, f4 float4, f8 float8, n numeric(10,3),
                      t text, v varchar(20), by bytea, d date, tm time, ts timestamp, tz timestamptz, u uuid,
                      ia int4[], ta text[], j jsonb)""");
            UUID uuid = UUID.randomUUID();
            Timestamp ts = Timestamp.valueOf("2024-02-29 12:34:56.123456");
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO jdbc_types VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb)")) {
                ps.setBoolean(1, true);
                ps.setShort(2, (short) -7);
                ps.setInt(3, Integer.MAX_VALUE);
                ps.setLong(4, Long.MIN_VALUE);
                ps.setFloat(5, 1.5f);
                ps.setDouble(6, Math.PI);
                ps.setBigDecimal(7, new BigDecimal("1234567.891"));
                ps.setString(8, "it's a \\ 'quote' -- ? ;");
                ps.setCharacterStream(9, new StringReader("from a reader"));
                ps.setBinaryStream(10, new ByteArrayInputStream(new byte[] {0, 1, (byte) 0xff}));
                ps.setDate(11, Date.valueOf("2024-02-29"));
                ps.setTime(12, Time.valueOf("23:59:58"));
                ps.setTimestamp(13, ts);
                ps.setObject(14, OffsetDateTime.of(2024, 1, 2, 3, 4, 5, 0, ZoneOffset.ofHours(2)));
                ps.setObject(15, uuid);
                ps.setArray(16, c.createArrayOf("int4", new Integer[] {1, null, 3}));
                ps.setObject(17, new String[] {"a", "b c", "\"q\"", null});
                ps.setString(18, "{\"k\": [1, 2]}");
                assertEquals(1, ps.executeUpdate());
            }
            try (ResultSet rs = st.executeQuery("SELECT * FROM jdbc_types")) {
                assertTrue(rs.next());
                assertTrue(rs.getBoolean("b"));
                assertEquals("t", rs.getString("b"));
                assertEquals(-7, rs.getShort("i2"));
                assertEquals(Integer.MAX_VALUE, rs.getInt("i4"));
                assertEquals(Long.MIN_VALUE, rs.getLong("i8"));
                assertEquals(1.5f, rs.getFloat("f4"));
                assertEquals(Float.class, rs.getObject("f4").getClass());
                assertEquals(Math.PI, rs.getDouble("f8"));
                assertEquals(new BigDecimal("1234567.891"), rs.getBigDecimal("n"));
                assertEquals("it's a \\ 'quote' -- ? ;", rs.getString("t"));
                assertEquals("from a reader", rs.getString("v"));
                assertArrayEquals(new byte[] {0, 1, (byte) 0xff}, rs.getBytes("by"));
                assertEquals("\\x0001ff", rs.getString("by"));
                assertEquals(Date.valueOf("2024-02-29"), rs.getDate("d"));
                assertEquals(LocalDate.of(2024, 2, 29), rs.getObject("d", LocalDate.class));
                assertEquals(Time.valueOf("23:59:58"), rs.getTime("tm"));
                assertEquals(LocalTime.of(23, 59, 58), rs.getObject("tm", LocalTime.class));
                assertEquals(ts, rs.getTimestamp("ts"));
                assertEquals(ts, rs.getObject("ts"));
                assertEquals(ts.toLocalDateTime(), rs.getObject("ts", LocalDateTime.class));
                OffsetDateTime tz = rs.getObject("tz", OffsetDateTime.class);
                assertEquals(Instant.parse("2024-01-02T01:04:05Z"), tz.toInstant());
                assertEquals(ZoneOffset.UTC, tz.getOffset(), "as pgjdbc: timestamptz comes back at UTC");
                assertEquals(Instant.parse("2024-01-02T01:04:05Z"), rs.getTimestamp("tz").toInstant());
                assertEquals(uuid, rs.getObject("u"));
                assertEquals(uuid, rs.getObject("u", UUID.class));
                Array ia = rs.getArray("ia");
                assertEquals("int4", ia.getBaseTypeName());
                assertArrayEquals(new Integer[] {1, null, 3}, (Integer[]) ia.getArray());
                assertArrayEquals(new String[] {"a", "b c", "\"q\"", null}, (Object[]) rs.getArray("ta").getArray());
                assertEquals("{\"k\": [1, 2]}", rs.getString("j"));
                assertEquals("{\"k\": [1, 2]}", rs.getObject("j"));
                ResultSetMetaData md = rs.getMetaData();
                assertEquals(18, md.getColumnCount());
                assertEquals(Types.BIT, md.getColumnType(1));
                assertEquals(Types.INTEGER, md.getColumnType(3));
                assertEquals("int4", md.getColumnTypeName(3));
                assertEquals(Types.NUMERIC, md.getColumnType(7));
                assertEquals(10, md.getPrecision(7));
                assertEquals(3, md.getScale(7));
                assertEquals(20, md.getPrecision(9));
                assertEquals(Types.TIMESTAMP, md.getColumnType(13));
                assertEquals(Types.ARRAY, md.getColumnType(16));
                assertEquals("java.sql.Timestamp", md.getColumnClassName(13));
                assertEquals("jdbc_types", md.getTableName(1));
                assertEquals("public", md.getSchemaName(1));
                assertEquals(ResultSetMetaData.columnNullable, md.isNullable(1));
            }
        }
    }

    @Test
    void nullsReadAsNullZeroOrFalseAndWasNullSaysSo() throws SQLException {
        try (Connection c = JdbcTesting.connect(server);
             PreparedStatement ps = c.prepareStatement("SELECT ?::int4, ?::text, ?::bool, ?::timestamptz, ?::numeric, 5")) {
            ps.setNull(1, Types.INTEGER);
            ps.setNull(2, Types.VARCHAR);
            ps.setNull(3, Types.BOOLEAN);
            ps.setNull(4, Types.TIMESTAMP);
            ps.setObject(5, null);
            ResultSet rs = ps.executeQuery();
            assertTrue(rs.next());
            assertEquals(0, rs.getInt(1));
            assertTrue(rs.wasNull());
            assertNull(rs.getObject(1, Integer.class));
            assertNull(rs.getString(2));
            assertTrue(rs.wasNull());
            assertFalse(rs.getBoolean(3));
            assertTrue(rs.wasNull());
            assertNull(rs.getTimestamp(4));
            assertNull(rs.getBigDecimal(5));
            assertEquals(5, rs.getInt(6));
            assertFalse(rs.wasNull());
        }
    }

    @Test
    void typedParametersLetTheServerTellAnswers() throws SQLException {
        try (Connection c = JdbcTesting.connect(server);
             PreparedStatement ps = c.prepareStatement("SELECT ?, ? IS NULL, ? + 1")) {
            ps.setInt(1, 42);
            ps.setString(2, null);
            ps.setLong(3, 9_000_000_000L);
            ResultSet rs = ps.executeQuery();
            assertTrue(rs.next());
            assertEquals(42, rs.getObject(1), "setInt declares int4: SELECT ? is an int4");
            assertTrue(rs.getBoolean(2));
            assertEquals(9_000_000_001L, rs.getObject(3));
            ParameterMetaData pmd = ps.getParameterMetaData();
            assertEquals(3, pmd.getParameterCount());
            assertEquals(Types.INTEGER, pmd.getParameterType(1));
            assertEquals(Types.BIGINT, pmd.getParameterType(3));
            assertEquals(Types.INTEGER, ps.getMetaData().getColumnType(1));
        }
    }

    @Test
    void setObjectConvertsToTheTargetType() throws SQLException {
        try (Connection c = JdbcTesting.connect(server);
             PreparedStatement ps = c.prepareStatement("SELECT ?, ?, ?, ?::uuid, ?, ?")) {
            ps.setObject(1, "12", Types.INTEGER);
            ps.setObject(2, 1, Types.BOOLEAN);
            ps.setObject(3, 2.5, Types.NUMERIC, 2);
            ps.setObject(4, "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", Types.OTHER);
            ps.setObject(5, LocalDateTime.of(2020, 1, 2, 3, 4, 5));
            ps.setObject(6, 'x');
            ResultSet rs = ps.executeQuery();
            assertTrue(rs.next());
            assertEquals(12, rs.getObject(1));
            assertEquals(true, rs.getObject(2));
            assertEquals(new BigDecimal("2.50"), rs.getObject(3));
            assertEquals(UUID.fromString("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"), rs.getObject(4));
            assertEquals(LocalDateTime.of(2020, 1, 2, 3, 4, 5), rs.getObject(5, LocalDateTime.class));
            assertEquals("x", rs.getString(6));
        }
    }

    @Test
    void gettersConvertBetweenNumbersStringsAndBooleans() throws SQLException {
        try (Connection c = JdbcTesting.connect(server); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT '42'::text, 1.9::numeric, true, 'abc'::text, 99999999999::int8, "
                     + "'-0.5'::float8, 'NaN'::float8, 'infinity'::timestamp, '0001-01-01 BC'::date")) {
            assertTrue(rs.next());
            assertEquals(42, rs.getInt(1));
            assertEquals(42L, rs.getObject(1, Long.class));
            assertEquals(1, rs.getInt(2), "truncated toward zero, as pgjdbc");
            assertEquals(1, rs.getInt(3));
            assertEquals(new BigDecimal("1"), rs.getBigDecimal(3));
            assertThrows(SQLDataException.class, () -> rs.getInt(4));
            SQLDataException range = assertThrows(SQLDataException.class, () -> rs.getInt(5));
            assertEquals("22003", range.getSQLState());
            assertEquals(-0.5, rs.getDouble(6));
            assertTrue(Double.isNaN(rs.getDouble(7)));
            assertEquals(Values.POSITIVE_INFINITY, rs.getTimestamp(8).getTime());
            assertEquals(LocalDate.of(0, 1, 1), rs.getObject(9, LocalDate.class));
            assertEquals(1, rs.findColumn("TEXT"), "labels are found case-insensitively");
            assertThrows(SQLException.class, () -> rs.getString(10));
        }
    }

    @Test
    void calendarsSayInWhichZoneATimestampWithoutZoneIsRead() throws SQLException {
        Calendar utc = Calendar.getInstance(TimeZone.getTimeZone("UTC"));
        Calendar tokyo = Calendar.getInstance(TimeZone.getTimeZone("Asia/Tokyo"));
        try (Connection c = JdbcTesting.connect(server);
             PreparedStatement ps = c.prepareStatement("SELECT ?::timestamp, ?::timestamptz")) {
            Timestamp instant = Timestamp.from(Instant.parse("2024-06-01T00:00:00Z"));
            ps.setTimestamp(1, instant, tokyo);
            ps.setTimestamp(2, instant, tokyo);
            ResultSet rs = ps.executeQuery();
            assertTrue(rs.next());
            assertEquals("2024-06-01 09:00:00", rs.getString(1), "the wall-clock time in Tokyo");
            assertEquals(instant, rs.getTimestamp(1, tokyo));
            assertEquals(Instant.parse("2024-06-01T09:00:00Z"), rs.getTimestamp(1, utc).toInstant());
            assertEquals(instant, rs.getTimestamp(2), "timestamptz: the same instant whatever the calendar");
        }
    }

    @Test
    void streamsAndBytesGoBothWays() throws Exception {
        byte[] big = new byte[300_000];
        for (int i = 0; i < big.length; i++) {
            big[i] = (byte) i;
        }
        try (Connection c = JdbcTesting.connect(server);
             PreparedStatement ps = c.prepareStatement("SELECT ?::bytea, ?::text, ?::text")) {
            ps.setBytes(1, big);
            ps.setAsciiStream(2, new ByteArrayInputStream("ascii".getBytes(StandardCharsets.US_ASCII)), 3);
            ps.setNString(3, "é€😀");
            ResultSet rs = ps.executeQuery();
            assertTrue(rs.next());
            assertArrayEquals(big, rs.getBinaryStream(1).readAllBytes());
            assertEquals("asc", rs.getString(2));
            assertEquals("é€😀", new String(rs.getCharacterStream(3).transferTo(new java.io.StringWriter()) >= 0
                    ? rs.getString(3).getBytes(StandardCharsets.UTF_8) : new byte[0], StandardCharsets.UTF_8));
        }
    }

    @Test
    void aParameterLeftUnsetIsAnError() throws SQLException {
        try (Connection c = JdbcTesting.connect(server); PreparedStatement ps = c.prepareStatement("SELECT ?, ?")) {
            ps.setInt(1, 1);
            SQLException e = assertThrows(SQLException.class, ps::executeQuery);
            assertEquals("07002", e.getSQLState());
            assertThrows(SQLException.class, () -> ps.setInt(3, 1));
            ps.clearParameters();
            assertThrows(SQLException.class, ps::executeQuery);
        }
    }
}
