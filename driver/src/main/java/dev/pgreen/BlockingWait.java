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
 *
 * <p>On interrupt it sends a cancel request and keeps polling until the server
 * answers, so the stream is never left half-read; the query then fails with
 * {@code QueryCanceledException} and the interrupt flag is restored.
 */
final class BlockingWait implements WaitCallback {
    private final ReentrantLock lock = new ReentrantLock();
    private Selector selector;
    private SelectionKey key;
    private boolean closed;

    @Override
    public void await(Connection conn) {
        boolean interrupted = false;
        boolean cancelled = false;
        try {
            for (PollState state = conn.poll(); state != PollState.OK; state = conn.poll()) {
                if (Thread.interrupted()) {
                    interrupted = true;
                    if (!cancelled) {
                        cancelled = true;
                        conn.cancel();
                    }
                }
                select(conn.channel(), state, conn.waitTimeout());
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void select(SelectableChannel channel, PollState state, Duration timeout) {
        lock.lock();
        try {
            if (closed) {
                throw new OperationalException("connection closed while waiting");
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
            key.interestOps(state == PollState.READ ? SelectionKey.OP_READ
                    : SelectionKey.OP_WRITE | (channel instanceof java.nio.channels.SocketChannel sc
                            && sc.isConnectionPending() ? SelectionKey.OP_CONNECT : 0));
            long millis = timeout == null ? 0 : Math.max(1, timeout.toMillis());
            selector.select(millis);
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
