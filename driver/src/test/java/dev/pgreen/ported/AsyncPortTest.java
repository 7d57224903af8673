package dev.pgreen.ported;

import dev.pgreen.Connection;
import dev.pgreen.Cursor;
import dev.pgreen.Pgreen;
import dev.pgreen.PollState;
import dev.pgreen.Row;
import dev.pgreen.TransactionStatus;
import dev.pgreen.errors.NotSupportedException;
import dev.pgreen.errors.PgException;
import dev.pgreen.errors.ProgrammingException;
import dev.pgreen.testing.PgServerExtension;
import dev.pgreen.testing.TestServer;
import dev.pgreen.testing.TestRoles;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** Cases ported from psycopg2's tests/test_async.py. */
@ExtendWith(PgServerExtension.class)
class AsyncPortTest {
    private Connection sync;
    private Connection conn;
    private final List<PollState> polls = new ArrayList<>();

    /** Waits for the async connection like the test suite's wait(): select on channel() per poll() state. */
    private void await(Connection c) throws IOException {
        try (Selector selector = Selector.open()) {
            for (;;) {
                PollState s = c.poll();
                polls.add(s);
                if (s == PollState.OK) {
                    return;
                }
                SelectionKey key = c.channel().register(selector,
                        s == PollState.READ ? SelectionKey.OP_READ : SelectionKey.OP_WRITE | SelectionKey.OP_CONNECT);
                selector.select(10_000);
                key.cancel();
                selector.selectNow();
            }
        }
    }

    @BeforeEach
    void setUp(TestServer server) throws IOException {
        sync = Pgreen.connect(server.dsn());
        sync.setAutocommit(true);
        conn = Pgreen.connectAsync(server.dsn());
        await(conn);
        Cursor cur = conn.cursor().execute("CREATE TEMPORARY TABLE table1 (id int PRIMARY KEY)");
        await(conn);
        assertNull(cur.description());
    }

    @AfterEach
    void tearDown() {
        sync.close();
        conn.close();
    }

    @Test
    void connectionSetup() {
        assertTrue(conn.isAsync());
        assertFalse(sync.isAsync());
        assertTrue(conn.isAutocommit());
        assertFalse(conn.isExecuting());
        assertEquals(TransactionStatus.IDLE, conn.transactionStatus());
    }

    @Test
    void asyncNamedCursorIsRefused() {
        assertThrows(PgException.class, () -> conn.cursor("name"));
    }

    @Test
    void asyncSelect() throws IOException {
        Cursor cur = conn.cursor().execute("SELECT 'a'");
        await(conn);
        assertEquals("a", cur.fetchOne().get(0));
    }

    @Test
    void asyncCallProc() throws IOException {
        Cursor cur = conn.cursor().callProc("pg_sleep", 0.1);
        assertTrue(conn.isExecuting());
        await(conn);
        assertFalse(conn.isExecuting());
        assertEquals(List.of(""), cur.fetchAll().getFirst().toList());
    }

    @Test
    void asyncAfterAsync() throws IOException {
        Cursor cur = conn.cursor();
        Cursor cur2 = conn.cursor();
        cur.execute("INSERT INTO table1 VALUES (1)");
        assertThrows(ProgrammingException.class, () -> cur.execute("INSERT INTO table1 VALUES (2)"));
        assertThrows(ProgrammingException.class, () -> cur2.execute("INSERT INTO table1 VALUES (3)"));
        await(conn);
        cur.execute("SELECT * FROM table1");
        await(conn);
        assertEquals(List.of(1), cur.fetchAll().getFirst().toList());
    }

    @Test
    void fetchAfterAsync() throws IOException {
        Cursor cur = conn.cursor().execute("SELECT 'a', 'b'");
        assertThrows(ProgrammingException.class, cur::fetchAll);
        await(conn);
        assertEquals(List.of("a", "b"), cur.fetchAll().getFirst().toList());
    }

    @Test
    void asyncFetchWrongCursor() throws IOException {
        Cursor cur1 = conn.cursor();
        Cursor cur2 = conn.cursor();
        cur1.execute("SELECT 1");
        await(conn);
        assertFalse(conn.isExecuting());
        assertThrows(ProgrammingException.class, cur2::fetchOne, "the other cursor has no result");
        assertEquals(1, cur1.fetchOne().get(0));
    }

