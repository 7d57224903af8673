package dev.pgreen;

import dev.pgreen.errors.OperationalException;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.time.Duration;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The wait used when no callback is registered: a {@link Selector} kept per
 * connection, so a wait costs one interest update and one select.
 */
final class BlockingWait extends PollingWait {
    /** Waits from the state the driver's own first step returned. */
    void awaitAfter(Connection conn, PollState first) {
        awaitFrom(conn, first);
    }

    private final ReentrantLock lock = new ReentrantLock();
    private Selector selector;
    private SelectionKey key;
    private boolean closed;

    @Override
    protected void waitFor(Connection conn, SelectableChannel channel, PollState state, Duration timeout) {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            if (selector == null) {
                selector = Selector.open();
            }
            if (key == null || key.channel() != channel || !key.isValid()) {
                if (key != null) {
                    key.cancel();
                    selector.selectNow();
                }
                key = channel.register(selector, 0);
            }
            key.interestOps(interestOps(channel, state));
            selector.select(selectMillis(timeout));
            selector.selectedKeys().clear();
        } catch (ClosedChannelException e) {
            // The connection was closed under us; the next poll() reports it.
        } catch (IOException e) {
            throw new OperationalException("waiting for the server failed: " + e.getMessage(), e);
        } finally {
            lock.unlock();
        }
    }

    void close() {
        lock.lock();
        try {
            closed = true;
            if (selector != null) {
                try {
                    selector.close();
                } catch (IOException ignored) {
                    // Nothing useful to do about a failed close.
                }
            }
        } finally {
            lock.unlock();
        }
    }
}
