package dev.pgreen;

import dev.pgreen.errors.DataException;
import dev.pgreen.errors.IntegrityException;
import dev.pgreen.errors.PipelineAbortedException;
import dev.pgreen.errors.ProgrammingException;
import dev.pgreen.errors.QueryCanceledException;
import dev.pgreen.testing.LatencyProxy;
import dev.pgreen.testing.PgServerExtension;
import dev.pgreen.testing.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.channels.SelectableChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.*;

/** Pipeline mode: statements sent without waiting, results in order, errors where they belong. */
@ExtendWith(PgServerExtension.class)
class PipelineTest {

    @Test
    void statementsGoOutAtOnceAndTheirResultsArriveInOrder(TestServer server) {
        try (Connection conn = Pgreen.connect(server.dsn())) {
            conn.setAutocommit(true);
            Cursor create = conn.cursor();
            Cursor insert = conn.cursor();
            Cursor select = conn.cursor();
            Cursor prepared = conn.cursor();
            try (Pipeline p = conn.pipeline()) {
                create.execute("CREATE TEMP TABLE pl (id int PRIMARY KEY, t text)");
                insert.execute("INSERT INTO pl VALUES (%s, %s), (%s, %s)", 1, "one", 2, "two");
                select.execute("SELECT t FROM pl ORDER BY id");
                prepared.executePrepared("SELECT t FROM pl WHERE id = %s", 2);
                assertEquals(TransactionStatus.ACTIVE, conn.transactionStatus());
                p.sync();
                assertEquals(TransactionStatus.IDLE, conn.transactionStatus());
                assertEquals(2, insert.rowCount());
                assertEquals("INSERT 0 2", insert.statusMessage());
                prepared.executePrepared("SELECT t FROM pl WHERE id = %s", 1);
            }
            assertEquals(List.of("one", "two"), select.fetchAll().stream().map(r -> r.get(0)).toList());
            assertEquals("t", select.description().getFirst().name());
            assertEquals("one", prepared.fetchOne().get(0));
            assertEquals("SELECT t FROM pl WHERE id = $1", prepared.query());
            assertEquals(TransactionStatus.IDLE, conn.transactionStatus());
            assertEquals(1, conn.cursor().execute("SELECT 1").fetchOne().get(0));
        }
    }

    @Test
    void fetchingBeforeTheAnswerSyncs(TestServer server) {
        try (Connection conn = Pgreen.connect(server.dsn())) {
            conn.setAutocommit(true);
            try (Pipeline ignored = conn.pipeline()) {
                Cursor a = conn.cursor().execute("SELECT 1");
                Cursor b = conn.cursor().executePrepared("SELECT %s::int + 1", 1);
                assertEquals(2, b.fetchOne().get(0));
                assertEquals(TransactionStatus.IDLE, conn.transactionStatus(), "the fetch synced");
                assertEquals(1, a.fetchOne().get(0));
                Cursor c = conn.cursor().execute("SELECT 3");
                assertEquals(3, c.fetchOne().get(0));
            }
        }
    }

    @Test
    void theFailedStatementRaisesAndTheRestUpToTheSyncAreAborted(TestServer server) {
        try (Connection conn = Pgreen.connect(server.dsn())) {
            conn.setAutocommit(true);
            conn.cursor().execute("CREATE TEMP TABLE pe (id int PRIMARY KEY)");
            Cursor ok = conn.cursor();
            Cursor bad = conn.cursor();
            Cursor skipped = conn.cursor();
            Cursor after = conn.cursor();
            try (Pipeline p = conn.pipeline()) {
                ok.execute("INSERT INTO pe VALUES (1)");
                bad.execute("SELECT 1 / 0");
                skipped.executePrepared("INSERT INTO pe VALUES (%s)", 2);
                assertThrows(DataException.class, p::sync, "sync raises the error no cursor raised");
                after.execute("INSERT INTO pe VALUES (3)");
            }
            assertThrows(DataException.class, bad::fetchOne, "the failed statement's cursor raises its error");
            assertThrows(PipelineAbortedException.class, skipped::rowCount);
            assertEquals(1, ok.rowCount(), "its result arrived; the implicit transaction then rolled it back");
            assertEquals(1, after.rowCount());
            assertEquals(TransactionStatus.IDLE, conn.transactionStatus());
            // Between syncs it is one transaction: the INSERT before the failure was rolled back with it.
            assertEquals(List.of(3), conn.cursor().execute("SELECT id FROM pe ORDER BY id").fetchAll().stream()
                    .map(r -> r.get(0)).toList());
        }
    }

