package dev.pgreen.jdbc;

import dev.pgreen.testing.PgServerExtension;
import dev.pgreen.testing.TestServer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.sql.BatchUpdateException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLIntegrityConstraintViolationException;
import java.sql.SQLWarning;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Statement and PreparedStatement execution as JDBC specifies it (ported in spirit from pgjdbc's
 * BatchExecuteTest, GeneratedKeysTest and StatementTest): results and update counts, getMoreResults,
 * batches and their counts, generated keys, maxRows, and streaming with a fetch size.
 */
@ExtendWith(PgServerExtension.class)
class JdbcStatementTest {
    private TestServer server;

    @BeforeEach
    void table(TestServer server) throws SQLException {
        this.server = server;
        try (Connection c = JdbcTesting.connect(server); Statement st = c.createStatement()) {
            st.execute("DROP TABLE IF EXISTS jdbc_items; "
                    + "CREATE TABLE jdbc_items (id serial PRIMARY KEY, name text UNIQUE, qty int DEFAULT 0)");
        }
    }

    @Test
    void executeTellsRowsFromCountsAndGetMoreResultsWalksEveryStatement() throws SQLException {
        try (Connection c = JdbcTesting.connect(server); Statement st = c.createStatement()) {
            assertFalse(st.execute("INSERT INTO jdbc_items (name) VALUES ('a'), ('b')"));
            assertEquals(2, st.getUpdateCount());
            assertNull(st.getResultSet());
            assertTrue(st.execute("SELECT name FROM jdbc_items ORDER BY name"));
            assertEquals(-1, st.getUpdateCount());
            assertTrue(st.execute("UPDATE jdbc_items SET qty = 1 WHERE name = 'a'; SELECT count(*) FROM jdbc_items; "
                    + "CREATE TEMP TABLE jdbc_t (x int)") == false);
            assertEquals(1, st.getUpdateCount());
            assertTrue(st.getMoreResults());
            ResultSet rs = st.getResultSet();
            assertTrue(rs.next());
            assertEquals(2, rs.getLong(1));
            assertFalse(st.getMoreResults());
            assertTrue(rs.isClosed(), "getMoreResults closes the current result");
            assertEquals(0, st.getUpdateCount(), "DDL counts 0");
            assertFalse(st.getMoreResults());
            assertEquals(-1, st.getUpdateCount(), "no more results: -1");
            assertEquals(0, st.executeUpdate("CREATE TEMP TABLE jdbc_t2 (x int)"));
            SQLException noRows = assertThrows(SQLException.class, () -> st.executeQuery("DELETE FROM jdbc_items WHERE false"));
            assertEquals("02000", noRows.getSQLState());
            assertThrows(SQLException.class, () -> st.executeUpdate("SELECT 1"));
        }
    }

