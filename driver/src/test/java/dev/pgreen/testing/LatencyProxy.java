package dev.pgreen.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A loopback TCP proxy in front of the test server that delays every chunk by
 * a fixed latency each way, so a round trip costs twice that: what a network
 * makes of a driver that waits for each reply. Bytes keep their order and are
 * never held back longer than the latency; only loopback is listened on.
 *
 * <pre>{@code
 * try (LatencyProxy proxy = LatencyProxy.start(server, Duration.ofMillis(2))) {
 *     Connection conn = Pgreen.connect(proxy.dsn(server));
 * }
 * }</pre>
 */
public final class LatencyProxy implements AutoCloseable {
    private final ServerSocketChannel listener;
    private final SocketAddress target;
    private final long delayNanos;
    private final List<SocketChannel> open = new CopyOnWriteArrayList<>();
    private final AtomicLong chunks = new AtomicLong();
    private volatile boolean closed;

    private LatencyProxy(ServerSocketChannel listener, SocketAddress target, Duration oneWay) {
        this.listener = listener;
        this.target = target;
        this.delayNanos = oneWay.toNanos();
    }

    /** Listens on a free loopback port and forwards to {@code server}, {@code oneWay} later in each direction. */
    public static LatencyProxy start(TestServer server, Duration oneWay) throws IOException {
        String host = server.host();
        SocketAddress target = host.startsWith("/")
                ? UnixDomainSocketAddress.of(Path.of(host, ".s.PGSQL." + server.port()))
                : new InetSocketAddress(host, server.port());
        return start(target, oneWay);
    }

    public static LatencyProxy start(SocketAddress target, Duration oneWay) throws IOException {
        ServerSocketChannel listener = ServerSocketChannel.open();
        listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        LatencyProxy proxy = new LatencyProxy(listener, target, oneWay);
        Thread.ofPlatform().daemon().name("latency-proxy-accept").start(proxy::acceptLoop);
        return proxy;
    }

    public int port() {
        return ((InetSocketAddress) listener.socket().getLocalSocketAddress()).getPort();
    }

    /** The server's DSN with host and port pointing at the proxy. */
    public String dsn(TestServer server) {
        return server.dsn() + " host=127.0.0.1 port=" + port();
    }

    /** Chunks forwarded so far, both directions: a rough count of the flights the traffic took. */
    public long chunks() {
        return chunks.get();
    }

    private void acceptLoop() {
        while (!closed) {
            SocketChannel client;
            try {
                client = listener.accept();
            } catch (IOException e) {
                return;
            }
            try {
                SocketChannel server = target instanceof UnixDomainSocketAddress
                        ? SocketChannel.open(StandardProtocolFamily.UNIX) : SocketChannel.open();
                server.connect(target);
                if (!(target instanceof UnixDomainSocketAddress)) {
                    server.socket().setTcpNoDelay(true);
                }
                client.socket().setTcpNoDelay(true);
                open.add(client);
                open.add(server);
                pump(client, server, "up");
                pump(server, client, "down");
            } catch (IOException e) {
                closeQuietly(client);
            }
        }
    }

    /** One direction: a reader stamps each chunk, a writer sends it once its delay is over. */
    private void pump(SocketChannel from, SocketChannel to, String direction) {
        LinkedBlockingQueue<Chunk> queue = new LinkedBlockingQueue<>();
        Thread.ofPlatform().daemon().name("latency-proxy-read-" + direction).start(() -> {
            ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
            try {
                while (from.read(buf) >= 0) {
                    buf.flip();
                    byte[] bytes = new byte[buf.remaining()];
                    buf.get(bytes);
                    buf.clear();
                    queue.add(new Chunk(System.nanoTime() + delayNanos, bytes));
                }
            } catch (IOException ignored) {
                // The peer or close() ended the connection.
            }
            queue.add(Chunk.END);
        });
        Thread.ofPlatform().daemon().name("latency-proxy-write-" + direction).start(() -> {
            try {
                for (Chunk c = queue.take(); c != Chunk.END; c = queue.take()) {
                    long wait = c.due - System.nanoTime();
                    if (wait > 0) {
                        TimeUnit.NANOSECONDS.sleep(wait);
                    }
                    ByteBuffer out = ByteBuffer.wrap(c.bytes);
                    while (out.hasRemaining()) {
                        to.write(out);
                    }
                    chunks.incrementAndGet();
                }
                to.shutdownOutput();
            } catch (IOException | InterruptedException e) {
                closeQuietly(from);
                closeQuietly(to);
            }
        });
    }

    private record Chunk(long due, byte[] bytes) {
        static final Chunk END = new Chunk(0, new byte[0]);
    }

    @Override
    public void close() {
        closed = true;
        closeQuietly(listener);
        for (SocketChannel ch : open) {
            closeQuietly(ch);
        }
    }

    private static void closeQuietly(java.nio.channels.Channel ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // Closing is all that is left to do.
        }
    }
}
