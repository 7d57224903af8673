package dev.pgreen.ported;

import dev.pgreen.ConnectInfo;
import dev.pgreen.Connection;
import dev.pgreen.Cursor;
import dev.pgreen.IsolationLevel;
import dev.pgreen.Pgreen;
import dev.pgreen.Row;
import dev.pgreen.TransactionStatus;
import dev.pgreen.errors.InterfaceException;
import dev.pgreen.errors.OperationalException;
import dev.pgreen.errors.PgException;
import dev.pgreen.errors.ProgrammingException;
import dev.pgreen.testing.PgServerExtension;
import dev.pgreen.testing.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Cases ported from psycopg2's tests/test_connection.py (ConnectionTests,
 * ParseDsnTestCase, IsolationLevelsTestCase, TransactionControlTests,
 * AutocommitTests, PasswordLeakTestCase, TestConnectionInfo).
 *
 * <p>Left out: two-phase commit, encodings ({@code set_client_encoding}),
 * {@code make_dsn}, {@code encrypt_password}, the integer and string forms of
 * isolation levels (an enum here: bad values do not compile), the deque / None
 * notices sink (notices() is a List), and weak references.
 */
@ExtendWith(PgServerExtension.class)
class ConnectionPortTest {
    private TestServer server;
    private Connection conn;
    private final List<Connection> extra = new ArrayList<>();

    @BeforeEach
    void setUp(TestServer server) {
        this.server = server;
        conn = Pgreen.connect(server.dsn());
    }

    @AfterEach
    void tearDown() {
        conn.close();
        extra.forEach(Connection::close);
    }

    private Connection connect() {
        Connection c = Pgreen.connect(server.dsn());
        extra.add(c);
        return c;
    }

    private static Object one(Cursor cur, String sql) {
        return cur.execute(sql).fetchOne().get(0);
    }

    // ---- ConnectionTests ----

    @Test
    void closedAttribute() {
        assertFalse(conn.isClosed());
        conn.close();
        assertTrue(conn.isClosed());
    }

    @Test
    void closeIdempotent() {
        conn.close();
        conn.close();
        assertTrue(conn.isClosed());
    }

    @Test
    void cursorClosedAttribute() {
        Cursor curs = conn.cursor();
        assertFalse(curs.isClosed());
        curs.close();
        assertTrue(curs.isClosed());

        // Closing the connection closes the cursor
        curs = conn.cursor();
        conn.close();
        assertTrue(curs.isClosed());
    }

    @Test
    void cleanupOnBadConnClose() {
        Cursor cur = conn.cursor();
        assertThrows(OperationalException.class, () -> cur.execute("select pg_terminate_backend(pg_backend_pid())"));
        assertTrue(conn.isClosed());
        conn.close();
        assertTrue(conn.isClosed());
    }

    @Test
    void reset() {
        // switch session characteristics
        conn.setAutocommit(true);
        conn.setSession(IsolationLevel.SERIALIZABLE, true, false);

        assertTrue(conn.isAutocommit());
        assertEquals(IsolationLevel.SERIALIZABLE, conn.isolationLevel());
        assertEquals(Boolean.TRUE, conn.readOnly());
        assertEquals(Boolean.FALSE, conn.deferrable());

        conn.reset();
        // now the session characteristics should be reverted
        assertFalse(conn.isAutocommit());
        assertEquals(IsolationLevel.DEFAULT, conn.isolationLevel());
        assertNull(conn.readOnly());
        assertNull(conn.deferrable());
        Cursor cur = conn.cursor();
        assertEquals("off", one(cur, "SHOW transaction_read_only"));
        assertEquals("read committed", one(cur, "SHOW transaction_isolation"));
    }

    @Test
    void notices() {
        Cursor cur = conn.cursor();
        cur.execute("set client_min_messages=debug1");
        cur.execute("create temp table chatty (id serial primary key);");
        assertEquals("CREATE TABLE", cur.statusMessage());
        assertFalse(conn.notices().isEmpty());
    }

