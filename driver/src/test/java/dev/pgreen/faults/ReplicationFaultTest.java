package dev.pgreen.faults;

import dev.pgreen.Connection;
import dev.pgreen.Pgreen;
import dev.pgreen.errors.InterfaceException;
import dev.pgreen.errors.OperationalException;
import dev.pgreen.replication.LogicalReplicationConnection;
import dev.pgreen.replication.ReplicationCursor;
import dev.pgreen.testing.BoundedCall;
import dev.pgreen.testing.FaultProxy;
import dev.pgreen.testing.FaultProxy.Cut;
import dev.pgreen.testing.PgServerExtension;
import dev.pgreen.testing.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static dev.pgreen.faults.Faults.*;
import static dev.pgreen.testing.FaultProxy.Direction.SERVER_TO_CLIENT;
import static org.junit.jupiter.api.Assertions.*;

/**
 * A logical replication stream (consumeStream) under faults: each trial is the fault, the call, what the user
 * sees. The slots are TEMPORARY: the server drops each with the session the fault ends.
 */
@ExtendWith(PgServerExtension.class)
// A test that hangs fails after two minutes, with its stack, instead of stalling the build.
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ReplicationFaultTest {
    private FaultProxy proxy;
    private Connection observer;
    private LogicalReplicationConnection repl;

    @BeforeEach
    void setUp(TestServer server) {
        proxy = FaultProxy.start(server);
        observer = connect(server.dsn());
        observer.cursor().execute("CREATE TABLE IF NOT EXISTS fault_repl (x int)");
        repl = Pgreen.connect(proxy.dsn(), LogicalReplicationConnection::new);
    }

    @AfterEach
    void tearDown() {
        proxy.close();
        repl.close();
        observer.close();
    }

    /** consumeStream running on its own thread, once it has handed over a first change. */
    private BoundedCall<Object> streaming() throws InterruptedException {
        ReplicationCursor cur = repl.cursor();
        String slot = "fault_" + Long.toHexString(System.nanoTime());
        cur.execute("CREATE_REPLICATION_SLOT " + slot + " TEMPORARY LOGICAL test_decoding");
        cur.startReplication(slot, true);
        CountDownLatch first = new CountDownLatch(1);
        BoundedCall<Object> call = BoundedCall.start("consumeStream", () -> {
            cur.consumeStream(m -> first.countDown());
            return null;
        });
        insert();
        assertTrue(first.await(WATCHDOG.toSeconds(), TimeUnit.SECONDS), "the stream delivers");
        return call;
    }

    private void insert() {
        observer.cursor().execute("INSERT INTO fault_repl VALUES (1)");
    }

    @Test
    void theWalSenderKilledDuringConsumeStream() throws InterruptedException {
        BoundedCall<Object> call = streaming();
        long fault = System.nanoTime();
        observer.cursor().execute("SELECT pg_terminate_backend(%s)", repl.backendPid());
        OperationalException e = fails(call, OperationalException.class, "terminating", fault, PROMPTLY);
        assertEquals("57P01", e.sqlState());
        assertClosed(repl);
    }

    @Test
    void theLinkResetDuringConsumeStream() throws InterruptedException {
        BoundedCall<Object> call = streaming();
        long fault = System.nanoTime();
        proxy.cutAll(Cut.RST);
        fails(call, OperationalException.class, LOST, fault, PROMPTLY);
        assertClosed(repl);
    }

    @Test
    void aChangeTruncatedMidMessage() throws InterruptedException {
        BoundedCall<Object> call = streaming();
        proxy.truncate(SERVER_TO_CLIENT, 10);
        long fault = System.nanoTime();
        insert();
        fails(call, OperationalException.class, LOST, fault, PROMPTLY);
        assertClosed(repl);
    }

    @Test
    void garbageInTheStream() throws InterruptedException {
        BoundedCall<Object> call = streaming();
        proxy.injectGarbage(0, GARBAGE);
        long fault = System.nanoTime();
        insert();
        fails(call, InterfaceException.class, "protocol error", fault, PROMPTLY);
        assertClosed(repl);
    }
}
