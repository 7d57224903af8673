package dev.pgreen;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pgreen.errors.DataException;
import dev.pgreen.errors.Diagnostics;
import dev.pgreen.errors.IntegrityException;
import dev.pgreen.errors.InternalException;
import dev.pgreen.errors.PgException;
import dev.pgreen.errors.ProgrammingException;
import dev.pgreen.testing.PgServerExtension;
import dev.pgreen.testing.TestServer;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Transactions, session characteristics, server errors and notices, against the real server. */
@ExtendWith(PgServerExtension.class)
class TransactionTest {

    private TestServer server;
    private final List<Connection> opened = new ArrayList<>();
    private final List<String> tables = new ArrayList<>();

    @BeforeEach
    void setUp(TestServer server) {
        this.server = server;
    }

    @AfterEach
    void tearDown() {
        for (Connection c : opened) c.close();
        if (!tables.isEmpty()) {
            try (Connection c = Pgreen.connect(server.dsn())) {
                c.setAutocommit(true);
                for (String t : tables) c.cursor().execute("DROP TABLE IF EXISTS " + t);
            }
        }
    }

    private Connection connect() {
        Connection c = Pgreen.connect(server.dsn());
        opened.add(c);
        return c;
    }

    /** A real (not temp) table, visible to other connections, dropped after the test. */
    private String table(String columns) {
        String t = "pgreen_tx_" + System.nanoTime();
        tables.add(t);
        try (Connection c = Pgreen.connect(server.dsn())) {
            c.setAutocommit(true);
            c.cursor().execute("CREATE TABLE " + t + " (" + columns + ")");
        }
        return t;
    }

    private static Object scalar(Connection conn, String sql) {
        Row row = conn.cursor().execute(sql).fetchOne();
        assertNotNull(row, sql);
        return row.get(0);
    }

    private long count(String table) {
        try (Connection c = Pgreen.connect(server.dsn())) {
            c.setAutocommit(true);
            return ((Number) scalar(c, "SELECT count(*) FROM " + table)).longValue();
        }
    }

    // ---- transaction control ----

    @Test
    void beginIsSentBeforeTheFirstStatement() {
        Connection conn = connect();
        assertFalse(conn.isAutocommit(), "not in autocommit by default");
        assertEquals(TransactionStatus.IDLE, conn.transactionStatus());
        long xid = ((Number) scalar(conn, "SELECT txid_current()")).longValue();
        assertEquals(TransactionStatus.INTRANS, conn.transactionStatus());
        assertEquals(xid, ((Number) scalar(conn, "SELECT txid_current()")).longValue(), "same transaction");
        assertEquals(1, scalar(conn, "SELECT 1"));
        assertEquals(TransactionStatus.INTRANS, conn.transactionStatus());
        conn.commit();
        assertEquals(TransactionStatus.IDLE, conn.transactionStatus());
        assertTrue(((Number) scalar(conn, "SELECT txid_current()")).longValue() > xid, "a new transaction");
    }

    @Test
    void rollbackDiscardsAndCommitPersists() {
        String t = table("id int");
        Connection conn = connect();
        conn.cursor().execute("INSERT INTO " + t + " VALUES (1)");
        assertEquals(TransactionStatus.INTRANS, conn.transactionStatus());
        assertEquals(0, count(t), "uncommitted rows are invisible to another connection");
        conn.rollback();
        assertEquals(TransactionStatus.IDLE, conn.transactionStatus());
        assertEquals(0, count(t), "rolled back");

        conn.cursor().execute("INSERT INTO " + t + " VALUES (2), (3)");
        assertEquals(0, count(t));
        conn.commit();
        assertEquals(TransactionStatus.IDLE, conn.transactionStatus());
        assertEquals(2, count(t), "committed");
    }

    @Test
    void closingWithoutCommitDiscards() {
        String t = table("id int");
        Connection conn = connect();
        conn.cursor().execute("INSERT INTO " + t + " VALUES (1)");
        conn.close();
        assertEquals(0, count(t));
    }

    @Test
    void afterAnErrorTheTransactionIsInErrorUntilRollback() {
        Connection conn = connect();
        Cursor cur = conn.cursor();
        cur.execute("SELECT 1");
        assertThrows(DataException.class, () -> cur.execute("SELECT 1/0"));
        assertEquals(TransactionStatus.INERROR, conn.transactionStatus());
        for (int i = 0; i < 2; i++) {
            InternalException e = assertThrows(InternalException.class, () -> cur.execute("SELECT 2"));
            assertEquals("25P02", e.sqlState(), e.getMessage());
            assertEquals(TransactionStatus.INERROR, conn.transactionStatus());
        }
        conn.rollback();
        assertEquals(TransactionStatus.IDLE, conn.transactionStatus());
        assertEquals(3, scalar(conn, "SELECT 3"));
    }

