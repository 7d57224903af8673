package dev.pgreen.loom;

import dev.pgreen.Connection;
import dev.pgreen.Pgreen;
import dev.pgreen.errors.QueryCanceledException;
import dev.pgreen.testing.PgServerExtension;
import dev.pgreen.testing.TestServer;
import dev.pgreen.testing.TestWait;
import dev.pgreen.wait.SelectWait;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static dev.pgreen.loom.LoomTesting.LIMIT;
import static dev.pgreen.loom.LoomTesting.awaitActive;
import static dev.pgreen.loom.LoomTesting.connect;
import static org.junit.jupiter.api.Assertions.*;

/** The virtual-thread wait against the real server. */
@ExtendWith(PgServerExtension.class)
class VirtualThreadWaitTest {
    private TestServer server;

    @BeforeEach
    void setUp(TestServer server) {
        this.server = server;
        Loom.install();
    }

    @AfterEach
    void restore() {
        TestWait.install();
    }

    /** Outcome of a statement run on another thread. */
    record Outcome(Object value, Throwable error, boolean interruptFlag) {}

    /** A statement running on its own thread. */
    record Running(Thread thread, CompletableFuture<Outcome> outcome) {
        Outcome get() throws Exception {
            return outcome.get(LIMIT.toSeconds(), TimeUnit.SECONDS);
        }
    }

    private static Running runOn(Thread.Builder builder, Connection conn, String sql) {
        CompletableFuture<Outcome> f = new CompletableFuture<>();
        Thread thread = builder.start(() -> {
            try {
                Object v = conn.cursor().execute(sql).fetchOne().get(0);
                f.complete(new Outcome(v, null, Thread.currentThread().isInterrupted()));
            } catch (Throwable t) {
                f.complete(new Outcome(null, t, Thread.currentThread().isInterrupted()));
            }
        });
        return new Running(thread, f);
    }

    @Test
    void installRegistersTheSharedWaitGloballyOrPerConnection() {
        assertTrue(Loom.isInstalled());
        assertSame(Loom.waitCallback(), Pgreen.getWaitCallback());
        Loom.uninstall();
        assertNull(Pgreen.getWaitCallback());
        Pgreen.setWaitCallback(new SelectWait());
        Loom.uninstall();
        assertInstanceOf(SelectWait.class, Pgreen.getWaitCallback(), "someone else's callback is left alone");
        try (Connection conn = Loom.install(connect(server))) {
            assertSame(Loom.waitCallback(), conn.waitCallback());
        }
    }

    @Test
    void aWaitingVirtualThreadIsParkedNotRunningOnItsCarrier() throws Exception {
        try (Connection conn = connect(server)) {
            CompletableFuture<Outcome> out = new CompletableFuture<>();
            Thread vt = Thread.ofVirtual().start(() -> {
                Object v = conn.cursor().execute("SELECT pg_sleep(0.5), 7").fetchOne().get(1);
                out.complete(new Outcome(v, null, false));
            });
            Thread.sleep(200);
            // A virtual thread in Selector.select() would show RUNNABLE: it would hold its carrier.
            Thread.State state = vt.getState();
            assertTrue(state == Thread.State.WAITING || state == Thread.State.TIMED_WAITING,
                    "a virtual thread waiting for the server is parked, not " + state);
            // Parked by the shared poller, not by the JDK inside Selector.select() (which JDK 25 also parks,
            // but JDK 21 does not): the path under test is the one that is green on every JDK.
            assertInstanceOf(ChannelPoller.class, LockSupport.getBlocker(vt));
            assertEquals(7, out.get(LIMIT.toSeconds(), TimeUnit.SECONDS).value());
        }
    }

