package dev.pgreen.wait;

import dev.pgreen.Connection;
import dev.pgreen.PollState;
import dev.pgreen.PollingWait;
import dev.pgreen.errors.OperationalException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.time.Duration;

/**
 * psycopg2's {@code wait_select}: waits with a {@link Selector}, one per
 * waiting thread, reused across waits. Interrupts cancel the statement as
 * {@link PollingWait} describes.
 *
 * <p>A Selector per thread suits platform threads; on virtual threads it opens
 * one per wait. There, use the loom module's wait, which parks the virtual
 * thread instead of blocking a carrier (on JDK 21) and shares one selector.
 */
public class SelectWait extends PollingWait {
    private static final ThreadLocal<Selector> SELECTORS = new ThreadLocal<>();

    @Override
    protected void waitFor(Connection conn, SelectableChannel channel, PollState state, Duration timeout) {
        if (Thread.currentThread().isVirtual()) {
            // A selector kept per virtual thread would outlive it (two file descriptors each): open one per wait.
            try (Selector selector = Selector.open()) {
                select(selector, channel, state, timeout);
            } catch (IOException e) {
                throw new OperationalException("could not open a selector: " + e.getMessage(), e);
            }
            return;
        }
        select(selector(), channel, state, timeout);
    }

    private static void select(Selector selector, SelectableChannel channel, PollState state, Duration timeout) {
        SelectionKey key = null;
        try {
            key = channel.register(selector, interestOps(channel, state));
            selector.select(selectMillis(timeout));
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