    @Test
    void noticesConsistentOrder() {
        Cursor cur = conn.cursor();
        cur.execute("set client_min_messages=debug1");
        cur.execute("create temp table table1 (id serial); create temp table table2 (id serial);");
        cur.execute("create temp table table3 (id serial); create temp table table4 (id serial);");
        List<String> notices = conn.notices();
        assertEquals(4, notices.size(), notices.toString());
        assertTrue(notices.get(0).contains("table1"));
        assertTrue(notices.get(1).contains("table2"));
        assertTrue(notices.get(2).contains("table3"));
        assertTrue(notices.get(3).contains("table4"));
    }

    @Test
    void noticesLimited() {
        Cursor cur = conn.cursor();
        cur.execute("set client_min_messages=debug1");
        for (int i = 0; i < 100; i += 10) {
            StringBuilder sql = new StringBuilder();
            for (int j = i; j < i + 10; j++) {
                sql.append("create temp table table").append(j).append(" (id serial); ");
            }
            cur.execute(sql.toString());
        }
        assertEquals(50, conn.notices().size());
        String last = conn.notices().getLast();
        assertTrue(last.contains("table99"), last);
    }

    @Test
    void serverVersion() {
        assertTrue(conn.serverVersion() > 0);
    }

    @Test
    void concurrentExecution() throws InterruptedException {
        Runnable slave = () -> {
            try (Connection cnn = Pgreen.connect(server.dsn())) {
                Cursor cur = cnn.cursor();
                cur.execute("select pg_sleep(1)");
                cur.close();
            }
        };
        Thread t1 = new Thread(slave);
        Thread t2 = new Thread(slave);
        long t0 = System.nanoTime();
        t1.start();
        t2.start();
        t1.join();
        t2.join();
        assertTrue(System.nanoTime() - t0 < 1_800_000_000L, "something broken in concurrency");
    }

    @Test
    void commitConcurrency() throws InterruptedException {
        // psycopg2 ticket #103: committing when a commit is already on its way
        // gives "there is no transaction in progress" warnings.
        List<String> notices = Collections.synchronizedList(new ArrayList<>());
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread committer = new Thread(() -> {
            try {
                while (!stop.get()) {
                    conn.commit();
                    while (!conn.notices().isEmpty()) {
                        notices.add(conn.notices().removeLast());
                    }
                }
            } catch (Throwable t) {
                failure.set(t);
            }
        });
        Cursor cur = conn.cursor();
        committer.start();
        try {
            for (int i = 0; i < 1000; i++) {
                cur.execute("select %s;", i);
                conn.commit();
                while (!conn.notices().isEmpty()) {
                    notices.add(conn.notices().removeLast());
                }
            }
        } finally {
            stop.set(true);
            committer.join();
        }
        assertNull(failure.get());
        assertTrue(notices.isEmpty(), notices.size() + " notices raised: " + notices);
    }

    @Test
    void connectCursorFactory() {
        // psycopg2.extras.DictCursor: here any cursor factory; rows are addressable by name anyway.
        Connection c = connect();
        c.setCursorFactory(Cursor::new);
        Cursor cur = c.cursor();
        cur.execute("select 1 as a");
        assertEquals(1, cur.fetchOne().get("a"));
    }

    static class DictCursor extends Cursor {
        DictCursor(Connection conn, String name) {
            super(conn, name);
        }
    }

    @Test
    void cursorFactory() {
        assertNull(conn.cursorFactory());
        Cursor cur = conn.cursor();
        assertEquals(Cursor.class, cur.getClass());

        conn.setCursorFactory(DictCursor::new);
        assertNotNull(conn.cursorFactory());
        cur = conn.cursor();
        assertEquals(DictCursor.class, cur.getClass());
        cur.execute("select 1 as a");
        assertEquals(1, cur.fetchOne().get("a"));

        conn.setCursorFactory(null);
        assertNull(conn.cursorFactory());
        cur = conn.cursor();
        assertEquals(Cursor.class, cur.getClass());
    }