    @Test
    void aCursorThatRaisedItsErrorLeavesTheSyncQuiet(TestServer server) {
        try (Connection conn = Pgreen.connect(server.dsn())) {
            conn.setAutocommit(true);
            try (Pipeline p = conn.pipeline()) {
                Cursor bad = conn.cursor().execute("SELECT * FROM no_such_table_here");
                Cursor skipped = conn.cursor().execute("SELECT 2");
                assertEquals("42P01", assertThrows(ProgrammingException.class, bad::fetchAll).sqlState());
                assertThrows(PipelineAbortedException.class, skipped::fetchAll);
                p.sync();
                assertEquals(3, conn.cursor().execute("SELECT 3").fetchOne().get(0));
            }
        }
    }

    @Test
    void closeRaisesAnErrorNobodyFetched(TestServer server) {
        try (Connection conn = Pgreen.connect(server.dsn())) {
            conn.setAutocommit(true);
            DataException e = assertThrows(DataException.class, () -> {
                try (Pipeline ignored = conn.pipeline()) {
                    conn.cursor().execute("SELECT 1 / 0");
                    conn.cursor().execute("SELECT 2");
                }
            });
            assertEquals("22012", e.sqlState());
            assertEquals(TransactionStatus.IDLE, conn.transactionStatus());
            assertEquals(1, conn.cursor().execute("SELECT 1").fetchOne().get(0));
        }
    }

    @Test
    void outsideAutocommitTheBeginIsPipelinedToo(TestServer server) {
        try (Connection conn = Pgreen.connect(server.dsn())) {
            conn.cursor().execute("CREATE TEMP TABLE pb (id int)");
            conn.commit();
            try (Pipeline ignored = conn.pipeline()) {
                conn.cursor().execute("INSERT INTO pb VALUES (1)");
                conn.cursor().executePrepared("INSERT INTO pb VALUES (%s)", 2);
            }
            assertEquals(TransactionStatus.INTRANS, conn.transactionStatus());
            conn.rollback();
            assertEquals(0L, conn.cursor().execute("SELECT count(*) FROM pb").fetchOne().get(0));
            conn.rollback();

            // A failure leaves the transaction failed, as outside a pipeline; rollback() does not raise it again.
            Cursor bad = conn.cursor();
            try (Pipeline p = conn.pipeline()) {
                conn.cursor().execute("INSERT INTO pb VALUES (1)");
                bad.execute("INSERT INTO pb VALUES ('x')");
                conn.cursor().execute("INSERT INTO pb VALUES (3)");
                assertThrows(DataException.class, p::sync);
                assertEquals(TransactionStatus.INERROR, conn.transactionStatus());
                conn.rollback();
                conn.cursor().execute("INSERT INTO pb VALUES (4)");
                conn.commit();
            }
            assertEquals(List.of(4), conn.cursor().execute("SELECT id FROM pb").fetchAll().stream()
                    .map(r -> r.get(0)).toList());
            conn.rollback();
        }
    }

    @Test
    void executeManyInAPipelineAndOutside(TestServer server) {
        try (Connection conn = Pgreen.connect(server.dsn())) {
            conn.setAutocommit(true);
            conn.cursor().execute("CREATE TEMP TABLE pm2 (id int PRIMARY KEY, t text)");
            List<Object[]> rows = new ArrayList<>();
            for (int i = 1; i <= 2500; i++) {
                rows.add(new Object[] {i, "r" + i});
            }
            Cursor many = conn.cursor();
            Cursor prepared = conn.cursor();
            Cursor count = conn.cursor();
            try (Pipeline ignored = conn.pipeline()) {
                many.executeMany("INSERT INTO pm2 VALUES (%s, %s)", rows.subList(0, 1200));
                prepared.executeManyPrepared("INSERT INTO pm2 VALUES (%s, %s)", rows.subList(1200, 2500));
                count.execute("SELECT count(*) FROM pm2");
            }
            assertEquals(1200, many.rowCount());
            assertEquals(1300, prepared.rowCount());
            assertEquals(2500L, count.fetchOne().get(0));

            // Outside a pipeline, in autocommit: one by one as far as the results go, nothing after a failure.
            Cursor cur = conn.cursor();
            IntegrityException dup = assertThrows(IntegrityException.class, () -> cur.executeManyPrepared(
                    "INSERT INTO pm2 VALUES (%s, %s)", List.of(List.of(3000, "a"), List.of(1, "dup"))));
            assertEquals("23505", dup.sqlState());
            assertEquals(TransactionStatus.IDLE, conn.transactionStatus());
            assertEquals(2500L, conn.cursor().execute("SELECT count(*) FROM pm2").fetchOne().get(0),
                    "a page commits or fails as a whole");
        }
    }

