package dev.pgreen.transport;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.nio.channels.SelectableChannel;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Pattern;

/**
 * Resolves a host name without blocking the connecting thread: the JDK's
 * resolver blocks, so it runs on a daemon thread of its own, and its end is
 * signalled through a {@link Pipe} whose readable end the wait callback waits
 * on like any socket. An address literal needs no lookup and is done at once.
 */
final class HostResolver {
    private static final Pattern LITERAL = Pattern.compile("[0-9.]+|.*:.*");
    private static final ExecutorService RESOLVERS = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "pgreen-resolver");
        t.setDaemon(true);
        return t;
    });

    private final String host;
    private final Pipe pipe;
    private volatile InetAddress[] addresses;
    private volatile UnknownHostException failure;

    private HostResolver(String host, Pipe pipe) {
        this.host = host;
        this.pipe = pipe;
    }

    /** Whether {@code host} is an address literal (IPv4 or IPv6), which needs no lookup. */
    static boolean isLiteral(String host) {
        return LITERAL.matcher(host).matches();
    }

    /** Starts resolving {@code host}; a literal address is resolved before this returns. */
    static HostResolver start(String host) throws IOException {
        if (isLiteral(host)) {
            HostResolver r = new HostResolver(host, null);
            r.resolve();
            return r;
        }
        Pipe pipe = Pipe.open();
        pipe.source().configureBlocking(false);
        HostResolver r = new HostResolver(host, pipe);
        RESOLVERS.execute(r::resolveAndSignal);
        return r;
    }

    private void resolve() {
        try {
            addresses = InetAddress.getAllByName(host);
        } catch (UnknownHostException e) {
            failure = e;
        } catch (RuntimeException e) {
            failure = new UnknownHostException(host + ": " + e);
        }
    }

    private void resolveAndSignal() {
        resolve();
        try {
            pipe.sink().write(ByteBuffer.wrap(new byte[] {1}));
            pipe.sink().close();
        } catch (IOException ignored) {
            // The connect was abandoned and the pipe closed: nobody waits for the answer.
        }
    }

    boolean isDone() {
        return addresses != null || failure != null;
    }

    /** The addresses, once {@link #isDone()}; throws the resolver's failure. */
    InetAddress[] addresses() throws UnknownHostException {
        if (failure != null) {
            throw failure;
        }
        return addresses;
    }

    /** What to wait on (readable once resolved), or null for a literal. */
    SelectableChannel channel() {
        return pipe == null ? null : pipe.source();
    }

    void close() {
        if (pipe != null) {
            try {
                pipe.source().close();
            } catch (IOException ignored) {
                // Nothing useful to do about a failed close.
            }
        }
    }
}
