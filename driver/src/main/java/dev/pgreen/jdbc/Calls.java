package dev.pgreen.jdbc;

import dev.pgreen.errors.PgException;

import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The one way a JDBC connection calls into pgreen: a query timeout becomes pgreen's statement timeout (a
 * cancel on the server when it passes), a network timeout aborts the connection, and pgreen's exceptions
 * become JDBC's; a cancel caused by the query timeout (not by Statement.cancel() or an interrupt) is a
 * {@code SQLTimeoutException}.
 */
final class Calls {
    /** Fires the network timeouts: a platform thread that only ever closes sockets (an abort never waits). */
    private static final class Timer {
        static final ScheduledExecutorService INSTANCE = create();

        private static ScheduledExecutorService create() {
            ScheduledThreadPoolExecutor t = new ScheduledThreadPoolExecutor(1, r -> {
                Thread th = new Thread(r, "pgreen-jdbc-network-timeout");
                th.setDaemon(true);
                return th;
            });
            t.setRemoveOnCancelPolicy(true);
            return t;
        }
    }

    private final dev.pgreen.Connection pg;
    private volatile int networkTimeoutMillis;
    private volatile boolean cancelRequested;
    private volatile boolean networkTimedOut;

    Calls(dev.pgreen.Connection pg) {
        this.pg = pg;
    }

    <T> T run(JdbcConnection.SqlCall<T> body, int queryTimeoutSeconds) throws SQLException {
        if (queryTimeoutSeconds > 0) {
            pg.setStatementTimeout(Duration.ofSeconds(queryTimeoutSeconds));
        }
        cancelRequested = false;
        int network = networkTimeoutMillis;
        ScheduledFuture<?> abort = network <= 0 ? null
                : Timer.INSTANCE.schedule(this::abortForNetworkTimeout, network, TimeUnit.MILLISECONDS);
        try {
            return body.call();
        } catch (PgException e) {
            if (networkTimedOut) {
                throw new SQLNonTransientConnectionException("the network timeout of " + network
                        + " ms passed: the connection was aborted", "08006", e);
            }
            boolean timedOut = queryTimeoutSeconds > 0 && !cancelRequested && !Thread.currentThread().isInterrupted();
            throw SqlExceptions.map(e, timedOut);
        } finally {
            if (abort != null) {
                abort.cancel(false);
            }
            if (queryTimeoutSeconds > 0) {
                pg.setStatementTimeout(null);
            }
        }
    }

    /** The cancel about to be sent is the caller's (Statement.cancel()), not the query timeout's. */
    void markCancelled() {
        cancelRequested = true;
    }

    void setNetworkTimeout(int milliseconds) {
        networkTimeoutMillis = milliseconds;
    }

    int networkTimeout() {
        return networkTimeoutMillis;
    }

    private void abortForNetworkTimeout() {
        networkTimedOut = true;
        pg.close();
    }
}