    @Test
    void anErrorOnTheFirstStatementStillLeavesAFailedTransaction() {
        Connection conn = connect();
        assertThrows(ProgrammingException.class, () -> conn.cursor().execute("SELECT * FROM pgreen_no_such_table"));
        assertEquals(TransactionStatus.INERROR, conn.transactionStatus());
        conn.rollback();
        assertEquals(TransactionStatus.IDLE, conn.transactionStatus());
    }

    @Test
    void autocommitModeIsIdleAfterEachStatement() {
        String t = table("id int");
        Connection conn = connect();
        conn.setAutocommit(true);
        assertTrue(conn.isAutocommit());
        conn.cursor().execute("INSERT INTO " + t + " VALUES (1)");
        assertEquals(TransactionStatus.IDLE, conn.transactionStatus());
        assertEquals(1, count(t), "visible at once");
        assertEquals(1, scalar(conn, "SELECT 1"));
        assertEquals(TransactionStatus.IDLE, conn.transactionStatus());
        assertThrows(DataException.class, () -> conn.cursor().execute("SELECT 1/0"));
        assertEquals(TransactionStatus.IDLE, conn.transactionStatus(), "no transaction left in error");
        assertEquals(2, scalar(conn, "SELECT 2"));
        // An explicit transaction is still possible.
        conn.cursor().execute("BEGIN");
        assertEquals(TransactionStatus.INTRANS, conn.transactionStatus());
        conn.cursor().execute("ROLLBACK");
        assertEquals(TransactionStatus.IDLE, conn.transactionStatus());

        conn.setAutocommit(false);
        assertFalse(conn.isAutocommit());
        conn.cursor().execute("SELECT 1");
        assertEquals(TransactionStatus.INTRANS, conn.transactionStatus());
    }

    @Test
    void settingsCannotChangeInsideATransaction() {
        Connection conn = connect();
        conn.cursor().execute("SELECT 1");
        assertEquals(TransactionStatus.INTRANS, conn.transactionStatus());
        assertThrows(ProgrammingException.class, () -> conn.setAutocommit(true));
        assertFalse(conn.isAutocommit());
        assertThrows(ProgrammingException.class, () -> conn.setSession(IsolationLevel.SERIALIZABLE, null, null));
        assertThrows(ProgrammingException.class, () -> conn.setSession(null, true, null));
        assertEquals(TransactionStatus.INTRANS, conn.transactionStatus(), "the transaction is untouched");
        conn.rollback();
        assertDoesNotThrow(() -> conn.setAutocommit(true));
        assertTrue(conn.isAutocommit());
    }

    @Test
    void setSessionAppliesToTheNextTransaction() {
        Connection conn = connect();
        String defaultIsolation = (String) scalar(conn, "SHOW transaction_isolation");
        conn.rollback();
        conn.setSession(IsolationLevel.SERIALIZABLE, true, null);
        assertEquals("serializable", scalar(conn, "SHOW transaction_isolation"));
        assertEquals("on", scalar(conn, "SHOW transaction_read_only"));
        assertThrows(PgException.class, () -> conn.cursor().execute("CREATE TEMP TABLE pgreen_ro (id int)"),
                "a read-only transaction refuses writes");
        conn.rollback();

        conn.setSession(IsolationLevel.REPEATABLE_READ, false, null);
        assertEquals("repeatable read", scalar(conn, "SHOW transaction_isolation"));
        assertEquals("off", scalar(conn, "SHOW transaction_read_only"));
        conn.rollback();

        conn.setSession(IsolationLevel.READ_UNCOMMITTED, null, null);
        assertEquals("read uncommitted", scalar(conn, "SHOW transaction_isolation"));
        assertEquals("off", scalar(conn, "SHOW transaction_read_only"), "null leaves read-only unchanged");
        conn.rollback();

        conn.setSession(IsolationLevel.DEFAULT, null, null);
        assertEquals(defaultIsolation, scalar(conn, "SHOW transaction_isolation"));
        conn.rollback();
    }

