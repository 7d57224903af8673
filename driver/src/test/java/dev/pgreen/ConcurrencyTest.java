package dev.pgreen;

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

import static org.junit.jupiter.api.Assertions.*;

/** Threads sharing one connection are serialised; the stream is never corrupted. */
@ExtendWith(PgServerExtension.class)
class ConcurrencyTest {

    private static void hammer(Connection conn, ExecutorService pool, int tasks, int queriesEach) throws Exception {
        List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < tasks; t++) {
            int id = t;
            futures.add(pool.submit(() -> {
                for (int i = 0; i < queriesEach; i++) {
                    // Each thread uses its own cursor: cursors are not thread-safe, connections are.
                    Cursor cur = conn.cursor();
                    String tag = "task-" + id + "-" + i;
                    Row row = cur.execute("SELECT %s, %s::int * 2", tag, i).fetchOne();
                    assertEquals(tag, row.get(0));
                    assertEquals(i * 2, row.get(1));
                }
                return null;
            }));
        }
        for (Future<?> f : futures) {
            f.get();
        }
    }

    @Test
    void platformThreadsShareOneConnection(TestServer server) throws Exception {
        try (Connection conn = Pgreen.connect(server.dsn());
             ExecutorService pool = Executors.newFixedThreadPool(8)) {
            conn.setAutocommit(true);
            assertTimeoutPreemptively(Duration.ofSeconds(60), () -> hammer(conn, pool, 8, 200));
            assertEquals(1, conn.cursor().execute("SELECT 1").fetchOne().get(0));
        }
    }

    @Test
    void virtualThreadsShareOneConnection(TestServer server) throws Exception {
        try (Connection conn = Pgreen.connect(server.dsn());
             ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            assertTimeoutPreemptively(Duration.ofSeconds(60), () -> hammer(conn, pool, 100, 20));
            conn.commit();
            assertEquals(TransactionStatus.IDLE, conn.transactionStatus());
        }
    }

    @Test
    void manyConnectionsInParallel(TestServer server) throws Exception {
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Integer>> results = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                int n = i;
                results.add(pool.submit(() -> {
                    try (Connection conn = Pgreen.connect(server.dsn())) {
                        return (Integer) conn.cursor().execute("SELECT %s::int + 1", n).fetchOne().get(0);
                    }
                }));
            }
            for (int i = 0; i < results.size(); i++) {
                assertEquals(i + 1, results.get(i).get());
            }
        }
    }
}
