package dev.pgreen.wait;

import dev.pgreen.Connection;
import dev.pgreen.PollState;
import dev.pgreen.PollingWait;

import java.nio.channels.SelectableChannel;
import java.time.Duration;

/**
 * psycopg2's {@code wait_select}: waits with a {@link java.nio.channels.Selector}.
 * The selector belongs to the connection: opened on its first wait, kept with
 * its registration across waits (a wait is one interest update and one select),
 * and closed with the connection, which wakes a thread waiting on it. Interrupts
 * cancel the statement as {@link PollingWait} describes.
 *
 * <p>A selecting thread blocks: that suits platform threads. On virtual
 * threads use the loom module's wait, which parks the virtual thread instead
 * of blocking its carrier.
 */
public class SelectWait extends PollingWait {
    /** The wait; it keeps no state of its own, so one can serve every connection. */
    public SelectWait() {
    }

    @Override
    protected void waitFor(Connection conn, SelectableChannel channel, PollState state, Duration timeout) {
        selectOn(conn, channel, state, timeout);
    }
}