    @Test
    void cursorFactoryNone() {
        // issue #210: cursor(cursor_factory=None) falls back to the connection's factory
        Connection c = connect();
        Cursor cur = c.cursor((dev.pgreen.CursorFactory<Cursor>) null);
        assertEquals(Cursor.class, cur.getClass());

        c.setCursorFactory(DictCursor::new);
        cur = c.cursor((dev.pgreen.CursorFactory<Cursor>) null);
        assertEquals(DictCursor.class, cur.getClass());
    }

    @Test
    void failedInitStatus() {
        // Java constructors cannot swallow super()'s exception: a factory observes the ConnectInfo instead.
        AtomicReference<ConnectInfo> seen = new AtomicReference<>();
        PgException e = assertThrows(OperationalException.class, () -> Pgreen.connect(
                server.dsn() + " dbname=thereisnosuchdatabasemate password=foobar", info -> {
                    seen.set(info);
                    return new Connection(info);
                }));
        assertFalse(e.getMessage().contains("foobar"));
        assertNotNull(seen.get());
        assertFalse(seen.get().dsn().contains("foobar"), "password was not obscured");
    }

    // ---- ParseDsnTestCase (through ConnectInfo, which parses as connect does) ----

    @Test
    void parseDsn() {
        assertEquals(Map.of("user", "tester", "password", "secret", "dbname", "test"),
                ConnectInfo.of("dbname=test user=tester password=secret", false).params());
        assertThrows(ProgrammingException.class,
                () -> ConnectInfo.of("dbname=test 2 user=tester password=secret", false));
        assertEquals(Map.of("user", "tester", "password", "secret", "dbname", "test 2"),
                ConnectInfo.of("dbname='test 2' user=tester password=secret", false).params());
        ProgrammingException e = assertThrows(ProgrammingException.class,
                () -> ConnectInfo.of("dbname='test 2 user=tester password=secret", false));
        assertFalse(e.getMessage().contains("secret"), "DSN was not exposed in error message");
    }

    @Test
    void parseDsnUri() {
        assertEquals(Map.of("user", "tester", "password", "secret", "dbname", "test"),
                ConnectInfo.of("postgresql://tester:secret@/test", false).params());
        ProgrammingException e = assertThrows(ProgrammingException.class,
                () -> ConnectInfo.of("postgresql://tester:secret@/test?port=1111=x", false));
        assertFalse(e.getMessage().contains("secret"), "URI was not exposed in error message");
    }

    @Test
    void parseDsnUnicode() {
        String snowman = "\u2603";
        assertEquals(snowman, ConnectInfo.of("dbname=" + snowman, false).params().get("dbname"));
        assertThrows(ProgrammingException.class, () -> ConnectInfo.of(snowman + "=" + snowman, false));
    }

    @Test
    void malformedDsnThroughConnect() {
        assertThrows(ProgrammingException.class, () -> Pgreen.connect("dbname=test 2 user=tester"));
    }

    // ---- PasswordLeakTestCase ----

    @Test
    void passwordLeak() {
        AtomicReference<String> dsn = new AtomicReference<>();
        assertThrows(PgException.class, () -> Pgreen.connect(server.dsn() + " dbname=nosuch password=whateva",
                info -> {
                    dsn.set(info.dsn());
                    return new Connection(info);
                }));
        assertFalse(dsn.get().contains("whateva"), dsn.get());
        assertTrue(dsn.get().contains("password=xxx"), dsn.get());
    }

    @Test
    void urlLeak() {
        AtomicReference<String> dsn = new AtomicReference<>();
        assertThrows(PgException.class, () -> Pgreen.connect(
                "postgresql://someone:whateva@" + server.host() + ":" + server.port() + "/nosuch",
                info -> {
                    dsn.set(info.dsn());
                    return new Connection(info);
                }));
        assertFalse(dsn.get().contains("whateva"), dsn.get());
        assertTrue(dsn.get().contains("xxx"), dsn.get());
    }

