package dev.pgreen.jdbc;

import dev.pgreen.testing.PgServerExtension;
import dev.pgreen.testing.TestServer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLDataException;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * What the short cuts of the per-execute and per-row paths must not change: getBigDecimal read from the
 * bytes is the BigDecimal of the text, parameters encoded without a String in between are the same values,
 * and a statement kept prepared (or whose parameter types change) runs as before.
 */
@ExtendWith(PgServerExtension.class)
class JdbcHotPathTest {
    private TestServer server;

    @BeforeEach
    void server(TestServer server) {
        this.server = server;
    }

    @Test
    void getBigDecimalIsTheBigDecimalOfTheTextForEveryShape() throws Exception {
        List<String> values = List.of("0", "-0", "0.000", "-0.000", "1", "-1", "12.50", "-12.50", "0.5",
                "123456789012345678", "-123456789012345678", "1234567890123456789", "9223372036854775807",
                "9223372036854775808", "-9223372036854775808", "-9223372036854775809", "18446744073709551616",
                "0.14285714285714285714", "142857.1428571428571429", "-142857.1428571428571429",
                "99999999999999999999999999999999.9999", "999999999999999999999999999999999999",
                "-999999999999999999999999999999999999", "1000000000000000000000000000000000000",
                "0.000000000000000000000000000000000001", "12345678901234567890123456789012345678901234567890.5",
                "NaN", "Infinity", "-Infinity");
        try (Connection c = JdbcTesting.connect(server); Statement st = c.createStatement()) {
            for (String v : values) {
                try (ResultSet rs = st.executeQuery("SELECT '" + v + "'::numeric, '" + v + "'::numeric::text")) {
                    assertTrue(rs.next());
                    String text = rs.getString(2);
                    assertEquals(text, rs.getString(1), v);
                    if (v.endsWith("Infinity") || v.equals("NaN")) {
                        assertThrows(SQLDataException.class, () -> rs.getBigDecimal(1), v);
                        continue;
                    }
                    BigDecimal expected = new BigDecimal(text);
                    BigDecimal actual = rs.getBigDecimal(1);
                    assertEquals(expected, actual, v);
                    assertEquals(expected.scale(), actual.scale(), v);
                    assertEquals(expected.precision(), actual.precision(), v);
                    assertEquals(expected.toString(), actual.toString(), v);
                    assertEquals(expected, rs.getObject(1, BigDecimal.class), v);
                }
            }
        }
    }

