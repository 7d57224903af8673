package dev.pgreen.transport;

import dev.pgreen.PollState;
import dev.pgreen.protocol.FrontendEncoder;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One CancelRequest on a connection of its own, driven by non-blocking
 * {@link #step()}s like the session itself, so its waits go through the same
 * wait callback. It is complete when the postmaster has closed the connection:
 * the backend has been signalled by then (libpq's PQcancel waits for the same),
 * so the signal can no longer reach a statement sent afterwards.
 *
 * <p>Any thread may step it (the owner of the operation and a thread that
 * called {@code cancel()}); steps are serialised by a lock held only for the
 * length of one non-blocking step.
 */
public final class CancelRequest {
    private final ReentrantLock lock = new ReentrantLock();
    private final SocketChannel channel;
    private final ByteBuffer request;
    private final long startedAt = System.nanoTime();
    private volatile boolean done;
    private volatile IOException failure;

    private CancelRequest(SocketChannel channel, byte[] request) {
        this.channel = channel;
        this.request = ByteBuffer.wrap(request);
    }

    /**
     * Starts connecting to the server the session reached (never resolving a
     * name again: the connect must not block). A failure to even start is kept
     * and reported by {@link #failure()}; the request is then complete.
     */
    public static CancelRequest start(ConnectSettings settings, SocketAddress remote, int processId, int secretKey) {
        byte[] bytes = FrontendEncoder.cancelRequest(processId, secretKey);
        SocketChannel ch = null;
        boolean interrupted = Thread.interrupted();
        try {
            if (settings.isUnixSocket()) {
                ch = SocketChannel.open(StandardProtocolFamily.UNIX);
                ch.configureBlocking(false);
                ch.connect(UnixDomainSocketAddress.of(settings.unixSocketPath()));
            } else {
                if (!(remote instanceof InetSocketAddress address) || address.isUnresolved()) {
                    throw new IOException("the server's address is not known (the connection is not established)");
                }
                ch = SocketChannel.open();
                ch.configureBlocking(false);
                ch.socket().setTcpNoDelay(true);
                ch.connect(address);
            }
            return new CancelRequest(ch, bytes);
        } catch (IOException e) {
            CancelRequest failed = new CancelRequest(ch, bytes);
            failed.finish(e);
            return failed;
        } finally {
            if (interrupted) {
                // An interrupt is often why we cancel; kept away from the channel, which it would close.
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Advances the request without blocking: OK once the server has closed the
     * cancel connection (or the request failed), else what to wait for on
     * {@link #channel()}.
     */
    public PollState step() {
        if (done) {
            return PollState.OK;
        }
        lock.lock();
        boolean interrupted = Thread.interrupted();
        try {
            if (done) {
                return PollState.OK;
            }
            if (channel.isConnectionPending() && !channel.finishConnect()) {
                return PollState.WRITE;
            }
            while (request.hasRemaining()) {
                if (channel.write(request) == 0) {
                    return PollState.WRITE;
                }
            }
            ByteBuffer sink = ByteBuffer.allocate(16);
            for (;;) {
                int n = channel.read(sink);
                if (n < 0) {
                    finish(null);
                    return PollState.OK;
                }
                if (n == 0) {
                    return PollState.READ;
                }
                sink.clear();
            }
        } catch (IOException e) {
            // A reset is the server closing too; any other failure leaves the statement uncancelled.
            finish(isReset(e) ? null : e);
            return PollState.OK;
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
            lock.unlock();
        }
    }

    private static boolean isReset(IOException e) {
        String m = String.valueOf(e.getMessage());
        return m.contains("reset") || m.contains("Broken pipe");
    }

    private void finish(IOException e) {
        failure = e;
        done = true;
        close();
    }

    /** Gives up: closes the cancel connection (shut down first, which wakes a selector waiting on it). */
    public void close() {
        done = true;
        if (channel != null) {
            try {
                if (channel.isConnected()) {
                    channel.shutdownInput();
                    channel.shutdownOutput();
                }
            } catch (IOException ignored) {
                // Closing below is what matters.
            }
            try {
                channel.close();
            } catch (IOException ignored) {
                // Nothing useful to do about a failed close.
            }
        }
    }

    public boolean isDone() {
        return done;
    }

    /** Why the request could not be delivered, or null (not complete, or delivered). */
    public IOException failure() {
        return failure;
    }

    /** The cancel connection, for the wait callback while the request is not complete. */
    public SocketChannel channel() {
        return channel;
    }

    /** When {@link #start} was called, as {@link System#nanoTime()}. */
    public long startedAt() {
        return startedAt;
    }
}
