package dev.pgreen.jdbc;

import dev.pgreen.errors.PgException;
import dev.pgreen.testing.PgServerExtension;
import dev.pgreen.testing.TestRoles;
import dev.pgreen.testing.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLInvalidAuthorizationSpecException;
import java.sql.SQLTransientConnectionException;
import java.sql.Statement;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The way in: the service-registered Driver, its URL, PgreenDataSource, unwrap, and secrets kept out of messages. */
@ExtendWith(PgServerExtension.class)
class JdbcDriverTest {

    @Test
    void theDriverIsRegisteredForItsPrefixOnly() throws SQLException {
        assertInstanceOf(PgreenDriver.class, DriverManager.getDriver("jdbc:pgreen://localhost/db"));
        PgreenDriver driver = new PgreenDriver();
        assertTrue(driver.acceptsURL("jdbc:pgreen://a:1,b:2/db?sslmode=disable"));
        assertFalse(driver.acceptsURL("jdbc:postgresql://localhost/db"));
        assertFalse(driver.acceptsURL(null));
        assertNull(driver.connect("jdbc:postgresql://localhost/db", new Properties()));
    }

    @Test
    void theUrlBecomesALibpqDsn() throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", "alice");
        p.setProperty("password", "it's \\ secret");
        p.setProperty("unrelated", "ignored");
        JdbcUrl.Parsed parsed = JdbcUrl.parse(
                "jdbc:pgreen://db1:5433,[::1],db3/shop?sslmode=require&application_name=a%20b&prepareThreshold=0", p);
        assertEquals(java.util.Map.of("user", "alice", "password", "it's \\ secret", "host", "db1,::1,db3",
                "port", "5433,5432,5432", "dbname", "shop", "sslmode", "require", "application_name", "a b"),
                dev.pgreen.transport.DsnParser.parse(parsed.dsn()));
        assertEquals(0, parsed.options().prepareThreshold());
        assertFalse(parsed.toString().contains("secret"), parsed.toString());
        assertThrows(SQLException.class, () -> JdbcUrl.parse("jdbc:pgreen:shop", null));
        assertThrows(SQLException.class, () -> JdbcUrl.parse("jdbc:pgreen://h:port/db", null));
    }

    @Test
    void driverManagerConnectsAndUnwrapsToThePgreenConnection(TestServer server) throws SQLException {
        try (Connection c = DriverManager.getConnection(JdbcTesting.url(server));
             Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT 1 + 1, current_user")) {
            assertTrue(rs.next());
            assertEquals(2, rs.getInt(1));
            assertEquals(server.user(), rs.getString(2));
            assertTrue(c.getAutoCommit(), "JDBC connections start in auto-commit");
            dev.pgreen.Connection pg = c.unwrap(dev.pgreen.Connection.class);
            assertTrue(c.isWrapperFor(dev.pgreen.Connection.class));
            assertEquals(pg.backendPid(), ((Number) pg.cursor().execute("SELECT pg_backend_pid()").fetchOne().get(0)).intValue());
        }
    }

    @Test
    void theDataSourceTakesUrlUserAndPassword(TestServer server) throws SQLException {
        assumeTrue(server.hasTestRoles(), "needs the test roles");
        PgreenDataSource ds = new PgreenDataSource();
        ds.setUrl(JdbcTesting.url(server).replaceAll("user=[^&]*&?", ""));
        ds.setUser(TestRoles.SCRAM_USER);
        ds.setPassword(TestRoles.PASSWORD);
        DataSource plain = ds;
        try (Connection c = plain.getConnection(); ResultSet rs = c.createStatement().executeQuery("SELECT current_user")) {
            assertTrue(rs.next());
            assertEquals(TestRoles.SCRAM_USER, rs.getString(1));
        }
        ds.setPassword("wrong-" + TestRoles.PASSWORD);
        SQLException e = assertThrows(SQLException.class, ds::getConnection);
        assertInstanceOf(SQLInvalidAuthorizationSpecException.class, e, e.toString());
        assertEquals("28P01", e.getSQLState());
        assertNotNull(PgreenDriver.pgreenException(e));
        for (Throwable t = e; t != null; t = t.getCause()) {
            assertFalse(String.valueOf(t.getMessage()).contains(TestRoles.PASSWORD), t.toString());
            assertFalse(t.toString().contains(TestRoles.PASSWORD), t.toString());
        }
        assertFalse(ds.toString().contains(TestRoles.PASSWORD));
    }

    @Test
    void anUnreachableServerIsAConnectionException() {
        SQLException e = assertThrows(SQLException.class,
                () -> DriverManager.getConnection("jdbc:pgreen://127.0.0.1:1/db?connect_timeout=5&password=s3cr3t"));
        assertInstanceOf(SQLTransientConnectionException.class, e, e.toString());
        assertTrue(e.getSQLState().startsWith("08"), e.getSQLState());
        assertInstanceOf(PgException.class, e.getCause());
        assertFalse(e.toString().contains("s3cr3t"));
    }

    @Test
    void closingIsIdempotentAndClosedObjectsRefuse(TestServer server) throws SQLException {
        Connection c = JdbcTesting.connect(server);
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT 1");
        c.close();
        c.close();
        assertTrue(c.isClosed());
        assertTrue(st.isClosed());
        assertFalse(c.isValid(1));
        SQLException e = assertThrows(SQLException.class, () -> st.executeQuery("SELECT 1"));
        assertEquals("08003", e.getSQLState());
        assertThrows(SQLException.class, c::createStatement);
        rs.close();
    }
}
