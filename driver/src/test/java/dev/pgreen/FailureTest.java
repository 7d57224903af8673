package dev.pgreen;

import dev.pgreen.errors.InterfaceException;
import dev.pgreen.errors.OperationalException;
import dev.pgreen.errors.QueryCanceledException;
import dev.pgreen.testing.Backends;
import dev.pgreen.testing.PgServerExtension;
import dev.pgreen.testing.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.*;

/** Killed backends, cancel and interrupt: clear errors, nothing hangs. */
@ExtendWith(PgServerExtension.class)
class FailureTest {
    private static final Duration LIMIT = Duration.ofSeconds(30);

    private static void awaitActive(Connection observer, int pid) {
        Backends.awaitActive(observer, pid, Duration.ofSeconds(10));
    }

    private static Connection observer(TestServer server) {
        Connection c = Pgreen.connect(server.dsn());
        c.setAutocommit(true);
        return c;
    }

    @Test
    void backendKilledMidQueryGivesOperationalErrorAndClosesTheConnection(TestServer server) {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (Connection victim = Pgreen.connect(server.dsn()); Connection killer = observer(server)) {
                CompletableFuture<Object> running = CompletableFuture.supplyAsync(
                        () -> victim.cursor().execute("SELECT pg_sleep(20)"));
                awaitActive(killer, victim.backendPid());
                killer.cursor().execute("SELECT pg_terminate_backend(%s)", victim.backendPid());
                var e = assertThrows(java.util.concurrent.ExecutionException.class, running::get);
                OperationalException op = assertInstanceOf(OperationalException.class, e.getCause());
                assertEquals("57P01", op.sqlState(), op.getMessage());
                assertTrue(victim.isClosed());
                assertEquals(TransactionStatus.UNKNOWN, victim.transactionStatus());
                assertThrows(InterfaceException.class, () -> victim.cursor().execute("SELECT 1"));
            }
        });
    }

    @Test
    void backendKilledWhileIdleFailsTheNextQuery(TestServer server) {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (Connection victim = Pgreen.connect(server.dsn()); Connection killer = observer(server)) {
                victim.setAutocommit(true);
                int pid = victim.backendPid();
                killer.cursor().execute("SELECT pg_terminate_backend(%s, 5000)", pid);
                assertThrows(OperationalException.class, () -> victim.cursor().execute("SELECT 1"));
                assertTrue(victim.isClosed());
            }
        });
    }

    @Test
    void cancelFromAnotherThreadStopsTheQueryAndKeepsTheConnection(TestServer server) {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (Connection conn = Pgreen.connect(server.dsn()); Connection obs = observer(server)) {
                conn.cancel(); // idle: harmless
                CompletableFuture<Object> running = CompletableFuture.supplyAsync(
                        () -> conn.cursor().execute("SELECT pg_sleep(20)"));
                awaitActive(obs, conn.backendPid());
                conn.cancel();
                var e = assertThrows(java.util.concurrent.ExecutionException.class, running::get);
                QueryCanceledException qc = assertInstanceOf(QueryCanceledException.class, e.getCause());
                assertEquals("57014", qc.sqlState());
                assertFalse(conn.isClosed());
                assertEquals(TransactionStatus.INERROR, conn.transactionStatus());
                conn.rollback();
                assertEquals(1, conn.cursor().execute("SELECT 1").fetchOne().get(0));
            }
        });
    }

    @Test
    void interruptCancelsTheQueryRestoresTheFlagAndKeepsTheConnection(TestServer server) throws Exception {
        try (Connection conn = Pgreen.connect(server.dsn()); Connection obs = observer(server);
             ExecutorService pool = Executors.newSingleThreadExecutor()) {
            conn.setAutocommit(true);
            AtomicBoolean flagAfter = new AtomicBoolean();
            Thread[] worker = new Thread[1];
            Future<Throwable> f = pool.submit(() -> {
                worker[0] = Thread.currentThread();
                try {
                    conn.cursor().execute("SELECT pg_sleep(20)");
                    return null;
                } catch (Throwable t) {
                    flagAfter.set(Thread.interrupted());
                    return t;
                }
            });
            awaitActive(obs, conn.backendPid());
            worker[0].interrupt();
            Throwable t = f.get(LIMIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
            assertInstanceOf(QueryCanceledException.class, t);
            assertTrue(flagAfter.get(), "the interrupt flag is restored");
            assertFalse(conn.isClosed(), "an interrupt never closes the socket");
            assertEquals(1, conn.cursor().execute("SELECT 1").fetchOne().get(0));
        }
    }

    @Test
    void virtualThreadInterruptCancelsToo(TestServer server) throws Exception {
        try (Connection conn = Pgreen.connect(server.dsn()); Connection obs = observer(server)) {
            conn.setAutocommit(true);
            CompletableFuture<Throwable> result = new CompletableFuture<>();
            Thread vt = Thread.ofVirtual().start(() -> {
                try {
                    conn.cursor().execute("SELECT pg_sleep(20)");
                    result.complete(null);
                } catch (Throwable t) {
                    result.complete(t);
                }
            });
            awaitActive(obs, conn.backendPid());
            vt.interrupt();
            assertInstanceOf(QueryCanceledException.class, result.get(LIMIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS));
            assertEquals(2, conn.cursor().execute("SELECT 2").fetchOne().get(0));
        }
    }

    @Test
    void serverThatStopsAnsweringHitsTheConnectTimeout() throws Exception {
        try (java.net.ServerSocket silent = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            long start = System.nanoTime();
            assertTimeoutPreemptively(LIMIT, () -> {
                OperationalException e = assertThrows(OperationalException.class, () -> Pgreen.connect(
                        "host=127.0.0.1 port=" + silent.getLocalPort() + " user=x dbname=x connect_timeout=2"));
                assertTrue(e.getMessage().contains("timeout"), e.getMessage());
            });
            assertTrue(System.nanoTime() - start >= 1_900_000_000L, "waited for the timeout");
        }
    }

    @Test
    void anInterruptBeforeTheStatementStartsStillCancelsIt(TestServer server) {
        try (Connection conn = Pgreen.connect(server.dsn())) {
            conn.setAutocommit(true);
            BlockingWait wait = BlockingWait.INSTANCE;
            // The interrupt lands the moment the query is sent: the first cancel request may reach the
            // server before the statement runs and cancel nothing, so it is repeated until answered.
            conn.setWaitCallback(c -> {
                Thread.currentThread().interrupt();
                wait.await(c);
            });
            long start = System.nanoTime();
            assertThrows(QueryCanceledException.class, () -> conn.cursor().execute("SELECT pg_sleep(20)"));
            assertTrue(Thread.interrupted(), "the interrupt flag is restored");
            assertTrue(System.nanoTime() - start < 8_000_000_000L, "cancelled long before the statement's 20 s");
            conn.setWaitCallback(null);
            assertEquals(1, conn.cursor().execute("SELECT 1").fetchOne().get(0));
        }
    }
}
