package dev.pgreen.transport;

import dev.pgreen.PollState;
import dev.pgreen.errors.Diagnostics;
import dev.pgreen.errors.OperationalException;
import dev.pgreen.errors.PgException;
import dev.pgreen.protocol.ProtocolCore;
import dev.pgreen.protocol.ServerErrors;
import dev.pgreen.protocol.StartupOperation;
import dev.pgreen.transport.tls.TlsAttempts;
import dev.pgreen.transport.tls.TlsException;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import javax.net.ssl.SSLException;

/**
 * The thin I/O layer: moves bytes between a non-blocking {@link SocketChannel}
 * and the {@link ProtocolCore}, one non-blocking {@link #step()} at a time.
 * It never waits: it says what it needs (READ or WRITE) and the caller's wait
 * callback does the waiting. TLS, when the sslmode asks for it, is a {@link Wire}
 * between the socket and the core, negotiated on each new socket before the
 * StartupMessage leaves ({@link TlsAttempts}); the core never knows.
 */
public final class Transport {
    /**
     * The most one write is offered. The JDK writes a heap buffer through a temporary direct buffer as large as
     * what is offered, and keeps that buffer cached for the thread: a 100 MB query would pin 100 MB off-heap.
     */
    private static final int MAX_WRITE = 256 * 1024;

    private final ProtocolCore core;
    private final ConnectSettings settings;
    private final Deque<InetAddress> untriedAddresses = new ArrayDeque<>();
    /** Held only for the length of one non-blocking step, never across a wait. */
    private final ReentrantLock ioLock = new ReentrantLock();
    private volatile SocketChannel channel;
    private volatile boolean closed;
    private volatile long deadlineNanos;
    private volatile boolean hasDeadline;
    private volatile boolean abandonRequested;
    private volatile boolean established;
    /** Whether the socket connected: a failure after that is the server's answer, not an unreachable host. */
    private volatile boolean reached;
    /** Why {@link #abort} closed the connection, reported to the operation it interrupted. */
    private volatile String abortReason;
    /** Resolving the host name, until the first address is tried. */
    private volatile HostResolver resolver;
    /** Whether a read right after sending a request tends to find the reply; under the I/O lock. */
    private final ReplyPredictor replies = new ReplyPredictor();
    private IOException lastConnectFailure;
    /** Whether each attempt encrypts; set by {@link #open}. */
    private TlsAttempts tls;
    /** The socket's byte stream, plaintext or TLS, once negotiated; null before. */
    private Wire wire;
    /** The address of the current attempt, for a second attempt that changes only the encryption. */
    private InetSocketAddress target;
    /** The start-up, which a rejected attempt may run again over the other encryption. */
    private StartupOperation startup;

    private Transport(ProtocolCore core, ConnectSettings settings) {
        this.core = core;
        this.settings = settings;
    }

    /**
     * Starts connecting to the server without blocking: a host name is resolved
     * on a resolver thread meanwhile; {@link #step()} finishes the work.
     */
    public static Transport open(ProtocolCore core, ConnectSettings settings) {
        Transport t = new Transport(core, settings);
        try {
            t.tls = TlsAttempts.plan(settings.tls(), settings.isUnixSocket());
        } catch (TlsException e) {
            throw new OperationalException("connection to " + t.where() + " failed: " + e.getMessage(), e);
        }
        if (settings.isUnixSocket()) {
            t.connectUnix();
            return t;
        }
        try {
            t.resolver = HostResolver.start(settings.host());
        } catch (IOException e) {
            throw t.connectFailed(e);
        }
        // An address literal is resolved already: the socket exists (and channel() has it) from the start.
        t.resolved();
        return t;
    }

    /** Once the host name is resolved, starts connecting to its first address; false while it is not. */
    private boolean resolved() {
        HostResolver r = resolver;
        if (r == null) {
            return true;
        }
        if (!r.isDone()) {
            return false;
        }
        resolver = null;
        r.close();
        try {
            List<InetAddress> addresses = new ArrayList<>(Arrays.asList(r.addresses()));
            if (settings.loadBalanceRandom()) {
                Collections.shuffle(addresses);
            }
            untriedAddresses.addAll(addresses);
        } catch (UnknownHostException e) {
            throw fail(new OperationalException("could not translate host name \"" + settings.host()
                    + "\" to address: unknown host", e));
        }
        connectNextAddress();
        return true;
    }

    private void connectUnix() {
        try {
            SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
            ch.configureBlocking(false);
            channel = ch;
            ch.connect(UnixDomainSocketAddress.of(settings.unixSocketPath()));
        } catch (IOException e) {
            closeChannel();
            throw connectFailed(e);
        }
    }

