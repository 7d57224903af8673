package dev.pgreen;

import dev.pgreen.errors.DataException;
import dev.pgreen.errors.OperationalException;
import dev.pgreen.errors.ProgrammingException;
import dev.pgreen.testing.Backends;
import dev.pgreen.testing.PgServerExtension;
import dev.pgreen.testing.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.*;

/** One connection, many threads, several statements in flight, each with a Sync of its own. */
@ExtendWith(PgServerExtension.class)
class SharedConnectionTest {
    private static final Duration LIMIT = Duration.ofSeconds(60);

    private static Connection connect(TestServer server) {
        Connection c = Pgreen.connect(server.dsn());
        c.setAutocommit(true);
        return c;
    }

    @Test
    void everyCallerGetsItsOwnAnswer(TestServer server) throws Exception {
        AtomicInteger answered = new AtomicInteger();
        try (Connection conn = Pgreen.connect(server.dsn());
             ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            SharedConnection shared = new SharedConnection(conn, Thread.ofVirtual().factory(),
                    answered::incrementAndGet);
            int n = 2_000;
            List<Future<?>> tasks = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int v = i;
                tasks.add(threads.submit(() -> {
                    StatementResult r = v % 2 == 0
                            ? shared.submitPrepared("SELECT %s::int AS v, 'p' AS how", v).await()
                            : shared.submit("SELECT %s::int AS v, 's' AS how", v).await();
                    assertEquals(List.of(v, v % 2 == 0 ? "p" : "s"), r.one().toList());
                    return null;
                }));
            }
            for (Future<?> f : tasks) {
                f.get(LIMIT.toSeconds(), TimeUnit.SECONDS);
            }
            assertEquals(n, answered.get(), "the listener hears of every statement");
            assertEquals(0, shared.inFlight());
            assertFalse(shared.isBroken());
            assertEquals(TransactionStatus.IDLE, conn.transactionStatus(), "the connection is usable again");
            assertEquals(1, conn.cursor().execute("SELECT 1").fetchOne().get(0));
        }
    }

    @Test
    void aResultHoldsRowsColumnsAndCounts(TestServer server) {
        try (Connection conn = Pgreen.connect(server.dsn())) {
            SharedConnection shared = new SharedConnection(conn);
            StatementResult rows = shared.submitPrepared(
                    "SELECT g AS n, g::text AS t FROM generate_series(1, %s) g", 3).await();
            assertEquals(3, rows.rowCount());
            assertEquals("SELECT 3", rows.statusMessage());
            assertEquals(List.of("n", "t"), rows.description().stream().map(Column::name).toList());
            assertEquals("3", rows.rows().get(2).get("t"));
            StatementResult none = shared.submit("CREATE TEMP TABLE sh_counts (id int)").await();
            assertNull(none.description());
            assertEquals(List.of(), none.rows());
            assertNull(none.one());
            assertEquals(2, shared.submit("INSERT INTO sh_counts VALUES (1), (2)").await().rowCount());
            assertEquals(2, shared.submitPrepared("UPDATE sh_counts SET id = id + %(d)s", java.util.Map.of("d", 1))
                    .await().rowCount());
            assertThrows(DataException.class, () -> shared.submitPrepared("SELECT 1 -- \0"));
            assertThrows(ProgrammingException.class, () -> shared.submit(" "));
            assertEquals(1, shared.submit("SELECT 1").await().one().get(0), "nothing half-sent before");
        }
    }

    @Test
    void aFailingStatementFailsOnlyItsCaller(TestServer server) {
        try (Connection conn = connect(server)) {
            conn.cursor().execute("DROP TABLE IF EXISTS sh_errors; CREATE TABLE sh_errors (id int PRIMARY KEY)");
            SharedConnection shared = new SharedConnection(conn);
            // Sent together, before any reply: each with its own Sync, so one error aborts nothing else.
            SharedConnection.Reply before = shared.submitPrepared("INSERT INTO sh_errors VALUES (%s)", 1);
            SharedConnection.Reply dup = shared.submitPrepared("INSERT INTO sh_errors VALUES (%s)", 1);
            SharedConnection.Reply zero = shared.submitPrepared("SELECT 1 / %s", 0);
            SharedConnection.Reply after = shared.submitPrepared("INSERT INTO sh_errors VALUES (%s)", 2);
            assertEquals(1, before.await().rowCount());
            assertEquals("23505", assertThrows(dev.pgreen.errors.IntegrityException.class, dup::await).sqlState());
            assertEquals("22012", assertThrows(DataException.class, zero::await).sqlState());
            assertEquals(1, after.await().rowCount());
            assertEquals(2L, conn.cursor().execute("SELECT count(*) FROM sh_errors").fetchOne().get(0),
                    "the statements around the failures committed");
        }
    }

    @Test
    void aFailedParseReachesEveryCallerOfThatStatementAsItsOwnError(TestServer server) {
        try (Connection conn = connect(server)) {
            SharedConnection shared = new SharedConnection(conn);
            // The second and third Bind the name the first one's Parse failed to create: they are sent again.
            List<SharedConnection.Reply> replies = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                replies.add(shared.submitPrepared("SELEKT %s", i));
            }
            SharedConnection.Reply fine = shared.submitPrepared("SELECT %s::text", "fine");
            for (SharedConnection.Reply r : replies) {
                assertEquals("42601", assertThrows(ProgrammingException.class, r::await).sqlState());
            }
            assertEquals("fine", fine.await().one().get(0));
            assertEquals(0, shared.inFlight());
        }
    }

    @Test
    void aStatementTheServerForgotIsPreparedAgain(TestServer server) {
        try (Connection conn = connect(server)) {
            SharedConnection shared = new SharedConnection(conn);
            assertEquals(1, shared.submitPrepared("SELECT %s::int", 1).await().one().get(0));
            conn.cursor().execute("DEALLOCATE ALL");
            assertEquals(2, shared.submitPrepared("SELECT %s::int", 2).await().one().get(0));
            assertEquals(3, shared.submitPrepared("SELECT %s::int", 3).await().one().get(0));
        }
    }

    @Test
    void aStatementThatLeavesATransactionOpenClosesTheConnectionAndCommitsNothingBehindIt(TestServer server) {
        try (Connection observer = connect(server); Connection conn = connect(server)) {
            observer.cursor().execute("DROP TABLE IF EXISTS sh_tx; CREATE TABLE sh_tx (id int)");
            SharedConnection shared = new SharedConnection(conn);
            // The observer's lock holds the first statement, so the other two are in flight behind it.
            observer.cursor().execute("SELECT pg_advisory_lock(14)");
            SharedConnection.Reply held = shared.submit("SELECT pg_advisory_xact_lock(14)");
            SharedConnection.Reply begin = shared.submit("BEGIN");
            SharedConnection.Reply insert = shared.submitPrepared("INSERT INTO sh_tx VALUES (%s)", 1);
            observer.cursor().execute("SELECT pg_advisory_unlock(14)");
            held.await();
            ProgrammingException e = assertThrows(ProgrammingException.class, begin::await);
            assertTrue(e.getMessage().contains("left a transaction open"), e.getMessage());
            assertThrows(OperationalException.class, insert::await);
            assertTrue(shared.isBroken());
            assertTrue(conn.isClosed());
            assertThrows(OperationalException.class, () -> shared.submit("SELECT 1"));
            assertEquals(0L, observer.cursor().execute("SELECT count(*) FROM sh_tx").fetchOne().get(0));
        }
    }

    @Test
    void aLostConnectionFailsEveryStatementInFlight(TestServer server) {
        try (Connection observer = connect(server); Connection conn = connect(server)) {
            SharedConnection shared = new SharedConnection(conn);
            SharedConnection.Reply sleeping = shared.submit("SELECT pg_sleep(30)");
            List<SharedConnection.Reply> behind = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                behind.add(shared.submitPrepared("SELECT %s::int", i));
            }
            Backends.awaitActive(observer, conn.backendPid(), LIMIT);
            observer.cursor().execute("SELECT pg_terminate_backend(%s)", conn.backendPid());
            OperationalException killed = assertThrows(OperationalException.class, sleeping::await);
            assertEquals("57P01", killed.sqlState(), "the running statement gets the server's own message");
            for (SharedConnection.Reply r : behind) {
                OperationalException e = assertThrows(OperationalException.class, r::await);
                assertTrue(e.getMessage().contains("lost"), e.getMessage());
            }
            assertEquals(0, shared.inFlight());
            assertTrue(shared.isBroken());
            assertThrows(OperationalException.class, () -> shared.submit("SELECT 1"));
        }
    }

    @Test
    void aCallerThatStopsWaitingLeavesItsStatementToFinishAndTheOthersUntouched(TestServer server)
            throws Exception {
        try (Connection observer = connect(server); Connection conn = connect(server)) {
            observer.cursor().execute("DROP TABLE IF EXISTS sh_left; CREATE TABLE sh_left (id int)");
            SharedConnection shared = new SharedConnection(conn);
            SharedConnection.Reply slow = shared.submit("SELECT pg_sleep(0.3); INSERT INTO sh_left VALUES (1)");
            SharedConnection.Reply next = shared.submitPrepared("SELECT %s::int", 7);
            OperationalException timedOut = assertThrows(OperationalException.class,
                    () -> slow.await(Duration.ofMillis(1)));
            assertTrue(timedOut.getMessage().contains("runs to its end"), timedOut.getMessage());
            assertEquals(7, next.await().one().get(0));
            assertEquals(1L, observer.cursor().execute("SELECT count(*) FROM sh_left").fetchOne().get(0),
                    "the abandoned statement ran to its end");

            SharedConnection.Reply sleeping = shared.submit("SELECT pg_sleep(0.3)");
            Thread caller = Thread.ofVirtual().start(() -> {
                OperationalException e = assertThrows(OperationalException.class, sleeping::await);
                assertTrue(e.getMessage().contains("interrupted"), e.getMessage());
                assertTrue(Thread.currentThread().isInterrupted(), "the flag is set again");
            });
            Backends.awaitActive(observer, conn.backendPid(), LIMIT);
            caller.interrupt();
            caller.join(LIMIT.toMillis());
            assertFalse(caller.isAlive());
            assertEquals(8, shared.submitPrepared("SELECT %s::int", 8).await().one().get(0));
            assertFalse(shared.isBroken());
        }
    }

    @Test
    void anIdleConnectionWhoseBackendWasKilledIsFoundBroken(TestServer server) {
        try (Connection observer = connect(server); Connection conn = connect(server)) {
            SharedConnection shared = new SharedConnection(conn);
            assertEquals(1, shared.submit("SELECT 1").await().one().get(0));
            int pid = conn.backendPid();
            observer.cursor().execute("SELECT pg_terminate_backend(%s)", pid);
            long deadline = System.nanoTime() + LIMIT.toNanos();
            while ((Long) observer.cursor().execute("SELECT count(*) FROM pg_stat_activity WHERE pid = %s", pid)
                    .fetchOne().get(0) > 0) {
                assertTrue(System.nanoTime() < deadline, "the backend never ended");
                Thread.onSpinWait();
            }
            // Found by the probe before the statement goes out, or (before the FATAL message has arrived) by it.
            assertThrows(OperationalException.class, () -> shared.submit("SELECT 1").await());
            assertTrue(shared.isBroken());
        }
    }
}