    // ---- IsolationLevelsTestCase ----

    private void createIsolevel() {
        try (Connection c = Pgreen.connect(server.dsn())) {
            Cursor cur = c.cursor();
            cur.execute("drop table if exists isolevel");
            cur.execute("create table isolevel (id integer)");
            c.commit();
        }
    }

    @Test
    void isolationLevel() {
        assertEquals(IsolationLevel.DEFAULT, connect().isolationLevel());
    }

    @Test
    void setIsolationLevel() {
        Connection c = connect();
        Cursor curs = c.cursor();
        Object[][] levels = {
                {"read uncommitted", IsolationLevel.READ_UNCOMMITTED},
                {"read committed", IsolationLevel.READ_COMMITTED},
                {"repeatable read", IsolationLevel.REPEATABLE_READ},
                {"serializable", IsolationLevel.SERIALIZABLE},
        };
        for (Object[] l : levels) {
            c.setSession((IsolationLevel) l[1], null, null);
            assertEquals(l[1], c.isolationLevel());
            assertEquals(l[0], one(curs, "show transaction_isolation;"));
            c.commit();
        }
    }

    @Test
    void setIsolationLevelAutocommit() {
        // ISOLATION_LEVEL_AUTOCOMMIT is setAutocommit(true) here.
        Connection c = connect();
        Cursor curs = c.cursor();
        c.setAutocommit(true);
        assertEquals(IsolationLevel.DEFAULT, c.isolationLevel());
        assertTrue(c.isAutocommit());

        c.setSession(IsolationLevel.SERIALIZABLE, null, null);
        assertEquals(IsolationLevel.SERIALIZABLE, c.isolationLevel());
        assertTrue(c.isAutocommit());
        assertEquals("serializable", one(curs, "show transaction_isolation;"));
    }

    @Test
    void setIsolationLevelDefault() {
        Connection c = connect();
        Cursor curs = c.cursor();
        c.setAutocommit(true);
        curs.execute("set default_transaction_isolation to 'read committed'");

        c.setAutocommit(false);
        c.setSession(IsolationLevel.SERIALIZABLE, null, null);
        assertEquals(IsolationLevel.SERIALIZABLE, c.isolationLevel());
        assertEquals("serializable", one(curs, "show transaction_isolation"));

        c.rollback();
        c.setSession(IsolationLevel.DEFAULT, null, null);
        assertEquals("read committed", one(curs, "show transaction_isolation"));
    }

    @Test
    void isolationLevelAutocommit() {
        createIsolevel();
        Connection cnn1 = connect();
        Connection cnn2 = connect();
        cnn2.setAutocommit(true);

        Cursor cur1 = cnn1.cursor();
        assertEquals(0L, one(cur1, "select count(*) from isolevel;"));
        cnn1.commit();

        Cursor cur2 = cnn2.cursor();
        cur2.execute("insert into isolevel values (10);");

        assertEquals(1L, one(cur1, "select count(*) from isolevel;"));
    }

    @Test
    void isolationLevelReadCommitted() {
        createIsolevel();
        Connection cnn1 = connect();
        Connection cnn2 = connect();
        cnn2.setSession(IsolationLevel.READ_COMMITTED, null, null);

        Cursor cur1 = cnn1.cursor();
        assertEquals(0L, one(cur1, "select count(*) from isolevel;"));
        cnn1.commit();

        Cursor cur2 = cnn2.cursor();
        cur2.execute("insert into isolevel values (10);");
        cur1.execute("insert into isolevel values (20);");

        assertEquals(1L, one(cur2, "select count(*) from isolevel;"));
        cnn1.commit();
        assertEquals(2L, one(cur2, "select count(*) from isolevel;"));

        assertEquals(1L, one(cur1, "select count(*) from isolevel;"));
        cnn2.commit();
        assertEquals(2L, one(cur1, "select count(*) from isolevel;"));
    }

