package dev.pgreen.faults;

import dev.pgreen.TransactionStatus;
import dev.pgreen.errors.InterfaceException;
import dev.pgreen.errors.OperationalException;
import dev.pgreen.errors.QueryCanceledException;
import dev.pgreen.testing.BoundedCall;
import dev.pgreen.testing.FaultProxy;
import dev.pgreen.testing.FaultProxy.Cut;
import dev.pgreen.testing.ServerProcesses;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static dev.pgreen.faults.Faults.*;
import static dev.pgreen.testing.FaultProxy.Direction.CLIENT_TO_SERVER;
import static dev.pgreen.testing.FaultProxy.Direction.SERVER_TO_CLIENT;
import static org.junit.jupiter.api.Assertions.*;

/** COPY FROM STDIN and COPY TO STDOUT under faults: each trial is the fault, the call, what the user sees. */
class CopyFaultTest extends ProxiedTrials {
    /** About 2 MB of COPY output, in many CopyData messages. */
    private static final int ROWS = 20_000;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    @BeforeEach
    void createTables() {
        conn.cursor().execute("CREATE TEMP TABLE src AS SELECT g, repeat('x', 100) AS s FROM generate_series(1, %s) g", ROWS);
        conn.cursor().execute("CREATE TEMP TABLE sink (g int, s text)");
    }

    /** Rows for COPY FROM without end; {@code flowing} opens once a megabyte has been read. */
    private static InputStream endlessRows(CountDownLatch flowing) {
        return new InputStream() {
            private final byte[] row = "1\tabcdefghijklmnopqrstuvwxyz\n".getBytes(StandardCharsets.US_ASCII);
            private long read;

            @Override
            public int read() {
                byte b = row[(int) (read++ % row.length)];
                if (read == 1 << 20) flowing.countDown();
                return b;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                for (int i = 0; i < len; i++) b[off + i] = (byte) read();
                return len;
            }
        };
    }

    private BoundedCall<Object> copyOut() {
        return BoundedCall.start("copy to", () -> {
            conn.cursor().copyTo(out, "src");
            return null;
        });
    }

    @Test
    void aBackendKilledDuringCopyFrom() throws InterruptedException {
        CountDownLatch flowing = new CountDownLatch(1);
        BoundedCall<Object> call = BoundedCall.start("copy from", () -> {
            conn.cursor().copyFrom(endlessRows(flowing), "sink");
            return null;
        });
        assertTrue(flowing.await(ACTIVE.toSeconds(), TimeUnit.SECONDS), "rows are flowing");
        long fault = System.nanoTime();
        observer.cursor().execute("SELECT pg_terminate_backend(%s)", conn.backendPid());
        fails(call, OperationalException.class, "terminating connection|" + LOST, fault, PROMPTLY);
        assertClosed(conn);
    }

    @Test
    void copyFromInputResetMidStream() {
        proxy.cutAfter(CLIENT_TO_SERVER, 300_000, Cut.RST);
        BoundedCall<Object> call = BoundedCall.start("copy expert from", () -> {
            conn.cursor().copyExpert("COPY sink FROM STDIN", endlessRows(new CountDownLatch(1)));
            return null;
        });
        fails(call, OperationalException.class, LOST, System.nanoTime(), PROMPTLY);
        assertClosed(conn);
    }

    @Test
    void copyToOutputCutMidMessage() {
        proxy.cutAfter(SERVER_TO_CLIENT, 100_000, Cut.RST);
        BoundedCall<Object> call = copyOut();
        fails(call, OperationalException.class, LOST, System.nanoTime(), PROMPTLY);
        assertTrue(out.size() > 0 && out.size() < 100_000, "a part of the rows was written: " + out.size());
        assertClosed(conn);
    }

    @Test
    void copyToOutputTruncated() {
        proxy.truncate(SERVER_TO_CLIENT, 200_000);
        BoundedCall<Object> call = BoundedCall.start("copy expert to", () -> {
            conn.cursor().copyExpert("COPY src TO STDOUT", out);
            return null;
        });
        fails(call, OperationalException.class, LOST, System.nanoTime(), PROMPTLY);
        assertClosed(conn);
    }

    @Test
    void garbageInTheMiddleOfCopyTo() {
        proxy.injectGarbage(150_000, GARBAGE);
        BoundedCall<Object> call = copyOut();
        fails(call, InterfaceException.class, "protocol error", System.nanoTime(), PROMPTLY);
        assertClosed(conn);
    }

    @Test
    void aStoppedBackendCancelledDuringCopyToIsCancelledOnceResumed() {
        BoundedCall<Object> call = running("copy to", () -> {
            conn.cursor().copyExpert("COPY (SELECT pg_sleep(30)) TO STDOUT", out);
            return null;
        });
        long resumed;
        try (ServerProcesses.Stopped stopped = ServerProcesses.of(server).stopBackend(conn.backendPid())) {
            conn.cancel();
            resumed = System.nanoTime();
        }
        fails(call, QueryCanceledException.class, "canceling statement due to user request", resumed, PROMPTLY);
        assertUsable(conn, TransactionStatus.IDLE);
    }
}
