package dev.pgreen.faults;

import dev.pgreen.Notify;
import dev.pgreen.TransactionStatus;
import dev.pgreen.errors.InterfaceException;
import dev.pgreen.errors.OperationalException;
import dev.pgreen.testing.BoundedCall;
import dev.pgreen.testing.FaultProxy;
import dev.pgreen.testing.FaultProxy.Cut;
import dev.pgreen.testing.ServerProcesses;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static dev.pgreen.faults.Faults.*;
import static dev.pgreen.testing.FaultProxy.Direction.SERVER_TO_CLIENT;
import static org.junit.jupiter.api.Assertions.*;

/** awaitNotifies under faults: each trial is the fault, the call, what the user sees. */
class NotifyFaultTest extends ProxiedTrials {
    private static final Duration LONG_WAIT = Duration.ofSeconds(30);
    private static final Duration SHORT_WAIT = Duration.ofSeconds(1);


    @BeforeEach
    void listen() {
        conn.cursor().execute("LISTEN faults");
    }

    private BoundedCall<Integer> await(Duration timeout) {
        return BoundedCall.start("awaitNotifies", () -> conn.awaitNotifies(timeout));
    }

    private void notifyFaults(String payload) {
        observer.cursor().execute("NOTIFY faults, %s", payload);
    }

    @Test
    void aBackendKilledDuringAwaitNotifies() {
        killTheBackendAndSeeTheSessionEnd(await(LONG_WAIT));
    }

    @Test
    void theLinkResetDuringAwaitNotifiesEndsItAtOnce() {
        BoundedCall<Integer> call = await(LONG_WAIT);
        long fault = System.nanoTime();
        proxy.cutAll(Cut.RST);
        fails(call, OperationalException.class, LOST, fault, PROMPTLY);
        assertClosed(conn);
    }

    @Test
    void garbageBeforeANotification() {
        proxy.injectGarbage(0, GARBAGE);
        BoundedCall<Integer> call = await(LONG_WAIT);
        long fault = System.nanoTime();
        notifyFaults("garbled");
        fails(call, InterfaceException.class, "protocol error", fault, PROMPTLY);
        assertClosed(conn);
    }

    @Test
    void aStalledNotificationWaitsForTheTimeoutAndArrivesOnceResumed() {
        proxy.stall(SERVER_TO_CLIENT);
        notifyFaults("late");
        BoundedCall<Integer> call = await(SHORT_WAIT);
        assertEquals(0, call.awaitEnd(SHORT_WAIT.plus(WATCHDOG)).result());
        assertTrue(call.elapsed().compareTo(SHORT_WAIT.minusMillis(50)) >= 0, "waited for its timeout: " + call.elapsed());
        assertTrue(call.elapsed().compareTo(SHORT_WAIT.plus(GRACE)) <= 0, "returned at its timeout: " + call.elapsed());
        proxy.resume();
        assertEquals(1, conn.awaitNotifies(LONG_WAIT));
        assertEquals(List.of("late"), conn.notifies().stream().map(Notify::payload).toList(), "nothing was lost");
        assertUsable(conn, TransactionStatus.IDLE);
    }

    @Test
    void aStoppedBackendDelaysNotificationsWithoutBreakingTheSession() {
        BoundedCall<Integer> call;
        try (ServerProcesses.Stopped stopped = ServerProcesses.of(server).stopBackend(conn.backendPid())) {
            notifyFaults("held");
            call = await(SHORT_WAIT);
            assertEquals(0, call.awaitEnd(SHORT_WAIT.plus(WATCHDOG)).result(), "a stopped backend forwards nothing");
        }
        assertTrue(call.elapsed().compareTo(SHORT_WAIT.plus(GRACE)) <= 0, "returned at its timeout: " + call.elapsed());
        assertEquals(1, conn.awaitNotifies(LONG_WAIT));
        assertEquals("held", conn.notifies().iterator().next().payload());
        assertUsable(conn, TransactionStatus.IDLE);
    }
}
