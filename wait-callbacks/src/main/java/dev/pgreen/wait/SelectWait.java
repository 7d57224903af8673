package dev.pgreen.wait;

import dev.pgreen.Connection;
import dev.pgreen.PollState;
import dev.pgreen.WaitCallback;
import dev.pgreen.errors.OperationalException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.time.Duration;

/**
 * psycopg2's {@code wait_select}: waits with a {@link Selector}, one per
 * waiting thread, reused across waits.
 *
 * <p>On interrupt it calls {@link Connection#cancel()} and keeps polling until
 * the server answers, so the stream is never left half-read; the statement then
 * fails with {@code QueryCanceledException} and the interrupt flag is restored.
 */
public class SelectWait implements WaitCallback {
    private static final ThreadLocal<Selector> SELECTORS = new ThreadLocal<>();

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
                waitFor(conn.channel(), state, conn.waitTimeout());
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Waits until the channel is ready for what {@code state} asks, or the
     * timeout passes (null: no limit). May return early: callers poll again.
     */
    protected void waitFor(SelectableChannel channel, PollState state, Duration timeout) {
        Selector selector = selector();
        SelectionKey key = null;
        try {
            key = channel.register(selector, interestOps(channel, state));
            selector.select(timeout == null ? 0 : Math.max(1, timeout.toMillis()));
            selector.selectedKeys().clear();
        } catch (ClosedChannelException e) {
            // The connection was closed meanwhile: the next poll() reports it.
        } catch (IOException e) {
            throw new OperationalException("select() failed while waiting for the server: " + e.getMessage(), e);
        } finally {
            if (key != null) {
                key.cancel();
                try {
                    // Flushes the cancelled key so the channel can be registered again (or closed) at once.
                    selector.selectNow();
                } catch (IOException ignored) {
                    // The next select reports a broken selector.
                }
            }
        }
    }

    /** READ waits for OP_READ; WRITE for OP_WRITE, or OP_CONNECT while the socket is still connecting. */
    public static int interestOps(SelectableChannel channel, PollState state) {
        if (state == PollState.READ) {
            return SelectionKey.OP_READ;
        }
        return channel instanceof SocketChannel sc && sc.isConnectionPending()
                ? SelectionKey.OP_CONNECT : SelectionKey.OP_WRITE;
    }

    private static Selector selector() {
        Selector s = SELECTORS.get();
        if (s == null || !s.isOpen()) {
            try {
                s = Selector.open();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            SELECTORS.set(s);
        }
        return s;
    }
}
