package dev.pgreen.testing;

import dev.pgreen.Connection;
import dev.pgreen.Row;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.fail;

/** Watching a server backend from another connection, for tests of cancel, interrupt and kill. */
public final class Backends {
    private Backends() {}

    /**
     * Waits until backend {@code pid} is running a statement, so that a cancel or a kill lands inside it
     * (one that arrives before the statement starts affects nothing); fails after {@code limit}.
     */
    public static void awaitActive(Connection observer, int pid, Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            Row row = observer.cursor().execute("SELECT state FROM pg_stat_activity WHERE pid = %s", pid).fetchOne();
            if (!observer.isAutocommit()) {
                // Inside a transaction pg_stat_activity is one snapshot: a backend seen idle would stay idle.
                observer.rollback();
            }
            if (row != null && "active".equals(row.get(0))) {
                return;
            }
            Thread.onSpinWait();
        }
        fail("backend " + pid + " never became active");
    }
}
