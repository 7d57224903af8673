package dev.pgreen;

import dev.pgreen.errors.DataException;
import dev.pgreen.errors.OperationalException;
import dev.pgreen.errors.ProgrammingException;
import dev.pgreen.replication.LogicalReplicationConnection;
import dev.pgreen.replication.ReplicationCursor;
import dev.pgreen.replication.StopReplication;
import dev.pgreen.testing.PgServerExtension;
import dev.pgreen.testing.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/** Situations that used to hang or desynchronise a session: each must end with a clear error or succeed. */
@ExtendWith(PgServerExtension.class)
class RobustnessTest {
    private static final Duration LIMIT = Duration.ofSeconds(30);

    @Test
    void bothSidesWritingAtOnceDoNotDeadlock(TestServer server) {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (Connection conn = Pgreen.connect(server.dsn())) {
                Cursor cur = conn.cursor();
                cur.execute("CREATE TEMP TABLE big (id int, payload text)");
                // Megabytes of parameters out while megabytes of RETURNING rows come back.
                String payload = "p".repeat(4000);
                List<Object[]> rows = new ArrayList<>();
                for (int i = 0; i < 3000; i++) {
                    rows.add(new Object[] {i, payload});
                }
                cur.executeManyPrepared("INSERT INTO big VALUES (%s, %s) RETURNING *", rows);
                assertEquals(3000, cur.rowCount());
            }
        });
    }

    @Test
    void copyThroughAPreparedStatementIsRefusedWithoutHanging(TestServer server) {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (Connection conn = Pgreen.connect(server.dsn())) {
                conn.setAutocommit(true);
                conn.cursor().execute("CREATE TEMP TABLE cp (x int)");
                assertThrows(ProgrammingException.class, () -> conn.cursor().executePrepared("COPY cp FROM STDIN"));
                assertThrows(ProgrammingException.class, () -> conn.cursor().executePrepared("COPY cp TO STDOUT"));
                assertEquals(1, conn.cursor().execute("SELECT 1").fetchOne().get(0));
            }
        });
    }

    @Test
    void aNulInTheSqlIsADataErrorAndLeavesTheSessionClean(TestServer server) {
        try (Connection conn = Pgreen.connect(server.dsn())) {
            assertThrows(DataException.class, () -> conn.cursor().execute("SELECT 'a\0b'"));
            assertEquals(TransactionStatus.IDLE, conn.transactionStatus());
            assertEquals(1, conn.cursor().execute("SELECT 1").fetchOne().get(0));
        }
    }

    @Test
    void aBackendKilledDuringAwaitNotifiesIsAnOperationalError(TestServer server) throws Exception {
        try (Connection conn = Pgreen.connect(server.dsn()); Connection killer = Pgreen.connect(server.dsn())) {
            conn.setAutocommit(true);
            killer.setAutocommit(true);
            conn.cursor().execute("LISTEN robust");
            CompletableFuture<Throwable> waiting = CompletableFuture.supplyAsync(() -> {
                try {
                    conn.awaitNotifies(Duration.ofSeconds(20));
                    return null;
                } catch (Throwable t) {
                    return t;
                }
            });
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (!waiting.isDone() && System.nanoTime() < deadline) {
                killer.cursor().execute("SELECT pg_terminate_backend(%s)", conn.backendPid());
                Thread.sleep(100);
            }
            Throwable t = waiting.get(LIMIT.toSeconds(), TimeUnit.SECONDS);
            OperationalException e = assertInstanceOf(OperationalException.class, t);
            assertEquals("57P01", e.sqlState());
            assertTrue(conn.isClosed());
        }
    }

    @Test
    void startingAReplicationStreamWithExecuteIsRefusedWithoutHanging(TestServer server) {
        String slot = "robust_x_" + Long.toHexString(System.nanoTime());
        assertTimeoutPreemptively(LIMIT, () -> {
            try (LogicalReplicationConnection repl = Pgreen.connect(server.dsn(), LogicalReplicationConnection::new)) {
                repl.cursor().createReplicationSlot(slot, "test_decoding");
                try {
                    ProgrammingException e = assertThrows(ProgrammingException.class,
                            () -> repl.cursor().execute("START_REPLICATION SLOT \"" + slot + "\" LOGICAL 0/0"));
                    assertTrue(e.getMessage().contains("startReplication"), e.getMessage());
                    assertEquals(1, repl.cursor().execute("SELECT 1").fetchOne().get(0));
                } finally {
                    repl.cursor().dropReplicationSlot(slot);
                }
            }
        });
    }

    @Test
    void commandsAreRefusedWhileAReplicationStreamIsOpen(TestServer server) {
        String slot = "robust_" + Long.toHexString(System.nanoTime());
        assertTimeoutPreemptively(LIMIT, () -> {
            try (LogicalReplicationConnection repl = Pgreen.connect(server.dsn(), LogicalReplicationConnection::new);
                 Connection writer = Pgreen.connect(server.dsn())) {
                writer.setAutocommit(true);
                ReplicationCursor cur = repl.cursor();
                cur.createReplicationSlot(slot, "test_decoding");
                try {
                    writer.cursor().execute("CREATE TABLE IF NOT EXISTS robust_t (x int)");
                    writer.cursor().execute("INSERT INTO robust_t VALUES (1)");
                    cur.startReplication(slot, true);
                    assertThrows(StopReplication.class, () -> cur.consumeStream(m -> {
                        throw new StopReplication();
                    }));
                    ProgrammingException busy = assertThrows(ProgrammingException.class,
                            () -> repl.cursor().execute("SELECT 1"));
                    assertTrue(busy.getMessage().contains("replication stream"), busy.getMessage());
                    assertFalse(repl.isClosed());
                } finally {
                    cur.dropReplicationSlot(slot);
                }
                assertEquals(1, repl.cursor().execute("SELECT 1").fetchOne().get(0));
            }
        });
    }
}
