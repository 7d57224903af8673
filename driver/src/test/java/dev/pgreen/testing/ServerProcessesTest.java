package dev.pgreen.testing;

import dev.pgreen.Connection;
import dev.pgreen.Pgreen;
import dev.pgreen.errors.OperationalException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.*;

/** SIGSTOP/SIGCONT and restart of the throw-away cluster's processes. */
@ExtendWith(PgServerExtension.class)
// A test that hangs fails after two minutes, with its stack, instead of stalling the build.
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ServerProcessesTest {
    private static final Duration LIMIT = Duration.ofSeconds(20);

    private TestServer server;
    private ServerProcesses processes;

    @BeforeEach
    void setUp(TestServer server) {
        this.server = server;
        processes = ServerProcesses.of(server);
    }

    private Connection connect() {
        Connection c = Pgreen.connect(server.dsn());
        c.setAutocommit(true);
        return c;
    }

    private static Object select(Connection c, int n) {
        return c.cursor().execute("SELECT %s", n).fetchOne().get(0);
    }

    @Test
    void aStoppedBackendAnswersOnlyOnceResumed() {
        try (Connection stopped = connect(); Connection other = connect()) {
            BoundedCall<Object> call;
            try (ServerProcesses.Stopped s = processes.stopBackend(stopped.backendPid())) {
                assertEquals(stopped.backendPid(), s.pid());
                call = BoundedCall.start("stopped backend", () -> select(stopped, 1));
                assertEquals(2, select(other, 2), "the other sessions go on");
                assertFalse(call.isDone(), "a stopped backend cannot answer");
            }
            assertEquals(1, call.awaitEnd(LIMIT).result());
        }
    }

    @Test
    void onlyTheServersBackendsCanBeStopped() {
        assertThrows(IllegalArgumentException.class, () -> processes.stopBackend((int) ProcessHandle.current().pid()));
    }

    @Test
    void aStoppedPostmasterHoldsNewConnectionsButNotOpenSessions() {
        try (Connection open = connect()) {
            BoundedCall<Connection> connecting;
            try (ServerProcesses.Stopped s = processes.stopPostmaster()) {
                assertEquals(processes.postmasterPid(), s.pid());
                connecting = BoundedCall.start("connect to a stopped postmaster", this::connect);
                assertEquals(1, select(open, 1));
                assertFalse(connecting.isDone(), "no backend is started while the postmaster is stopped");
            }
            try (Connection late = connecting.awaitEnd(LIMIT).result()) {
                assertEquals(2, select(late, 2));
            }
        }
    }

    @Test
    void restartEndsEverySessionAndWaitsUntilTheServerAnswers() {
        long before = processes.postmasterPid();
        try (Connection old = connect()) {
            processes.restart();
            assertThrows(OperationalException.class, () -> select(old, 1));
            assertTrue(old.isClosed());
        }
        assertNotEquals(before, processes.postmasterPid());
        try (Connection fresh = connect()) {
            assertEquals(3, select(fresh, 3));
        }
    }
}