    @Test
    void generatedKeysComeFromReturning() throws SQLException {
        try (Connection c = JdbcTesting.connect(server); Statement st = c.createStatement()) {
            assertEquals(1, st.executeUpdate("INSERT INTO jdbc_items (name) VALUES ('k1')", Statement.RETURN_GENERATED_KEYS));
            ResultSet keys = st.getGeneratedKeys();
            assertTrue(keys.next());
            assertEquals(1, keys.getInt("id"));
            assertEquals("k1", keys.getString("name"));
            assertFalse(keys.next());
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO jdbc_items (name) VALUES (?), (?)",
                    new String[] {"id"})) {
                ps.setString(1, "k2");
                ps.setString(2, "k3");
                assertEquals(2, ps.executeUpdate());
                ResultSet k = ps.getGeneratedKeys();
                List<Integer> ids = new ArrayList<>();
                while (k.next()) {
                    ids.add(k.getInt(1));
                }
                assertEquals(List.of(2, 3), ids);
                assertEquals(1, k.getMetaData().getColumnCount());
            }
            // Without RETURN_GENERATED_KEYS: an empty result.
            st.executeUpdate("INSERT INTO jdbc_items (name) VALUES ('k4')");
            assertFalse(st.getGeneratedKeys().next());
        }
    }

    @Test
    void preparedBatchesGoInOneRoundTripWithACountEach() throws SQLException {
        try (Connection c = JdbcTesting.connect(server);
             PreparedStatement ps = c.prepareStatement("INSERT INTO jdbc_items (name, qty) VALUES (?, ?)")) {
            for (int i = 0; i < 2500; i++) {
                ps.setString(1, "n" + i);
                ps.setInt(2, i);
                ps.addBatch();
            }
            int[] counts = ps.executeBatch();
            assertEquals(2500, counts.length);
            for (int n : counts) {
                assertEquals(1, n);
            }
            try (PreparedStatement up = c.prepareStatement("UPDATE jdbc_items SET qty = qty + 1 WHERE qty < ?")) {
                up.setInt(1, 10);
                up.addBatch();
                up.setInt(1, 0);
                up.addBatch();
                up.setInt(1, 5);
                up.addBatch();
                assertArrayEquals(new int[] {10, 0, 4}, up.executeBatch());
            }
            assertArrayEquals(new int[0], ps.executeBatch(), "the batch was cleared");
        }
    }

    @Test
    void aFailedBatchReportsHowFarItGotAndInAutocommitNothingStays() throws SQLException {
        try (Connection c = JdbcTesting.connect(server);
             PreparedStatement ps = c.prepareStatement("INSERT INTO jdbc_items (name) VALUES (?)")) {
            for (String n : new String[] {"x", "y", "x", "z"}) {
                ps.setString(1, n);
                ps.addBatch();
            }
            BatchUpdateException e = assertThrows(BatchUpdateException.class, ps::executeBatch);
            assertEquals("23505", e.getSQLState());
            assertInstanceOf(SQLIntegrityConstraintViolationException.class, e.getCause());
            assertArrayEquals(new int[] {1, 1, Statement.EXECUTE_FAILED, Statement.EXECUTE_FAILED}, e.getUpdateCounts());
            try (ResultSet rs = c.createStatement().executeQuery("SELECT count(*) FROM jdbc_items")) {
                rs.next();
                assertEquals(0, rs.getInt(1), "one batch, one implicit transaction: rolled back as a whole");
            }
        }
    }

    @Test
    void statementBatchesCountEachStatementAndRefuseQueries() throws SQLException {
        try (Connection c = JdbcTesting.connect(server); Statement st = c.createStatement()) {
            st.addBatch("INSERT INTO jdbc_items (name) VALUES ('s1')");
            st.addBatch("INSERT INTO jdbc_items (name) VALUES ('s2'), ('s3')");
            st.addBatch("UPDATE jdbc_items SET qty = 7");
            assertArrayEquals(new int[] {1, 2, 3}, st.executeBatch());
            st.addBatch("SELECT 1");
            assertThrows(BatchUpdateException.class, st::executeBatch);
        }
    }

    @Test
    void aStatementStaysPreparedFromItsFifthUseAsWithPgjdbc() throws SQLException {
        try (Connection c = JdbcTesting.connect(server);
             PreparedStatement ps = c.prepareStatement("SELECT ?::int * 2 AS twice");
             PreparedStatement prepared = c.prepareStatement(
                     "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE '%' || 'tw' || 'ice%' AND NOT from_sql")) {
            for (int i = 1; i <= 6; i++) {
                ps.setInt(1, i);
                ResultSet rs = ps.executeQuery();
                assertTrue(rs.next());
                assertEquals(2 * i, rs.getInt("twice"));
                ResultSet n = prepared.executeQuery();
                n.next();
                assertEquals(i < 5 ? 0 : 1, n.getInt(1), "after use " + i);
            }
        }
        try (Connection c = java.sql.DriverManager.getConnection(JdbcTesting.url(server, "prepareThreshold=0"));
             PreparedStatement ps = c.prepareStatement("SELECT 1 AS never_prepared")) {
            for (int i = 0; i < 6; i++) {
                ps.executeQuery().close();
            }
            ResultSet n = c.createStatement().executeQuery(
                    "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE '%never_prepared%' AND NOT from_sql");
            n.next();
            assertEquals(0, n.getInt(1));
        }
    }

    @Test
    void maxRowsCutsTheResult() throws SQLException {
        try (Connection c = JdbcTesting.connect(server); Statement st = c.createStatement()) {
            st.setMaxRows(3);
            ResultSet rs = st.executeQuery("SELECT g FROM generate_series(1, 10) g");
            int n = 0;
            while (rs.next()) {
                n++;
            }
            assertEquals(3, n);
        }
    }

    @Test
    void aFetchSizeInATransactionStreamsThroughANamedCursor() throws SQLException {
        try (Connection c = JdbcTesting.connect(server)) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement("SELECT g, 'r' || g FROM generate_series(1, ?) g WHERE g > ?")) {
                ps.setFetchSize(100);
                ps.setInt(1, 1000);
                ps.setInt(2, 0);
                ResultSet rs = ps.executeQuery();
                assertNotNull(rs.getCursorName(), "streamed from a server-side cursor");
                long sum = 0;
                int rows = 0;
                while (rs.next()) {
                    sum += rs.getInt(1);
                    rows++;
                    assertEquals(rows, rs.getRow());
                }
                assertEquals(1000, rows);
                assertEquals(500500, sum);
                assertTrue(rs.isAfterLast());
                rs.close();
            }
            try (Statement st = c.createStatement()) {
                st.setFetchSize(7);
                st.setMaxRows(10);
                ResultSet rs = st.executeQuery("SELECT g FROM generate_series(1, 100) g");
                assertTrue(rs.next());
                assertTrue(rs.isFirst());
                int n = 1;
                while (rs.next()) {
                    n++;
                }
                assertEquals(10, n);
            }
            c.commit();
            // In auto-commit there is no transaction to hold a cursor: the rows all come at once.
            c.setAutoCommit(true);
            try (Statement st = c.createStatement()) {
                st.setFetchSize(10);
                ResultSet rs = st.executeQuery("SELECT 1");
                assertNull(rs.getCursorName());
            }
        }
    }

    @Test
    void noticesBecomeWarnings() throws SQLException {
        try (Connection c = JdbcTesting.connect(server); Statement st = c.createStatement()) {
            st.execute("DO $$ BEGIN RAISE NOTICE 'hello %', 42; RAISE WARNING 'careful'; END $$");
            SQLWarning w = st.getWarnings();
            assertNotNull(w);
            assertEquals("hello 42", w.getMessage());
            assertEquals("careful", w.getNextWarning().getMessage());
            assertEquals("01000", w.getNextWarning().getSQLState());
            st.clearWarnings();
            assertNull(st.getWarnings());
        }
    }

    @Test
    void scrollInsensitiveResultsMoveEveryWay() throws SQLException {
        try (Connection c = JdbcTesting.connect(server);
             Statement st = c.createStatement(ResultSet.TYPE_SCROLL_INSENSITIVE, ResultSet.CONCUR_READ_ONLY)) {
            ResultSet rs = st.executeQuery("SELECT g FROM generate_series(1, 5) g");
            assertTrue(rs.isBeforeFirst());
            assertTrue(rs.last());
            assertEquals(5, rs.getInt(1));
            assertEquals(5, rs.getRow());
            assertTrue(rs.isLast());
            assertTrue(rs.absolute(2));
            assertEquals(2, rs.getInt(1));
            assertTrue(rs.relative(2));
            assertEquals(4, rs.getInt(1));
            assertTrue(rs.previous());
            assertEquals(3, rs.getInt(1));
            assertTrue(rs.absolute(-1));
            assertEquals(5, rs.getInt(1));
            assertFalse(rs.absolute(6));
            assertTrue(rs.isAfterLast());
            assertTrue(rs.previous());
            assertEquals(5, rs.getInt(1));
            rs.beforeFirst();
            assertTrue(rs.next());
            assertTrue(rs.first());
            assertFalse(rs.previous());
            assertTrue(rs.isBeforeFirst());
            ResultSet forward = c.createStatement().executeQuery("SELECT 1");
            assertThrows(SQLException.class, forward::last);
        }
    }
}
