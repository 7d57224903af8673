package dev.pgreen.testing;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.IntFunction;

/**
 * A loopback TCP proxy in front of the test server that a fault test steers: latency, a stalled direction, links
 * cut with RST or FIN (at once or after N bytes), garbage in the server's replies, new connections held back
 * (a cancel request is a new connection to the same address, so this delays cancels too). Each link is a pair of
 * sockets pumped by two daemon threads; {@link #close()} closes every socket and joins every thread.
 *
 * <p>Faults set on the proxy apply from the moment they are set: a {@link Tamper} (and so {@link #cutAfter},
 * {@link #truncate}, {@link #injectGarbage}, {@link #replaceChunk}) counts the bytes of its direction over all
 * links and fires once; {@link #stall} holds the links open at that moment, so a cancel request still gets
 * through, while {@link #stallNewConnections} holds the links opened afterwards (a server that stops answering
 * during the start-up).
 */
public final class FaultProxy implements AutoCloseable {
    /** Which way bytes flow. */
    public enum Direction {
        CLIENT_TO_SERVER, SERVER_TO_CLIENT
    }

    /** How a link is cut: a reset (the peer's read fails) or an orderly close (the peer reads end-of-stream). */
    public enum Cut {
        RST, FIN
    }

    /** What a {@link Tamper} makes of a chunk: the bytes to forward, then, unless null, how to cut the link. */
    public record Forward(byte[] bytes, Cut thenCut) {
        public static Forward as(byte[] bytes) {
            return new Forward(bytes, null);
        }
    }

    /**
     * Rewrites the bytes of one direction, a chunk (one read) at a time, under the proxy's lock.
     * {@code offset} is the number of bytes of that direction it was given before {@code chunk}.
     */
    @FunctionalInterface
    public interface Tamper {
        Forward apply(long offset, byte[] chunk);
    }

    private static final int CHUNK = 16 * 1024;
    private static final int CONNECT_UPSTREAM_MILLIS = 5_000;
    private static final Duration JOIN = Duration.ofSeconds(5);

    private final String targetHost;
    private final int targetPort;
    private final ServerSocket listener;
    private final String dsn;
    private final Thread acceptor;
    private final Set<Thread> threads = ConcurrentHashMap.newKeySet();
    private final AtomicLong[] forwarded = {new AtomicLong(), new AtomicLong()};

    private final ReentrantLock lock = new ReentrantLock();
    /** Signalled whenever a stall, the hold, the latency, a link or {@code closed} changes. */
    private final Condition changed = lock.newCondition();
    private final Set<Link> links = new LinkedHashSet<>(); // guarded by lock
    private final boolean[] stallNew = new boolean[2]; // guarded by lock
    private final Armed[] tampers = new Armed[2]; // guarded by lock
    private long latencyNanos; // guarded by lock
    private boolean holding; // guarded by lock
    private boolean closed; // guarded by lock
    private int opened; // guarded by lock
    private int linkIds; // guarded by lock

    /** A tamper with its own count of the bytes it was given. */
    private static final class Armed {
        final Tamper tamper;
        long offset;

        Armed(Tamper tamper) {
            this.tamper = tamper;
        }
    }

    /** A proxy in front of the test server; skips the calling test when that server is reached by a Unix socket. */
    public static FaultProxy start(TestServer server) {
        Assumptions.assumeFalse(server.host().startsWith("/"), "the fault proxy speaks TCP; the test server is on a Unix socket");
        return new FaultProxy(server.host(), server.port(), port -> server.dsnAt("127.0.0.1", port));
    }