    private void connectNextAddress() {
        while (!untriedAddresses.isEmpty()) {
            InetAddress address = untriedAddresses.poll();
            try {
                connectTo(new InetSocketAddress(address, settings.port()));
                return;
            } catch (IOException e) {
                lastConnectFailure = e;
                closeChannel();
            }
        }
        throw fail(connectFailed(lastConnectFailure));
    }

    private void connectTo(InetSocketAddress address) throws IOException {
        SocketChannel ch = SocketChannel.open();
        ch.configureBlocking(false);
        channel = ch;
        SocketOptions.applyTcp(ch, settings);
        target = address;
        ch.connect(address);
    }

    /**
     * A second attempt on the same address with the other encryption (sslmode allow or prefer):
     * a new socket, negotiated afresh before the start-up is sent again.
     */
    private void reconnect() {
        wire = null;
        closeChannel();
        try {
            connectTo(target);
        } catch (IOException e) {
            closeChannel();
            throw fail(connectFailed(e));
        }
    }

    private OperationalException connectFailed(IOException e) {
        String why = e == null ? "no address" : String.valueOf(e.getMessage());
        return new OperationalException("connection to " + where() + " failed: " + why, e);
    }

    /** The server as libpq's messages name it: {@code server at "host", port N}, or the socket file. */
    String where() {
        return settings.isUnixSocket()
                ? "socket \"" + settings.unixSocketPath() + "\""
                : "server at \"" + settings.host() + "\", port " + settings.port();
    }

    /** The session's socket; null while the host name is being resolved. */
    public SocketChannel channel() {
        return channel;
    }

    /** What the caller waits on now: the resolver's pipe while the host name is resolved, else the socket. */
    public java.nio.channels.SelectableChannel waitChannel() {
        HostResolver r = resolver;
        return r != null && r.channel() != null ? r.channel() : channel;
    }

    /** Marks the start-up as finished: a timeout from now on is a statement's, not the connect's. */
    public void markEstablished() {
        established = true;
    }

    public boolean isEstablished() {
        return established;
    }

    public boolean isClosed() {
        return closed;
    }

    /** Whether {@link #abort} closed the connection (from outside the operation, which must not go on). */
    public boolean isAborted() {
        return abortReason != null;
    }

    /** Whether the socket ever connected to the server. */
    public boolean reachedServer() {
        return reached;
    }

    /** Sets the absolute deadline for the operation in progress; past it, {@link #step()} fails. */
    public void setDeadline(long deadlineNanos) {
        this.deadlineNanos = deadlineNanos;
        this.hasDeadline = true;
    }

    /** Queues the start-up, which a second attempt with the other encryption may run again. */
    public void submitStartup(StartupOperation op) {
        startup = op;
        submit(op);
    }

    /**
     * The server certificate's tls-server-end-point hash (RFC 5929) for SCRAM's channel
     * binding, or null while the connection is not encrypted.
     */
    public byte[] tlsServerEndPoint() {
        try {
            return tls.serverEndPoint();
        } catch (TlsException e) {
            throw new OperationalException(e.getMessage(), e);
        }
    }

    /** Queues an operation; under the I/O lock, so a concurrent {@link #step()} never sees the buffer half-written. */
    public void submit(dev.pgreen.protocol.Operation op) {
        ioLock.lock();
        try {
            core.submit(op);
        } finally {
            ioLock.unlock();
        }
    }

    /** Bytes the core has written that the socket has not taken yet. */
    public int pendingOutput() {
        ioLock.lock();
        try {
            return core.encoder().size();
        } finally {
            ioLock.unlock();
        }
    }

    /** Runs {@code change} to the protocol state under the I/O lock. */
    public void withIo(Runnable change) {
        ioLock.lock();
        try {
            change.run();
        } finally {
            ioLock.unlock();
        }
    }

    /** Reads {@code what} from the protocol state under the I/O lock. */
    public <T> T readIo(java.util.function.Supplier<T> what) {
        ioLock.lock();
        try {
            return what.get();
        } finally {
            ioLock.unlock();
        }
    }

    /** The server's address once connected (a cancel request goes to the same one), or null. */
    public java.net.SocketAddress remoteAddress() {
        SocketChannel ch = channel;
        try {
            return ch == null || !ch.isConnected() ? null : ch.getRemoteAddress();
        } catch (IOException e) {
            return null;
        }
    }

    /** Asks the next {@link #step()} to end a wait that sent nothing (see {@link ProtocolCore#expire()}). */
    public void requestAbandonIdleWait() {
        abandonRequested = true;
    }

    public void clearDeadline() {
        hasDeadline = false;
    }

    /** Nanoseconds left before the deadline (at least 0), or -1 when there is none. */
    public long remainingNanos() {
        return hasDeadline ? Math.max(0, deadlineNanos - System.nanoTime()) : -1;
    }

