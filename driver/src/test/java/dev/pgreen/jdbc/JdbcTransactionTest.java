package dev.pgreen.jdbc;

import dev.pgreen.testing.PgServerExtension;
import dev.pgreen.testing.TestServer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLSyntaxErrorException;
import java.sql.SQLTransactionRollbackException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.*;

/** Auto-commit, commit and rollback, savepoints, isolation and read-only (after pgjdbc's SavepointTest, TransactionTest). */
@ExtendWith(PgServerExtension.class)
class JdbcTransactionTest {
    private TestServer server;

    @BeforeEach
    void table(TestServer server) throws SQLException {
        this.server = server;
        try (Connection c = JdbcTesting.connect(server); Statement st = c.createStatement()) {
            st.execute("DROP TABLE IF EXISTS jdbc_tx; CREATE TABLE jdbc_tx (id int PRIMARY KEY)");
        }
    }

    private static int count(Connection c) throws SQLException {
        try (ResultSet rs = c.createStatement().executeQuery("SELECT count(*) FROM jdbc_tx")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    @Test
    void commitKeepsRollbackUndoes() throws SQLException {
        try (Connection c = JdbcTesting.connect(server); Connection other = JdbcTesting.connect(server)) {
            c.setAutoCommit(false);
            c.createStatement().executeUpdate("INSERT INTO jdbc_tx VALUES (1)");
            assertEquals(0, count(other), "not visible before commit");
            c.commit();
            assertEquals(1, count(other));
            c.createStatement().executeUpdate("INSERT INTO jdbc_tx VALUES (2)");
            c.rollback();
            assertEquals(1, count(c));
            c.createStatement().executeUpdate("INSERT INTO jdbc_tx VALUES (3)");
            c.setAutoCommit(true);
            assertEquals(2, count(other), "switching auto-commit on commits");
            assertThrows(SQLException.class, c::commit, "commit in auto-commit mode");
            assertThrows(SQLException.class, c::rollback);
        }
    }

    @Test
    void savepointsRollBackPartOfATransaction() throws SQLException {
        try (Connection c = JdbcTesting.connect(server)) {
            assertThrows(SQLException.class, c::setSavepoint, "no savepoints in auto-commit mode");
            c.setAutoCommit(false);
            Statement st = c.createStatement();
            st.executeUpdate("INSERT INTO jdbc_tx VALUES (1)");
            Savepoint one = c.setSavepoint();
            st.executeUpdate("INSERT INTO jdbc_tx VALUES (2)");
            Savepoint two = c.setSavepoint("second");
            assertEquals("second", two.getSavepointName());
            assertThrows(SQLException.class, two::getSavepointId);
            assertTrue(one.getSavepointId() > 0);
            st.executeUpdate("INSERT INTO jdbc_tx VALUES (3)");
            c.rollback(two);
            assertEquals(2, count(c));
            assertThrows(SQLException.class, () -> st.executeUpdate("INSERT INTO jdbc_tx VALUES (1)"));
            c.rollback(one);
            assertEquals(1, count(c), "back before the error: the transaction is usable again");
            c.releaseSavepoint(one);
            c.commit();
            assertEquals(1, count(c));
        }
    }

    @Test
    void isolationAndReadOnlyApplyToTheNextTransaction() throws SQLException {
        try (Connection c = JdbcTesting.connect(server)) {
            assertEquals(Connection.TRANSACTION_READ_COMMITTED, c.getTransactionIsolation());
            c.setTransactionIsolation(Connection.TRANSACTION_SERIALIZABLE);
            assertEquals(Connection.TRANSACTION_SERIALIZABLE, c.getTransactionIsolation());
            c.setAutoCommit(false);
            try (ResultSet rs = c.createStatement().executeQuery("SHOW transaction_isolation")) {
                rs.next();
                assertEquals("serializable", rs.getString(1));
            }
            assertThrows(SQLException.class, () -> c.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED),
                    "not in the middle of a transaction (as pgjdbc)");
            c.rollback();
            c.setReadOnly(true);
            assertTrue(c.isReadOnly());
            SQLException e = assertThrows(SQLException.class,
                    () -> c.createStatement().executeUpdate("INSERT INTO jdbc_tx VALUES (9)"));
            assertEquals("25006", e.getSQLState());
            c.rollback();
            c.setReadOnly(false);
            c.createStatement().executeUpdate("INSERT INTO jdbc_tx VALUES (9)");
            c.commit();
        }
    }

    @Test
    void metadataQueriesOpenNoTransaction() throws SQLException {
        try (Connection c = JdbcTesting.connect(server)) {
            c.setAutoCommit(false);
            assertNotNull(c.getSchema());
            assertNotNull(c.getCatalog());
            assertTrue(c.isValid(2));
            c.getTransactionIsolation();
            assertEquals(dev.pgreen.TransactionStatus.IDLE, c.unwrap(dev.pgreen.Connection.class).transactionStatus());
        }
    }

    @Test
    void aSerializationFailureIsATransactionRollback() throws Exception {
        try (Connection a = JdbcTesting.connect(server); Connection b = JdbcTesting.connect(server)) {
            a.createStatement().execute("INSERT INTO jdbc_tx VALUES (1)");
            for (Connection c : new Connection[] {a, b}) {
                c.setAutoCommit(false);
                c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
                count(c);
            }
            a.createStatement().executeUpdate("UPDATE jdbc_tx SET id = 2");
            CountDownLatch started = new CountDownLatch(1);
            try (ExecutorService ex = Executors.newSingleThreadExecutor()) {
                Future<?> blocked = ex.submit(() -> {
                    started.countDown();
                    return b.createStatement().executeUpdate("UPDATE jdbc_tx SET id = 3");
                });
                started.await();
                Thread.sleep(200);
                a.commit();
                Exception e = assertThrows(Exception.class, blocked::get);
                assertInstanceOf(SQLTransactionRollbackException.class, e.getCause());
                assertEquals("40001", ((SQLException) e.getCause()).getSQLState());
            }
            b.rollback();
        }
    }

    @Test
    void errorsCarryTheServersStateMessageAndDiagnostics() throws SQLException {
        try (Connection c = JdbcTesting.connect(server); Statement st = c.createStatement()) {
            SQLSyntaxErrorException e = assertThrows(SQLSyntaxErrorException.class,
                    () -> st.executeQuery("SELECT * FROM jdbc_no_such_table"));
            assertEquals("42P01", e.getSQLState());
            assertTrue(e.getMessage().contains("jdbc_no_such_table"), e.getMessage());
            assertEquals("15", PgreenDriver.pgreenException(e).diag().position());
            assertInstanceOf(java.sql.SQLDataException.class,
                    assertThrows(SQLException.class, () -> st.executeQuery("SELECT 1/0")));
            assertInstanceOf(java.sql.SQLDataException.class,
                    assertThrows(SQLException.class, () -> st.executeQuery("SELECT 'x'::int")));
            st.execute("INSERT INTO jdbc_tx VALUES (1)");
            SQLException dup = assertThrows(SQLException.class, () -> st.execute("INSERT INTO jdbc_tx VALUES (1)"));
            assertInstanceOf(java.sql.SQLIntegrityConstraintViolationException.class, dup);
            assertEquals("jdbc_tx_pkey", PgreenDriver.pgreenException(dup).diag().constraint());
            assertInstanceOf(java.sql.SQLFeatureNotSupportedException.class, SqlExceptions.of("m", "0A000", null));
            assertInstanceOf(java.sql.SQLInvalidAuthorizationSpecException.class, SqlExceptions.of("m", "28000", null));
            assertInstanceOf(java.sql.SQLNonTransientConnectionException.class, SqlExceptions.of("m", "08P01", null));
            try (ResultSet rs = st.executeQuery("SELECT 1")) {
                assertTrue(rs.next(), "the connection is usable after errors in auto-commit");
            }
        }
    }
}