    @Test
    void otherCommandsSyncThePipelineFirst(TestServer server) {
        try (Connection conn = Pgreen.connect(server.dsn())) {
            Cursor a = conn.cursor();
            try (Pipeline ignored = conn.pipeline()) {
                a.execute("CREATE TEMP TABLE po (id int)");
                conn.cursor().execute("INSERT INTO po VALUES (1)");
                conn.commit();
                assertEquals(TransactionStatus.IDLE, conn.transactionStatus());
                Cursor named = conn.cursor("po_cursor");
                named.execute("SELECT id FROM po");
                assertEquals(1, named.fetchOne().get(0));
                named.close();
                conn.rollback();
            }
            assertEquals(1L, conn.cursor().execute("SELECT count(*) FROM po").fetchOne().get(0));
            assertThrows(ProgrammingException.class, () -> {
                try (Pipeline ignored = conn.pipeline(); Pipeline ignored2 = conn.pipeline()) {
                    fail("nested");
                }
            });
            assertEquals(1, conn.cursor().execute("SELECT 1").fetchOne().get(0));
            conn.rollback();
        }
    }

    @Test
    void aParseThatFailsIsPreparedAgainAfterTheSync(TestServer server) {
        try (Connection conn = Pgreen.connect(server.dsn())) {
            conn.setAutocommit(true);
            String sql = "SELECT id FROM pp WHERE id = %s";
            try (Pipeline p = conn.pipeline()) {
                Cursor early = conn.cursor().executePrepared(sql, 1);
                Cursor again = conn.cursor().executePrepared(sql, 1);
                assertEquals("42P01", assertThrows(ProgrammingException.class, early::fetchAll).sqlState());
                assertThrows(PipelineAbortedException.class, again::fetchAll);
                conn.cursor().execute("CREATE TEMP TABLE pp (id int)");
                conn.cursor().execute("INSERT INTO pp VALUES (1)");
                Cursor now = conn.cursor().executePrepared(sql, 1);
                Cursor twice = conn.cursor().executePrepared(sql, 1);
                p.sync();
                assertEquals(1, now.fetchOne().get(0));
                assertEquals(1, twice.fetchOne().get(0));
            }
        }
    }

    @Test
    void waitsGoThroughTheWaitCallback(TestServer server) {
        AtomicInteger waits = new AtomicInteger();
        PollingWait counting = new PollingWait() {
            @Override
            protected void waitFor(Connection conn, SelectableChannel channel, PollState state, Duration timeout) {
                waits.incrementAndGet();
                selectOn(conn, channel, state, timeout);
            }
        };
        try (Connection conn = Pgreen.connect(server.dsn())) {
            conn.setAutocommit(true);
            conn.setWaitCallback(counting);
            waits.set(0);
            List<Cursor> cursors = new ArrayList<>();
            try (Pipeline ignored = conn.pipeline()) {
                for (int i = 0; i < 50; i++) {
                    cursors.add(conn.cursor().executePrepared("SELECT %s::int, pg_sleep(0.001)", i));
                }
            }
            assertTrue(waits.get() >= 1, "the sync waited through the callback");
            for (int i = 0; i < 50; i++) {
                assertEquals(i, cursors.get(i).fetchOne().get(0));
            }
        }
    }

