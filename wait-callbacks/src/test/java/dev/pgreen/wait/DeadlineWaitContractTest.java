package dev.pgreen.wait;

import dev.pgreen.Connection;
import dev.pgreen.Pgreen;
import dev.pgreen.WaitCallback;
import dev.pgreen.errors.QueryCanceledException;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.*;

class DeadlineWaitContractTest extends WaitCallbackContract {
    @Override
    protected WaitCallback callback() {
        return new DeadlineWait(Duration.ofSeconds(30));
    }

    @Test
    void aStatementPastItsBudgetIsCancelledAndTheConnectionStaysUsable() {
        try (Connection conn = Pgreen.connect(server.dsn())) {
            conn.setWaitCallback(new DeadlineWait(Duration.ofMillis(300)));
            long start = System.nanoTime();
            QueryCanceledException e = assertThrows(QueryCanceledException.class,
                    () -> conn.cursor().execute("SELECT pg_sleep(20)"));
            assertEquals("57014", e.sqlState());
            assertTrue(System.nanoTime() - start < 10_000_000_000L, "cancelled long before the sleep ended");
            conn.rollback();
            assertEquals(1, conn.cursor().execute("SELECT 1").fetchOne().get(0));
        }
    }

    @Test
    void rejectsANonPositiveBudget() {
        assertThrows(IllegalArgumentException.class, () -> new DeadlineWait(Duration.ZERO));
    }

    @Test
    void aConnectPastItsBudgetSaysTheConnectTimedOut() throws Exception {
        try (java.net.ServerSocket silent = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            WaitCallback before = Pgreen.getWaitCallback();
            Pgreen.setWaitCallback(new DeadlineWait(Duration.ofMillis(500)));
            try {
                long start = System.nanoTime();
                dev.pgreen.errors.OperationalException e = assertThrows(dev.pgreen.errors.OperationalException.class,
                        () -> Pgreen.connect("host=127.0.0.1 port=" + silent.getLocalPort() + " user=x dbname=x"));
                assertTrue(e.getMessage().contains("timeout expired") && e.getMessage().contains("not established"),
                        e.getMessage());
                assertFalse(e.getMessage().contains("cancel"), "no cancel exists during start-up: " + e.getMessage());
                assertTrue(System.nanoTime() - start < 5_000_000_000L, "failed at the budget, not after a grace");
            } finally {
                Pgreen.setWaitCallback(before);
            }
        }
    }
}