    @Test
    void setSessionNullLeavesTheOtherSettingsAlone() {
        Connection conn = connect();
        conn.setSession(IsolationLevel.SERIALIZABLE, true, true);
        conn.setSession(null, null, null);
        assertEquals("serializable", scalar(conn, "SHOW transaction_isolation"));
        assertEquals("on", scalar(conn, "SHOW transaction_read_only"));
        assertEquals("on", scalar(conn, "SHOW transaction_deferrable"));
        conn.rollback();
        conn.setSession(null, null, false);
        assertEquals("serializable", scalar(conn, "SHOW transaction_isolation"));
        assertEquals("off", scalar(conn, "SHOW transaction_deferrable"));
        conn.rollback();
    }

    @Test
    void setSessionInAutocommitMode() {
        Connection conn = connect();
        conn.setAutocommit(true);
        String defaultIsolation = (String) scalar(conn, "SHOW transaction_isolation");
        conn.setSession(IsolationLevel.SERIALIZABLE, true, null);
        assertEquals("serializable", scalar(conn, "SHOW transaction_isolation"));
        assertEquals("on", scalar(conn, "SHOW transaction_read_only"));
        assertEquals(TransactionStatus.IDLE, conn.transactionStatus());

        conn.setSession(IsolationLevel.DEFAULT, false, null);
        assertEquals(defaultIsolation, scalar(conn, "SHOW transaction_isolation"));
        assertEquals("off", scalar(conn, "SHOW transaction_read_only"));
    }

    @Test
    void sessionSettingsSurviveSwitchingAutocommit() {
        Connection conn = connect();
        conn.setAutocommit(true);
        conn.setSession(IsolationLevel.SERIALIZABLE, true, null);
        conn.setAutocommit(false);
        assertEquals("serializable", scalar(conn, "SHOW transaction_isolation"));
        assertEquals("on", scalar(conn, "SHOW transaction_read_only"));
        assertEquals(TransactionStatus.INTRANS, conn.transactionStatus());
        conn.rollback();

        conn.setSession(IsolationLevel.REPEATABLE_READ, false, null);
        conn.setAutocommit(true);
        assertEquals("repeatable read", scalar(conn, "SHOW transaction_isolation"));
        assertEquals("off", scalar(conn, "SHOW transaction_read_only"));
    }

    @Test
    void commitAndRollbackWhenIdleDoNothingHarmful() {
        Connection conn = connect();
        assertDoesNotThrow(conn::commit);
        assertDoesNotThrow(conn::rollback);
        assertEquals(TransactionStatus.IDLE, conn.transactionStatus());
        assertTrue(conn.notices().isEmpty(), "no 'there is no transaction in progress' warning: " + conn.notices());

        conn.setAutocommit(true);
        assertDoesNotThrow(conn::commit);
        assertDoesNotThrow(conn::rollback);
        assertEquals(TransactionStatus.IDLE, conn.transactionStatus());
        assertTrue(conn.notices().isEmpty(), "no 'there is no transaction in progress' warning: " + conn.notices());
        assertEquals(1, scalar(conn, "SELECT 1"));
    }

    // ---- errors ----

    @Test
    void uniqueViolationDiagnostics() {
        String t = "pgreen_tx_uniq_" + System.nanoTime();
        Connection conn = connect(); // the table lives in this transaction only
        Cursor cur = conn.cursor();
        cur.execute("CREATE TABLE " + t + " (id int CONSTRAINT " + t + "_pk PRIMARY KEY)");
        cur.execute("INSERT INTO " + t + " VALUES (1)");
        IntegrityException e = assertThrows(IntegrityException.class,
                () -> cur.execute("INSERT INTO " + t + " VALUES (1)"));
        assertEquals("23505", e.sqlState());
        Diagnostics d = e.diag();
        assertEquals("23505", d.sqlState());
        assertEquals("ERROR", d.severity());
        assertEquals(t + "_pk", d.constraint());
        assertEquals(t, d.table());
        assertEquals("public", d.schema());
        assertNotNull(d.messagePrimary());
        assertTrue(d.messagePrimary().contains("duplicate key"), d.messagePrimary());
        assertEquals("Key (id)=(1) already exists.", d.detail());
        assertNull(d.hint());
        assertNull(d.position());
        assertNotNull(d.sourceFile());
        assertTrue(e.getMessage().contains(d.messagePrimary()), e.getMessage());
        conn.rollback();
        assertNull(scalar(conn, "SELECT to_regclass('" + t + "')"), "rolled back with the transaction");
    }