    @Test
    void isolationLevelSerializable() {
        createIsolevel();
        Connection cnn1 = connect();
        Connection cnn2 = connect();
        cnn2.setSession(IsolationLevel.SERIALIZABLE, null, null);

        Cursor cur1 = cnn1.cursor();
        assertEquals(0L, one(cur1, "select count(*) from isolevel;"));
        cnn1.commit();

        Cursor cur2 = cnn2.cursor();
        cur2.execute("insert into isolevel values (10);");
        cur1.execute("insert into isolevel values (20);");

        assertEquals(1L, one(cur2, "select count(*) from isolevel;"));
        cnn1.commit();
        assertEquals(1L, one(cur2, "select count(*) from isolevel;"));

        assertEquals(1L, one(cur1, "select count(*) from isolevel;"));
        cnn2.commit();
        assertEquals(2L, one(cur1, "select count(*) from isolevel;"));

        assertEquals(2L, one(cur2, "select count(*) from isolevel;"));
    }

    @Test
    void isolationLevelClosed() {
        Connection cnn = connect();
        cnn.close();
        assertThrows(InterfaceException.class, () -> cnn.setSession(IsolationLevel.READ_COMMITTED, null, null));
        assertThrows(InterfaceException.class, () -> cnn.setSession(IsolationLevel.SERIALIZABLE, null, null));
    }

    @Test
    void setattrIsolationLevelDefault() {
        Cursor cur = conn.cursor();
        conn.setSession(IsolationLevel.SERIALIZABLE, null, null);
        assertEquals("serializable", one(cur, "SHOW transaction_isolation;"));
        conn.rollback();

        conn.setSession(IsolationLevel.DEFAULT, null, null);
        assertEquals(IsolationLevel.DEFAULT, conn.isolationLevel());
        Object isol = one(cur, "SHOW transaction_isolation;");
        assertEquals(isol, one(cur, "SHOW default_transaction_isolation;"));
    }

    @Test
    void attribsDoNotExplode() {
        for (int i = 0; i < 10000; i++) {
            conn.isAutocommit();
            conn.readOnly();
            conn.deferrable();
            conn.isolationLevel();
        }
    }

    // ---- TransactionControlTests ----

    @Test
    void setSessionClosed() {
        conn.close();
        assertThrows(InterfaceException.class, () -> conn.setSession(IsolationLevel.SERIALIZABLE, null, null));
    }

    @Test
    void setSessionNotInTransaction() {
        Cursor cur = conn.cursor();
        cur.execute("select 1");
        assertThrows(ProgrammingException.class, () -> conn.setSession(IsolationLevel.SERIALIZABLE, null, null));
    }

    @Test
    void setSessionIsolationLevel() {
        Cursor cur = conn.cursor();
        conn.setSession(IsolationLevel.SERIALIZABLE, null, null);
        assertEquals("serializable", one(cur, "SHOW transaction_isolation;"));
        conn.rollback();

        conn.setSession(IsolationLevel.REPEATABLE_READ, null, null);
        assertEquals("repeatable read", one(cur, "SHOW transaction_isolation;"));
        conn.rollback();

        conn.setSession(IsolationLevel.READ_COMMITTED, null, null);
        assertEquals("read committed", one(cur, "SHOW transaction_isolation;"));
        conn.rollback();

        conn.setSession(IsolationLevel.READ_UNCOMMITTED, null, null);
        assertEquals("read uncommitted", one(cur, "SHOW transaction_isolation;"));
        conn.rollback();
    }

    @Test
    void setReadOnly() {
        assertNull(conn.readOnly());

        Cursor cur = conn.cursor();
        conn.setSession(null, true, null);
        assertEquals(Boolean.TRUE, conn.readOnly());
        assertEquals("on", one(cur, "SHOW transaction_read_only;"));
        conn.rollback();
        assertEquals("on", one(cur, "SHOW transaction_read_only;"));
        conn.rollback();

        conn.setSession(null, false, null);
        assertEquals(Boolean.FALSE, conn.readOnly());
        assertEquals("off", one(cur, "SHOW transaction_read_only;"));
        conn.rollback();
    }

