package dev.pgreen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pgreen.testing.PgServerExtension;
import dev.pgreen.testing.TestServer;

import java.io.ByteArrayOutputStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What a session keeps once a large message has gone through: its receive and send buffers are back to a small
 * size, so idle connections that once read or sent a large value do not each pin that much heap.
 */
@ExtendWith(PgServerExtension.class)
class BufferSizeTest {
    private static final int LARGE = 20_000_000;
    /** Well above the initial sizes, far below a large message. */
    private static final int SMALL = 64 * 1024;

    private Connection conn;
    private Cursor cur;

    @BeforeEach
    void connect(TestServer server) {
        conn = Pgreen.connect(server.dsn());
        cur = conn.cursor();
    }

    @AfterEach
    void close() {
        if (conn != null) conn.close();
    }

    private void assertBuffersSmall(String after) {
        int[] capacities = conn.bufferCapacities();
        assertTrue(capacities[0] <= SMALL, after + ": receive buffer of " + capacities[0] + " bytes");
        assertTrue(capacities[1] <= SMALL, after + ": send buffer of " + capacities[1] + " bytes");
    }

    @Test
    void afterReadingALargeValue() {
        cur.execute("SELECT repeat('x', %s)", LARGE);
        assertEquals(LARGE, ((String) cur.fetchOne().get(0)).length());
        assertBuffersSmall("a large value read");
    }

    @Test
    void afterReceivingALargeNotice() {
        // A message of another kind than a row goes through the receive buffer, which grows for it.
        cur.execute("DO $$ BEGIN RAISE NOTICE '%', repeat('n', " + LARGE + "); END $$");
        assertTrue(conn.notices().getLast().length() > LARGE, "the notice was received");
        assertBuffersSmall("a large notice received");
    }

    @Test
    void afterCopyingALargeRowOut() {
        var out = new ByteArrayOutputStream();
        cur.copyExpert("COPY (SELECT repeat('c', " + LARGE + ")) TO STDOUT", out);
        assertEquals(LARGE + 1, out.size());
        assertBuffersSmall("a large COPY row received");
    }

    @Test
    void afterSendingALargeParameter() {
        cur.execute("SELECT length(%s)", "p".repeat(LARGE));
        assertEquals(LARGE, cur.fetchOne().get(0));
        assertBuffersSmall("a large query sent");

        cur.executePrepared("SELECT length(%s)", "q".repeat(LARGE));
        assertEquals(LARGE, cur.fetchOne().get(0));
        assertBuffersSmall("a large server-side parameter sent");
    }
}