    @Test
    void asyncIterAndScroll() throws IOException {
        Cursor cur = conn.cursor().execute("SELECT g FROM generate_series(1, 5) g");
        await(conn);
        List<Object> seen = new ArrayList<>();
        for (Row r : cur) {
            seen.add(r.get(0));
        }
        assertEquals(List.of(1, 2, 3, 4, 5), seen);
        cur.scroll(1, dev.pgreen.ScrollMode.ABSOLUTE);
        assertEquals(2, cur.fetchOne().get(0));
    }

    @Test
    void errorThenTheConnectionWorks() throws IOException {
        Cursor cur = conn.cursor().execute("INSERT INTO table1 VALUES (1)");
        await(conn);
        cur.execute("INSERT INTO table1 VALUES (1)");
        PgException e = assertThrows(PgException.class, () -> await(conn));
        assertEquals("23505", e.sqlState());
        cur.execute("SELECT * FROM table1");
        await(conn);
        assertEquals(1, cur.fetchAll().size());
    }

    @Test
    void errorInTheSecondOfTwoStatements() throws IOException {
        Cursor cur = conn.cursor().execute("SELECT 1; SELECT * FROM no_such_table");
        assertThrows(ProgrammingException.class, () -> await(conn));
        assertThrows(ProgrammingException.class, cur::fetchOne, "no result after an error");
        cur.execute("SELECT 1; SELECT 2");
        await(conn);
        assertEquals(2, cur.fetchOne().get(0), "the last statement's result");
    }

    @Test
    void flushOnWrite() throws IOException {
        String big = "x".repeat(10 * 1024 * 1024);
        Cursor cur = conn.cursor().execute("SELECT length(%s)", big);
        await(conn);
        assertEquals(big.length(), cur.fetchOne().get(0));
        assertTrue(polls.contains(PollState.WRITE) || polls.contains(PollState.READ), polls.toString());
    }

    @Test
    void syncPollReturnsOk() {
        assertEquals(PollState.OK, sync.poll());
    }

    @Test
    void notifyOnAnAsyncConnection() throws IOException {
        Cursor cur = conn.cursor().execute("LISTEN test_notify");
        await(conn);
        sync.cursor().execute("NOTIFY test_notify, 'hi'");
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (conn.notifies().isEmpty() && System.nanoTime() < deadline) {
            await(conn);
        }
        assertEquals(sync.backendPid(), conn.notifies().iterator().next().pid());
        assertNotNull(cur);
    }

    @Test
    void noticesOfAnAsyncQuery() throws IOException {
        conn.cursor().execute("DO $$ BEGIN RAISE NOTICE 'async hello'; END $$");
        await(conn);
        assertEquals(List.of("NOTICE:  async hello\n"), conn.notices());
    }

    @Test
    void copyWhileAsyncIsRefused() {
        assertThrows(PgException.class, () -> conn.cursor().copyExpert("COPY table1 TO STDOUT",
                new java.io.ByteArrayOutputStream()));
    }

    @Test
    void asyncConnectWithScram(TestServer server) throws IOException {
        Assumptions.assumeTrue(server.hasTestRoles());
        try (Connection c = Pgreen.connectAsync(server.dsn(TestRoles.SCRAM_USER, TestRoles.PASSWORD))) {
            await(c);
            Cursor cur = c.cursor().execute("SELECT current_user");
            await(c);
            assertEquals(TestRoles.SCRAM_USER, cur.fetchOne().get(0));
        }
    }

    @Test
    void asyncConnectionErrorMessage(TestServer server) {
        Connection c = Pgreen.connectAsync(server.dsn() + " dbname=nosuchdb_async");
        PgException e = assertThrows(PgException.class, () -> await(c));
        assertTrue(e.getMessage().contains("nosuchdb_async"), e.getMessage());
    }

    @Test
    void notSupportedIsAPgException() {
        assertTrue(PgException.class.isAssignableFrom(NotSupportedException.class));
    }
}
