package dev.pgreen;

import dev.pgreen.errors.InterfaceException;
import dev.pgreen.errors.ProgrammingException;
import dev.pgreen.testing.PgServerExtension;
import dev.pgreen.testing.TestServer;
import dev.pgreen.testing.TestWait;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.*;

/** Every wait of a synchronous connection goes through the registered wait callback. */
@ExtendWith(PgServerExtension.class)
class WaitCallbackTest {

    /** Waits with its own Selector and records every poll() result it saw. */
    static final class RecordingWait implements WaitCallback {
        final List<PollState> states = new ArrayList<>();
        final AtomicInteger calls = new AtomicInteger();

        @Override
        public void await(Connection conn) {
            calls.incrementAndGet();
            assertFalse(conn.channel().isBlocking(), "the driver's channel must be non-blocking");
            try (Selector selector = Selector.open()) {
                for (PollState s = conn.poll(); ; s = conn.poll()) {
                    states.add(s);
                    if (s == PollState.OK) {
                        return;
                    }
                    SocketChannel ch = (SocketChannel) conn.channel();
                    int ops = s == PollState.READ ? SelectionKey.OP_READ
                            : ch.isConnectionPending() ? SelectionKey.OP_CONNECT : SelectionKey.OP_WRITE;
                    SelectionKey key = ch.register(selector, ops);
                    var timeout = conn.waitTimeout();
                    selector.select(timeout == null ? 5_000 : Math.max(1, timeout.toMillis()));
                    key.cancel();
                    selector.selectNow();
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        int reset() {
            states.clear();
            return calls.getAndSet(0);
        }
    }

    @AfterEach
    void restoreGlobal() {
        TestWait.install();
    }

    @Test
    void connectExecuteAndCommitWaitOnlyThroughTheGlobalCallback(TestServer server) {
        RecordingWait wait = new RecordingWait();
        Pgreen.setWaitCallback(wait);
        assertSame(wait, Pgreen.getWaitCallback());
        try (Connection conn = Pgreen.connect(server.dsn())) {
            assertTrue(wait.reset() >= 1, "connect must wait through the callback");

            Cursor cur = conn.cursor();
            cur.execute("SELECT pg_sleep(0.05), 42");
            assertEquals(42, cur.fetchOne().get(1));
            assertTrue(wait.calls.get() >= 1, "execute must wait through the callback");
            assertTrue(wait.states.contains(PollState.READ), "a query waits for the reply: " + wait.states);
            assertEquals(PollState.OK, wait.states.getLast(), "the callback ends when poll() says OK");
            wait.reset();

            conn.commit();
            assertTrue(wait.reset() >= 1, "commit must wait through the callback");
        }
    }

    @Test
    void theCallbackIsCalledForEveryBlockingOperationEvenWhenNoWaitIsNeeded(TestServer server) {
        AtomicInteger calls = new AtomicInteger();
        Pgreen.setWaitCallback(conn -> {
            calls.incrementAndGet();
            new RecordingWait().await(conn);
        });
        try (Connection conn = Pgreen.connect(server.dsn())) {
            assertEquals(1, calls.getAndSet(0), "connect");
            conn.cursor().execute("SELECT 1");
            assertEquals(1, calls.getAndSet(0), "execute");
            conn.commit();
            assertEquals(1, calls.getAndSet(0), "commit");
            conn.rollback();
            assertEquals(0, calls.get(), "rollback outside a transaction talks to no server");
        }
    }

    @Test
    void perConnectionCallbackOverridesTheGlobalOne(TestServer server) {
        RecordingWait global = new RecordingWait();
        RecordingWait own = new RecordingWait();
        Pgreen.setWaitCallback(global);
        try (Connection conn = Pgreen.connect(server.dsn())) {
            global.reset();
            conn.setWaitCallback(own);
            conn.cursor().execute("SELECT pg_sleep(0.02)");
            assertTrue(own.calls.get() >= 1);
            assertEquals(0, global.calls.get());
        }
    }

    @Test
    void largeQueriesAndResultsNeedSeveralWritesAndReads(TestServer server) {
        RecordingWait wait = new RecordingWait();
        try (Connection conn = Pgreen.connect(server.dsn())) {
            conn.setWaitCallback(wait);
            String big = "x".repeat(8 * 1024 * 1024);
            Cursor cur = conn.cursor();
            cur.execute("SELECT length(%s), repeat('y', 8388608)", big);
            Row row = cur.fetchOne();
            assertEquals(big.length(), row.get(0));
            assertEquals(8 * 1024 * 1024, ((String) row.get(1)).length());

            // Rows produced slowly arrive in pieces: the reply takes many READ waits, all through the callback.
            wait.reset();
            cur.execute("SELECT g, pg_sleep(0.01), repeat('z', 100000) FROM generate_series(1, 20) g");
            assertEquals(20, cur.fetchAll().size());
            long reads = wait.states.stream().filter(s -> s == PollState.READ).count();
            assertTrue(reads > 1, "the reply arrives over several reads: " + wait.states);
        }
    }

    @Test
    void aCallbackThatNeverBlocksStillWorks(TestServer server) {
        // Busy-polling proves the driver itself never waits: all the waiting is the callback's to do.
        AtomicInteger polls = new AtomicInteger();
        WaitCallback spin = conn -> {
            while (conn.poll() != PollState.OK) {
                polls.incrementAndGet();
                Thread.onSpinWait();
            }
        };
        Pgreen.setWaitCallback(spin);
        try (Connection conn = Pgreen.connect(server.dsn())) {
            assertEquals(7L, conn.cursor().execute("SELECT 7::int8").fetchOne().get(0));
            polls.set(0);
            assertEquals("done", conn.cursor().execute("SELECT 'done' FROM pg_sleep(0.05)").fetchOne().get(0));
        }
        assertTrue(polls.get() > 0, "a 50 ms statement cannot be answered on the first poll");
    }

    @Test
    void reenteringTheConnectionFromTheCallbackRaisesInsteadOfDeadlocking(TestServer server) {
        try (Connection conn = Pgreen.connect(server.dsn())) {
            List<Throwable> inner = new ArrayList<>();
            RecordingWait base = new RecordingWait();
            conn.setWaitCallback(c -> {
                try {
                    c.cursor().execute("SELECT 1");
                } catch (ProgrammingException e) {
                    inner.add(e);
                }
                base.await(c);
            });
            Row row = conn.cursor().execute("SELECT pg_sleep(0.02), 'outer'").fetchOne();
            assertEquals("outer", row.get(1));
            assertFalse(inner.isEmpty());
            assertTrue(inner.getFirst().getMessage().contains("another command is already in progress"));
            conn.setWaitCallback(null);
            assertEquals(1, conn.cursor().execute("SELECT 1").fetchOne().get(0), "the stream is intact");
        }
    }

    @Test
    void anExceptionFromTheCallbackPropagatesAndClosesTheConnection(TestServer server) {
        Connection conn = Pgreen.connect(server.dsn());
        conn.setWaitCallback(c -> {
            throw new IllegalStateException("scheduler gone");
        });
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> conn.cursor().execute("SELECT pg_sleep(0.05)"));
        assertEquals("scheduler gone", e.getMessage());
        assertTrue(conn.isClosed());
        assertEquals(TransactionStatus.UNKNOWN, conn.transactionStatus());
        assertThrows(InterfaceException.class, () -> conn.cursor().execute("SELECT 1"));
    }

    @Test
    void aCallbackThatReturnsEarlyIsAnError(TestServer server) {
        Connection conn = Pgreen.connect(server.dsn());
        conn.setWaitCallback(c -> { });
        assertThrows(InterfaceException.class, () -> conn.cursor().execute("SELECT pg_sleep(0.05)"));
        assertTrue(conn.isClosed());
    }

    @Test
    void pollOnAnIdleConnectionReadsWithoutSending(TestServer server) {
        try (Connection conn = Pgreen.connect(server.dsn()); Connection other = Pgreen.connect(server.dsn())) {
            conn.setAutocommit(true);
            other.setAutocommit(true);
            conn.cursor().execute("LISTEN pgreen_poll");
            other.cursor().execute("NOTIFY pgreen_poll, 'hi'");
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (conn.notifies().isEmpty() && System.nanoTime() < deadline) {
                assertEquals(PollState.OK, conn.poll());
                Thread.onSpinWait();
            }
            assertEquals(List.of(new Notify(other.backendPid(), "pgreen_poll", "hi")), List.copyOf(conn.notifies()));
        }
    }
}
