package dev.pgreen.faults;

import dev.pgreen.Connection;
import dev.pgreen.PollState;
import dev.pgreen.PollingWait;
import dev.pgreen.errors.InterfaceException;
import dev.pgreen.errors.OperationalException;
import dev.pgreen.errors.PgException;
import dev.pgreen.testing.BoundedCall;
import dev.pgreen.testing.FaultProxy;
import dev.pgreen.testing.PgServerExtension;
import dev.pgreen.testing.ServerProcesses;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.Selector;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

import static dev.pgreen.faults.Faults.*;
import static dev.pgreen.testing.FaultProxy.Direction.SERVER_TO_CLIENT;
import static org.junit.jupiter.api.Assertions.*;

/**
 * API.md section 12, for the driver core that is on its way: {@code close()} from another thread aborts the
 * operation in progress at once, and a cancel request (non-blocking) only ever affects the statement it was sent
 * for. Each trial is the fault, the call, what the user sees.
 */
class AbortAndCancelFaultTest extends ProxiedTrials {
    /** How long {@code close()} from another thread may take, and the aborted call after it. */
    private static final Duration AT_ONCE = Duration.ofSeconds(1);
    /** What the aborted call says: the user closed the connection (not "server closed the connection unexpectedly"). */
    private static final String CLOSED = "connection (was |is |already )?closed";


    /** close() from another thread returns at once, and the call it aborted fails at once saying so. */
    private void closeAbortsTheCall(BoundedCall<?> call) {
        BoundedCall<Object> closing = BoundedCall.start("close", () -> {
            conn.close();
            return null;
        });
        long closed = System.nanoTime();
        assertNull(closing.awaitEnd(AT_ONCE.plus(WATCHDOG)).thrown(), "close() does not fail");
        assertTrue(closing.elapsed().compareTo(AT_ONCE) <= 0, "close() took " + closing.elapsed());
        Throwable t = call.awaitEnd(AT_ONCE.plus(WATCHDOG)).failure();
        assertTrue(t instanceof OperationalException || t instanceof InterfaceException, "the aborted call threw " + t);
        assertTrue(java.util.regex.Pattern.compile(CLOSED).matcher(String.valueOf(t.getMessage())).find(),
                "the message says the connection was closed: " + t.getMessage());
        assertTrue(call.endedAfter(closed).compareTo(AT_ONCE) <= 0, "the call ended " + call.endedAfter(closed) + " after close()");
        assertClosed(conn);
    }

    @Test
    void closeFromAnotherThreadAbortsPgSleep() {
        closeAbortsTheCall(running("pg_sleep", () -> conn.cursor().execute("SELECT pg_sleep(30)")));
    }

    @Test
    void closeFromAnotherThreadAbortsAwaitNotifies() {
        conn.cursor().execute("LISTEN faults");
        BoundedCall<Object> call = BoundedCall.start("awaitNotifies", () -> conn.awaitNotifies(Duration.ofSeconds(30)));
        closeAbortsTheCall(call);
    }

    @Test
    void closeFromAnotherThreadAbortsCopyTo() throws InterruptedException {
        CountDownLatch flowing = new CountDownLatch(1);
        OutputStream out = new OutputStream() {
            @Override
            public void write(int b) {
                flowing.countDown();
            }
        };
        BoundedCall<Object> call = BoundedCall.start("copy to", () -> {
            conn.cursor().copyExpert("COPY (SELECT g, pg_sleep(0.01) FROM generate_series(1, 10000) g) TO STDOUT", out);
            return null;
        });
        assertTrue(flowing.await(ACTIVE.toSeconds(), TimeUnit.SECONDS), "rows are flowing");
        closeAbortsTheCall(call);
    }

    @Test
    void closeFromAnotherThreadAbortsACallOnAStalledNetwork() {
        proxy.stall(SERVER_TO_CLIENT);
        BoundedCall<Object> call = BoundedCall.start("stalled select", () -> conn.cursor().execute("SELECT 1"));
        assertTrue(proxy.awaitConnections(1, ACTIVE));
        closeAbortsTheCall(call);
    }

    @Test
    void aCancelHeldByTheNetworkNeverLandsOnALaterStatement() {
        BoundedCall<Object> first = running("pg_sleep", () -> conn.cursor().execute("SELECT pg_sleep(1)"));
        proxy.holdNewConnections();
        BoundedCall<Object> cancelling = BoundedCall.start("cancel", () -> {
            conn.cancel();
            return null;
        });
        assertNull(cancelling.awaitEnd(AT_ONCE.plus(WATCHDOG)).thrown(), "cancel() does not fail");
        assertTrue(cancelling.elapsed().compareTo(AT_ONCE) <= 0, "cancel() does not wait for the server: " + cancelling.elapsed());
        assertTrue(proxy.awaitConnections(2, ACTIVE), "the cancel request is on its way");
        releaseOnceTheFirstStatementIsOver(first);
        assertLaterStatementsAreNotCancelled();
    }

