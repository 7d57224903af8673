package dev.pgreen.faults;

import dev.pgreen.Connection;
import dev.pgreen.PollingWait;
import dev.pgreen.TransactionStatus;
import dev.pgreen.errors.InterfaceException;
import dev.pgreen.errors.OperationalException;
import dev.pgreen.errors.QueryCanceledException;
import dev.pgreen.testing.BoundedCall;
import dev.pgreen.testing.FaultProxy;
import dev.pgreen.testing.FaultProxy.Cut;
import dev.pgreen.testing.ServerProcesses;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;

import static dev.pgreen.faults.Faults.*;
import static dev.pgreen.testing.FaultProxy.Direction.SERVER_TO_CLIENT;
import static org.junit.jupiter.api.Assertions.*;

/** Queries under faults of the server, the network and the processes: each trial is the fault, the call, what the user sees. */
class QueryFaultTest extends ProxiedTrials {
    /** One DataRow of 200 kB: a cut at 50 kB lands in the middle of it. */
    private static final String BIG_ROW = "SELECT repeat('x', 200000)";


    private BoundedCall<Object> sleep(int seconds) {
        return running("pg_sleep", () -> conn.cursor().execute("SELECT pg_sleep(%s)", seconds));
    }

    @Test
    void aBackendKilledMidQuery() {
        killTheBackendAndSeeTheSessionEnd(sleep(30));
    }

    @ParameterizedTest
    @EnumSource(Cut.class)
    void aReplyCutMidMessage(Cut how) {
        proxy.cutAfter(SERVER_TO_CLIENT, 50_000, how);
        BoundedCall<Object> call = BoundedCall.start("big row", () -> conn.cursor().execute(BIG_ROW).fetchOne());
        OperationalException e = fails(call, OperationalException.class, LOST, System.nanoTime(), PROMPTLY);
        if (how == Cut.RST) assertTrue(e.getMessage().contains("reset"), e.getMessage());
        assertClosed(conn);
    }

    @Test
    void aReplyTruncatedInsideAMessageHeader() {
        proxy.truncate(SERVER_TO_CLIENT, 3);
        BoundedCall<Object> call = BoundedCall.start("select", () -> conn.cursor().execute("SELECT 1").fetchOne());
        fails(call, OperationalException.class, LOST, System.nanoTime(), PROMPTLY);
        assertClosed(conn);
    }

    @Test
    void everyLinkResetWhileIdle() {
        proxy.cutAll(Cut.RST);
        BoundedCall<Object> call = BoundedCall.start("select", () -> conn.cursor().execute("SELECT 1").fetchOne());
        fails(call, OperationalException.class, LOST, System.nanoTime(), PROMPTLY);
        assertClosed(conn);
    }

    @Test
    void garbageInsteadOfTheReply() {
        proxy.injectGarbage(0, GARBAGE);
        BoundedCall<Object> call = BoundedCall.start("select", () -> conn.cursor().execute("SELECT 1").fetchOne());
        fails(call, InterfaceException.class, "protocol error: message 'H' has an invalid length", System.nanoTime(), PROMPTLY);
        assertClosed(conn);
    }

    @Test
    void garbageInsideALongMessage() {
        proxy.injectGarbage(100_000, GARBAGE);
        BoundedCall<Object> call = BoundedCall.start("big row", () -> conn.cursor().execute(BIG_ROW).fetchOne());
        fails(call, InterfaceException.class, "protocol error", System.nanoTime(), PROMPTLY);
        assertClosed(conn);
    }

    @Test
    void aReplyReplacedByRandomBytes() {
        proxy.replaceChunk(0, 1);
        BoundedCall<Object> call = BoundedCall.start("select", () -> conn.cursor().execute("SELECT 1").fetchOne());
        fails(call, InterfaceException.class, "protocol error", System.nanoTime(), PROMPTLY);
        assertClosed(conn);
    }

    @Test
    void repliesStalledDuringConnectHitTheConnectTimeout() {
        proxy.stallNewConnections(SERVER_TO_CLIENT);
        long start = System.nanoTime();
        BoundedCall<Connection> call = BoundedCall.start("connect", () -> connect(proxy.dsn("connect_timeout=2")));
        fails(call, OperationalException.class, "timeout expired", start, Duration.ofSeconds(2).plus(GRACE));
        assertTrue(call.elapsed().toMillis() >= 1_900, "waited for the timeout: " + call.elapsed());
    }

    @Test
    void repliesStalledThenInterruptGivesUpAfterTheCancelGrace() {
        proxy.stall(SERVER_TO_CLIENT);
        BoundedCall<Object> call = BoundedCall.start("stalled select", () -> conn.cursor().execute("SELECT 1").fetchOne());
        // The cancel request is a new connection: it gets through, but cancels nothing and its answer never comes.
        long interrupted = System.nanoTime();
        call.interrupt();
        fails(call, OperationalException.class, "did not answer the cancel request", interrupted,
                PollingWait.CANCEL_GRACE.plus(GRACE));
        assertTrue(call.endedAfter(interrupted).compareTo(PollingWait.CANCEL_GRACE.minusMillis(500)) >= 0,
                "gave the server the whole grace: " + call.endedAfter(interrupted));
        assertTrue(call.interruptedAtEnd(), "the interrupt flag is restored");
        assertClosed(conn);
    }

    @Test
    void aStoppedBackendCancelledByAnInterruptIsCancelledOnceResumed() {
        conn.setAutocommit(false);
        BoundedCall<Object> call = sleep(30);
        long resumed;
        try (ServerProcesses.Stopped stopped = ServerProcesses.of(server).stopBackend(conn.backendPid())) {
            call.interrupt();
            assertTrue(proxy.awaitConnections(2, ACTIVE), "the cancel request went out");
            resumed = System.nanoTime();
        }
        fails(call, QueryCanceledException.class, "canceling statement due to user request", resumed, PROMPTLY);
        assertTrue(call.interruptedAtEnd(), "the interrupt flag is restored");
        assertUsable(conn, TransactionStatus.INERROR);
    }

    @Test
    void aStoppedPostmasterCannotAnswerTheCancelOfAnInterrupt() {
        BoundedCall<Object> call = sleep(60);
        int pid = conn.backendPid();
        long interrupted;
        try (ServerProcesses.Stopped stopped = ServerProcesses.of(server).stopPostmaster()) {
            interrupted = System.nanoTime();
            call.interrupt();
            call.awaitEnd(PollingWait.CANCEL_GRACE.plus(WATCHDOG));
        } finally {
            observer.cursor().execute("SELECT pg_terminate_backend(%s)", pid);
        }
        fails(call, OperationalException.class, "cancel request", interrupted, PollingWait.CANCEL_GRACE.plus(GRACE));
        assertClosed(conn);
    }
}