    @Test
    void setattrReadOnly() {
        Cursor cur = conn.cursor();
        conn.setSession(null, true, null);
        assertEquals(Boolean.TRUE, conn.readOnly());
        assertEquals("on", one(cur, "SHOW transaction_read_only;"));
        assertThrows(ProgrammingException.class, () -> conn.setSession(null, false, null));
        assertEquals(Boolean.TRUE, conn.readOnly());
        conn.rollback();
        assertEquals("on", one(cur, "SHOW transaction_read_only;"));
        conn.rollback();

        conn.setSession(null, false, null);
        assertEquals(Boolean.FALSE, conn.readOnly());
        assertEquals("off", one(cur, "SHOW transaction_read_only;"));
        conn.rollback();
    }

    @Test
    void setDefault() {
        Cursor cur = conn.cursor();
        Object isolevel = one(cur, "SHOW transaction_isolation;");
        Object readonly = one(cur, "SHOW transaction_read_only;");
        conn.rollback();

        conn.setSession(IsolationLevel.SERIALIZABLE, true, null);
        // Deliberate Java-side choice (API.md): a null argument leaves a setting unchanged, and only
        // the isolation level has a DEFAULT value; psycopg2's readonly='default' is reset() or false here.
        conn.setSession(IsolationLevel.DEFAULT, false, null);

        assertEquals(isolevel, one(cur, "SHOW transaction_isolation;"));
        assertEquals(readonly, one(cur, "SHOW transaction_read_only;"));
    }

    @Test
    void setDeferrable() {
        assertNull(conn.deferrable());
        Cursor cur = conn.cursor();
        conn.setSession(null, true, true);
        assertEquals(Boolean.TRUE, conn.deferrable());
        assertEquals("on", one(cur, "SHOW transaction_read_only;"));
        assertEquals("on", one(cur, "SHOW transaction_deferrable;"));
        conn.rollback();
        assertEquals("on", one(cur, "SHOW transaction_deferrable;"));
        conn.rollback();

        conn.setSession(null, null, false);
        assertEquals(Boolean.FALSE, conn.deferrable());
        assertEquals("on", one(cur, "SHOW transaction_read_only;"));
        assertEquals("off", one(cur, "SHOW transaction_deferrable;"));
        conn.rollback();
    }

    @Test
    void setattrDeferrable() {
        Cursor cur = conn.cursor();
        conn.setSession(null, null, true);
        assertEquals(Boolean.TRUE, conn.deferrable());
        assertEquals("on", one(cur, "SHOW transaction_deferrable;"));
        assertThrows(ProgrammingException.class, () -> conn.setSession(null, null, false));
        assertEquals(Boolean.TRUE, conn.deferrable());
        conn.rollback();
        assertEquals("on", one(cur, "SHOW transaction_deferrable;"));
        conn.rollback();

        conn.setSession(null, null, false);
        assertEquals(Boolean.FALSE, conn.deferrable());
        assertEquals("off", one(cur, "SHOW transaction_deferrable;"));
        conn.rollback();
    }

    @Test
    void mixingSessionAttribs() {
        Cursor cur = conn.cursor();
        conn.setAutocommit(true);
        conn.setSession(null, true, null);

        assertEquals("on", one(cur, "SHOW transaction_read_only;"));
        assertEquals("on", one(cur, "SHOW default_transaction_read_only;"));

        conn.setAutocommit(false);
        assertEquals("on", one(cur, "SHOW transaction_read_only;"));
        assertEquals("off", one(cur, "SHOW default_transaction_read_only;"));
    }

