package dev.pgreen.faults;

import dev.pgreen.Connection;
import dev.pgreen.errors.OperationalException;
import dev.pgreen.testing.Backends;
import dev.pgreen.testing.BoundedCall;
import dev.pgreen.testing.FaultProxy;
import dev.pgreen.testing.PgServerExtension;
import dev.pgreen.testing.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.concurrent.Callable;

import static dev.pgreen.faults.Faults.PROMPTLY;
import static dev.pgreen.faults.Faults.assertClosed;
import static dev.pgreen.faults.Faults.connect;
import static dev.pgreen.faults.Faults.fails;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The rig of most fault trials: {@link #conn} reaches the server through {@link #proxy}, where the faults are
 * made; {@link #observer} is connected straight to the server, to watch and to kill.
 */
@ExtendWith(PgServerExtension.class)
// A test that hangs fails after two minutes, with its stack, instead of stalling the build.
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
abstract class ProxiedTrials {
    /** How long a statement may take to show up as active on the server. */
    static final Duration ACTIVE = Duration.ofSeconds(10);

    TestServer server;
    FaultProxy proxy;
    Connection conn;
    Connection observer;

    @BeforeEach
    void connectThroughTheProxy(TestServer server) {
        this.server = server;
        proxy = FaultProxy.start(server);
        conn = connect(proxy.dsn());
        observer = connect(server.dsn());
    }

    @AfterEach
    void disconnect() {
        // The server may still run what a trial abandoned: end it before closing anything that could wait on it.
        observer.cursor().execute("SELECT pg_terminate_backend(%s)", conn.backendPid());
        proxy.close();
        conn.close();
        observer.close();
    }

    /** The fault: the server kills the backend (pg_terminate_backend). What the user sees: 57P01, promptly, and a closed connection. */
    void killTheBackendAndSeeTheSessionEnd(BoundedCall<?> call) {
        long fault = System.nanoTime();
        observer.cursor().execute("SELECT pg_terminate_backend(%s)", conn.backendPid());
        OperationalException e = fails(call, OperationalException.class, "terminating connection due to administrator command",
                fault, PROMPTLY);
        assertEquals("57P01", e.sqlState());
        assertClosed(conn);
    }

    /** {@code body} on a thread of its own, once the server runs the statement it sent. */
    BoundedCall<Object> running(String name, Callable<Object> body) {
        BoundedCall<Object> call = BoundedCall.start(name, body);
        Backends.awaitActive(observer, conn.backendPid(), ACTIVE);
        return call;
    }
}