    @Test
    void connectQueriesAndTransactionsOnVirtualThreads() throws Exception {
        CompletableFuture<Object> f = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try (Connection conn = Pgreen.connect(server.dsn())) {
                var cur = conn.cursor();
                cur.execute("CREATE TEMP TABLE vt (x int)");
                cur.execute("INSERT INTO vt SELECT generate_series(1, 1000)");
                conn.commit();
                f.complete(cur.execute("SELECT sum(x), count(*) FROM vt").fetchOne().toList());
            } catch (Throwable t) {
                f.completeExceptionally(t);
            }
        });
        assertEquals(java.util.List.of(500500L, 1000L), f.get(LIMIT.toSeconds(), TimeUnit.SECONDS));
    }

    @Test
    void interruptingAVirtualThreadCancelsTheQueryAndKeepsTheConnection() throws Exception {
        try (Connection conn = connect(server); Connection observer = connect(server)) {
            long start = System.nanoTime();
            Running r = runOn(Thread.ofVirtual(), conn, "SELECT pg_sleep(30)");
            awaitActive(observer, conn.backendPid());
            r.thread().interrupt();
            Outcome o = r.get();
            long millis = (System.nanoTime() - start) / 1_000_000;
            QueryCanceledException e = assertInstanceOf(QueryCanceledException.class, o.error());
            assertEquals("57014", e.sqlState());
            assertTrue(o.interruptFlag(), "the interrupt flag is restored");
            assertTrue(millis < 20_000, "cancelled on the server, not waited out: " + millis + " ms");
            assertFalse(conn.isClosed(), "the connection stays usable");
            assertTrue(conn.channel().isOpen(), "the interrupt never closed the socket");
            assertEquals(5, conn.cursor().execute("SELECT 5").fetchOne().get(0));
        }
    }

    @Test
    void anInterruptBeforeTheQueryCancelsItToo() throws Exception {
        try (Connection conn = connect(server)) {
            CompletableFuture<Outcome> f = new CompletableFuture<>();
            Thread.ofVirtual().start(() -> {
                Thread.currentThread().interrupt();
                try {
                    conn.cursor().execute("SELECT pg_sleep(30)");
                    f.complete(new Outcome(null, null, Thread.currentThread().isInterrupted()));
                } catch (Throwable t) {
                    f.complete(new Outcome(null, t, Thread.currentThread().isInterrupted()));
                }
            });
            Outcome o = f.get(LIMIT.toSeconds(), TimeUnit.SECONDS);
            assertInstanceOf(QueryCanceledException.class, o.error());
            assertTrue(o.interruptFlag());
            assertEquals(1, conn.cursor().execute("SELECT 1").fetchOne().get(0));
        }
    }

    @Test
    void aPerConnectionInstallWorksWithoutTheGlobalOne() throws Exception {
        Pgreen.setWaitCallback(null);
        try (Connection conn = Loom.install(connect(server)); Connection observer = connect(server)) {
            Running r = runOn(Thread.ofVirtual(), conn, "SELECT pg_sleep(30)");
            awaitActive(observer, conn.backendPid());
            r.thread().interrupt();
            Outcome o = r.get();
            assertInstanceOf(QueryCanceledException.class, o.error());
            assertTrue(o.interruptFlag());
            assertEquals(6, conn.cursor().execute("SELECT 6").fetchOne().get(0));
        }
    }

    @Test
    void onAPlatformThreadItWaitsLikeSelectWait() throws Exception {
        try (Connection conn = connect(server); Connection observer = connect(server)) {
            assertEquals(8, runOn(Thread.ofPlatform(), conn, "SELECT 8").get().value());
            Running r = runOn(Thread.ofPlatform(), conn, "SELECT pg_sleep(30)");
            awaitActive(observer, conn.backendPid());
            r.thread().interrupt();
            Outcome o = r.get();
            assertInstanceOf(QueryCanceledException.class, o.error());
            assertTrue(o.interruptFlag());
            assertEquals(9, conn.cursor().execute("SELECT 9").fetchOne().get(0));
        }
    }

    @Test
    void notificationsAndTheirTimeoutWaitThroughThePoller() throws Exception {
        try (Connection listener = connect(server); Connection sender = connect(server)) {
            listener.cursor().execute("LISTEN loom_chan");
            CompletableFuture<Integer> got = new CompletableFuture<>();
            Thread.ofVirtual().start(() -> got.complete(listener.awaitNotifies(Duration.ofSeconds(20))));
            Thread.sleep(100);
            sender.cursor().execute("NOTIFY loom_chan, 'hello'");
            assertEquals(1, got.get(LIMIT.toSeconds(), TimeUnit.SECONDS));
            assertEquals("hello", listener.notifies().iterator().next().payload());

            CompletableFuture<Long> waited = new CompletableFuture<>();
            Thread.ofVirtual().start(() -> {
                long start = System.nanoTime();
                int n = listener.awaitNotifies(Duration.ofMillis(300));
                waited.complete(n == 0 ? (System.nanoTime() - start) / 1_000_000 : -1);
            });
            long millis = waited.get(LIMIT.toSeconds(), TimeUnit.SECONDS);
            assertTrue(millis >= 250, "a timed wait with nothing to receive lasts its timeout: " + millis + " ms");
            assertEquals(1, listener.cursor().execute("SELECT 1").fetchOne().get(0));
        }
    }

    @Test
    void anInterruptEndsAWaitForNotificationsPromptly() throws Exception {
        try (Connection listener = connect(server)) {
            listener.cursor().execute("LISTEN loom_chan2");
            CompletableFuture<Long> out = new CompletableFuture<>();
            long start = System.nanoTime();
            Thread vt = Thread.ofVirtual().start(() -> {
                try {
                    listener.awaitNotifies(Duration.ofSeconds(30));
                } catch (RuntimeException ignored) {
                    // Whether an interrupted wait returns or raises is the driver's call; it must end promptly.
                }
                out.complete((System.nanoTime() - start) / 1_000_000);
            });
            Thread.sleep(200);
            vt.interrupt();
            long millis = out.get(LIMIT.toSeconds(), TimeUnit.SECONDS);
            assertTrue(millis < 10_000, "the interrupted wait ended after " + millis + " ms");
            assertFalse(listener.isClosed());
            assertEquals(1, listener.cursor().execute("SELECT 1").fetchOne().get(0));
        }
    }

    @Test
    void theConnectionsStatementTimeoutComposesWithTheLoomWait() throws Exception {
        try (Connection conn = connect(server)) {
            conn.setStatementTimeout(Duration.ofMillis(300));
            long start = System.nanoTime();
            Outcome outcome = runOn(Thread.ofVirtual(), conn, "SELECT pg_sleep(20)").get();
            assertInstanceOf(QueryCanceledException.class, outcome.error(), String.valueOf(outcome.error()));
            assertTrue(System.nanoTime() - start < 8_000_000_000L, "cancelled at the timeout, not after 20 s");
            conn.setStatementTimeout(null);
            assertEquals(1, runOn(Thread.ofVirtual(), conn, "SELECT 1").get().value());
        }
    }

    @Test
    void closeFromAnotherThreadWakesAParkedVirtualThreadAtOnce() throws Exception {
        Connection conn = connect(server);
        Running running = runOn(Thread.ofVirtual(), conn, "SELECT pg_sleep(60)");
        try (Connection observer = Pgreen.connect(server.dsn())) {
            awaitActive(observer, conn.backendPid());
        }
        long start = System.nanoTime();
        conn.close();
        assertTrue(System.nanoTime() - start < 1_000_000_000L, "close() did not wait for the statement");
        Outcome outcome = running.get();
        assertTrue(System.nanoTime() - start < 2_000_000_000L, "the parked thread woke at once");
        assertInstanceOf(dev.pgreen.errors.OperationalException.class, outcome.error(), String.valueOf(outcome.error()));
        assertTrue(outcome.error().getMessage().contains("close()"), outcome.error().getMessage());
        assertTrue(conn.isClosed());
    }
}
