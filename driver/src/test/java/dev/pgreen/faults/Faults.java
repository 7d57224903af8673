package dev.pgreen.faults;

import dev.pgreen.Connection;
import dev.pgreen.Pgreen;
import dev.pgreen.TransactionStatus;
import dev.pgreen.errors.InterfaceException;
import dev.pgreen.errors.PgException;
import dev.pgreen.testing.BoundedCall;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** What the fault trials assert about the user's side: the exception, its message, its timing, the connection after. */
final class Faults {
    /** How long a fault the driver can see at once (a reset, a FATAL, garbage) may take to surface. */
    static final Duration PROMPTLY = Duration.ofSeconds(3);
    /** Slack on top of a configured timeout or grace. */
    static final Duration GRACE = Duration.ofSeconds(3);
    /** A call that has not ended by then is hung: the trial fails with its stack. */
    static final Duration WATCHDOG = Duration.ofSeconds(30);
    /** A reply that no PostgreSQL message can start with: 'H' and a length far beyond any message. */
    static final byte[] GARBAGE = "HTTP/1.1 400 Bad Request\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    /** The messages of a connection the server or the network dropped. */
    static final String LOST = "server closed the connection unexpectedly";

    private Faults() {}

    static Connection connect(String dsn) {
        Connection c = Pgreen.connect(dsn);
        c.setAutocommit(true);
        return c;
    }

    /**
     * What the user sees: the call ended within {@code within} of {@code sinceNanos} with exactly {@code type},
     * whose message matches {@code cause} (a regular expression, case-insensitive).
     */
    static <E extends PgException> E fails(BoundedCall<?> call, Class<E> type, String cause, long sinceNanos,
                                           Duration within) {
        Throwable t = call.awaitEnd(within.plus(WATCHDOG)).failure();
        if (t.getClass() != type) {
            fail("expected " + type.getSimpleName() + " but the call threw " + t, t);
        }
        String message = String.valueOf(t.getMessage());
        assertTrue(Pattern.compile(cause, Pattern.CASE_INSENSITIVE).matcher(message).find(),
                () -> "the message should name the cause (" + cause + "): " + message);
        Duration took = call.endedAfter(sinceNanos);
        assertTrue(took.compareTo(within) <= 0, () -> "failed " + took.toMillis() + " ms after the fault, more than "
                + within.toMillis() + " ms: " + message);
        return type.cast(t);
    }

    /** The connection is closed: UNKNOWN status, and the next statement is refused without touching the network. */
    static void assertClosed(Connection c) {
        assertTrue(c.isClosed(), "the connection is closed");
        assertSame(TransactionStatus.UNKNOWN, c.transactionStatus());
        InterfaceException e = assertThrows(InterfaceException.class, () -> c.cursor().execute("SELECT 1"));
        assertTrue(e.getMessage().contains("connection already closed"), e.getMessage());
    }

    /** The connection survived in {@code status} and runs the next statement. */
    static void assertUsable(Connection c, TransactionStatus status) {
        assertFalse(c.isClosed(), "the connection is still open");
        assertSame(status, c.transactionStatus());
        if (status != TransactionStatus.IDLE) c.rollback();
        assertEquals(7, c.cursor().execute("SELECT 7").fetchOne().get(0));
    }
}