    /**
     * The statement the cancel was for ends on the server meanwhile. A call that has returned by then, on an open
     * connection, lets the next statement start: the held cancel request is let through while it runs (or while
     * the driver holds it back), and must not cancel it.
     */
    private void releaseOnceTheFirstStatementIsOver(BoundedCall<Object> first) {
        awaitIdle(conn.backendPid());
        eventually(first::isDone, Duration.ofSeconds(2));
        BoundedCall<Object> later = null;
        if (first.isDone() && !conn.isClosed()) {
            later = BoundedCall.start("later statement",
                    () -> conn.cursor().execute("SELECT 3 FROM pg_sleep(1)").fetchOne().get(0));
            eventually(() -> isActive(conn.backendPid()), Duration.ofSeconds(1));
        }
        proxy.releaseNewConnections();
        Throwable t = first.awaitEnd(PollingWait.CANCEL_GRACE.plus(GRACE)).thrown();
        assertTrue(t == null || t instanceof PgException, "the first call ended with " + t);
        if (later != null) {
            assertEquals(3, later.awaitEnd(PollingWait.CANCEL_GRACE.plus(GRACE)).result(),
                    "the late cancel request hit the next statement");
        }
    }

    /** On an open connection, the next statement runs to its end: the late cancel request hit nothing. */
    private void assertLaterStatementsAreNotCancelled() {
        if (conn.isClosed()) return;
        assertEquals(1, conn.cursor().execute("SELECT 1 FROM pg_sleep(0.5)").fetchOne().get(0));
        assertEquals(2, conn.cursor().execute("SELECT 2 FROM pg_sleep(0.2)").fetchOne().get(0));
    }

    @Test
    void anInterruptUnderAWaitCallbackKeepsWaitingWhileItsCancelIsHeld() {
        CountingWait wait = new CountingWait();
        conn.setWaitCallback(wait);
        BoundedCall<Object> first = running("pg_sleep", () -> conn.cursor().execute("SELECT pg_sleep(1)"));
        proxy.holdNewConnections();
        first.interrupt();
        assertTrue(proxy.awaitConnections(2, ACTIVE), "the interrupt sent a cancel request");
        int before = wait.waits.get();
        assertTrue(eventually(() -> wait.waits.get() >= before + 2, Duration.ofSeconds(3)),
                "the callback kept waiting: the held cancel request does not block its thread");
        releaseOnceTheFirstStatementIsOver(first);
        assertLaterStatementsAreNotCancelled();
    }

    @Test
    void anInterruptUnderAWaitCallbackGivesUpOnAStoppedPostmasterWithinTheGrace() {
        CountingWait wait = new CountingWait();
        conn.setWaitCallback(wait);
        BoundedCall<Object> call = running("pg_sleep", () -> conn.cursor().execute("SELECT pg_sleep(60)"));
        long interrupted;
        int waitsInTheGrace;
        try (ServerProcesses.Stopped stopped = ServerProcesses.of(server).stopPostmaster()) {
            int before = wait.waits.get();
            interrupted = System.nanoTime();
            call.interrupt();
            call.awaitEnd(PollingWait.CANCEL_GRACE.plus(WATCHDOG));
            waitsInTheGrace = wait.waits.get() - before;
        }
        fails(call, OperationalException.class, "cancel", interrupted, PollingWait.CANCEL_GRACE.plus(AT_ONCE));
        assertTrue(waitsInTheGrace >= 3, "the callback went on waiting while the cancel was unanswered: "
                + waitsInTheGrace + " waits");
        assertClosed(conn);
    }

    @Test
    void cancelDoesNotWaitForAStoppedPostmasterAndNeverLandsLater() {
        BoundedCall<Object> first = running("pg_sleep", () -> conn.cursor().execute("SELECT pg_sleep(2)"));
        try (ServerProcesses.Stopped stopped = ServerProcesses.of(server).stopPostmaster()) {
            BoundedCall<Object> cancelling = BoundedCall.start("cancel", () -> {
                conn.cancel();
                return null;
            });
            assertTrue(cancelling.awaitEnd(AT_ONCE.plus(WATCHDOG)).elapsed().compareTo(AT_ONCE) <= 0,
                    "cancel() does not wait for the server: " + cancelling.elapsed());
            Throwable t = first.awaitEnd(PollingWait.CANCEL_GRACE.plus(GRACE).plus(WATCHDOG)).thrown();
            assertTrue(t == null || t instanceof PgException, "the call ended with " + t);
            assertTrue(first.elapsed().compareTo(PollingWait.CANCEL_GRACE.plus(GRACE)) <= 0,
                    "an unanswered cancel holds the call at most the grace: " + first.elapsed());
        }
        // Resumed, the postmaster reads the cancel request queued in its backlog: it must find nothing to cancel.
        assertLaterStatementsAreNotCancelled();
    }

    private boolean isActive(int pid) {
        var row = observer.cursor().execute("SELECT state FROM pg_stat_activity WHERE pid = %s", pid).fetchOne();
        return row != null && "active".equals(row.get(0));
    }

    private void awaitIdle(int pid) {
        assertTrue(eventually(() -> !isActive(pid), ACTIVE), "backend " + pid + " is still active");
    }

    /** Whether {@code condition} became true within {@code limit}. */
    private static boolean eventually(BooleanSupplier condition, Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline >= 0) return false;
            LockSupport.parkNanos(1_000_000);
        }
        return true;
    }

    /** A Selector-based wait callback that counts its waits: a cancel request in flight must not stop them. */
    private static final class CountingWait extends PollingWait {
        final AtomicInteger waits = new AtomicInteger();

        @Override
        protected void waitFor(Connection c, SelectableChannel channel, PollState state, Duration timeout) {
            waits.incrementAndGet();
            try (Selector selector = Selector.open()) {
                channel.register(selector, interestOps(channel, state));
                selector.select(selectMillis(timeout));
            } catch (ClosedChannelException e) {
                // closed meanwhile: the next poll() says so
            } catch (IOException e) {
                throw new OperationalException("could not wait: " + e.getMessage(), e);
            }
        }
    }
}
