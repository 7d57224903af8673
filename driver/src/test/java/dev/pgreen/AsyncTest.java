package dev.pgreen;

import dev.pgreen.errors.OperationalException;
import dev.pgreen.errors.ProgrammingException;
import dev.pgreen.errors.QueryCanceledException;
import dev.pgreen.testing.Backends;
import dev.pgreen.testing.PgServerExtension;
import dev.pgreen.testing.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** Asynchronous connections: connectAsync returns at once, poll() drives everything. */
@ExtendWith(PgServerExtension.class)
class AsyncTest {

    /** psycopg2's docs' wait loop, with a Selector: register OP_WRITE|OP_CONNECT for WRITE, OP_READ for READ. */
    static List<PollState> drive(Connection conn) throws IOException {
        List<PollState> states = new ArrayList<>();
        try (Selector selector = Selector.open()) {
            for (;;) {
                PollState s = conn.poll();
                states.add(s);
                if (s == PollState.OK) {
                    return states;
                }
                int ops = s == PollState.READ ? SelectionKey.OP_READ : SelectionKey.OP_WRITE | SelectionKey.OP_CONNECT;
                SelectionKey key = conn.channel().register(selector, ops);
                assertTrue(selector.select(10_000) > 0, "the server answers within 10 s");
                key.cancel();
                selector.selectNow();
            }
        }
    }

    @Test
    void connectAsyncThenQueryWithPoll(TestServer server) throws IOException {
        try (Connection conn = Pgreen.connectAsync(server.dsn())) {
            assertTrue(conn.isAsync());
            assertTrue(conn.isExecuting(), "the connect is under way");
            assertFalse(conn.channel().isBlocking());
            drive(conn);
            assertFalse(conn.isExecuting());
            assertTrue(conn.isAutocommit());

            Cursor cur = conn.cursor();
            cur.execute("SELECT pg_sleep(0.05); SELECT %s::int, 'x'", 5);
            assertTrue(conn.isExecuting());
            assertThrows(ProgrammingException.class, cur::fetchOne, "no fetch while the query runs");
            assertThrows(ProgrammingException.class, () -> conn.cursor().execute("SELECT 1"), "one query at a time");
            List<PollState> states = drive(conn);
            assertTrue(states.contains(PollState.READ), states.toString());
            assertEquals(List.of(5, "x"), cur.fetchOne().toList());
            assertEquals(TransactionStatus.IDLE, conn.transactionStatus());
        }
    }

    @Test
    void errorsOfAnAsyncQuerySurfaceFromPoll(TestServer server) throws IOException {
        try (Connection conn = Pgreen.connectAsync(server.dsn())) {
            drive(conn);
            conn.cursor().execute("SELECT * FROM no_such_async_table");
            ProgrammingException e = assertThrows(ProgrammingException.class, () -> drive(conn));
            assertEquals("42P01", e.sqlState());
            assertFalse(conn.isExecuting());
            Cursor cur = conn.cursor().execute("SELECT 2");
            drive(conn);
            assertEquals(2, cur.fetchOne().get(0));
        }
    }

    @Test
    void aFailedAsyncConnectSurfacesFromPoll(TestServer server) {
        Connection conn = Pgreen.connectAsync(server.dsn() + " dbname=no_such_database_here");
        OperationalException e = assertThrows(OperationalException.class, () -> drive(conn));
        assertEquals("3D000", e.sqlState());
        assertTrue(conn.isClosed());
    }

    @Test
    void limitationsOfAsyncModeNameThemselves(TestServer server) throws IOException {
        try (Connection conn = Pgreen.connectAsync(server.dsn())) {
            drive(conn);
            for (Runnable r : List.<Runnable>of(conn::commit, conn::rollback, () -> conn.setAutocommit(false),
                    () -> conn.setSession(IsolationLevel.SERIALIZABLE, null, null),
                    () -> conn.cursor().executeMany("SELECT %s", List.of(List.of(1))))) {
                ProgrammingException e = assertThrows(ProgrammingException.class, r::run);
                assertTrue(e.getMessage().contains("asynchronous"), e.getMessage());
            }
        }
    }

    @Test
    void cancelAnAsyncQuery(TestServer server) throws IOException {
        try (Connection conn = Pgreen.connectAsync(server.dsn()); Connection observer = Pgreen.connect(server.dsn())) {
            observer.setAutocommit(true);
            drive(conn);
            conn.cursor().execute("SELECT pg_sleep(10)");
            assertEquals(PollState.READ, conn.poll());
            // A cancel that reaches the server before the statement starts cancels nothing: wait until it runs.
            Backends.awaitActive(observer, conn.backendPid(), java.time.Duration.ofSeconds(10));
            conn.cancel();
            assertThrows(QueryCanceledException.class, () -> drive(conn));
            Cursor cur = conn.cursor().execute("SELECT 3");
            drive(conn);
            assertEquals(3, cur.fetchOne().get(0));
        }
    }
}
