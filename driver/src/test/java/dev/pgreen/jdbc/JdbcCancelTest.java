package dev.pgreen.jdbc;

import dev.pgreen.testing.PgServerExtension;
import dev.pgreen.testing.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLTimeoutException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Cancel-safe: a query timeout, Statement.cancel() and a thread interrupt each cancel the statement on the
 * server (57014) and leave the connection usable; abort() and a network timeout end the connection at once.
 */
@ExtendWith(PgServerExtension.class)
class JdbcCancelTest {

    private static void assertUsable(Connection c) throws SQLException {
        try (ResultSet rs = c.createStatement().executeQuery("SELECT 42")) {
            assertTrue(rs.next());
            assertEquals(42, rs.getInt(1));
        }
    }

    private static void awaitActive(TestServer server, Connection c) throws SQLException {
        int pid = c.unwrap(dev.pgreen.Connection.class).backendPid();
        try (dev.pgreen.Connection observer = dev.pgreen.Pgreen.connect(server.dsn())) {
            observer.setAutocommit(true);
            dev.pgreen.testing.Backends.awaitActive(observer, pid, Duration.ofSeconds(20));
        }
    }

    @Test
    void aQueryTimeoutIsASqlTimeoutException(TestServer server) throws SQLException {
        try (Connection c = JdbcTesting.connect(server); PreparedStatement ps = c.prepareStatement("SELECT pg_sleep(?)")) {
            ps.setQueryTimeout(1);
            ps.setInt(1, 30);
            long start = System.nanoTime();
            SQLTimeoutException e = assertThrows(SQLTimeoutException.class, ps::executeQuery);
            assertEquals("57014", e.getSQLState());
            assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(10));
            assertUsable(c);
            ps.setQueryTimeout(0);
            ps.setInt(1, 0);
            assertTrue(ps.executeQuery().next(), "no timeout left behind");
        }
    }

    @Test
    void cancelFromAnotherThreadCancelsOnTheServer(TestServer server) throws Exception {
        try (Connection c = JdbcTesting.connect(server); Statement st = c.createStatement();
             ExecutorService ex = Executors.newSingleThreadExecutor()) {
            Future<?> running = ex.submit(() -> st.executeQuery("SELECT pg_sleep(30)"));
            awaitActive(server, c);
            st.cancel();
            Exception e = assertThrows(Exception.class, () -> running.get(20, TimeUnit.SECONDS));
            SQLException cause = assertInstanceOf(SQLException.class, e.getCause());
            assertEquals("57014", cause.getSQLState());
            assertFalse(cause instanceof SQLTimeoutException, "a cancel is not a timeout");
            assertUsable(c);
        }
    }

    @Test
    void anInterruptedVirtualThreadCancelsItsStatementAndKeepsTheConnection(TestServer server) throws Exception {
        try (Connection c = JdbcTesting.connect(server)) {
            c.setAutoCommit(false);
            AtomicReference<Throwable> failure = new AtomicReference<>();
            AtomicReference<Boolean> flag = new AtomicReference<>();
            Thread t = Thread.ofVirtual().start(() -> {
                try (Statement st = c.createStatement()) {
                    st.executeQuery("SELECT pg_sleep(30)");
                } catch (Throwable e) {
                    failure.set(e);
                    flag.set(Thread.currentThread().isInterrupted());
                }
            });
            awaitActive(server, c);
            t.interrupt();
            t.join(Duration.ofSeconds(20));
            SQLException e = assertInstanceOf(SQLException.class, failure.get());
            assertEquals("57014", e.getSQLState());
            assertTrue(flag.get(), "the interrupt flag is restored");
            c.rollback();
            assertUsable(c);
        }
    }

    @Test
    void abortEndsARunningStatementAtOnce(TestServer server) throws Exception {
        Connection c = JdbcTesting.connect(server);
        CompletableFuture<Throwable> failure = CompletableFuture.supplyAsync(() -> {
            try {
                c.createStatement().executeQuery("SELECT pg_sleep(30)");
                return null;
            } catch (Throwable e) {
                return e;
            }
        });
        awaitActive(server, c);
        c.abort(Runnable::run);
        Throwable e = failure.get(10, TimeUnit.SECONDS);
        assertInstanceOf(SQLException.class, e);
        assertTrue(((SQLException) e).getSQLState().startsWith("08"), ((SQLException) e).getSQLState());
        assertTrue(c.isClosed());
    }

    @Test
    void aNetworkTimeoutAbortsTheConnection(TestServer server) throws Exception {
        try (Connection c = JdbcTesting.connect(server)) {
            c.setNetworkTimeout(Runnable::run, 500);
            assertEquals(500, c.getNetworkTimeout());
            assertUsable(c);
            long start = System.nanoTime();
            SQLException e = assertThrows(SQLException.class, () -> c.createStatement().executeQuery("SELECT pg_sleep(30)"));
            assertEquals("08006", e.getSQLState());
            assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(10));
            assertTrue(c.isClosed());
        }
    }
}