    @Test
    void getBigDecimalOfOtherTypesAndTextsIsAsBefore() throws Exception {
        try (Connection c = JdbcTesting.connect(server); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT 32767::int2, (-2147483648)::int4, 9223372036854775807::int8, "
                     + "1e20::float8, 0.1::float4, ' 12.5 '::text, 'true'::text, '5.'::text, '+3'::text, "
                     + "'1.2.3'::text, NULL::numeric, '-'::text, '.5'::text")) {
            assertTrue(rs.next());
            assertEquals(new BigDecimal("32767"), rs.getBigDecimal(1));
            assertEquals(new BigDecimal("-2147483648"), rs.getBigDecimal(2));
            assertEquals(new BigDecimal("9223372036854775807"), rs.getBigDecimal(3));
            assertEquals(new BigDecimal("1e+20"), rs.getBigDecimal(4));
            assertEquals(new BigDecimal("0.1"), rs.getBigDecimal(5));
            assertEquals(new BigDecimal("12.5"), rs.getBigDecimal(6));
            assertEquals(BigDecimal.ONE, rs.getBigDecimal(7));
            assertEquals(new BigDecimal("5."), rs.getBigDecimal(8));
            assertEquals(new BigDecimal("+3"), rs.getBigDecimal(9));
            assertThrows(SQLDataException.class, () -> rs.getBigDecimal(10));
            assertNull(rs.getBigDecimal(11));
            assertTrue(rs.wasNull());
            assertThrows(SQLDataException.class, () -> rs.getBigDecimal(12));
            assertFalse(rs.wasNull());
            assertEquals(new BigDecimal(".5"), rs.getBigDecimal(13));
        }
    }

    @Test
    void parametersEncodedDirectlyReachTheServerAsTheirText() throws Exception {
        try (Connection c = JdbcTesting.connect(server);
             PreparedStatement ps = c.prepareStatement("SELECT ?::text, ?::text, ?::text, ?::text, ?::text, "
                     + "?::text, ?::text, ?::text, ?::text")) {
            ps.setInt(1, Integer.MIN_VALUE);
            ps.setLong(2, Long.MIN_VALUE);
            ps.setShort(3, (short) -7);
            ps.setByte(4, (byte) 12);
            ps.setBoolean(5, true);
            ps.setString(6, "grüße \uD83D\uDE00 'quoted'");
            ps.setBigDecimal(7, new BigDecimal("-1234.5600"));
            ps.setDouble(8, 0.1);
            ps.setObject(9, new java.math.BigInteger("123456789012345678901234567890"));
            try (ResultSet rs = ps.executeQuery()) {
                assertTrue(rs.next());
                assertEquals("-2147483648", rs.getString(1));
                assertEquals("-9223372036854775808", rs.getString(2));
                assertEquals("-7", rs.getString(3));
                assertEquals("12", rs.getString(4));
                assertEquals("true", rs.getString(5));
                assertEquals("grüße \uD83D\uDE00 'quoted'", rs.getString(6));
                assertEquals("-1234.5600", rs.getString(7));
                assertEquals("0.1", rs.getString(8));
                assertEquals("123456789012345678901234567890", rs.getString(9));
            }
            ps.setString(6, "nul\0inside");
            SQLException e = assertThrows(SQLException.class, ps::executeQuery);
            assertNotNull(e.getSQLState());
        }
    }

    @Test
    void aStatementKeptPreparedRunsPastTheThresholdAndWithChangedTypes() throws Exception {
        try (Connection c = DriverManager.getConnection(JdbcTesting.url(server, "prepareThreshold=2"));
             PreparedStatement ps = c.prepareStatement("SELECT ?")) {
            for (int i = 0; i < 10; i++) {
                ps.setInt(1, i);
                try (ResultSet rs = ps.executeQuery()) {
                    assertTrue(rs.next());
                    assertEquals(i, rs.getInt(1));
                    assertFalse(rs.next());
                }
                assertFalse(ps.getMoreResults());
                assertEquals(-1, ps.getUpdateCount());
            }
            // Other parameter types: another statement on the server, with its own result type.
            ps.setString(1, "text now");
            try (ResultSet rs = ps.executeQuery()) {
                assertTrue(rs.next());
                assertEquals("text now", rs.getString(1));
                assertEquals("varchar", rs.getMetaData().getColumnTypeName(1));
            }
            ps.setLong(1, 1L << 40);
            try (ResultSet rs = ps.executeQuery()) {
                assertTrue(rs.next());
                assertEquals(1L << 40, rs.getLong(1));
                assertEquals("int8", rs.getMetaData().getColumnTypeName(1));
            }
            ps.clearParameters();
            assertThrows(SQLException.class, ps::executeQuery);
            ps.setInt(1, 3);
            try (ResultSet rs = ps.executeQuery()) {
                assertTrue(rs.next());
                assertEquals(3, rs.getObject(1));
                assertEquals("int4", rs.getMetaData().getColumnTypeName(1));
            }
        }
    }

    @Test
    void aBatchWhoseTypesChangeMidwayStillGroupsByType() throws Exception {
        try (Connection c = DriverManager.getConnection(JdbcTesting.url(server, "prepareThreshold=1")); Statement st = c.createStatement()) {
            st.execute("DROP TABLE IF EXISTS jdbc_hot_batch; CREATE TABLE jdbc_hot_batch (v text)");
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO jdbc_hot_batch VALUES (?)")) {
                ps.setInt(1, 1);
                ps.addBatch();
                ps.setString(1, "two");
                ps.addBatch();
                ps.setInt(1, 3);
                ps.addBatch();
                assertArrayEquals(new int[] {1, 1, 1}, ps.executeBatch());
                ps.setInt(1, 4);
                assertEquals(1, ps.executeUpdate());
                assertFalse(ps.getMoreResults());
            }
            try (ResultSet rs = st.executeQuery("SELECT string_agg(v, ',' ORDER BY v) FROM jdbc_hot_batch")) {
                assertTrue(rs.next());
                assertEquals("1,3,4,two", rs.getString(1));
            }
        }
    }
}
