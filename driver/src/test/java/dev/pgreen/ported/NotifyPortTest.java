package dev.pgreen.ported;

import dev.pgreen.Connection;
import dev.pgreen.Notify;
import dev.pgreen.Pgreen;
import dev.pgreen.PollState;
import dev.pgreen.testing.PgServerExtension;
import dev.pgreen.testing.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** Cases ported from psycopg2's tests/test_notify.py. */
@ExtendWith(PgServerExtension.class)
class NotifyPortTest {

    private static Connection autocommit(TestServer server) {
        Connection c = Pgreen.connect(server.dsn());
        c.setAutocommit(true);
        return c;
    }

    /** The seed's select loop: a Selector on channel(), then poll(), then drain notifies(). */
    private static List<Notify> selectLoop(Connection conn, int expected) throws Exception {
        List<Notify> received = new ArrayList<>();
        try (Selector selector = Selector.open()) {
            conn.channel().register(selector, SelectionKey.OP_READ);
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (received.size() < expected && System.nanoTime() < deadline) {
                if (selector.select(5_000) == 0) {
                    continue; // "Timeout"
                }
                selector.selectedKeys().clear();
                assertEquals(PollState.OK, conn.poll());
                while (!conn.notifies().isEmpty()) {
                    Notify n = conn.notifies().iterator().next();
                    conn.notifies().remove(n);
                    received.add(n);
                }
            }
        }
        return received;
    }

    @Test
    void notifiesReceivedOnPoll(TestServer server) throws Exception {
        try (Connection conn = autocommit(server); Connection other = autocommit(server)) {
            conn.cursor().execute("LISTEN foo");
            other.cursor().execute("NOTIFY foo, 'bar'");
            List<Notify> got = selectLoop(conn, 1);
            assertEquals(List.of(new Notify(other.backendPid(), "foo", "bar")), got);
        }
    }

    @Test
    void manyNotifies(TestServer server) throws Exception {
        try (Connection conn = autocommit(server); Connection other = autocommit(server)) {
            conn.cursor().execute("LISTEN foo; LISTEN bar; LISTEN baz");
            // One string is one transaction, where the server folds identical notifications: payloads differ.
            other.cursor().execute("NOTIFY foo; NOTIFY bar; NOTIFY baz; NOTIFY foo, 'again'");
            List<Notify> got = selectLoop(conn, 4);
            assertEquals(List.of("foo", "bar", "baz", "foo"), got.stream().map(Notify::channel).toList());
            assertTrue(got.stream().allMatch(n -> n.pid() == other.backendPid()));
            assertEquals(List.of("", "", "", "again"), got.stream().map(Notify::payload).toList());
        }
    }

    @Test
    void notifiesReceivedOnExecute(TestServer server) {
        try (Connection conn = autocommit(server); Connection other = autocommit(server)) {
            conn.cursor().execute("LISTEN foo");
            other.cursor().execute("NOTIFY foo, 'x'");
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (conn.notifies().isEmpty() && System.nanoTime() < deadline) {
                conn.cursor().execute("SELECT 1");
            }
            assertEquals(new Notify(other.backendPid(), "foo", "x"), conn.notifies().iterator().next());
        }
    }

    @Test
    void notifyWithinATransactionIsDeliveredOnCommit(TestServer server) throws Exception {
        try (Connection conn = autocommit(server); Connection other = Pgreen.connect(server.dsn())) {
            conn.cursor().execute("LISTEN foo");
            other.cursor().execute("NOTIFY foo, 'later'");
            assertEquals(0, conn.awaitNotifies(java.time.Duration.ofMillis(100)), "not before the commit");
            other.commit();
            assertEquals(List.of(new Notify(other.backendPid(), "foo", "later")), selectLoop(conn, 1));
        }
    }

    @Test
    void notifyDeque(TestServer server) throws Exception {
        try (Connection conn = autocommit(server); Connection other = autocommit(server)) {
            ArrayDeque<Notify> deque = new ArrayDeque<>();
            conn.setNotifies(deque);
            conn.cursor().execute("LISTEN foo");
            other.cursor().execute("NOTIFY foo, '1'; NOTIFY foo, '2'");
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (deque.size() < 2 && System.nanoTime() < deadline) {
                conn.awaitNotifies(java.time.Duration.ofSeconds(1));
            }
            assertSame(deque, conn.notifies());
            assertEquals("1", deque.pollFirst().payload());
            assertEquals("2", deque.pollFirst().payload());
        }
    }

    @Test
    void notifyObjectsCompareAndHashByValue() {
        Notify a = new Notify(10, "foo", "bar");
        assertEquals(a, new Notify(10, "foo", "bar"));
        assertEquals(a.hashCode(), new Notify(10, "foo", "bar").hashCode());
        assertNotEquals(a, new Notify(10, "foo", "baz"));
        assertNotEquals(a, new Notify(11, "foo", "bar"));
        assertEquals("", new Notify(1, "c", "").payload());
    }

    @Test
    void aLongPayloadAndUnicodeChannel(TestServer server) throws Exception {
        try (Connection conn = autocommit(server); Connection other = autocommit(server)) {
            String payload = "é€😀".repeat(800); // 7,200 bytes: under the server's 8,000-byte payload limit;
            conn.cursor().execute("LISTEN \"ch€\"");
            other.cursor().execute("SELECT pg_notify(%s, %s)", "ch€", payload);
            List<Notify> got = selectLoop(conn, 1);
            assertEquals(List.of(new Notify(other.backendPid(), "ch€", payload)), got);
        }
    }
}