    @Test
    void worksOnAVirtualThread(TestServer server) throws Exception {
        AtomicReference<Object> out = new AtomicReference<>();
        Thread t = Thread.ofVirtual().start(() -> {
            try (Connection conn = Pgreen.connect(server.dsn())) {
                conn.setAutocommit(true);
                List<Cursor> cursors = new ArrayList<>();
                try (Pipeline ignored = conn.pipeline()) {
                    for (int i = 0; i < 100; i++) {
                        cursors.add(conn.cursor().executePrepared("SELECT %s::int * 2", i));
                    }
                }
                long sum = 0;
                for (Cursor c : cursors) {
                    sum += (Integer) c.fetchOne().get(0);
                }
                out.set(sum);
            } catch (Throwable e) {
                out.set(e);
            }
        });
        t.join(30_000);
        assertEquals(9900L, out.get());
    }

    /**
     * 20,000 statements of 2 KB each, each answered with 2 KB, and no sync
     * until the end: 40 MB each way. The server blocks writing replies we
     * have not read and stops reading our statements, so sending must read.
     */
    @Test
    void bothDirectionsFullNeverDeadlock(TestServer server) {
        assertTimeoutPreemptively(Duration.ofSeconds(120), () -> {
            try (Connection conn = Pgreen.connect(server.dsn())) {
                conn.setAutocommit(true);
                Cursor last = conn.cursor();
                String payload = "x".repeat(2000);
                int n = 20_000;
                long answered = 0;
                try (Pipeline ignored = conn.pipeline()) {
                    Cursor cur = conn.cursor();
                    for (int i = 0; i < n; i++) {
                        (i == n - 1 ? last : cur).executePrepared("SELECT %s::int, %s::text", i, payload);
                    }
                    answered = n;
                }
                assertEquals(n, answered);
                Row r = last.fetchOne();
                assertEquals(n - 1, r.get(0));
                assertEquals(2000, ((String) r.get(1)).length());
                assertEquals(1, conn.cursor().execute("SELECT 1").fetchOne().get(0));
            }
        });
    }

    @Test
    void theStatementTimeoutCancelsTheStatementTheSyncWaitsFor(TestServer server) {
        try (Connection conn = Pgreen.connect(server.dsn())) {
            conn.setAutocommit(true);
            conn.setStatementTimeout(Duration.ofMillis(200));
            Cursor slow = conn.cursor();
            Cursor next = conn.cursor();
            long t0 = System.nanoTime();
            assertThrows(QueryCanceledException.class, () -> {
                try (Pipeline ignored = conn.pipeline()) {
                    slow.execute("SELECT pg_sleep(30)");
                    next.execute("SELECT 1");
                }
            });
            assertTrue(System.nanoTime() - t0 < 10_000_000_000L);
            assertThrows(PipelineAbortedException.class, next::fetchOne);
            assertEquals(TransactionStatus.IDLE, conn.transactionStatus());
            assertEquals(1, conn.cursor().execute("SELECT 1").fetchOne().get(0));
        }
    }

    /** Round trips, counted by time through a 2 ms proxy: 200 statements pipelined vs one by one. */
    @Test
    void aPipelineSavesTheRoundTrips(TestServer server) throws Exception {
        try (LatencyProxy proxy = LatencyProxy.start(server, Duration.ofMillis(2));
             Connection conn = Pgreen.connect(proxy.dsn(server))) {
            conn.setAutocommit(true);
            int n = 200;
            String sql = "SELECT %s::int * 3, md5(%s::text)";
            // Both paths prepared once, so neither pays a Parse the other does not.
            conn.cursor().executePrepared(sql, 0, 0);

            long t0 = System.nanoTime();
            List<List<Object>> sequential = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                sequential.add(conn.cursor().executePrepared(sql, i, i).fetchOne().toList());
            }
            long sequentialNanos = System.nanoTime() - t0;

            t0 = System.nanoTime();
            List<Cursor> cursors = new ArrayList<>();
            try (Pipeline ignored = conn.pipeline()) {
                for (int i = 0; i < n; i++) {
                    cursors.add(conn.cursor().executePrepared(sql, i, i));
                }
            }
            List<List<Object>> pipelined = new ArrayList<>();
            for (Cursor c : cursors) {
                pipelined.add(c.fetchOne().toList());
            }
            long pipelinedNanos = System.nanoTime() - t0;

            assertEquals(sequential, pipelined);
            assertTrue(pipelinedNanos * 5 < sequentialNanos, "pipelined " + pipelinedNanos / 1_000_000
                    + " ms vs sequential " + sequentialNanos / 1_000_000 + " ms");
        }
    }
}
