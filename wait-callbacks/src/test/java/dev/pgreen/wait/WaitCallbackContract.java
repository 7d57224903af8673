package dev.pgreen.wait;

import dev.pgreen.Connection;
import dev.pgreen.Cursor;
import dev.pgreen.Pgreen;
import dev.pgreen.Pipeline;
import dev.pgreen.TransactionStatus;
import dev.pgreen.WaitCallback;
import dev.pgreen.errors.DataException;
import dev.pgreen.errors.InterfaceException;
import dev.pgreen.errors.OperationalException;
import dev.pgreen.errors.PgException;
import dev.pgreen.errors.PipelineAbortedException;
import dev.pgreen.errors.QueryCanceledException;
import dev.pgreen.testing.Backends;
import dev.pgreen.testing.FaultProxy;
import dev.pgreen.testing.PgServerExtension;
import dev.pgreen.testing.TestServer;
import dev.pgreen.testing.TestWait;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The contract every wait callback of the project passes: subclasses name the
 * callback (null: the driver's default wait), installed globally for each test.
 */
@ExtendWith(PgServerExtension.class)
public abstract class WaitCallbackContract {
    private static final Duration LIMIT = Duration.ofSeconds(40);

    /** The callback under test; null means none registered (the driver's default). */
    protected abstract WaitCallback callback();

    protected TestServer server;

    @BeforeEach
    void install(TestServer server) {
        this.server = server;
        Pgreen.setWaitCallback(callback());
    }

    @AfterEach
    void restore() {
        TestWait.install();
    }

    protected Connection connect() {
        Connection c = Pgreen.connect(server.dsn());
        c.setAutocommit(true);
        return c;
    }

    /** Runs {@code body} on another thread (a virtual one where the callback wants it) with a hard limit. */
    protected <T> T onWorker(java.util.concurrent.Callable<T> body) throws Exception {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return body.call();
            } catch (Exception e) {
                throw new java.util.concurrent.CompletionException(e);
            }
        }).get(LIMIT.toSeconds(), TimeUnit.SECONDS);
    }

    private static void awaitActive(Connection observer, int pid) {
        Backends.awaitActive(observer, pid, Duration.ofSeconds(10));
    }

    @Test
    void connectQueryCommit() {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (Connection conn = Pgreen.connect(server.dsn())) {
                Cursor cur = conn.cursor();
                cur.execute("CREATE TEMP TABLE t (x int)");
                cur.execute("INSERT INTO t SELECT generate_series(1, 10)");
                conn.commit();
                assertEquals(55L, cur.execute("SELECT sum(x) FROM t").fetchOne().get(0));
                assertEquals(TransactionStatus.INTRANS, conn.transactionStatus());
                conn.rollback();
                assertEquals(TransactionStatus.IDLE, conn.transactionStatus());
            }
        });
    }

    @Test
    void serverErrorsLeaveTheConnectionUsable() {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (Connection conn = connect()) {
                DataException e = assertThrows(DataException.class, () -> conn.cursor().execute("SELECT 1/0"));
                assertEquals("22012", e.sqlState());
                assertEquals(1, conn.cursor().execute("SELECT 1").fetchOne().get(0));
            }
        });
    }

    @Test
    void notifications() {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (Connection a = connect(); Connection b = connect()) {
                a.cursor().execute("LISTEN contract_chan");
                b.cursor().execute("NOTIFY contract_chan, 'payload'");
                int got = 0;
                for (int i = 0; i < 20 && got == 0; i++) {
                    got = a.awaitNotifies(Duration.ofMillis(500));
                }
                assertEquals(1, got);
                assertEquals("payload", a.notifies().iterator().next().payload());
            }
        });
    }

    @Test
    void cancelFromAnotherThread() throws Exception {
        try (Connection conn = connect(); Connection obs = connect()) {
            CompletableFuture<Object> running = CompletableFuture.supplyAsync(
                    () -> conn.cursor().execute("SELECT pg_sleep(20)"));
            awaitActive(obs, conn.backendPid());
            conn.cancel();
            ExecutionException e = assertThrows(ExecutionException.class,
                    () -> running.get(LIMIT.toSeconds(), TimeUnit.SECONDS));
            assertInstanceOf(QueryCanceledException.class, e.getCause());
            assertEquals(2, conn.cursor().execute("SELECT 2").fetchOne().get(0));
        }
    }

    @Test
    void interruptCancelsRestoresTheFlagAndKeepsTheConnection() throws Exception {
        try (Connection conn = connect(); Connection obs = connect()) {
            CompletableFuture<Boolean> flag = new CompletableFuture<>();
            CompletableFuture<Throwable> error = new CompletableFuture<>();
            Thread worker = Thread.ofPlatform().start(() -> {
                try {
                    conn.cursor().execute("SELECT pg_sleep(20)");
                    error.complete(null);
                } catch (Throwable t) {
                    error.complete(t);
                }
                flag.complete(Thread.currentThread().isInterrupted());
            });
            awaitActive(obs, conn.backendPid());
            worker.interrupt();
            assertInstanceOf(QueryCanceledException.class, error.get(LIMIT.toSeconds(), TimeUnit.SECONDS));
            assertTrue(flag.get(LIMIT.toSeconds(), TimeUnit.SECONDS), "interrupt flag restored");
            assertFalse(conn.isClosed());
            assertEquals(3, conn.cursor().execute("SELECT 3").fetchOne().get(0));
        }
    }

    @Test
    void largeQueriesAndResults() {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (Connection conn = connect()) {
                String big = "ab".repeat(3 * 1024 * 1024);
                Cursor cur = conn.cursor().execute("SELECT %s, md5(%s), repeat('z', 5000000)", big, big);
                var row = cur.fetchOne();
                assertEquals(big, row.get(0));
                assertEquals(5_000_000, ((String) row.get(2)).length());
                assertEquals(100_000, conn.cursor().execute("SELECT g, g::text FROM generate_series(1, 100000) g")
                        .fetchAll().size());
            }
        });
    }

    @Test
    void aServerThatStopsAnsweringNeverHangsTheCaller() throws Exception {
        try (FaultProxy proxy = FaultProxy.start(server)) {
            Connection conn = Pgreen.connect(proxy.dsn());
            conn.setAutocommit(true);
            assertEquals(1, conn.cursor().execute("SELECT 1").fetchOne().get(0));
            CompletableFuture<Throwable> error = new CompletableFuture<>();
            Thread worker = Thread.ofPlatform().start(() -> {
                try {
                    conn.cursor().execute("SELECT pg_sleep(0.5), 1");
                    error.complete(null);
                } catch (Throwable t) {
                    error.complete(t);
                }
            });
            // The links open now stop both ways; the cancel request, a new connection, still gets through.
            proxy.stall(FaultProxy.Direction.CLIENT_TO_SERVER);
            proxy.stall(FaultProxy.Direction.SERVER_TO_CLIENT);
            Thread.sleep(200);
            worker.interrupt();
            Throwable t = error.get(LIMIT.toSeconds(), TimeUnit.SECONDS);
            // Either the answer slipped through before the freeze, or the wait gave up on the frozen server.
            if (t != null) {
                assertInstanceOf(OperationalException.class, t);
                assertTrue(conn.isClosed() || t instanceof QueryCanceledException, t.toString());
            }
            conn.close();
        }
    }

    /** A callback that fails on its i-th call: every run either succeeds or raises, and never hangs. */
    @Test
    void aCallbackThatThrowsOnItsIthCall() {
        WaitCallback inner = callback();
        assertTimeoutPreemptively(Duration.ofSeconds(120), () -> {
            try (Connection setup = connect()) {
                for (int i = 0; i < 100; i++) {
                    int failAt = i;
                    AtomicInteger calls = new AtomicInteger();
                    Connection conn = connect();
                    // The driver's default cannot be wrapped; SelectWait runs the same PollingWait loop.
                    WaitCallback base = inner != null ? inner : new SelectWait();
                    WaitCallback failing = c -> {
                        if (calls.getAndIncrement() == failAt) {
                            throw new IllegalStateException("injected failure at call " + failAt);
                        }
                        base.await(c);
                    };
                    conn.setWaitCallback(failing);
                    boolean failed = false;
                    try {
                        for (int q = 0; q < 30; q++) {
                            assertEquals(q, conn.cursor().execute("SELECT %s::int, pg_sleep(0)", q).fetchOne().get(0));
                        }
                    } catch (IllegalStateException e) {
                        failed = true;
                        assertTrue(e.getMessage().startsWith("injected failure"));
                    }
                    if (failed) {
                        assertTrue(conn.isClosed(), "a failed wait closes the connection");
                        assertThrows(InterfaceException.class, () -> conn.cursor().execute("SELECT 1"));
                    } else {
                        assertTrue(calls.get() <= failAt, "it only succeeds when it never reached call " + failAt);
                        conn.setWaitCallback(base);
                        assertEquals(1, conn.cursor().execute("SELECT 1").fetchOne().get(0));
                    }
                    conn.close();
                }
                assertEquals(1, setup.cursor().execute("SELECT 1").fetchOne().get(0));
            }
        });
    }

    /** 5,000 statements of 2 KB answered with 2 KB each, unsynced: both directions fill, and nothing deadlocks. */
    @Test
    void aPipelineThatFillsBothDirections() throws Exception {
        assertTimeoutPreemptively(LIMIT, () -> {
            long sum = onWorker(() -> {
                try (Connection conn = connect()) {
                    String payload = "p".repeat(2000);
                    java.util.List<Cursor> cursors = new java.util.ArrayList<>();
                    try (Pipeline ignored = conn.pipeline()) {
                        for (int i = 0; i < 5000; i++) {
                            Cursor c = conn.cursor().executePrepared("SELECT %s::int, %s::text", i, payload);
                            if (i % 1000 == 0) {
                                cursors.add(c);
                            }
                        }
                    }
                    long total = 0;
                    for (Cursor c : cursors) {
                        total += (Integer) c.fetchOne().get(0);
                    }
                    return total;
                }
            });
            assertEquals(0 + 1000 + 2000 + 3000 + 4000, sum);
        });
    }

    @Test
    void anInterruptedPipelineSyncCancelsAndKeepsTheConnection() throws Exception {
        try (Connection conn = connect(); Connection obs = connect()) {
            CompletableFuture<Throwable> error = new CompletableFuture<>();
            Cursor after = conn.cursor();
            Thread worker = Thread.ofPlatform().start(() -> {
                try (Pipeline p = conn.pipeline()) {
                    conn.cursor().execute("SELECT pg_sleep(20)");
                    after.execute("SELECT 2");
                    p.sync();
                    error.complete(null);
                } catch (Throwable t) {
                    error.complete(t);
                }
            });
            awaitActive(obs, conn.backendPid());
            worker.interrupt();
            assertInstanceOf(QueryCanceledException.class, error.get(LIMIT.toSeconds(), TimeUnit.SECONDS));
            worker.join();
            assertThrows(PipelineAbortedException.class, after::fetchOne);
            assertFalse(conn.isClosed());
            assertEquals(TransactionStatus.IDLE, conn.transactionStatus());
            assertEquals(3, conn.cursor().execute("SELECT 3").fetchOne().get(0));
        }
    }

    @Test
    void connectFailuresAreOperationalErrors() {
        assertTimeoutPreemptively(LIMIT, () -> {
            PgException e = assertThrows(OperationalException.class,
                    () -> Pgreen.connect(server.dsn() + " dbname=no_such_db_contract"));
            assertEquals("3D000", e.sqlState());
        });
    }
}