    /**
     * A proxy on 127.0.0.1 (ephemeral port) in front of {@code host:port}; {@code dsnForPort} renders the DSN
     * that reaches the proxy's port.
     */
    public FaultProxy(String host, int port, IntFunction<String> dsnForPort) {
        this.targetHost = host;
        this.targetPort = port;
        try {
            this.listener = new ServerSocket(0, 100, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new IllegalStateException("the fault proxy could not listen on 127.0.0.1", e);
        }
        this.dsn = dsnForPort.apply(listener.getLocalPort());
        this.acceptor = spawn("fault-proxy-" + port() + "-accept", this::acceptLoop);
    }

    // ---- where to connect ----

    public int port() {
        return listener.getLocalPort();
    }

    /** The test server's DSN with host and port those of the proxy. */
    public String dsn() {
        return dsn;
    }

    /** {@link #dsn()} plus more key=value pairs, e.g. {@code dsn("connect_timeout=2")}. */
    public String dsn(String more) {
        return dsn + " " + more;
    }

    // ---- faults ----

    /** Every chunk is forwarded no sooner than {@code each} after it arrived, in both directions. */
    public void latency(Duration each) {
        withLock(() -> latencyNanos = each.toNanos());
    }

    /** Stops forwarding {@code d} on the links open now (their later bytes, and their close, wait for {@link #resume}). */
    public void stall(Direction d) {
        withLock(() -> links.forEach(l -> l.stalled[d.ordinal()] = true));
    }

    /** Links opened from now on start with {@code d} stalled, until {@link #resume}. */
    public void stallNewConnections(Direction d) {
        withLock(() -> stallNew[d.ordinal()] = true);
    }

    /** Lifts every stall, of open links and of new ones. */
    public void resume() {
        withLock(() -> {
            Arrays.fill(stallNew, false);
            links.forEach(l -> Arrays.fill(l.stalled, false));
        });
    }

    /** Cuts every open link at once, both ways. */
    public void cutAll(Cut how) {
        List<Link> open = new ArrayList<>();
        withLock(() -> open.addAll(links));
        open.forEach(l -> l.cut(how));
    }

    /** After {@code bytes} more bytes in {@code d} (over all links), forwards no more and cuts that link. */
    public void cutAfter(Direction d, long bytes, Cut how) {
        tamper(d, once(bytes, true, (at, chunk) -> new Forward(Arrays.copyOf(chunk, at), how)));
    }

    /** Forwards {@code bytes} more bytes in {@code d}, then closes that link (FIN): a truncated message. */
    public void truncate(Direction d, long bytes) {
        cutAfter(d, bytes, Cut.FIN);
    }

    /**
     * Puts {@code garbage} into the server's replies once, before byte {@code after} counted from now: with 0, at
     * the start of the next chunk the server sends.
     */
    public void injectGarbage(long after, byte[] garbage) {
        tamper(Direction.SERVER_TO_CLIENT, once(after, false, (at, chunk) -> {
            byte[] out = new byte[chunk.length + garbage.length];
            System.arraycopy(chunk, 0, out, 0, at);
            System.arraycopy(garbage, 0, out, at, garbage.length);
            System.arraycopy(chunk, at, out, at + garbage.length, chunk.length - at);
            return Forward.as(out);
        }));
    }

    /**
     * Replaces the server's bytes from byte {@code after} (counted from now) to the end of the chunk holding it
     * with random bytes from {@code new Random(seed)}: with 0, the whole next chunk.
     */
    public void replaceChunk(long after, long seed) {
        tamper(Direction.SERVER_TO_CLIENT, once(after, false, (at, chunk) -> {
            byte[] out = chunk.clone();
            byte[] noise = new byte[chunk.length - at];
            new Random(seed).nextBytes(noise);
            System.arraycopy(noise, 0, out, at, noise.length);
            return Forward.as(out);
        }));
    }

    /** Sets (or, with null, removes) the tamper of direction {@code d}; its offsets count from now. */
    public void tamper(Direction d, Tamper t) {
        withLock(() -> tampers[d.ordinal()] = t == null ? null : new Armed(t));
    }

    /** New connections are accepted but not connected to the server until {@link #releaseNewConnections()}. */
    public void holdNewConnections() {
        withLock(() -> holding = true);
    }

    public void releaseNewConnections() {
        withLock(() -> holding = false);
    }

    // ---- what happened ----

    /** Connections accepted since the start (a cancel request counts: it is a connection of its own). */
    public int connectionsOpened() {
        lock.lock();
        try {
            return opened;
        } finally {
            lock.unlock();
        }
    }

    /** Waits until {@code n} connections have been accepted in all; false when {@code limit} passed first. */
    public boolean awaitConnections(int n, Duration limit) {
        long left = limit.toNanos();
        lock.lock();
        try {
            while (opened < n) {
                if (left <= 0) return false;
                left = changed.awaitNanos(left);
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            lock.unlock();
        }
    }

    /** Bytes forwarded in {@code d} since the start, over all links. */
    public long forwarded(Direction d) {
        return forwarded[d.ordinal()].get();
    }

    /** Stops listening, closes every link and joins every thread of the proxy. */
    @Override
    public void close() {
        List<Link> open = new ArrayList<>();
        withLock(() -> {
            closed = true;
            open.addAll(links);
        });
        try {
            listener.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        open.forEach(l -> l.cut(Cut.FIN));
        // Again until none is left: a link may have started its second pump meanwhile.
        long deadline = System.nanoTime() + JOIN.toNanos();
        for (List<Thread> live = alive(); !live.isEmpty(); live = alive()) {
            long left = deadline - System.nanoTime();
            if (left <= 0 || Thread.currentThread().isInterrupted()) {
                throw new IllegalStateException("fault proxy threads did not stop: "
                        + live.stream().map(Thread::getName).toList());
            }
            try {
                live.getFirst().join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Threads not yet ended, counting those about to start. */
    private List<Thread> alive() {
        return threads.stream().filter(t -> t.getState() != Thread.State.TERMINATED).toList();
    }

    // ---- inside ----

    /** One proxied connection: the client's socket, then the server's once connected. */
    private final class Link {
        final int id;
        final Socket client;
        final boolean[] stalled = new boolean[2]; // guarded by lock
        Socket server; // guarded by lock
        boolean cut; // guarded by lock

        Link(int id, Socket client) {
            this.id = id;
            this.client = client;
        }

        void cut(Cut how) {
            Socket s;
            lock.lock();
            try {
                if (cut) return;
                cut = true;
                s = server;
                links.remove(this);
                changed.signalAll();
            } finally {
                lock.unlock();
            }
            abort(client, how);
            if (s != null) abort(s, how);
        }
    }

    private void acceptLoop() {
        while (true) {
            Socket client;
            try {
                client = listener.accept();
            } catch (IOException e) {
                return; // closed
            }
            Link link;
            lock.lock();
            try {
                if (closed) {
                    abort(client, Cut.FIN);
                    return;
                }
                opened++;
                link = new Link(++linkIds, client);
                for (Direction d : Direction.values()) link.stalled[d.ordinal()] = stallNew[d.ordinal()];
                links.add(link);
                changed.signalAll();
            } finally {
                lock.unlock();
            }
            spawn(name(link, "up"), () -> connectAndPump(link));
        }
    }

    /** Waits while new connections are held, connects to the server, then pumps both ways. */
    private void connectAndPump(Link link) {
        try {
            lock.lock();
            try {
                while (holding && !closed && !link.cut) changed.await();
                if (closed || link.cut) return;
            } finally {
                lock.unlock();
            }
            Socket server = new Socket();
            server.setTcpNoDelay(true);
            server.connect(new InetSocketAddress(targetHost, targetPort), CONNECT_UPSTREAM_MILLIS);
            lock.lock();
            try {
                link.server = server;
                if (link.cut) {
                    abort(server, Cut.FIN);
                    return;
                }
            } finally {
                lock.unlock();
            }
            link.client.setTcpNoDelay(true);
            spawn(name(link, "down"), () -> pump(link, Direction.SERVER_TO_CLIENT, server, link.client));
            pump(link, Direction.CLIENT_TO_SERVER, link.client, server);
        } catch (IOException | InterruptedException e) {
            link.cut(Cut.FIN);
        }
    }

    /** Forwards {@code from} to {@code to} until either end closes; the end of either direction ends the link. */
    private void pump(Link link, Direction d, Socket from, Socket to) {
        byte[] buf = new byte[CHUNK];
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            for (;;) {
                int n = in.read(buf);
                if (!awaitTurn(link, d, System.nanoTime()) || n < 0) return;
                Forward f = tampered(link, d, Arrays.copyOf(buf, n));
                if (f == null) return;
                // Counted before they leave: a client that has read them must find them counted.
                forwarded[d.ordinal()].addAndGet(f.bytes().length);
                out.write(f.bytes());
                out.flush();
                if (f.thenCut() != null) {
                    link.cut(f.thenCut());
                    return;
                }
            }
        } catch (IOException | InterruptedException e) {
            // the link is gone
        } finally {
            link.cut(Cut.FIN);
        }
    }

    /** Waits out the latency and any stall of {@code d}; false when the link or the proxy closed meanwhile. */
    private boolean awaitTurn(Link link, Direction d, long arrived) throws InterruptedException {
        lock.lock();
        try {
            for (;;) {
                if (closed || link.cut) return false;
                if (link.stalled[d.ordinal()]) {
                    changed.await();
                    continue;
                }
                long left = arrived + latencyNanos - System.nanoTime();
                if (left <= 0) return true;
                changed.awaitNanos(left);
            }
        } finally {
            lock.unlock();
        }
    }

    /** What to forward of {@code chunk}; null when the link was cut meanwhile (its bytes reach no tamper). */
    private Forward tampered(Link link, Direction d, byte[] chunk) {
        lock.lock();
        try {
            if (link.cut) return null;
            Armed a = tampers[d.ordinal()];
            if (a == null) return Forward.as(chunk);
            Forward f = a.tamper.apply(a.offset, chunk);
            a.offset += chunk.length;
            return f;
        } finally {
            lock.unlock();
        }
    }

    /**
     * A tamper that fires once, on the chunk that holds byte {@code after} (counted from when it was set), or for
     * {@code orAtEnd} also on a chunk that ends just before it; it gets that chunk and the index of that byte in
     * it, and passes everything else through.
     */
    private static Tamper once(long after, boolean orAtEnd, ChunkFault fault) {
        boolean[] fired = {false};
        return (offset, chunk) -> {
            long end = offset + chunk.length;
            if (fired[0] || end < after || end == after && !orAtEnd) {
                return Forward.as(chunk);
            }
            fired[0] = true;
            return fault.apply((int) (after - offset), chunk);
        };
    }

    @FunctionalInterface
    private interface ChunkFault {
        Forward apply(int at, byte[] chunk);
    }

    private void withLock(Runnable change) {
        lock.lock();
        try {
            change.run();
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private String name(Link link, String what) {
        return "fault-proxy-" + port() + "-" + link.id + "-" + what;
    }

    /** Starts a daemon thread that {@link #close()} will join; threads that ended are forgotten here. */
    private Thread spawn(String name, Runnable body) {
        Thread t = Thread.ofPlatform().daemon().name(name).unstarted(body);
        threads.removeIf(old -> old.getState() == Thread.State.TERMINATED);
        threads.add(t);
        t.start();
        return t;
    }

    private static void abort(Socket s, Cut how) {
        try {
            if (how == Cut.RST && !s.isClosed()) s.setSoLinger(true, 0);
        } catch (IOException ignored) {
            // closed meanwhile: nothing left to reset
        }
        try {
            s.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}
