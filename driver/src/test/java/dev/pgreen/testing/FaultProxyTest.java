package dev.pgreen.testing;

import dev.pgreen.Connection;
import dev.pgreen.Pgreen;
import dev.pgreen.errors.InterfaceException;
import dev.pgreen.errors.OperationalException;
import dev.pgreen.testing.FaultProxy.Cut;
import dev.pgreen.testing.FaultProxy.Direction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.*;

/** The fault proxy itself, against the real server. */
@ExtendWith(PgServerExtension.class)
// A test that hangs fails after two minutes, with its stack, instead of stalling the build.
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class FaultProxyTest {
    private static final Duration LIMIT = Duration.ofSeconds(10);

    private TestServer server;
    private FaultProxy proxy;
    private final List<Connection> opened = new CopyOnWriteArrayList<>();

    @BeforeEach
    void setUp(TestServer server) {
        this.server = server;
        proxy = FaultProxy.start(server);
    }

    @AfterEach
    void tearDown() {
        // The proxy first: closing it ends any call a failed test left waiting on a stalled link.
        proxy.close();
        opened.forEach(Connection::close);
    }

    /** A connection through the proxy, closed after the test (after the proxy). */
    private Connection connect() {
        return opened(Pgreen.connect(proxy.dsn()));
    }

    private Connection opened(Connection c) {
        c.setAutocommit(true);
        opened.add(c);
        return c;
    }

    private static Object select(Connection c, int n) {
        return c.cursor().execute("SELECT %s", n).fetchOne().get(0);
    }

    @Test
    void forwardsBothWaysAndCountsConnections() {
        Connection c = connect();
        assertEquals(1, select(c, 1));
        assertEquals(1, proxy.connectionsOpened());
        assertTrue(proxy.forwarded(Direction.CLIENT_TO_SERVER) > 0);
        assertTrue(proxy.forwarded(Direction.SERVER_TO_CLIENT) > 0);
        assertTrue(proxy.dsn().contains("port=" + proxy.port()), proxy.dsn());
    }

    @Test
    void latencyDelaysEachWay() {
        Connection c = connect();
        proxy.latency(Duration.ofMillis(100));
        long start = System.nanoTime();
        assertEquals(2, select(c, 2));
        assertTrue(System.nanoTime() - start >= 200_000_000L, "a round trip crosses the proxy twice");
    }

    @Test
    void aStallHoldsTheOpenLinksOnlyUntilResumed() {
        Connection c = connect();
        Connection other = connect();
        Connection observer = opened(Pgreen.connect(server.dsn()));
        proxy.stall(Direction.SERVER_TO_CLIENT);
        BoundedCall<Object> call = BoundedCall.start("stalled", () -> select(c, 3));
        awaitIdleAfter(observer, c.backendPid(), "SELECT 3");
        // A link opened after the stall flows; the stalled one holds the reply the server has sent.
        Connection late = connect();
        assertEquals(4, select(late, 4));
        assertFalse(call.isDone(), "the reply is held");
        proxy.resume();
        assertEquals(3, call.awaitEnd(LIMIT).result());
        assertEquals(5, select(other, 5));
    }

    @Test
    void newConnectionsCanStartStalled() {
        proxy.stallNewConnections(Direction.SERVER_TO_CLIENT);
        OperationalException e = assertThrows(OperationalException.class,
                () -> Pgreen.connect(proxy.dsn("connect_timeout=2")));
        assertTrue(e.getMessage().contains("timeout"), e.getMessage());
        proxy.resume();
        Connection c = connect();
        assertEquals(1, select(c, 1));
    }

    @Test
    void cutAllResetsOrClosesEveryLink() {
        Connection reset = connect();
        Connection closed = connect();
        proxy.cutAll(Cut.RST);
        OperationalException e = assertThrows(OperationalException.class, () -> select(reset, 1));
        assertTrue(e.getMessage().contains("server closed the connection unexpectedly"), e.getMessage());
        assertThrows(OperationalException.class, () -> select(closed, 1));
        Connection finished = connect();
        proxy.cutAll(Cut.FIN);
        e = assertThrows(OperationalException.class, () -> select(finished, 1));
        assertTrue(e.getMessage().contains("server closed the connection unexpectedly"), e.getMessage());
    }

    @Test
    void cutAfterForwardsExactlyThatManyBytes() {
        Connection c = connect();
        long before = proxy.forwarded(Direction.SERVER_TO_CLIENT);
        proxy.truncate(Direction.SERVER_TO_CLIENT, 7);
        assertThrows(OperationalException.class, () -> c.cursor().execute("SELECT repeat('x', 100000)"));
        assertEquals(before + 7, proxy.forwarded(Direction.SERVER_TO_CLIENT));
        assertTrue(c.isClosed());
        assertEquals(1, select(connect(), 1), "the cut fired once");
    }

    @Test
    void garbageGoesIntoTheServersReplies() throws IOException {
        proxy.injectGarbage(0, new byte[] {1, 2, 3});
        byte answer = (byte) (server.certificates().isPresent() ? 'S' : 'N');
        assertArrayEquals(new byte[] {1, 2, 3, answer}, sslRequestReply(4));
        assertArrayEquals(new byte[] {answer}, sslRequestReply(1), "once");
        Connection c = connect();
        proxy.injectGarbage(0, new byte[] {'?', 0, 0, 0, 4});
        InterfaceException e = assertThrows(InterfaceException.class, () -> select(c, 1));
        assertTrue(e.getMessage().contains("protocol error"), e.getMessage());
    }

    @Test
    void aReplacedChunkIsTheSeedsRandomBytes() throws IOException {
        byte[] expected = new byte[1];
        new Random(42).nextBytes(expected);
        proxy.replaceChunk(0, 42);
        assertArrayEquals(expected, sslRequestReply(1));
    }

    /** The server's answer to an SSLRequest ('S' or 'N': with TLS or without), as it reaches the client. */
    private byte[] sslRequestReply(int length) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", proxy.port()));
            s.setSoTimeout((int) LIMIT.toMillis());
            s.getOutputStream().write(new byte[] {0, 0, 0, 8, 0x04, (byte) 0xd2, 0x16, 0x2f});
            return s.getInputStream().readNBytes(length);
        }
    }

    @Test
    void heldConnectionsWaitForTheRelease() {
        proxy.holdNewConnections();
        BoundedCall<Connection> connecting = BoundedCall.start("held connect", this::connect);
        assertTrue(proxy.awaitConnections(1, LIMIT));
        assertFalse(connecting.isDone(), "accepted but not connected to the server");
        proxy.releaseNewConnections();
        Connection c = connecting.awaitEnd(LIMIT).result();
        assertEquals(1, select(c, 1));
    }

    @Test
    void closeJoinsItsThreadsAndClosesEverySocket() throws IOException {
        Connection c = connect();
        proxy.stall(Direction.SERVER_TO_CLIENT);
        proxy.holdNewConnections();
        try (Socket held = new Socket()) {
            held.connect(new InetSocketAddress("127.0.0.1", proxy.port()));
            held.setSoTimeout((int) LIMIT.toMillis());
            assertTrue(proxy.awaitConnections(2, LIMIT));
            proxy.close();
            assertEquals(-1, held.getInputStream().read(), "the held link is closed");
        }
        String prefix = "fault-proxy-" + proxy.port() + "-";
        assertTrue(Thread.getAllStackTraces().keySet().stream().noneMatch(t -> t.getName().startsWith(prefix)),
                "no proxy thread is left");
        assertThrows(OperationalException.class, () -> select(c, 1));
        assertThrows(IOException.class, () -> {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", proxy.port()), 1000);
            }
        });
    }

    /**
     * Waits until backend {@code pid} has run {@code sql} and is idle again: its reply has left the server. The
     * observer is in autocommit: inside a transaction pg_stat_activity would show the same snapshot every time.
     */
    private static void awaitIdleAfter(Connection observer, int pid, String sql) {
        long deadline = System.nanoTime() + LIMIT.toNanos();
        while (System.nanoTime() - deadline < 0) {
            var row = observer.cursor().execute("SELECT state, query FROM pg_stat_activity WHERE pid = %s", pid).fetchOne();
            if (row != null && "idle".equals(row.get(0)) && sql.equals(row.get(1))) return;
            Thread.onSpinWait();
        }
        fail("backend " + pid + " never finished " + sql);
    }
}