    /**
     * Does all the I/O possible without blocking: finishes connecting, flushes
     * what the core has to send, reads and dispatches what arrived. Returns OK
     * when no operation is in flight any more (or, when none was, once what the
     * server sent has been read), else what to wait for.
     */
    public PollState step() {
        ioLock.lock();
        // An interrupt that lands during an operation on an InterruptibleChannel closes it,
        // so the flag is kept away from the channel and restored afterwards.
        boolean interrupted = Thread.interrupted();
        try {
            ensureOpen();
            if (abandonRequested) {
                abandonRequested = false;
                if (core.expire()) {
                    return PollState.OK;
                }
            }
            if (hasDeadline && core.isBusy() && System.nanoTime() - deadlineNanos > 0) {
                if (core.expire()) {
                    return PollState.OK;
                }
                throw fail(new OperationalException(established ? "timeout expired"
                        : "connection to " + where() + " failed: timeout expired"));
            }
            return stepUnlocked();
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
            ioLock.unlock();
        }
    }

    private PollState stepUnlocked() {
        try {
            if (!resolved()) {
                return PollState.READ;
            }
            for (;;) {
                SocketChannel ch = channel;
                if (ch.isConnectionPending() && !finishConnect(ch)) {
                    return PollState.WRITE;
                }
                if (!reached) {
                    connected(ch);
                }
                if (wire == null) {
                    PollState s = negotiate(ch);
                    if (s != PollState.OK) {
                        return s;
                    }
                    continue;
                }
                int written = flush(wire);
                if (written < 0) {
                    if (core.hasInFlight() && readAvailable()) {
                        // Reading let the server go on; it may be reading our output again.
                        continue;
                    }
                    return PollState.WRITE;
                }
                boolean busy = core.isBusy();
                boolean justSent = written > 0 && busy && !core.decoder().hasPartialMessage()
                        && !wire.hasBufferedInput();
                if (justSent && !replies.expectedAtOnce()) {
                    // The reply to what just left is not expected yet: skip a read that would find nothing.
                    return PollState.READ;
                }
                int n = wire.read(core.decoder().buffer());
                if (justSent) {
                    replies.record(n > 0);
                }
                if (n < 0) {
                    throw lost(null);
                }
                if (n == 0) {
                    return busy ? PollState.READ : PollState.OK;
                }
                if (processReceived()) {
                    continue;
                }
                // Decrypted bytes waiting in the wire would never wake a wait on the socket: read them first.
                if (busy && !core.isBusy() && core.encoder().isEmpty() && !wire.hasBufferedInput()) {
                    return PollState.OK;
                }
                if (!busy && core.hasInFlight() && !core.isBusy()) {
                    // A stream whose caller has not taken what arrived yet: one read's worth at a time.
                    // (What arrived may hold the caller up again, an error ending a COPY: then read on.)
                    return PollState.OK;
                }
            }
        } catch (SSLException e) {
            throw fail(tlsFailed(e));
        } catch (IOException e) {
            throw lost(e);
        } catch (PgException e) {
            if (!closed) {
                // A protocol error or a failed authentication step leaves the stream unusable.
                fail(e);
            }
            throw e;
        }
    }

    /** The socket has just connected: before the first byte goes out, the server's identity is checked. */
    private void connected(SocketChannel ch) {
        reached = true;
        if (settings.isUnixSocket() && settings.requirePeer() != null) {
            String refusal = SocketOptions.checkPeer(ch, settings.requirePeer());
            if (refusal != null) {
                throw fail(new OperationalException("connection to " + where() + " failed: " + refusal));
            }
        }
    }

    /** Reads and dispatches what has arrived, without waiting; returns whether anything had. */
    private boolean readAvailable() throws IOException {
        int n = wire.read(core.decoder().buffer());
        if (n < 0) {
            throw lost(null);
        }
        if (n > 0) {
            processReceived();
        }
        return n > 0;
    }

    /**
     * Dispatches what has arrived; returns true when that ended the attempt and a second one,
     * with the other encryption, has started in its place (libpq's sslmode allow and prefer:
     * the server rejected the start-up over this one).
     */
    private boolean processReceived() {
        core.processReceived();
        StartupOperation s = startup;
        if (s == null || established || core.hasInFlight() || s.error() == null) {
            return false;
        }
        try {
            if (!tls.retryAfterRejection(s.error().sqlState())) {
                return false;
            }
        } catch (TlsException e) {
            return false;
        }
        reconnect();
        core.forgetRejectedStartup();
        s.restart();
        core.submit(s);
        return true;
    }

    /** Starts or continues TLS on a new socket; a failed TLS attempt may give way to plaintext (prefer). */
    private PollState negotiate(SocketChannel ch) throws IOException {
        try {
            PollState s = tls.negotiate(ch, tlsHostName(), settings.port());
            if (s == PollState.OK) {
                wire = tls.wire();
            }
            return s;
        } catch (IOException e) {
            if (tls.retryAfterFailure()) {
                reconnect();
                return PollState.WRITE;
            }
            throw fail(e instanceof SSLException ssl ? tlsFailed(ssl) : connectFailed(e));
        }
    }

