package dev.pgreen;

import java.nio.channels.SelectableChannel;
import java.time.Duration;

/**
 * The wait used when no callback is registered: the connection's own
 * {@link java.nio.channels.Selector}, kept across waits, so a wait costs one
 * interest update and one select.
 */
final class BlockingWait extends PollingWait {
    static final BlockingWait INSTANCE = new BlockingWait();

    private BlockingWait() {}

    @Override
    protected void waitFor(Connection conn, SelectableChannel channel, PollState state, Duration timeout) {
        selectOn(conn, channel, state, timeout);
    }
}
