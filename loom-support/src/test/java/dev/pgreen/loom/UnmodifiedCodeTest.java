package dev.pgreen.loom;

import dev.pgreen.Connection;
import dev.pgreen.Cursor;
import dev.pgreen.Row;
import dev.pgreen.testing.PgServerExtension;
import dev.pgreen.testing.TestServer;
import dev.pgreen.testing.TestWait;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Unmodified code: a plain data-access class written against Connection and
 * Cursor, which knows nothing of virtual threads or pools, runs 10,000 tasks on
 * {@code Executors.newVirtualThreadPerTaskExecutor()} through the pool, and
 * every result is right.
 */
@ExtendWith(PgServerExtension.class)
class UnmodifiedCodeTest {
    private static final int TASKS = 10_000;

    /** Ordinary blocking JDBC-style code: nothing here knows how it waits. */
    static final class AccountDao {
        private final Connection conn;

        AccountDao(Connection conn) {
            this.conn = conn;
        }

        int balance(int aid) {
            Cursor cur = conn.cursor();
            cur.execute("SELECT aid, abalance FROM loom_accounts WHERE aid = %s", aid);
            Row row = cur.fetchOne();
            if (row == null) {
                throw new IllegalStateException("no account " + aid);
            }
            return (Integer) row.get("abalance");
        }

        void audit(int task, int aid, int balance) {
            Cursor cur = conn.cursor();
            cur.execute("INSERT INTO loom_audit (task, aid, balance) VALUES (%s, %s, %s)", task, aid, balance);
            conn.commit();
        }

        long auditCount() {
            return (Long) conn.cursor().execute("SELECT count(*) FROM loom_audit").fetchOne().get(0);
        }
    }

    @AfterAll
    static void restore() {
        TestWait.install();
    }

    @Test
    void tenThousandVirtualThreadsThroughThePoolAllGetTheRightAnswer(TestServer server) throws Exception {
        LoomTesting.requireLoopback(server);
        Loom.install();
        Workloads.createAccounts(server.dsn());
        try (Connection c = LoomTesting.connect(server)) {
            c.cursor().execute("DROP TABLE IF EXISTS loom_audit; "
                    + "CREATE TABLE loom_audit (task int PRIMARY KEY, aid int, balance int)");
        }
        long start = System.nanoTime();
        // The pool's defaults: no autocommit, so each read leaves a transaction open, which the pool rolls back.
        try (PgPool pool = PgPool.builder(server.dsn()).maxSize(16).acquireTimeout(Duration.ofSeconds(120)).build()) {
            List<Future<Integer>> results = new ArrayList<>(TASKS);
            try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int i = 0; i < TASKS; i++) {
                    int task = i;
                    results.add(executor.submit(() -> {
                        int aid = task % Workloads.ACCOUNT_ROWS + 1;
                        try (PooledConnection pc = pool.acquire()) {
                            AccountDao dao = new AccountDao(pc.connection());
                            int balance = dao.balance(aid);
                            if (task % 10 == 0) {
                                dao.audit(task, aid, balance);
                            }
                            return balance;
                        }
                    }));
                }
            }
            for (int i = 0; i < TASKS; i++) {
                int aid = i % Workloads.ACCOUNT_ROWS + 1;
                assertEquals(Workloads.expectedBalance(aid), results.get(i).get(1, TimeUnit.SECONDS), "task " + i);
            }
            assertEquals((long) TASKS / 10, (long) pool.withConnection(c -> new AccountDao(c).auditCount()));
            PoolStats stats = pool.stats();
            assertTrue(stats.size() <= 16, stats.toString());
            assertEquals(0, stats.closed(), "no connection was lost: " + stats);
            System.err.println("loom unmodified code: " + TASKS + " tasks in "
                    + (System.nanoTime() - start) / 1_000_000 + " ms, " + stats);
        }
        try (Connection c = LoomTesting.connect(server)) {
            Row check = c.cursor().execute("SELECT count(*), sum(balance) FROM loom_audit").fetchOne();
            long expectedSum = 0;
            for (int t = 0; t < TASKS; t += 10) {
                expectedSum += Workloads.expectedBalance(t % Workloads.ACCOUNT_ROWS + 1);
            }
            assertEquals((long) TASKS / 10, check.get(0));
            assertEquals(java.math.BigDecimal.valueOf(expectedSum), new java.math.BigDecimal(check.get(1).toString()));
        }
    }
}