    @Test
    void syntaxErrorPositionCountsInTheCallersSql() {
        String sql = "SELECT * FROMM x";
        Connection conn = connect();
        assertFalse(conn.isAutocommit());
        ProgrammingException e = assertThrows(ProgrammingException.class, () -> conn.cursor().execute(sql));
        assertEquals("42601", e.sqlState());
        assertEquals(String.valueOf(sql.indexOf("FROMM") + 1), e.diag().position(), e.getMessage());
        assertEquals(TransactionStatus.INERROR, conn.transactionStatus(), "the implicit BEGIN ran");
        conn.rollback();

        // Later in the transaction; the position counts characters, not bytes.
        conn.cursor().execute("SELECT 1");
        String sql2 = "SELECT 'héllo ☃ 😀', * FROMM x";
        ProgrammingException e2 = assertThrows(ProgrammingException.class, () -> conn.cursor().execute(sql2));
        assertEquals(String.valueOf(sql2.codePointCount(0, sql2.indexOf("FROMM")) + 1), e2.diag().position(),
                e2.getMessage());
        conn.rollback();

        conn.setAutocommit(true);
        ProgrammingException e3 = assertThrows(ProgrammingException.class, () -> conn.cursor().execute(sql));
        assertEquals(String.valueOf(sql.indexOf("FROMM") + 1), e3.diag().position());
    }

    @Test
    void divisionByZero() {
        Connection conn = connect();
        DataException e = assertThrows(DataException.class, () -> conn.cursor().execute("SELECT 1/0"));
        assertEquals("22012", e.sqlState());
        assertEquals("22012", e.diag().sqlState());
        assertEquals("division by zero", e.diag().messagePrimary());
    }

    @Test
    void undefinedTableIsAProgrammingError() {
        Connection conn = connect();
        conn.setAutocommit(true);
        ProgrammingException e = assertThrows(ProgrammingException.class,
                () -> conn.cursor().execute("SELECT * FROM pgreen_no_such_table"));
        assertEquals("42P01", e.sqlState());
        assertEquals("15", e.diag().position());
    }

    // ---- notices ----

    @Test
    void noticesAndWarningsAreCollectedNeverThrown() {
        Connection conn = connect();
        conn.setAutocommit(true);
        assertTrue(conn.notices().isEmpty(), conn.notices().toString());
        assertDoesNotThrow(() -> conn.cursor().execute(
                "DO $$BEGIN RAISE NOTICE 'hello %', 42; RAISE WARNING 'careful now'; END$$"));
        List<String> notices = conn.notices();
        assertEquals(List.of("NOTICE:  hello 42\n", "WARNING:  careful now\n"), notices);
        assertEquals(TransactionStatus.IDLE, conn.transactionStatus());

        // Inside a transaction too, and the transaction is fine.
        conn.setAutocommit(false);
        conn.cursor().execute("DO $$BEGIN RAISE WARNING 'in a transaction'; END$$");
        assertEquals(TransactionStatus.INTRANS, conn.transactionStatus());
        assertEquals("WARNING:  in a transaction\n", conn.notices().get(conn.notices().size() - 1));
        conn.rollback();
    }

    @Test
    void atMostFiftyNoticesAreKept() {
        Connection conn = connect();
        conn.setAutocommit(true);
        conn.cursor().execute("DO $$BEGIN FOR i IN 0..59 LOOP RAISE NOTICE 'n%', i; END LOOP; END$$");
        List<String> notices = conn.notices();
        assertEquals(50, notices.size());
        assertEquals("NOTICE:  n10\n", notices.get(0), "the oldest are dropped");
        assertEquals("NOTICE:  n59\n", notices.get(49));
    }

    @Test
    void resetRollsBackAndRestoresTheSessionDefaults(TestServer server) {
        try (Connection conn = Pgreen.connect(server.dsn())) {
            conn.setSession(IsolationLevel.SERIALIZABLE, true, null);
            assertEquals(Boolean.TRUE, conn.readOnly());
            assertNull(conn.deferrable());
            conn.cursor().execute("SELECT 1");
            assertEquals(TransactionStatus.INTRANS, conn.transactionStatus());
            conn.reset();
            assertEquals(TransactionStatus.IDLE, conn.transactionStatus());
            assertEquals(IsolationLevel.DEFAULT, conn.isolationLevel());
            assertNull(conn.readOnly());
            assertEquals("off", conn.cursor().execute("SHOW transaction_read_only").fetchOne().get(0));
            conn.rollback();
            conn.setAutocommit(true);
            conn.setSession(IsolationLevel.REPEATABLE_READ, null, null);
            assertEquals("repeatable read", conn.cursor().execute("SHOW transaction_isolation").fetchOne().get(0));
            conn.reset();
            assertEquals("read committed", conn.cursor().execute("SHOW transaction_isolation").fetchOne().get(0));
        }
    }
}
