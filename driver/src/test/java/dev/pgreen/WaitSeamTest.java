package dev.pgreen;

import dev.pgreen.errors.OperationalException;
import dev.pgreen.errors.QueryCanceledException;
import dev.pgreen.testing.Backends;
import dev.pgreen.testing.LatencyProxy;
import dev.pgreen.testing.PgServerExtension;
import dev.pgreen.testing.SlowNames;
import dev.pgreen.testing.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.AbstractQueue;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.*;

/** Every wait goes through the wait seam: nothing blocks outside it, nothing hangs. */
@ExtendWith(PgServerExtension.class)
class WaitSeamTest {
    private static final Duration LIMIT = Duration.ofSeconds(30);

    private static Connection connectAsync(TestServer server) throws Exception {
        Connection conn = Pgreen.connectAsync(server.dsn());
        AsyncTest.drive(conn);
        return conn;
    }

    @Test
    void anAsyncExecuteIsOnTheWireBeforeItReturns(TestServer server) throws Exception {
        // Through a 5 ms latency proxy: a fast server's answer could otherwise be read by execute itself
        // (the read right after sending), leaving nothing for the selector to see.
        try (LatencyProxy proxy = LatencyProxy.start(server, Duration.ofMillis(5));
             Connection conn = Pgreen.connectAsync(proxy.dsn(server));
             Selector selector = Selector.open()) {
            AsyncTest.drive(conn);
            conn.cursor().execute("SELECT 42");
            // Nothing polled: the reply can only come if execute itself sent the query.
            conn.channel().register(selector, SelectionKey.OP_READ);
            assertTrue(selector.select(10_000) > 0, "the server answers a query that execute() sent");
            AsyncTest.drive(conn);
        }
    }

    @Test
    void aCancelRightAfterAnAsyncExecuteCancelsIt(TestServer server) throws Exception {
        try (Connection conn = connectAsync(server);
             Connection observer = Pgreen.connect(server.dsn())) {
            Cursor cur = conn.cursor();
            cur.execute("SELECT pg_sleep(20)");
            Backends.awaitActive(observer, conn.backendPid(), Duration.ofSeconds(10));
            long start = System.nanoTime();
            conn.cancel();
            assertThrows(QueryCanceledException.class, () -> AsyncTest.drive(conn));
            assertTrue(System.nanoTime() - start < 5_000_000_000L, "cancelled, not run to its end");
            cur.execute("SELECT 1");
            AsyncTest.drive(conn);
            assertEquals(1, cur.fetchOne().get(0));
        }
    }

    @Test
    void pollFromAnotherThreadNeverStrandsTheOwner(TestServer server) throws Exception {
        try (Connection conn = Pgreen.connect(server.dsn());
             Connection sender = Pgreen.connect(server.dsn())) {
            conn.setAutocommit(true);
            sender.setAutocommit(true);
            conn.cursor().execute("LISTEN seam");
            AtomicBoolean stop = new AtomicBoolean();
            AtomicReference<Throwable> listenerFailure = new AtomicReference<>();
            Thread listener = Thread.ofPlatform().name("poller").start(() -> {
                try (Selector selector = Selector.open()) {
                    while (!stop.get()) {
                        conn.poll();
                        SelectionKey key = conn.channel().register(selector, SelectionKey.OP_READ);
                        selector.select(5);
                        key.cancel();
                        selector.selectNow();
                    }
                } catch (Throwable t) {
                    listenerFailure.set(t);
                }
            });
            long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            try {
                assertTimeoutPreemptively(LIMIT, () -> {
                    int n = 0;
                    while (System.nanoTime() < end) {
                        Object v = conn.cursor().execute("SELECT %s::int", n).fetchOne().get(0);
                        assertEquals(n, v, "every result is the query's own");
                        if (n % 50 == 0) {
                            sender.cursor().execute("NOTIFY seam, %s", String.valueOf(n));
                        }
                        n++;
                    }
                    return n;
                });
            } finally {
                stop.set(true);
                listener.join(5_000);
            }
            assertFalse(listener.isAlive(), "the poller stops");
            assertNull(listenerFailure.get(), () -> "the poller failed: " + listenerFailure.get());
            conn.cursor().execute("SELECT 1");
            assertFalse(conn.notifies().isEmpty(), "notifications still arrive");
        }
    }