    @Test
    void idempotenceCheck() {
        conn.setAutocommit(false);
        conn.setSession(null, true, null);
        conn.setAutocommit(true);
        conn.setSession(null, true, null);

        Cursor cur = conn.cursor();
        assertEquals("on", one(cur, "SHOW transaction_read_only"));
    }

    // ---- AutocommitTests ----

    @Test
    void autocommitClosed() {
        conn.close();
        assertThrows(InterfaceException.class, () -> conn.setAutocommit(true));
        // the getter doesn't explode
        assertFalse(conn.isAutocommit());
    }

    @Test
    void defaultNoAutocommit() {
        assertFalse(conn.isAutocommit());
        assertEquals(TransactionStatus.IDLE, conn.transactionStatus());

        Cursor cur = conn.cursor();
        cur.execute("select 1;");
        assertEquals(TransactionStatus.INTRANS, conn.transactionStatus());

        conn.rollback();
        assertEquals(TransactionStatus.IDLE, conn.transactionStatus());
    }

    @Test
    void setAutocommit() {
        conn.setAutocommit(true);
        assertTrue(conn.isAutocommit());
        assertEquals(TransactionStatus.IDLE, conn.transactionStatus());

        Cursor cur = conn.cursor();
        cur.execute("select 1;");
        assertEquals(TransactionStatus.IDLE, conn.transactionStatus());

        conn.setAutocommit(false);
        assertFalse(conn.isAutocommit());
        assertEquals(TransactionStatus.IDLE, conn.transactionStatus());

        cur.execute("select 1;");
        assertEquals(TransactionStatus.INTRANS, conn.transactionStatus());
    }

    @Test
    void setAutocommitInTransactionFails() {
        Cursor cur = conn.cursor();
        cur.execute("select 1;");
        assertThrows(ProgrammingException.class, () -> conn.setAutocommit(true));
    }

    @Test
    void setSessionAutocommit() {
        // psycopg2's set_session(autocommit=...) is setAutocommit here.
        conn.setAutocommit(true);
        Cursor cur = conn.cursor();
        cur.execute("select 1;");
        assertEquals(TransactionStatus.IDLE, conn.transactionStatus());

        conn.setAutocommit(false);
        cur.execute("select 1;");
        assertEquals(TransactionStatus.INTRANS, conn.transactionStatus());
        conn.rollback();

        conn.setSession(IsolationLevel.SERIALIZABLE, true, null);
        conn.setAutocommit(true);
        assertTrue(conn.isAutocommit());
        cur.execute("select 1;");
        assertEquals(TransactionStatus.IDLE, conn.transactionStatus());
        assertEquals("serializable", one(cur, "SHOW transaction_isolation;"));
        assertEquals("on", one(cur, "SHOW transaction_read_only;"));
    }

    // ---- TestConnectionInfo ----

    @Test
    void infoTransactionStatus() {
        assertEquals(TransactionStatus.IDLE, conn.transactionStatus());
        conn.cursor().execute("select 1");
        assertEquals(TransactionStatus.INTRANS, conn.transactionStatus());
        Connection closed = connect();
        closed.close();
        assertEquals(TransactionStatus.UNKNOWN, closed.transactionStatus());
    }

    @Test
    void infoParameterStatus() {
        Cursor cur = conn.cursor();
        assertEquals(one(cur, "show server_version"), conn.parameterStatus("server_version"));
        assertNull(conn.parameterStatus("wat"));
    }

    @Test
    void infoServerVersion() {
        Cursor cur = conn.cursor();
        assertEquals(Integer.parseInt((String) one(cur, "show server_version_num")), conn.serverVersion());
    }

    @Test
    void infoBackendPid() {
        Cursor cur = conn.cursor();
        assertEquals(one(cur, "select pg_backend_pid()"), conn.backendPid());
    }

    @Test
    void infoUser() {
        Cursor cur = conn.cursor();
        Row r = cur.execute("select user, current_database()").fetchOne();
        assertEquals(server.user(), r.get(0));
        assertEquals(server.database(), r.get(1));
    }
}
