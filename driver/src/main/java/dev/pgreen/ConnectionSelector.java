package dev.pgreen;

import java.io.IOException;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A {@link Selector} owned by one connection and kept across waits: a channel
 * stays registered between waits, so a wait costs one interest update and one
 * select, not a register, a select, a cancel and a {@code selectNow}. It is
 * closed with the connection, which also wakes a thread selecting on it.
 *
 * <p>Only the thread whose operation is in progress waits on it; the lock
 * guards the keys against {@link #close()}, never the select itself.
 */
final class ConnectionSelector {
    private final ReentrantLock lock = new ReentrantLock();
    /** The keys of the channels waited on so far: the session's socket, a cancel request's, a resolver's pipe. */
    private final Map<SelectableChannel, SelectionKey> keys = new HashMap<>(4);
    private Selector selector;
    private boolean closed;
    /** The caller polls the connection after every wait: which channel woke it up is of no use. */
    private static final java.util.function.Consumer<SelectionKey> IGNORE = key -> { };

    /**
     * Waits until {@code channel} is ready for {@code ops} or {@code millis}
     * pass (0: no limit). Returns early, without error, when the channel or the
     * selector is closed meanwhile: the caller polls again and learns why.
     */
    void await(SelectableChannel channel, int ops, long millis) throws IOException {
        Selector s;
        lock.lock();
        try {
            if (closed) {
                return;
            }
            if (selector == null) {
                selector = Selector.open();
            }
            s = selector;
            SelectionKey key = keys.get(channel);
            if (key == null || !key.isValid()) {
                keys.values().removeIf(k -> !k.isValid());
                if (key != null) {
                    // A cancelled key stays registered until the next selection.
                    s.selectNow();
                }
                key = channel.register(s, ops);
                keys.put(channel, key);
            } else {
                key.interestOps(ops);
            }
            // Usually the socket is the only channel: no iterator per wait then.
            if (keys.size() > 1) {
                for (SelectionKey other : keys.values()) {
                    if (other != key && other.isValid()) {
                        other.interestOps(0);
                    }
                }
            }
        } catch (ClosedChannelException | CancelledKeyException e) {
            return;
        } finally {
            lock.unlock();
        }
        try {
            // The action form: no selected-key set to fill and clear (an entry allocated per wait).
            s.select(IGNORE, millis);
        } catch (ClosedSelectorException e) {
            // Closed with the connection: the next poll() says so.
        }
    }

    /** Closes the selector, waking a thread that selects on it. Any thread, any number of times. */
    void close() {
        Selector s;
        lock.lock();
        try {
            closed = true;
            s = selector;
            keys.clear();
        } finally {
            lock.unlock();
        }
        if (s != null) {
            try {
                s.close();
            } catch (IOException ignored) {
                // Nothing useful to do about a failed close.
            }
        }
    }
}
