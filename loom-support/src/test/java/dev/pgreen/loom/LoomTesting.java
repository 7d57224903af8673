package dev.pgreen.loom;

import dev.pgreen.Connection;
import dev.pgreen.Pgreen;
import dev.pgreen.Row;
import dev.pgreen.testing.TestServer;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Helpers shared by the module's tests. */
final class LoomTesting {
    static final Duration LIMIT = Duration.ofSeconds(60);

    private LoomTesting() {}

    /** Load tests hit 127.0.0.1 only: skipped against another machine's server. */
    static void requireLoopback(TestServer server) {
        boolean loopback;
        try {
            loopback = InetAddress.getByName(server.host()).isLoopbackAddress();
        } catch (UnknownHostException e) {
            loopback = false;
        }
        assumeTrue(loopback, "load tests run against a server on 127.0.0.1 only, not " + server.host());
    }

    static Connection connect(TestServer server) {
        Connection c = Pgreen.connect(server.dsn());
        c.setAutocommit(true);
        return c;
    }

    /** Waits until the backend runs a statement (so a cancel or a kill lands mid-query). */
    static void awaitActive(Connection observer, int pid) {
        dev.pgreen.testing.Backends.awaitActive(observer, pid, Duration.ofSeconds(20));
    }

    /** Terminates a backend and waits until it is gone and its socket closed. */
    static void terminate(Connection observer, int pid) {
        observer.cursor().execute("SELECT pg_terminate_backend(%s)", pid);
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            long left = (Long) observer.cursor()
                    .execute("SELECT count(*) FROM pg_stat_activity WHERE pid = %s", pid).fetchOne().get(0);
            if (left == 0) {
                // The backend leaves pg_stat_activity a moment before its process exits and its socket
                // closes; until then the client sees the FATAL message but no end of stream.
                sleep(200);
                return;
            }
            sleep(5);
        }
        fail("backend " + pid + " did not exit");
    }

    /** Polls {@code condition} until it holds, failing after {@link #LIMIT}. */
    static void eventually(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + LIMIT.toNanos();
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "never happened: " + what);
            sleep(2);
        }
    }

    /** The future's value, failing after {@link #LIMIT}. */
    static <T> T get(Future<T> f) throws Exception {
        return f.get(LIMIT.toSeconds(), TimeUnit.SECONDS);
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