    /** A wait callback that marks the time inside poll(), where no user code may run. */
    private static final class MarkingWait implements WaitCallback {
        static final ThreadLocal<Boolean> IN_POLL = ThreadLocal.withInitial(() -> false);
        final AtomicInteger userCallsInsidePoll = new AtomicInteger();

        @Override
        public void await(Connection conn) {
            for (PollState s = poll(conn); s != PollState.OK; s = poll(conn)) {
                try (Selector selector = Selector.open()) {
                    conn.channel().register(selector, PollingWait.interestOps(conn.channel(), s));
                    selector.select(1_000);
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
        }

        private static PollState poll(Connection conn) {
            IN_POLL.set(true);
            try {
                return conn.poll();
            } finally {
                IN_POLL.set(false);
            }
        }

        void userCode() {
            if (IN_POLL.get()) {
                userCallsInsidePoll.incrementAndGet();
            }
        }
    }

    @Test
    void copyStreamsAndTheNotifiesSinkNeverRunInsidePoll(TestServer server) {
        MarkingWait wait = new MarkingWait();
        try (Connection conn = Pgreen.connect(server.dsn());
             Connection sender = Pgreen.connect(server.dsn())) {
            conn.setAutocommit(true);
            sender.setAutocommit(true);
            conn.setWaitCallback(wait);
            Cursor cur = conn.cursor();
            cur.execute("CREATE TEMP TABLE seam_copy (i int, t text)");
            int rows = 50_000;
            InputStream in = new InputStream() {
                private int row;
                private byte[] line = new byte[0];
                private int pos;

                @Override
                public int read() {
                    wait.userCode();
                    if (pos == line.length) {
                        if (row == rows) return -1;
                        line = (row + "\tline " + row++ + "\n").getBytes(StandardCharsets.UTF_8);
                        pos = 0;
                    }
                    return line[pos++];
                }
            };
            cur.copyFrom(in, "seam_copy");
            assertEquals(rows, cur.rowCount());
            ByteArrayOutputStream copied = new ByteArrayOutputStream();
            OutputStream out = new OutputStream() {
                @Override
                public void write(int b) {
                    wait.userCode();
                    copied.write(b);
                }

                @Override
                public void write(byte[] b, int off, int len) {
                    wait.userCode();
                    copied.write(b, off, len);
                }
            };
            cur.copyTo(out, "seam_copy");
            assertEquals(rows, copied.toString(StandardCharsets.UTF_8).lines().count());

            conn.setNotifies(new RecordingQueue(wait));
            cur.execute("LISTEN seam_sink");
            sender.cursor().execute("NOTIFY seam_sink, 'one'");
            assertEquals(1, conn.awaitNotifies(Duration.ofSeconds(10)));
            sender.cursor().execute("NOTIFY seam_sink, 'two'");
            cur.execute("SELECT pg_sleep(0.1)");
            assertEquals(2, conn.notifies().size(), "both notifications reached the sink");
            assertEquals(0, wait.userCallsInsidePoll.get(), "no user stream or sink ran inside poll()");
        }
    }

    /** A sink that reports whether it runs inside poll(). */
    private static final class RecordingQueue extends AbstractQueue<Notify> {
        private final ArrayDeque<Notify> items = new ArrayDeque<>();
        private final MarkingWait wait;

        RecordingQueue(MarkingWait wait) {
            this.wait = wait;
        }

        @Override
        public boolean offer(Notify n) {
            wait.userCode();
            return items.offer(n);
        }

        @Override
        public Notify poll() {
            return items.poll();
        }

        @Override
        public Notify peek() {
            return items.peek();
        }

        @Override
        public Iterator<Notify> iterator() {
            return items.iterator();
        }

        @Override
        public int size() {
            return items.size();
        }
    }

    @Test
    void aHostNameIsResolvedWithoutBlockingTheConnectingThread(TestServer server) throws Exception {
        String dsn = server.dsn() + " host=" + SlowNames.slowHost(1_500);
        long start = System.nanoTime();
        Connection conn = Pgreen.connectAsync(dsn);
        try {
            assertTrue(System.nanoTime() - start < 1_000_000_000L, "connectAsync returned before the name resolved");
            long slowestPoll = 0;
            PollState s;
            try (Selector selector = Selector.open()) {
                while ((s = timed(conn)) != PollState.OK) {
                    slowestPoll = Math.max(slowestPoll, lastPollNanos);
                    SelectionKey key = conn.channel().register(selector, PollingWait.interestOps(conn.channel(), s));
                    assertTrue(selector.select(10_000) > 0, "the resolver's end wakes the wait");
                    key.cancel();
                    selector.selectNow();
                }
            }
            assertTrue(slowestPoll < 500_000_000L, "no poll() waited for the resolver: " + slowestPoll / 1_000_000 + " ms");
            assertTrue(System.nanoTime() - start >= 1_400_000_000L, "the connect waited for the name");
            Cursor cur = conn.cursor();
            cur.execute("SELECT 1");
            AsyncTest.drive(conn);
            assertEquals(1, cur.fetchOne().get(0));
        } finally {
            conn.close();
        }
    }

    private static long lastPollNanos;

    private static PollState timed(Connection conn) {
        long t = System.nanoTime();
        try {
            return conn.poll();
        } finally {
            lastPollNanos = System.nanoTime() - t;
        }
    }

    @Test
    void nameResolutionCountsInTheConnectTimeoutAndFailsInPoll(TestServer server) {
        String slow = server.dsn() + " host=" + SlowNames.slowHost(6_000) + " connect_timeout=2";
        long start = System.nanoTime();
        OperationalException e = assertThrows(OperationalException.class, () -> Pgreen.connect(slow));
        long took = System.nanoTime() - start;
        assertTrue(took >= 1_900_000_000L && took < 5_000_000_000L, "failed at the timeout: " + took / 1_000_000 + " ms");
        assertTrue(e.getMessage().contains("timeout expired"), e.getMessage());
        assertTrue(e.getMessage().contains(SlowNames.slowHost(6_000)), "names the host: " + e.getMessage());

        Connection conn = Pgreen.connectAsync(server.dsn() + " host=no-such-host.invalid");
        OperationalException unknown = assertThrows(OperationalException.class, () -> AsyncTest.drive(conn),
                "an unknown host is reported by poll(), where connect errors belong");
        assertTrue(unknown.getMessage().contains("could not translate host name"), unknown.getMessage());
        assertTrue(conn.isClosed());
    }

    @Test
    void theStatementTimeoutCancelsUnderAnyWaitCallback(TestServer server) {
        WaitCallback plain = c -> {
            for (PollState s = c.poll(); s != PollState.OK; s = c.poll()) {
                try (Selector selector = Selector.open()) {
                    c.channel().register(selector, PollingWait.interestOps(c.channel(), s));
                    Duration timeout = c.waitTimeout();
                    selector.select(PollingWait.selectMillis(timeout));
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
        };
        for (WaitCallback cb : new WaitCallback[] {null, plain}) {
            try (Connection conn = Pgreen.connect(server.dsn())) {
                conn.setWaitCallback(cb);
                conn.setStatementTimeout(Duration.ofMillis(300));
                long start = System.nanoTime();
                assertThrows(QueryCanceledException.class, () -> conn.cursor().execute("SELECT pg_sleep(20)"));
                assertTrue(System.nanoTime() - start < 5_000_000_000L, "cancelled at the timeout");
                conn.rollback();
                assertEquals(1, conn.cursor().execute("SELECT 1").fetchOne().get(0), "usable afterwards");
                conn.setStatementTimeout(null);
                assertEquals(1, conn.cursor().execute("SELECT 1 FROM pg_sleep(0.5)").fetchOne().get(0));
            }
        }
    }
}
