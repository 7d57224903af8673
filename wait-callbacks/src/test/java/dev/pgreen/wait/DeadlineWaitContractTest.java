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
}