    /** The host name TLS checks and sends as SNI: {@code host} as given; none when only {@code hostaddr} was. */
    private String tlsHostName() {
        if (settings.hostName() != null) {
            return settings.hostName();
        }
        return settings.param("hostaddr") == null ? settings.host() : null;
    }

    private OperationalException tlsFailed(SSLException e) {
        String why = TlsException.describe(e);
        return new OperationalException(established ? why : "connection to " + where() + " failed: " + why, e);
    }

    private boolean finishConnect(SocketChannel ch) throws IOException {
        try {
            return ch.finishConnect();
        } catch (IOException e) {
            lastConnectFailure = e;
            closeChannel();
            if (settings.isUnixSocket() || untriedAddresses.isEmpty()) {
                throw fail(connectFailed(e));
            }
            connectNextAddress();
            return false;
        }
    }

    /** Writes what the core has to send; returns the bytes written, or -1 when the socket is full. */
    private int flush(Wire w) throws IOException {
        ByteBuffer out = core.encoder().pending();
        int end = out.limit();
        int written = 0;
        try {
            while (out.position() < end) {
                out.limit(Math.min(end, out.position() + MAX_WRITE));
                int n = w.write(out);
                if (n == 0) {
                    return -1;
                }
                written += n;
            }
            return w.flush() ? written : -1;
        } finally {
            out.limit(end);
            core.encoder().compact();
        }
    }

    private OperationalException lost(IOException cause) {
        Diagnostics fatal = core.fatalError();
        OperationalException e;
        String aborted = abortReason;
        if (aborted != null) {
            e = new OperationalException(aborted, cause);
        } else if (fatal != null) {
            e = ServerErrors.sessionEnded(fatal, cause);
        } else if (cause != null) {
            // A reset, or a silent peer given up by the keepalives ("Connection timed out").
            e = new OperationalException("server closed the connection unexpectedly: connection to " + where()
                    + " lost: " + cause.getMessage(), cause);
        } else {
            e = new OperationalException("server closed the connection unexpectedly\n"
                    + "\tThis probably means the server terminated abnormally\n"
                    + "\tbefore or while processing the request. (" + where() + ")");
        }
        return fail(e);
    }

    private <E extends PgException> E fail(E e) {
        close();
        return e;
    }

    private void ensureOpen() {
        if (closed) {
            throw closedError();
        }
    }

    /** What an operation on the closed connection raises: the abort that closed it, or "already closed". */
    public PgException closedError() {
        String aborted = abortReason;
        return aborted != null ? new OperationalException(aborted)
                : new dev.pgreen.errors.InterfaceException("connection already closed");
    }

    /**
     * Sends Terminate if it can without waiting, then closes the socket.
     * Safe to call from any thread, more than once.
     */
    public void terminateAndClose() {
        if (closed) {
            return;
        }
        if (ioLock.tryLock()) {
            try {
                SocketChannel ch = channel;
                Wire w = wire;
                if (ch != null && ch.isConnected() && w != null && !core.hasInFlight()) {
                    core.encoder().terminate();
                    boolean interrupted = Thread.interrupted();
                    try {
                        flush(w);
                        w.closeQuietly();
                    } catch (IOException ignored) {
                        // The server may already be gone; closing is all that is left to do.
                    } finally {
                        if (interrupted) Thread.currentThread().interrupt();
                    }
                }
            } finally {
                ioLock.unlock();
            }
        }
        close();
    }

    public void close() {
        closed = true;
        HostResolver r = resolver;
        if (r != null) {
            r.close();
        }
        closeChannel();
    }

    /**
     * Closes the connection under an operation that another thread runs
     * (JDBC's {@code abort}): the socket is shut down first, which wakes every
     * selector waiting on it, and the operation fails with {@code reason}.
     * Any thread; never waits for the I/O lock.
     */
    public void abort(String reason) {
        if (closed) {
            return;
        }
        abortReason = reason;
        closed = true;
        SocketChannel ch = channel;
        if (ch != null && ch.isConnected()) {
            try {
                ch.shutdownInput();
                ch.shutdownOutput();
                // The connection to the server is over; the file descriptor is closed by the operation when it
                // wakes (its failure closes the transport). Closing it here would cancel its selection keys, and a
                // selector that has not reported the shutdown yet would drop that wake-up with the key.
                return;
            } catch (IOException ignored) {
                // Not shut down: close it now, below.
            }
        }
        close();
    }

    private void closeChannel() {
        SocketChannel ch = channel;
        if (ch != null) {
            try {
                ch.close();
            } catch (IOException ignored) {
                // Nothing useful to do about a failed close.
            }
        }
    }
}
