package dev.pgreen.ported;

import dev.pgreen.Connection;
import dev.pgreen.Cursor;
import dev.pgreen.IsolationLevel;
import dev.pgreen.Pgreen;
import dev.pgreen.TransactionStatus;
import dev.pgreen.errors.DatabaseException;
import dev.pgreen.errors.IntegrityException;
import dev.pgreen.errors.QueryCanceledException;
import dev.pgreen.errors.TransactionRollbackException;
import dev.pgreen.testing.PgServerExtension;
import dev.pgreen.testing.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Cases ported from psycopg2's tests/test_transaction.py. psycopg2's
 * {@code conn.status} (STATUS_BEGIN / STATUS_READY) is read here as
 * {@link Connection#transactionStatus()} (INTRANS / IDLE).
 */
@ExtendWith(PgServerExtension.class)
class TransactionPortTest {

    @Nested
    class TransactionTests {
        private Connection conn;

        @BeforeEach
        void setUp(TestServer server) {
            conn = Pgreen.connect(server.dsn());
            conn.setSession(IsolationLevel.SERIALIZABLE, null, null);
            Cursor curs = conn.cursor();
            curs.execute("CREATE TEMPORARY TABLE table1 (id int PRIMARY KEY)");
            // The constraint is deferrable for the failedCommit test
            curs.execute("CREATE TEMPORARY TABLE table2 (id int PRIMARY KEY, table1_id int, "
                    + "CONSTRAINT table2__table1_id__fk FOREIGN KEY (table1_id) REFERENCES table1(id) DEFERRABLE)");
            curs.execute("INSERT INTO table1 VALUES (1)");
            curs.execute("INSERT INTO table2 VALUES (1, 1)");
            conn.commit();
        }

        @AfterEach
        void tearDown() {
            conn.close();
        }

        @Test
        void rollback() {
            Cursor curs = conn.cursor();
            curs.execute("INSERT INTO table2 VALUES (2, 1)");
            assertEquals(TransactionStatus.INTRANS, conn.transactionStatus());
            conn.rollback();
            assertEquals(TransactionStatus.IDLE, conn.transactionStatus());
            curs.execute("SELECT id, table1_id FROM table2 WHERE id = 2");
            assertEquals(List.of(), curs.fetchAll());
        }

        @Test
        void commit() {
            Cursor curs = conn.cursor();
            curs.execute("INSERT INTO table2 VALUES (2, 1)");
            assertEquals(TransactionStatus.INTRANS, conn.transactionStatus());
            conn.commit();
            assertEquals(TransactionStatus.IDLE, conn.transactionStatus());
            // Now rollback and show that the new record is still there
            conn.rollback();
            curs.execute("SELECT id, table1_id FROM table2 WHERE id = 2");
            var rows = curs.fetchAll();
            assertEquals(1, rows.size());
            assertEquals(List.of(2, 1), rows.getFirst().toList());
        }

        @Test
        void failedCommit() {
            // A deferred constraint makes the commit fail; the connection is ready for the next transaction.
            Cursor curs = conn.cursor();
            curs.execute("SET CONSTRAINTS table2__table1_id__fk DEFERRED");
            curs.execute("INSERT INTO table2 VALUES (2, 42)");
            assertEquals(TransactionStatus.INTRANS, conn.transactionStatus());
            assertThrows(IntegrityException.class, conn::commit);
            assertEquals(TransactionStatus.IDLE, conn.transactionStatus());
            curs.execute("SELECT 1");
            assertEquals(1, curs.fetchOne().get(0));
        }
    }

    @Nested
    class DeadlockSerializationTests {
        private TestServer server;
        private Connection conn;

        private Connection connect() {
            Connection c = Pgreen.connect(server.dsn());
            c.setSession(IsolationLevel.SERIALIZABLE, null, null);
            return c;
        }

        @BeforeEach
        void setUp(TestServer server) {
            this.server = server;
            conn = connect();
            Cursor curs = conn.cursor();
            curs.execute("DROP TABLE IF EXISTS dl_table1");
            curs.execute("DROP TABLE IF EXISTS dl_table2");
            curs.execute("CREATE TABLE dl_table1 (id int PRIMARY KEY, name text)");
            curs.execute("INSERT INTO dl_table1 VALUES (1, 'hello')");
            curs.execute("CREATE TABLE dl_table2 (id int PRIMARY KEY)");
            conn.commit();
        }

        @AfterEach
        void tearDown() {
            Cursor curs = conn.cursor();
            curs.execute("DROP TABLE dl_table1");
            curs.execute("DROP TABLE dl_table2");
            conn.commit();
            conn.close();
        }

        @Test
        void deadlock() throws InterruptedException {
            AtomicReference<DatabaseException> error1 = new AtomicReference<>();
            AtomicReference<DatabaseException> error2 = new AtomicReference<>();
            CountDownLatch step1 = new CountDownLatch(1);
            CountDownLatch step2 = new CountDownLatch(1);

            Thread t1 = new Thread(() -> {
                try (Connection c = connect()) {
                    try {
                        Cursor curs = c.cursor();
                        curs.execute("LOCK dl_table1 IN ACCESS EXCLUSIVE MODE");
                        step1.countDown();
                        step2.await(30, TimeUnit.SECONDS);
                        curs.execute("LOCK dl_table2 IN ACCESS EXCLUSIVE MODE");
                    } catch (DatabaseException e) {
                        error1.set(e);
                        step1.countDown();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            });
            Thread t2 = new Thread(() -> {
                try (Connection c = connect()) {
                    try {
                        Cursor curs = c.cursor();
                        step1.await(30, TimeUnit.SECONDS);
                        curs.execute("LOCK dl_table2 IN ACCESS EXCLUSIVE MODE");
                        step2.countDown();
                        curs.execute("LOCK dl_table1 IN ACCESS EXCLUSIVE MODE");
                    } catch (DatabaseException e) {
                        error2.set(e);
                        step2.countDown();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            });
            t1.start();
            t2.start();
            t1.join();
            t2.join();

            // Exactly one of the threads failed with TransactionRollbackException
            assertFalse(error1.get() != null && error2.get() != null);
            DatabaseException error = error1.get() != null ? error1.get() : error2.get();
            assertInstanceOf(TransactionRollbackException.class, error);
            assertEquals("40P01", error.sqlState());
        }

        @Test
        void serialisationFailure() throws InterruptedException {
            AtomicReference<DatabaseException> error1 = new AtomicReference<>();
            AtomicReference<DatabaseException> error2 = new AtomicReference<>();
            CountDownLatch step1 = new CountDownLatch(1);
            CountDownLatch step2 = new CountDownLatch(1);

            Thread t1 = new Thread(() -> {
                try (Connection c = connect()) {
                    try {
                        Cursor curs = c.cursor();
                        curs.execute("SELECT name FROM dl_table1 WHERE id = 1");
                        curs.fetchAll();
                        step1.countDown();
                        step2.await(30, TimeUnit.SECONDS);
                        curs.execute("UPDATE dl_table1 SET name='task1' WHERE id = 1");
                        c.commit();
                    } catch (DatabaseException e) {
                        error1.set(e);
                        step1.countDown();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            });
            Thread t2 = new Thread(() -> {
                try (Connection c = connect()) {
                    try {
                        Cursor curs = c.cursor();
                        step1.await(30, TimeUnit.SECONDS);
                        curs.execute("UPDATE dl_table1 SET name='task2' WHERE id = 1");
                        c.commit();
                    } catch (DatabaseException e) {
                        error2.set(e);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    step2.countDown();
                }
            });
            t1.start();
            t2.start();
            t1.join();
            t2.join();

            assertFalse(error1.get() != null && error2.get() != null);
            DatabaseException error = error1.get() != null ? error1.get() : error2.get();
            assertInstanceOf(TransactionRollbackException.class, error);
            assertEquals("40001", error.sqlState());
        }
    }

    @Nested
    class QueryCancellationTests {
        @Test
        void statementTimeout(TestServer server) {
            try (Connection conn = Pgreen.connect(server.dsn())) {
                conn.setSession(IsolationLevel.SERIALIZABLE, null, null);
                Cursor curs = conn.cursor();
                // Set a low statement timeout, then sleep for a longer period.
                curs.execute("SET statement_timeout TO 10");
                QueryCanceledException e = assertThrows(QueryCanceledException.class,
                        () -> curs.execute("SELECT pg_sleep(50)"));
                assertEquals("57014", e.sqlState());
                assertEquals(TransactionStatus.INERROR, conn.transactionStatus());
                conn.rollback();
                assertEquals(1, curs.execute("SELECT 1").fetchOne().get(0));
            }
        }
    }
}
